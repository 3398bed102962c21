from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from award import views
from award.forms import EmailAuthenticationForm
from reports.views import certificate_verify

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("submissions.urls")),
    path("jury/", include("scoring.urls")),
    path("results/", include("scoring.results_urls")),
    path("reports/", include("reports.urls")),
    path("verify/<str:code>", certificate_verify, name="verify"),
    path(settings.ADMIN_URL, admin.site.urls),
]
