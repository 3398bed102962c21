from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.backup import edition_import


class Command(BaseCommand):
    help = "Restore an edition archive written by export_edition into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="path of the zip file to read")

    def handle(self, *args, archive, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such file: {archive}")
        try:
            edition = edition_import(archive=path.read_bytes())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored edition {edition.name!r} ({edition.slug})"))
