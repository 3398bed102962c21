from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from award import accounts, api, api_views, audit, edition_copy, twofactor, views  # noqa: F401  (award.api registers its viewsets)
from award.api_router import router
from reports.views import certificate_verify
from submissions import privacy_views

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", twofactor.TwoFactorLoginView.as_view(), name="login"),
    path("accounts/login/verify/", twofactor.login_verify, name="login_verify"),
    path("account/two-factor/", twofactor.two_factor_setup, name="two_factor"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/signup/done/", accounts.signup_done, name="signup_done"),
    path("accounts/confirm/resend/", accounts.confirm_resend, name="account_confirm_resend"),
    path("accounts/confirm/<str:token>/", accounts.confirm, name="account_confirm"),
    path("accounts/profile/", accounts.profile, name="profile"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=accounts.PasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("privacy/", privacy_views.privacy, name="privacy"),
    path("account/data.zip", privacy_views.account_data, name="account_data"),
    path("account/delete/", privacy_views.account_delete_view, name="account_delete"),
    path("account/api-tokens/", api_views.api_tokens, name="api_tokens"),
    path("audit/", audit.audit_log_view, name="audit_log"),
    path("editions/<slug:slug>/next/", edition_copy.edition_copy_view, name="edition_copy"),
    path("setup/", include("award.setup.urls")),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("submissions.urls")),
    path("jury/", include("scoring.jury.urls")),
    path("results/", include("scoring.results.urls")),
    path("vote/", include("scoring.vote.urls")),
    path("reports/", include("reports.urls")),
    path("verify/<str:code>", certificate_verify, name="verify"),
    path(settings.ADMIN_URL, admin.site.urls),
]

# A database outage raised in a middleware (session, user) is a 503, everything else the 500 page.
handler500 = "award.db_outage.server_error"
