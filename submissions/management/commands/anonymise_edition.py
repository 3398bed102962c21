from django.core.management.base import BaseCommand, CommandError

from award.models import Edition
from submissions.privacy import RetentionNotOver, edition_anonymise, retention_ends_at


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of the non-winning applications of an edition once its "
        "retention period (ceremony + retention_days) is over. Winners are left untouched."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the edition's slug")
        parser.add_argument("--force", action="store_true", help="anonymise even before the retention period ends")
        parser.add_argument("--dry-run", action="store_true", help="list what would be anonymised, change nothing")

    def handle(self, *args, slug, force, dry_run, **options):
        try:
            edition = Edition.objects.get(slug=slug)
        except Edition.DoesNotExist:
            raise CommandError(f"No edition with the slug {slug!r}.") from None
        try:
            projects = edition_anonymise(actor=None, edition=edition, force=force, dry_run=dry_run)
        except RetentionNotOver as error:
            ends = retention_ends_at(edition)
            when = ends.isoformat() if ends else "never (no ceremony date)"
            raise CommandError(f"{error.messages[0]} Retention ends: {when}.") from None
        for project in projects:
            self.stdout.write(f"{project.pk}\t{project.reference or '-'}")
        verb = "Would anonymise" if dry_run else "Anonymised"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(projects)} application(s) of {edition.slug}."))
