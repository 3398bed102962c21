from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.reports_current, name="current"),
    path("certificates/mine/", views.my_certificates, name="my_certificates"),
    path("certificates/<str:code>.pdf", views.certificate_download, name="certificate_download"),
    path("<slug:slug>/", views.reports_home, name="home"),
    path("<slug:slug>/excel/<str:kind>.xlsx", views.excel_download, name="excel"),
    path("<slug:slug>/ceremony/envelope-cards.pdf", views.ceremony_envelopes, name="ceremony_envelopes"),
    path("<slug:slug>/ceremony/run-of-show.pdf", views.ceremony_run_of_show, name="ceremony_run_of_show"),
    path("<slug:slug>/exports/<int:pk>/", views.export_detail, name="export"),
    path("<slug:slug>/exports/<int:pk>/download", views.export_file, name="export_file"),
    path("<slug:slug>/exports/<int:pk>/rerun", views.export_rerun, name="export_rerun"),
    path("<slug:slug>/certificates/batches/", views.batch_start, name="batch_start"),
    path("<slug:slug>/certificates/batches/<int:pk>/", views.batch_detail, name="batch"),
    path("<slug:slug>/certificates/batches/<int:pk>/rerun", views.batch_rerun, name="batch_rerun"),
    path("<slug:slug>/certificates/batches/<int:pk>/<str:part>", views.batch_file, name="batch_file"),
    path("<slug:slug>/certificates/<str:code>/revoke", views.certificate_revoke_view, name="certificate_revoke"),
]
