from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Jury and scoring")

    def ready(self) -> None:
        import scoring.emails  # noqa: F401  (registers the app's kinds of email)
        import scoring.vote.emails  # noqa: F401
        from award.home import panel_register
        from scoring.home import juror_panel, organiser_panel

        panel_register(10, organiser_panel)
        panel_register(20, juror_panel)

        import scoring.api  # noqa: F401  (registers the jury's endpoints on /api/v1/)
