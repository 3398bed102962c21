"""Seal before you change (issue 15, item 0): migration scoring 0007 seals every frozen round and
every published edition with the legacy engine's numbers, and 0008 moves the editions whose
method is "standardised" to "calibrated", audited, leaving their sealed numbers alone."""

import math
import statistics
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from award.enums import RoundKind
from award.models import AuditEntry, Edition
from scoring.enums import AssignmentStatus, ResultKind
from scoring.migrations import _legacy_ranking_v1 as legacy
from scoring.models import ResultsSnapshot
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    CriterionFactory,
    EditionFactory,
    ProjectFactory,
    RoundFactory,
    ScoreFactory,
    UserFactory,
)

BEFORE = [("scoring", "0006_results_snapshot")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def before_sealing(transactional_db):
    _migrate(BEFORE)
    yield
    _migrate(_leaves())


def _published_standardised_edition():
    """Two jurors score three projects on one criterion 0–10: A gives 8, 6, 4 and B 9, 7, 5.
    Legacy totals are value / max × 100; the standardised score is the round's mean plus its
    population sd times the mean of the jurors' z-scores."""
    edition = EditionFactory(slug="award-2025", aggregation_method="standardised", results_published_at=timezone.now())
    category = CategoryFactory(edition=edition, slug="smart-city", finalists_count=1)
    criterion = CriterionFactory(edition=edition, min_value=Decimal("0"), max_value=Decimal("10"))
    shortlist = RoundFactory(edition=edition, number=1, kind=RoundKind.SHORTLIST, frozen=True)
    jurors = [UserFactory(), UserFactory()]
    projects = [
        ProjectFactory(edition=edition, category=category, status="eligible", reference=f"V4A-2025-000{i}")
        for i in (1, 2, 3)
    ]
    for juror, values in zip(jurors, ([8, 6, 4], [9, 7, 5]), strict=True):
        for project, value in zip(projects, values, strict=True):
            assignment = AssignmentFactory(
                round=shortlist,
                project=project,
                juror=juror,
                status=AssignmentStatus.COMPLETED,
                finalised_at=timezone.now(),
                # The briefing's table comes with a later scoring migration than this state.
                acknowledged=False,
            )
            ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal(value))
    # The results table as it was at that migration (later migrations add columns to it).
    historical = MigrationExecutor(connection).loader.project_state(BEFORE).apps.get_model("scoring", "Result")
    for kind in (ResultKind.FINALIST, ResultKind.WINNER):
        historical.objects.create(
            edition_id=edition.pk, category_id=category.pk, round_id=shortlist.pk, project_id=projects[0].pk, kind=kind
        )
    return edition, shortlist


def test_migrations_seal_with_the_legacy_engine_and_convert_the_method(before_sealing):
    edition, shortlist = _published_standardised_edition()
    untouched = EditionFactory(slug="award-2026", aggregation_method="mean")
    RoundFactory(edition=untouched, number=1)

    _migrate(_leaves())

    frozen = ResultsSnapshot.objects.get(kind="freeze")
    published = ResultsSnapshot.objects.get(kind="publish")
    assert (frozen.round_id, published.round_id, published.edition_id) == (shortlist.pk, None, edition.pk)
    assert {s.engine_version for s in (frozen, published)} == {"legacy-1"}
    assert frozen.method == "standardised" and frozen.signed_off_by is None
    assert frozen.payload_hash == legacy.sha256_of(frozen.payload)

    totals = [80.0, 60.0, 40.0, 90.0, 70.0, 50.0]
    z_first = (80 - 60) / statistics.pstdev([80, 60, 40])  # the same for both jurors
    expected = statistics.fmean(totals) + statistics.pstdev(totals) * z_first
    rows = frozen.payload["rounds"][0]["categories"][0]["rows"]
    assert [r["reference"] for r in rows] == ["V4A-2025-0001", "V4A-2025-0002", "V4A-2025-0003"]
    assert math.isclose(rows[0]["official_score"], expected, rel_tol=1e-12)
    assert math.isclose(rows[0]["scores"]["mean"], 85.0)
    assert rows[1]["official_score"] == pytest.approx(65.0)
    assert rows[0]["result"] == "winner"

    edition.refresh_from_db()
    untouched.refresh_from_db()
    assert (edition.aggregation_method, untouched.aggregation_method) == ("calibrated", "mean")
    entry = AuditEntry.objects.get(action="edition.method_migrated")
    assert entry.edition_id == edition.pk
    assert entry.data["from"] == "standardised" and entry.data["to"] == "calibrated"
    assert sorted(entry.data["sealed_snapshots"]) == sorted([frozen.payload_hash, published.payload_hash])
    assert AuditEntry.objects.filter(action="results.sealed_by_migration").count() == 2

    # The sealed numbers stay those of the legacy engine, and results_verify recomputes them with it.
    out = StringIO()
    call_command("results_verify", edition.slug, stdout=out)
    assert out.getvalue().splitlines()[-1] == "All 2 sealed snapshot(s) are identical."
    assert Edition.objects.get(pk=edition.pk).snapshots.count() == 2


@pytest.mark.slow
def test_a_sealed_edition_survives_export_and_import(transactional_db, tmp_path):
    from demo.seeding import PAST_SLUG

    call_command("seed_demo", verbosity=0)
    hashes = sorted(ResultsSnapshot.objects.filter(edition__slug=PAST_SLUG).values_list("payload_hash", flat=True))
    assert len(hashes) == 3
    archive = tmp_path / "edition.zip"
    call_command("export_edition", PAST_SLUG, str(archive), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("import_edition", str(archive), verbosity=0)
    restored = sorted(ResultsSnapshot.objects.filter(edition__slug=PAST_SLUG).values_list("payload_hash", flat=True))
    assert restored == hashes
    out = StringIO()
    call_command("results_verify", PAST_SLUG, stdout=out)
    assert out.getvalue().splitlines()[-1] == "All 3 sealed snapshot(s) are identical."
