from django.urls import path

from award.setup import emails, views

app_name = "setup"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.edition_new, name="new"),
    path("<slug:slug>/", views.basics, name="basics"),
    path("<slug:slug>/categories/", views.categories, name="categories"),
    path("<slug:slug>/categories/template/", views.categories_template, name="categories_template"),
    path("<slug:slug>/rubric/", views.rubric, name="rubric"),
    path("<slug:slug>/rubric/new/", views.criterion_edit, name="criterion_new"),
    path("<slug:slug>/rubric/order/", views.criteria_order, name="criteria_order"),
    path("<slug:slug>/rubric/template/", views.rubric_template, name="rubric_template"),
    path("<slug:slug>/rubric/<int:pk>/", views.criterion_edit, name="criterion"),
    path("<slug:slug>/rubric/<int:pk>/move/", views.criterion_move, name="criterion_move"),
    path("<slug:slug>/rubric/<int:pk>/remove/", views.criterion_remove, name="criterion_remove"),
    path("<slug:slug>/rounds/", views.rounds, name="rounds"),
    path("<slug:slug>/signatories/", views.signatories, name="signatories"),
    path("<slug:slug>/branding/", views.branding, name="branding"),
    path("<slug:slug>/logo/", views.edition_logo, name="logo"),
    path("<slug:slug>/emails/", emails.emails, name="emails"),
    path("<slug:slug>/emails/log/", emails.email_log, name="email_log"),
    path("<slug:slug>/emails/log/<int:pk>/resend/", emails.email_log_resend, name="email_log_resend"),
    path("<slug:slug>/emails/<slug:kind>/<str:language>/", emails.email_edit, name="email_edit"),
    path("<slug:slug>/checklist/", views.checklist, name="checklist"),
    path("<slug:slug>/open/", views.call_open, name="open"),
]
