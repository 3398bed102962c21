from django.urls import path

from scoring.ballot import views as ballot_views
from scoring.jury import briefing_views, manage_views, views

app_name = "scoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("assignments/<int:pk>/", views.score, name="score"),
    path("assignments/<int:pk>/conflict/", views.declare_conflict, name="declare_conflict"),
    path("assignments/<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("ballot/<int:round>/<slug:category>/", ballot_views.ballot, name="ballot"),
    path("briefing/<slug:slug>/", briefing_views.briefing, name="briefing"),
    path("manage/<slug:slug>/briefing/", briefing_views.briefing_edit, name="briefing_edit"),
    path("invitation/<str:uidb64>/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("manage/", manage_views.manage_current, name="manage"),
    path("manage/<slug:slug>/jurors/", manage_views.jurors, name="jurors"),
    path("manage/<slug:slug>/jurors/import/", manage_views.jurors_import_view, name="jurors_import"),
    path("manage/<slug:slug>/jurors/<int:role_pk>/", manage_views.juror_edit, name="juror_edit"),
    path("manage/<slug:slug>/jurors/<int:role_pk>/chair/", manage_views.juror_chair, name="juror_chair"),
    path("manage/rounds/<int:pk>/assignments/", manage_views.assignments, name="assignments"),
    path("manage/rounds/<int:pk>/progress/", manage_views.progress, name="progress"),
    path("manage/rounds/<int:pk>/reminders/", manage_views.reminders, name="reminders"),
    path("manage/assignments/<int:pk>/reopen/", manage_views.reopen, name="reopen"),
]
