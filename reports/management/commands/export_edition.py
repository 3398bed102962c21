from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from award.models import Edition
from reports.backup import edition_export


class Command(BaseCommand):
    help = "Write one edition (data and files) into a zip archive."

    def add_arguments(self, parser):
        parser.add_argument("edition", help="the edition's slug")
        parser.add_argument("archive", help="path of the zip file to write")

    def handle(self, *args, edition, archive, **options):
        found = Edition.objects.filter(slug=edition).first()
        if found is None:
            raise CommandError(f"No edition with slug {edition!r}.")
        data = edition_export(edition=found)
        Path(archive).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Wrote {archive} ({len(data) // 1024} KiB)"))
