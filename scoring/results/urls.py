from django.urls import path

from scoring.ballot import views as ballot_views
from scoring.results import ceremony_views, cross_views, meeting_views, ranking_views, views

app_name = "results"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:edition>/", views.public, name="public"),
    path("<slug:edition>/results.json", views.public_json, name="public_json"),
    path("<slug:edition>/ceremony/", views.ceremony, name="ceremony"),
    path("<slug:edition>/ceremony/offline/", views.ceremony_offline, name="ceremony_offline"),
    path("<slug:edition>/ceremony/presenter/", ceremony_views.presenter, name="ceremony_presenter"),
    path("<slug:edition>/ceremony/script/", ceremony_views.script, name="ceremony_script"),
    path("<slug:edition>/ceremony/script/sponsors/", ceremony_views.sponsor_add, name="ceremony_sponsor_add"),
    path(
        "<slug:edition>/ceremony/script/sponsors/<int:pk>/move/",
        ceremony_views.sponsor_move,
        name="ceremony_sponsor_move",
    ),
    path(
        "<slug:edition>/ceremony/script/sponsors/<int:pk>/remove/",
        ceremony_views.sponsor_remove,
        name="ceremony_sponsor_remove",
    ),
    path("<slug:edition>/project/<int:pk>/", views.project_result, name="project"),
    path("<slug:edition>/ranking/", views.overview, name="overview"),
    path("<slug:edition>/ranking/publish/", views.publish_view, name="publish"),
    path("<slug:edition>/ranking/unpublish/", views.unpublish_view, name="unpublish"),
    path("<slug:edition>/ranking/special/", views.special_award_view, name="special_award"),
    path(
        "<slug:edition>/ranking/special/<int:pk>/remove/", views.special_award_remove_view, name="special_award_remove"
    ),
    path("<slug:edition>/ranking/cross/", cross_views.cross_award, name="cross_award"),
    path("<slug:edition>/ranking/cross/give/", cross_views.cross_award_give_view, name="cross_award_give"),
    path("<slug:edition>/meeting/<int:round>/<slug:category>/", meeting_views.meeting_view, name="meeting"),
    path(
        "<slug:edition>/meeting/<int:round>/<slug:category>/timer/",
        meeting_views.meeting_timer_view,
        name="meeting_timer",
    ),
    path(
        "<slug:edition>/meeting/<int:round>/<slug:category>/names/",
        meeting_views.meeting_names_view,
        name="meeting_names",
    ),
    path(
        "<slug:edition>/meeting/<int:round>/<slug:category>/<int:project>/",
        meeting_views.meeting_view,
        name="meeting_project",
    ),
    path(
        "<slug:edition>/meeting/<int:round>/<slug:category>/<int:project>/note/",
        meeting_views.meeting_note_view,
        name="meeting_note",
    ),
    path(
        "<slug:edition>/meeting/<int:round>/<slug:category>/<int:project>/decide/",
        meeting_views.meeting_decide_view,
        name="meeting_decide",
    ),
    path(
        "<slug:edition>/meeting/<int:round>/<slug:category>/<int:project>/veto/",
        meeting_views.meeting_veto_view,
        name="meeting_veto",
    ),
    path("<slug:edition>/ranking/<int:round>/freeze/", views.round_freeze_view, name="round_freeze"),
    path("<slug:edition>/ranking/<int:round>/<slug:category>/", ranking_views.ranking, name="ranking"),
    path(
        "<slug:edition>/ranking/<int:round>/<slug:category>/finalists/", views.finalists_select_view, name="finalists"
    ),
    path("<slug:edition>/ranking/<int:round>/<slug:category>/override/", views.finalist_override_view, name="override"),
    path(
        "<slug:edition>/ranking/<int:round>/<slug:category>/final-round/",
        views.final_round_prepare_view,
        name="final_round",
    ),
    path("<slug:edition>/ranking/<int:round>/<slug:category>/ballot/", ballot_views.ballot_result, name="ballot"),
    path("<slug:edition>/ranking/<int:round>/<slug:category>/ballot/tie/", ballot_views.ballot_tie, name="ballot_tie"),
    path("<slug:edition>/ranking/<int:round>/<slug:category>/winner/", views.winners_select_view, name="winner"),
    path(
        "<slug:edition>/ranking/<int:round>/<slug:category>/winner-override/",
        views.winner_override_view,
        name="winner_override",
    ),
]
