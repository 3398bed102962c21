"""Sealed results (issue 15, item 9): the sign-off, the snapshot and its hashes, published numbers
read from the snapshot, and results_verify."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from award.enums import AggregationMethod, Role, RoundKind
from award.models import AuditEntry
from scoring.enums import AssignmentStatus, ResultKind, SnapshotKind
from scoring.migrations import _legacy_ranking_v1 as legacy
from scoring.models import Result, ResultsSnapshot, Score
from scoring.results.seal import (
    current_engine_version,
    publication_snapshot_for,
    snapshot_for,
)
from scoring.results.services import (
    ResultsError,
    finalists_select,
    results_publish,
    results_unpublish,
    winners_select,
)
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    CriterionFactory,
    EditionRoleFactory,
    ProjectFactory,
    RoundFactory,
    ScoreFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def review(rnd, project, juror, criterion, value):
    assignment = AssignmentFactory(
        round=rnd,
        project=project,
        juror=juror,
        status=AssignmentStatus.COMPLETED,
        finalised_at=timezone.now(),
        overall_comment="Solid.",
    )
    ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal(str(value)))
    return assignment


@pytest.fixture
def decided(edition, open_round, organiser):
    """Smart City, two finalists out of three (90, 80, 70 by two jurors), the final round scored
    (90 and 60) and the winner selected: ready to publish."""
    edition.aggregation_method = AggregationMethod.MEAN
    edition.save()
    category = CategoryFactory(edition=edition, name="Smart City", slug="smart-city", finalists_count=2)
    criterion = CriterionFactory(edition=edition, name="Impact")
    jurors = [UserFactory(last_name=f"Panel{i}") for i in range(2)]
    for juror in jurors:
        EditionRoleFactory(edition=edition, user=juror, role=Role.JUROR).panels.set([category])
    projects = []
    for index, value in enumerate([9, 8, 7]):
        project = ProjectFactory(
            edition=edition,
            category=category,
            status="eligible",
            reference=f"V4A-2026-{index + 1:04d}",
            title=f"Project {value}0",
        )
        for juror in jurors:
            review(open_round, project, juror, criterion, value)
        projects.append(project)
    finalists_select(category=category, round=open_round, actor=organiser)
    final = RoundFactory(edition=edition, number=2, kind=RoundKind.FINAL, name="Final")
    for project, value in zip(projects[:2], [9, 6], strict=False):
        for juror in jurors:
            review(final, project, juror, criterion, value)
    winners_select(category=category, round=final, actor=organiser)
    return {"category": category, "criterion": criterion, "projects": projects, "final": final, "jurors": jurors}


def public_json(client, edition) -> dict:
    return client.get(reverse("results:public_json", kwargs={"edition": edition.slug})).json()


def public_page(client, edition) -> str:
    page = client.get(reverse("results:public", kwargs={"edition": edition.slug})).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def verify(edition) -> tuple[int, list[str]]:
    out = StringIO()
    try:
        call_command("results_verify", edition.slug, stdout=out)
        code = 0
    except CommandError as error:
        code = error.returncode
    return code, out.getvalue().splitlines()


def test_publish_needs_the_sign_off(decided, edition, organiser):
    with pytest.raises(ResultsError) as error:
        results_publish(edition=edition, actor=organiser)
    assert error.value.code == "sign_off_required"
    assert error.value.messages == ["Confirm that you sign off these results as decided by the jury."]
    edition.refresh_from_db()
    assert edition.results_published_at is None
    assert not ResultsSnapshot.objects.exists()


def test_publish_seals_every_published_number_and_the_public_page_shows_the_hash(
    decided, edition, open_round, organiser, client
):
    results_publish(edition=edition, actor=organiser, signed_off=True)
    sealed = ResultsSnapshot.objects.get()
    assert (sealed.kind, sealed.round, sealed.signed_off_by) == (SnapshotKind.PUBLISH, None, organiser)
    assert sealed.sign_off == "I sign off these results as decided by the jury."
    assert sealed.engine_version == current_engine_version()
    assert sealed.payload_hash == legacy.sha256_of(sealed.payload)
    assert sealed.scores_hash == legacy.score_rows_hash(django_apps, [open_round.pk, decided["final"].pk])
    assert [c["name"] for c in sealed.rubric] == ["Impact"]
    shortlist = sealed.payload["rounds"][0]["categories"][0]
    assert [(r["reference"], r["rank"], r["official_score"]) for r in shortlist["rows"]] == [
        ("V4A-2026-0001", 1, 90.0),
        ("V4A-2026-0002", 2, 80.0),
        ("V4A-2026-0003", 3, 70.0),
    ]
    assert sorted((r["reference"], r["kind"]) for r in sealed.payload["results"]) == [
        ("V4A-2026-0001", "finalist"),
        ("V4A-2026-0001", "winner"),
        ("V4A-2026-0002", "finalist"),
    ]
    entry = AuditEntry.objects.get(action="results.published")
    assert (entry.data["hash"], entry.data["scores_hash"]) == (sealed.payload_hash, sealed.scores_hash)

    page = client.get(reverse("results:public", kwargs={"edition": edition.slug})).content.decode()
    assert (
        f'<code title="SHA-256 {sealed.payload_hash}" data-testid="sealed-hash">{sealed.payload_hash[:12]}</code>'
        in page
    )
    assert "score 80.00" in page
    data = public_json(client, edition)
    assert data["snapshot"]["hash"] == sealed.payload_hash
    finalists = data["categories"][0]["finalists"]
    assert [(f["reference"], f["ranking"]["official_score"]) for f in finalists] == [
        ("V4A-2026-0001", 90.0),
        ("V4A-2026-0002", 80.0),
    ]


def test_a_changed_score_after_publication_leaves_the_public_numbers_and_results_verify_reports_it(
    decided, edition, open_round, organiser, client
):
    results_publish(edition=edition, actor=organiser, signed_off=True)
    code, lines = verify(edition)
    assert code == 0
    assert lines[-1] == "All 1 sealed snapshot(s) are identical."
    before_json = public_json(client, edition)
    before_page = public_page(client, edition)
    assert "score 80.00" in before_page

    # A direct change behind the services' back, and a finalist dropped: neither may show.
    second = decided["projects"][1]
    Score.objects.filter(assignment__round=open_round, assignment__project=second).update(value=Decimal("3"))
    Result.objects.filter(project=second, kind=ResultKind.FINALIST).delete()

    assert public_json(client, edition) == before_json
    assert public_page(client, edition) == before_page
    code, lines = verify(edition)
    assert code == 1
    sealed = ResultsSnapshot.objects.get()
    assert "  score rows: hash DIFFERS (sealed " + sealed.scores_hash + ", now " in "\n".join(lines)
    diffs = [line for line in lines if line.startswith("  DIFF")]
    assert "  DIFF round 1 / smart-city  V4A-2026-0002  official_score: sealed 80.0, recomputed 30.0" in diffs
    assert "  DIFF round 1 / smart-city  V4A-2026-0002  rank: sealed 2, recomputed 3" in diffs
    assert "  DIFF round 1 / smart-city  V4A-2026-0003  rank: sealed 3, recomputed 2" in diffs
    assert "  DIFF round 1 / smart-city  V4A-2026-0002  result: sealed finalist, recomputed –" in diffs
    assert "  DIFF results  V4A-2026-0002  finalist: sealed present, recomputed absent" in diffs
    assert lines[-1] != "All 1 sealed snapshot(s) are identical."


def test_freezing_needs_the_sign_off_on_the_page_and_seals_the_round(
    decided, edition, open_round, organiser, client_for
):
    url = reverse("results:round_freeze", kwargs={"edition": edition.slug, "round": open_round.number})
    client = client_for(organiser)
    page = client.post(url, {}, follow=True).content.decode()
    assert "Confirm that you sign off these results as decided by the jury." in page
    open_round.refresh_from_db()
    assert not open_round.frozen and snapshot_for(open_round) is None

    page = client.post(url, {"signed_off": "on"}, follow=True).content.decode()
    assert "The round is frozen." in page
    open_round.refresh_from_db()
    sealed = snapshot_for(open_round)
    assert open_round.frozen and sealed.kind == SnapshotKind.FREEZE and sealed.round == open_round
    assert [r["number"] for r in sealed.payload["rounds"]] == [1]
    assert sorted(r["reference"] for r in sealed.payload["results"]) == ["V4A-2026-0001", "V4A-2026-0002"]
    assert AuditEntry.objects.get(action="results.round_frozen").data["hash"] == sealed.payload_hash
    overview = client.get(reverse("results:overview", kwargs={"edition": edition.slug})).content.decode()
    assert f'data-testid="sealed-hash">{sealed.payload_hash[:12]}</code>' in overview
    ranking = client.get(
        reverse("results:ranking", kwargs={"edition": edition.slug, "round": 1, "category": "smart-city"})
    ).content.decode()
    assert f'data-testid="sealed-hash">{sealed.payload_hash[:12]}</code>' in ranking


def test_a_snapshot_cannot_be_changed_or_deleted(decided, edition, organiser):
    results_publish(edition=edition, actor=organiser, signed_off=True)
    sealed = ResultsSnapshot.objects.get()
    sealed.payload["rounds"] = []
    with pytest.raises(ValidationError):
        sealed.save()
    with pytest.raises(ValidationError):
        sealed.delete()
    assert ResultsSnapshot.objects.get().payload["rounds"] != []


def test_publishing_again_adds_a_snapshot_and_the_public_page_reads_the_latest(
    decided, edition, open_round, organiser, client
):
    results_publish(edition=edition, actor=organiser, signed_off=True)
    first = ResultsSnapshot.objects.get()
    results_unpublish(edition=edition, actor=organiser, reason="A score was wrong")
    edition.refresh_from_db()
    assert publication_snapshot_for(edition) is None
    Score.objects.filter(assignment__round=open_round, assignment__project=decided["projects"][2]).update(
        value=Decimal("10")
    )
    results_publish(edition=edition, actor=organiser, signed_off=True)
    edition.refresh_from_db()
    second = publication_snapshot_for(edition)
    assert second.pk != first.pk and second.payload_hash != first.payload_hash
    assert ResultsSnapshot.objects.count() == 2
    page = client.get(reverse("results:public", kwargs={"edition": edition.slug})).content.decode()
    assert second.payload_hash[:12] in page and first.payload_hash[:12] not in page
    code, lines = verify(edition)
    # The first publication was sealed before the change: results_verify reports it; the second is identical.
    assert code == 1
    assert lines.count("  identical") == 1


def test_public_results_queries_do_not_grow_with_the_results(decided, edition, open_round, organiser, client):
    url = reverse("results:public", kwargs={"edition": edition.slug})
    # One special award already: its titles in other languages take one query, however many there are.
    first = Result.objects.filter(edition=edition).select_related("category").first()
    Result.objects.create(
        edition=edition, category=first.category, project=first.project, kind="special", title="Prize"
    )
    results_publish(edition=edition, actor=organiser, signed_off=True)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    results_unpublish(edition=edition, actor=organiser, reason="More categories")
    for n in range(4):
        category = CategoryFactory(edition=edition, slug=f"extra-{n}", finalists_count=1)
        project = ProjectFactory(edition=edition, category=category, status="eligible", reference=f"V4A-2026-01{n:02d}")
        for juror in decided["jurors"]:
            review(open_round, project, juror, decided["criterion"], 5 + n)
        Result.objects.create(edition=edition, category=category, round=open_round, project=project, kind="finalist")
        Result.objects.create(edition=edition, category=category, round=open_round, project=project, kind="winner")
        Result.objects.create(edition=edition, category=category, project=project, kind="special", title=f"Prize {n}")
    results_publish(edition=edition, actor=organiser, signed_off=True)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Prize 3" in page
    assert len(many) == len(few)


def test_the_frozen_legacy_engine_gives_the_z_score_reference(decided, edition, open_round):
    """The frozen module's standardised scores are the old formula (tests/scoring/reference.py),
    on uneven jurors: a third juror scores two of the three projects."""
    from tests.scoring.reference import standardised

    third = UserFactory()
    for project, value in zip(decided["projects"][:2], [4, 9], strict=True):
        review(open_round, project, third, decided["criterion"], value)
    ranking = legacy.ranking_for(
        apps=django_apps, category=decided["category"], round=open_round, edition=edition, method="standardised"
    )
    got = {row.project.pk: row.official_score for row in ranking.rows}
    projects = {p.pk: i for i, p in enumerate(decided["projects"])}
    values = {(p.pk, j.pk): v for p, v in zip(decided["projects"], [9, 8, 7], strict=True) for j in decided["jurors"]}
    values |= {(decided["projects"][0].pk, third.pk): 4, (decided["projects"][1].pk, third.pk): 9}
    jurors = {pk: j for j, pk in enumerate(sorted({j for _p, j in values}))}
    keys = sorted(values)
    expected = standardised(
        [10.0 * values[k] for k in keys], [projects[p] for p, _j in keys], [jurors[j] for _p, j in keys]
    )
    assert [got[p.pk] for p in decided["projects"]] == pytest.approx(list(expected), rel=1e-12)


def test_public_api_results_are_the_sealed_ones(decided, edition, organiser, client):
    results_publish(edition=edition, actor=organiser, signed_off=True)

    def listed():
        response = client.get("/api/v1/results/")
        assert response.status_code == 200
        return sorted((r["project_reference"], r["kind"], r["title"]) for r in response.json()["results"])

    before = listed()
    assert before == [
        ("V4A-2026-0001", "finalist", ""),
        ("V4A-2026-0001", "winner", ""),
        ("V4A-2026-0002", "finalist", ""),
    ]
    Result.objects.filter(project=decided["projects"][1], kind=ResultKind.FINALIST).update(
        kind=ResultKind.SPECIAL, title="Changed"
    )
    Result.objects.create(
        edition=edition,
        category=decided["category"],
        project=decided["projects"][2],
        kind="special",
        title="Late prize",
    )
    assert listed() == before


def test_admin_shows_a_snapshot_read_only(decided, edition, organiser, client):
    results_publish(edition=edition, actor=organiser, signed_off=True)
    sealed = ResultsSnapshot.objects.get()
    organiser.is_staff = organiser.is_superuser = True
    organiser.save()
    client.force_login(organiser)
    page = client.get(reverse("admin:scoring_resultssnapshot_change", args=[sealed.pk]))
    assert page.status_code == 200
    assert sealed.payload_hash in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    refused = client.post(reverse("admin:scoring_resultssnapshot_delete", args=[sealed.pk]), {"post": "yes"})
    assert refused.status_code == 403
    assert ResultsSnapshot.objects.get().payload_hash == sealed.payload_hash


def test_team_page_reads_its_sealed_result_and_feedback(decided, edition, open_round, organiser, client_for):
    edition.feedback_to_applicants = True
    edition.save()
    results_publish(edition=edition, actor=organiser, signed_off=True)
    second = decided["projects"][1]
    url = reverse("results:project", kwargs={"edition": edition.slug, "pk": second.pk})
    client = client_for(second.owner)
    before = client.get(url).content.decode()
    assert '<span class="badge badge-completed">Finalist</span>' in before
    assert "<td>Impact</td><td>8.0</td>" in before

    Score.objects.filter(assignment__round=open_round, assignment__project=second).update(value=Decimal("3"))
    Result.objects.filter(project=second, kind=ResultKind.FINALIST).delete()
    after = client.get(url).content.decode()
    assert '<span class="badge badge-completed">Finalist</span>' in after
    assert "<td>Impact</td><td>8.0</td>" in after and "<td>Impact</td><td>3.0</td>" not in after
    code, lines = verify(edition)
    assert code == 1
    assert (
        f"  DIFF feedback  p{second.pk}.{open_round.pk}.{decided['criterion'].pk}: sealed 8.0, recomputed 3.0" in lines
    )
