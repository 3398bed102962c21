from django.core.management.base import BaseCommand

from reports.jobs import jobs_recover


class Command(BaseCommand):
    help = (
        "Queue again the certificate batches and exports whose worker stopped renewing its lease "
        "(JOB_LEASE_SECONDS), or mark them failed after JOB_MAX_ATTEMPTS starts. Every db_worker "
        "already does this on its own; this is for a cron job or a look by hand."
    )

    def handle(self, *args, **options) -> None:
        counts = jobs_recover()
        self.stdout.write(f"retried={counts['retried']} failed={counts['failed']}")
