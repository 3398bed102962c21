"""Seal before you change (issue 15, item 0): every round already frozen and every edition whose
results are published (or scheduled) keeps the numbers it was decided with. Each gets a snapshot
computed by the engine of that day (the frozen module ``_legacy_ranking_v1``, engine version
"legacy-1") on the historical models, before migration 0008 moves the editions' method to the
calibrated score. ``manage.py results_verify`` recomputes these with the same frozen code."""

from django.db import migrations
from django.utils import timezone

SIGN_OFF = (
    "Sealed by migration scoring 0007 before the ranking method changed (issue 15): the numbers of "
    "the engine that decided these results."
)


def seal(apps, schema_editor):
    from scoring.migrations import _legacy_ranking_v1 as legacy
    from scoring.results.seal import build_payload

    Edition = apps.get_model("award", "Edition")
    Round = apps.get_model("award", "Round")
    AuditEntry = apps.get_model("award", "AuditEntry")
    Snapshot = apps.get_model("scoring", "ResultsSnapshot")
    now = timezone.now()

    def store(edition, kind, rounds, round):
        payload = build_payload(
            apps=apps, edition=edition, kind=kind, rounds=rounds, engine_version=legacy.ENGINE_VERSION,
            round_id=round.pk if round else None,
        )  # fmt: skip
        snapshot = Snapshot.objects.create(
            edition=edition, round=round, kind=kind, created_at=now, signed_off_by=None, sign_off=SIGN_OFF,
            engine_version=legacy.ENGINE_VERSION, method=payload["method"], parameters=payload["parameters"],
            rubric=payload["rubric"], scores_hash=payload["scores_hash"], payload_hash=legacy.sha256_of(payload),
            payload=payload,
        )  # fmt: skip
        AuditEntry.objects.create(
            at=now, actor=None, edition=edition, action="results.sealed_by_migration",
            target_type="award.round" if round else "award.edition",
            target_id=str(round.pk if round else edition.pk), target_repr=str(round.name if round else edition.name)[:255],
            data={"snapshot": snapshot.pk, "kind": kind, "hash": snapshot.payload_hash,
                  "scores_hash": snapshot.scores_hash, "engine_version": legacy.ENGINE_VERSION},
        )  # fmt: skip

    editions = {e.pk: e for e in Edition.objects.all()}
    for rnd in Round.objects.filter(frozen=True).order_by("edition_id", "number"):
        if not Snapshot.objects.filter(round_id=rnd.pk, kind="freeze").exists():
            store(editions[rnd.edition_id], "freeze", [rnd], rnd)
    for edition in Edition.objects.filter(results_published_at__isnull=False).order_by("pk"):
        if not Snapshot.objects.filter(edition_id=edition.pk, kind="publish").exists():
            store(edition, "publish", list(Round.objects.filter(edition_id=edition.pk).order_by("number")), None)


class Migration(migrations.Migration):
    dependencies = [
        # After award 0008 (the calibrated method's choice; it converts no data).
        ("award", "0010_setup_edition"),
        ("scoring", "0006_results_snapshot"),
        ("submissions", "0004_carry_project_population"),
    ]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop, elidable=False)]
