from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Reports")

    def ready(self) -> None:
        import reports.api  # noqa: F401  (registers certificates, batches and exports on /api/v1/)
        import reports.emails  # noqa: F401  (registers the certificates' email)
        from reports import receivers  # noqa: F401  (connects signal receivers, registers PDF renderers)
        from reports.selectors import winner_certificates_by_category
        from scoring.board import board_counter_register

        board_counter_register("certificates", winner_certificates_by_category)
