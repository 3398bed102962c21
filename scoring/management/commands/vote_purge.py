from django.core.management.base import BaseCommand

from scoring.vote.privacy import vote_data_purge


class Command(BaseCommand):
    help = (
        "Apply the public vote's retention rules: delete unconfirmed vote requests, network data "
        "after the results' publication plus the vote's stated days, and the voters' keyed hashes "
        "after the edition's retention period. Safe to run daily (cron or a scheduled task)."
    )

    def handle(self, *args, **options):
        purged = vote_data_purge()
        self.stdout.write(f"pending={purged.pending} network={purged.network} hashes={purged.hashes}")
