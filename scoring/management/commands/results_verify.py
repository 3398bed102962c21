"""manage.py results_verify <edition-slug>: recompute every sealed snapshot of an edition from
the current data and report each difference (issue 15, item 9).

Each snapshot is recomputed with the engine that sealed it: the current engine, or the frozen
legacy module for "legacy-1". For each snapshot it reports whether its stored payload still has
its hash, whether the score rows still have the sealed hash, and every difference as
``<round / category>  <project>  <field>: sealed <value>, recomputed <value>``.
Exit status 0 when everything is identical, 1 when anything differs, 2 for an unknown edition."""

from django.core.management.base import BaseCommand, CommandError

from award.models import Edition
from scoring.results.seal import snapshots_of, verify_snapshot


def _value(value) -> str:
    return "–" if value is None else repr(value) if not isinstance(value, str) else value


class Command(BaseCommand):
    help = "Recompute an edition's sealed results from the current data and report any difference."

    def add_arguments(self, parser):
        parser.add_argument("edition", help="the edition's slug")

    def handle(self, *args, **options):
        edition = Edition.objects.filter(slug=options["edition"]).first()
        if edition is None:
            raise CommandError(f"No edition with the slug {options['edition']!r}.", returncode=2)
        snapshots = list(snapshots_of(edition))
        if not snapshots:
            self.stdout.write(f"{edition.slug}: no sealed snapshots.")
            return
        differing = 0
        for snapshot in snapshots:
            what = f"round {snapshot.round.number}" if snapshot.round_id else "publication"
            self.stdout.write(
                f"Snapshot {snapshot.pk} ({snapshot.kind}, {what}), sealed {snapshot.created_at.isoformat()}, "
                f"engine {snapshot.engine_version}, method {snapshot.method}, hash {snapshot.payload_hash}"
            )
            check = verify_snapshot(snapshot)
            self.stdout.write("  stored payload: " + ("intact" if check.payload_intact else "ALTERED (hash differs)"))
            if check.scores_match:
                self.stdout.write("  score rows: hash matches")
            else:
                self.stdout.write(
                    f"  score rows: hash DIFFERS (sealed {snapshot.scores_hash}, now {check.scores_hash_now})"
                )
            if check.error:
                self.stdout.write(f"  cannot recompute: {check.error}")
            for d in check.differences:
                project = f"  {d.project}" if d.project else ""
                self.stdout.write(
                    f"  DIFF {d.where}{project}  {d.field}: sealed {_value(d.sealed)}, recomputed {_value(d.recomputed)}"
                )
            if check.identical:
                self.stdout.write("  identical")
            else:
                differing += 1
        if differing:
            raise CommandError(f"{differing} of {len(snapshots)} sealed snapshot(s) differ.", returncode=1)
        self.stdout.write(f"All {len(snapshots)} sealed snapshot(s) are identical.")
