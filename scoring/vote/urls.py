from django.urls import path

from scoring.vote import views

app_name = "vote"
urlpatterns = [
    path("<slug:slug>/", views.vote_page, name="page"),
    path("<slug:slug>/picture/<int:pk>.jpg", views.vote_picture, name="picture"),
    path("<slug:slug>/sent/", views.vote_sent, name="sent"),
    path("<slug:slug>/confirm/<str:token>/", views.vote_confirm_view, name="confirm"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/manage/fraud/", views.fraud, name="fraud"),
    path("<slug:slug>/manage/fraud.csv", views.fraud_export, name="fraud_export"),
    path("<slug:slug>/manage/void/", views.void, name="void"),
    path("<slug:slug>/manage/prize/", views.prize, name="prize"),
]
