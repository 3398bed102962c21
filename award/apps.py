from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardConfig(AppConfig):
    name = "award"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Award")

    def ready(self) -> None:
        from award import collation, emails, signals  # noqa: F401
        from award.home import panel_register
        from award.setup.home import setup_panel

        panel_register(5, setup_panel)
