from django.urls import path

from submissions import views

app_name = "submissions"
urlpatterns = [
    path("call/", views.call_current, name="call_current"),
    path("call/<slug:slug>/", views.call, name="call"),
    path("applications/new/<slug:slug>/", views.project_new, name="new"),
    path("applications/<int:pk>/", views.project_status, name="status"),
    path("applications/<int:pk>/edit/", views.project_edit, name="edit"),
    path("applications/<int:pk>/reopen/", views.project_reopen, name="reopen"),
    path("applications/<int:pk>/withdraw/", views.project_withdraw, name="withdraw"),
    path("applications/<int:pk>/summary.pdf", views.project_summary_pdf, name="summary_pdf"),
    path("applications/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("screening/", views.screening_current, name="screening_current"),
    path("screening/<slug:slug>/", views.screening_list, name="screening"),
    path("screening/<slug:slug>/bulk/", views.screening_bulk, name="screening_bulk"),
    path("screening/<slug:slug>/<int:pk>/", views.screening_detail, name="screening_detail"),
    path("screening/<slug:slug>/<int:pk>/eligibility/", views.screening_eligibility, name="screening_eligibility"),
    path("screening/<slug:slug>/<int:pk>/reopen/", views.screening_reopen, name="screening_reopen"),
    path("screening/<slug:slug>/dossier/<slug:category_slug>/", views.screening_dossier, name="screening_dossier"),
]
