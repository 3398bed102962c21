from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Applications")

    def ready(self) -> None:
        import submissions.emails  # noqa: F401  (registers the app's kinds of email)
        from award.home import panel_register
        from submissions.home import applicant_panel

        panel_register(30, applicant_panel)

        import submissions.api  # noqa: F401  (registers /api/v1/projects/)
