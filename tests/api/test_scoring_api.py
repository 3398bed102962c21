from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from award.models import ApiToken
from award.services import api_token_hash
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Assignment, Result, Score
from submissions.enums import ProjectStatus
from tests.factories import AssignmentFactory, ProjectFactory, RoundFactory, UserFactory
from tests.scoring.reference import repeated_statements

pytestmark = pytest.mark.django_db


def _ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def _body(w, value="7", version=None):
    return {
        "version": w.assignment.version if version is None else version,
        "scores": [{"criterion": c.pk, "value": value, "comment": f"On {c.name}"} for c in w.criteria],
        "overall_comment": "Solid work.",
    }


def test_api_assignments_list_only_what_the_caller_may_see(world, api):
    w = world
    assert _ids(api(w.personas["juror"]).get("/api/v1/assignments/")) == [w.assignment.pk]
    assert _ids(api(w.personas["other_juror"]).get("/api/v1/assignments/")) == [w.other_assignment.pk]
    # A recorded conflict hides the assignment even before it is recused.
    assert _ids(api(w.personas["conflicted_juror"]).get("/api/v1/assignments/")) == []
    everything = sorted([w.assignment.pk, w.other_assignment.pk, w.conflicted_assignment.pk])
    assert _ids(api(w.personas["organiser"]).get("/api/v1/assignments/")) == everything
    for persona in ("other_organiser", "applicant", "other_applicant"):
        assert _ids(api(w.personas[persona]).get("/api/v1/assignments/")) == [], persona


def test_api_conflicted_juror_cannot_open_or_score_their_assignment(world, api):
    w = world
    client = api(w.personas["conflicted_juror"])
    url = f"/api/v1/assignments/{w.conflicted_assignment.pk}/"
    assert client.get(url).status_code == 404
    assert client.put(url + "scores/", {"version": 0, "scores": []}).status_code == 404
    assert not Score.objects.filter(assignment=w.conflicted_assignment).exists()


def test_api_scores_save_then_read_back_with_the_new_version(world, api):
    w = world
    client = api(w.personas["juror"])
    response = client.put(f"/api/v1/assignments/{w.assignment.pk}/scores/", _body(w))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 1 and body["status"] == AssignmentStatus.IN_PROGRESS
    assert {s["criterion"]: s["value"] for s in body["scores"]} == {c.pk: "7.00" for c in w.criteria}
    assert sorted(Score.objects.filter(assignment=w.assignment).values_list("value", flat=True)) == [
        Decimal("7"),
        Decimal("7"),
    ]
    again = client.get(f"/api/v1/assignments/{w.assignment.pk}/").json()
    assert again["overall_comment"] == "Solid work." and again["version"] == 1


def test_api_scores_stale_version_is_409_translated_and_keeps_newer_work(world, api):
    w = world
    juror = w.personas["juror"]
    client = api(juror)
    assert client.post(f"/api/v1/assignments/{w.assignment.pk}/scores/", _body(w, "8")).status_code == 200
    juror.language = "sk"
    juror.save(update_fields=["language"])
    client = api(juror, language="sk")
    response = client.put(f"/api/v1/assignments/{w.assignment.pk}/scores/", _body(w, "2", version=0))
    assert response.status_code == 409
    body = response.json()
    assert body["version"] == 1
    assert body["detail"] and "another window" not in body["detail"]
    assert set(Score.objects.filter(assignment=w.assignment).values_list("value", flat=True)) == {Decimal("8")}


def test_api_scores_out_of_range_is_400_and_nothing_is_saved(world, api):
    w = world
    client = api(w.personas["juror"])
    response = client.put(f"/api/v1/assignments/{w.assignment.pk}/scores/", _body(w, "11"))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[f"value_{w.criteria[0].pk}"] == ["The score must be between 0 and 10."]
    assert not Score.objects.filter(assignment=w.assignment).exists()
    w.assignment.refresh_from_db()
    assert w.assignment.version == 0
    for bad in ("abc", "NaN", "1e9", None):
        body = _body(w)
        body["scores"][0]["value"] = bad
        body["scores"][0]["comment"] = "kept?" if bad is None else "x"
        assert client.put(f"/api/v1/assignments/{w.assignment.pk}/scores/", body).status_code == 400, bad
    assert client.put(f"/api/v1/assignments/{w.assignment.pk}/scores/", {"scores": []}).status_code == 400
    assert not Score.objects.filter(assignment=w.assignment).exists()


def test_api_scores_for_another_editions_criterion_are_refused(world, api):
    from tests.factories import CriterionFactory

    w = world
    foreign = CriterionFactory(edition=w.other_edition)
    body = {"version": 0, "scores": [{"criterion": foreign.pk, "value": "5"}]}
    response = api(w.personas["juror"]).put(f"/api/v1/assignments/{w.assignment.pk}/scores/", body)
    assert response.status_code == 400
    assert not Score.objects.filter(assignment=w.assignment).exists()


def test_api_scores_mass_assignment_changes_nothing_the_server_owns(world, api):
    w = world
    body = _body(w)
    body.update(
        juror=w.personas["other_juror"].pk, status=AssignmentStatus.COMPLETED, project=w.other_project.pk, round=999
    )
    response = api(w.personas["juror"]).put(f"/api/v1/assignments/{w.assignment.pk}/scores/", body)
    assert response.status_code == 200
    w.assignment.refresh_from_db()
    assert (w.assignment.juror, w.assignment.project, w.assignment.status, w.assignment.version) == (
        w.personas["juror"],
        w.project,
        AssignmentStatus.IN_PROGRESS,
        1,
    )


def test_api_scores_outside_the_round_window_are_refused(world, api):
    w = world
    w.round.scoring_closes_at = timezone.now() - timedelta(minutes=1)
    w.round.save()
    response = api(w.personas["juror"]).put(f"/api/v1/assignments/{w.assignment.pk}/scores/", _body(w))
    assert response.status_code == 403
    assert response.json()["detail"] == "Scoring for this round is closed."
    assert not Score.objects.filter(assignment=w.assignment).exists()


def test_api_finalise_checks_every_criterion_then_locks(world, api):
    w = world
    client = api(w.personas["juror"])
    partial = {"version": 0, "scores": [{"criterion": w.criteria[0].pk, "value": "6"}]}
    response = client.post(f"/api/v1/assignments/{w.assignment.pk}/finalise/", partial)
    assert response.status_code == 400
    assert f"value_{w.criteria[1].pk}" in response.json()["errors"]
    w.assignment.refresh_from_db()
    assert (w.assignment.status, w.assignment.version) == (AssignmentStatus.PENDING, 0)
    assert not Score.objects.filter(assignment=w.assignment).exists()

    response = client.post(f"/api/v1/assignments/{w.assignment.pk}/finalise/", _body(w))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == AssignmentStatus.COMPLETED
    w.assignment.refresh_from_db()
    assert w.assignment.finalised_at is not None

    response = client.put(f"/api/v1/assignments/{w.assignment.pk}/scores/", _body(w, "1"))
    assert response.status_code == 409
    assert "finalised" in response.json()["detail"]
    assert set(Score.objects.filter(assignment=w.assignment).values_list("value", flat=True)) == {Decimal("7")}


def test_api_generate_assignments_for_the_round(world, api):
    w = world
    w.other_project.status = ProjectStatus.ELIGIBLE
    w.other_project.save()
    before = Assignment.objects.filter(round=w.round, project=w.other_project).count()
    response = api(w.personas["organiser"]).post(f"/api/v1/rounds/{w.round.pk}/assignments/generate/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["k"] == w.edition.jurors_per_project
    after = Assignment.objects.filter(round=w.round, project=w.other_project).count()
    assert after == w.edition.jurors_per_project
    assert body["created"] == after - before
    response = api(w.personas["organiser"]).post("/api/v1/rounds/999999/assignments/generate/")
    assert response.status_code == 404


def test_api_generate_by_another_organiser_creates_nothing(world, api):
    w = world
    w.other_project.status = ProjectStatus.ELIGIBLE
    w.other_project.save()
    count = Assignment.objects.count()
    response = api(w.personas["other_organiser"]).post(f"/api/v1/rounds/{w.round.pk}/assignments/generate/")
    assert response.status_code == 404  # another edition's round: as if it did not exist
    assert Assignment.objects.count() == count


def _completed_reviews(w, scores_by_project):
    """Finalised reviews: {project: [juror totals as a single value on every criterion]}."""
    for project, values in scores_by_project.items():
        project.status = ProjectStatus.ELIGIBLE
        project.save()
        for value in values:
            assignment = AssignmentFactory(
                round=w.round,
                project=project,
                juror=UserFactory(),
                status=AssignmentStatus.COMPLETED,
                finalised_at=timezone.now(),
            )
            Score.objects.bulk_create(Score(assignment=assignment, criterion=c, value=value) for c in w.criteria)


def _clear_open_reviews(w):
    Assignment.objects.filter(round=w.round).exclude(status=AssignmentStatus.COMPLETED).delete()


def test_api_ranking_rows(world, api):
    w = world
    _clear_open_reviews(w)
    _completed_reviews(w, {w.project: [Decimal("8"), Decimal("9")], w.other_project: [Decimal("4"), Decimal("5")]})
    client = api(w.personas["organiser"])
    response = client.get("/api/v1/rankings/", round=w.round.pk, category=w.category.pk)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(r["reference"] or r["title"], r["rank"]) for r in body["rows"]] == [
        ("Bus stops", 1),
        ("V4A-2026-0099", 2),
    ]
    first = body["rows"][0]
    assert first["official_score"] == pytest.approx(85.0)
    assert first["scores"]["mean"] == pytest.approx(85.0)
    assert first["ranks"]["median"] == 1
    assert first["reviews_done"] == 2 and first["flags"] == [] and first["tie"] is False
    # Every juror scored one project: each project is its own component, so its calibrated score is
    # its mean (no juror can be compared with another) and the plan is reported as not connected.
    assert first["calibrated_score"] == pytest.approx(85.0)
    assert body["rows"][1]["calibrated_score"] == pytest.approx(45.0)
    assert body["connected"] is False
    assert body["draws"] == 1000 and body["bootstrap_samples"] == 1000 and body["seed"] == 0
    assert body["agreement_method"] == "Krippendorff's alpha (interval)"
    # The probabilities come from the model whatever `bootstrap` says (kept for older clients).
    again = client.get("/api/v1/rankings/", round=w.round.pk, category=w.category.pk, bootstrap=1).json()
    assert again["rows"] == body["rows"]
    probabilities = [row["finalist_probability"] for row in body["rows"]]
    assert all(0 <= p <= 1 for p in probabilities)
    assert sum(probabilities) == pytest.approx(min(2, w.category.finalists_count))
    for row in body["rows"]:
        low, high = row["rank_interval"]
        assert 1 <= low <= high <= 2 and low <= row["expected_rank"] <= high
        assert row["score_se"] > 0
        assert row["in_band"] == (0.1 < row["finalist_probability"] < 0.9)
        assert ("contested" in row["flags"]) == row["in_band"]


def test_api_ranking_bad_parameters_are_400_not_500(world, api):
    w = world
    client = api(w.personas["organiser"])
    assert client.get("/api/v1/rankings/").status_code == 400
    assert client.get("/api/v1/rankings/", round="x", category=w.category.pk).status_code == 400
    response = client.get("/api/v1/rankings/", round=w.round.pk, category=w.other_category.pk)
    assert response.status_code == 400
    assert response.json()["errors"]["category"] == ["Choose one of this edition's categories."]
    assert client.get("/api/v1/rankings/", round=999999, category=w.category.pk).status_code == 404


@pytest.mark.parametrize("n", [1, 5])
def test_api_ranking_query_count_constant(world, api, django_assert_num_queries, n):
    w = world
    _clear_open_reviews(w)
    projects = [ProjectFactory(edition=w.edition, category=w.category) for _ in range(n)]
    _completed_reviews(w, {p: [Decimal("5"), Decimal("6")] for p in projects})
    client = api(w.personas["organiser"])
    # The first request reads the round's fingerprint, fits the round and stores the analysis
    # and the category's rows (4 statements per write).
    with django_assert_num_queries(22) as first:
        body = client.get("/api/v1/rankings/", round=w.round.pk, category=w.category.pk).json()
    assert len(body["rows"]) == n
    # Then: the round's fingerprint instead of its inputs, the stored payloads from the process's
    # memory (one more statement in a fresh process), the rubric.
    with django_assert_num_queries(10) as cached:
        again = client.get("/api/v1/rankings/", round=w.round.pk, category=w.category.pk).json()
    assert again == body
    assert repeated_statements(first.captured_queries) == []
    assert repeated_statements(cached.captured_queries) == []


def test_api_results_are_embargoed_until_publication(world, api):
    w = world
    Result.objects.create(edition=w.edition, category=w.category, project=w.project, kind=ResultKind.FINALIST)
    Result.objects.create(edition=w.edition, category=w.category, project=w.project, kind=ResultKind.WINNER)
    for persona in ("anonymous", "applicant", "juror", "other_organiser"):
        body = api(w.personas[persona]).get("/api/v1/results/", edition=w.edition.pk).json()
        assert body["results"] == [], persona
    body = api(w.personas["organiser"]).get("/api/v1/results/", edition=w.edition.pk).json()
    assert sorted(r["kind"] for r in body["results"]) == ["finalist", "winner"]

    w.edition.results_published_at = timezone.now() - timedelta(minutes=1)
    w.edition.save()
    body = api(None).get("/api/v1/results/", edition=w.edition.pk, kind="winner").json()
    assert [(r["kind"], r["project_title"]) for r in body["results"]] == [("winner", "Bus stops")]


@pytest.mark.parametrize("n", [1, 5])
def test_api_results_query_count_constant(world, api, django_assert_num_queries, n):
    w = world
    w.edition.results_published_at = timezone.now() - timedelta(minutes=1)
    w.edition.save()
    for _ in range(n):
        project = ProjectFactory(edition=w.edition, category=w.category)
        Result.objects.create(edition=w.edition, category=w.category, project=project, kind=ResultKind.FINALIST)
    client = api(None)
    # count, page, and the publications' sealed results (one query whatever their number)
    with django_assert_num_queries(3):
        body = client.get("/api/v1/results/").json()
    assert body["count"] == n


@pytest.mark.parametrize("n", [1, 5])
def test_api_assignments_list_query_count_constant(world, api, django_assert_num_queries, n):
    w = world
    extra_round = RoundFactory(edition=w.edition, number=2)
    for _ in range(n - 1):
        a = AssignmentFactory(round=extra_round, project=ProjectFactory(edition=w.edition), juror=w.personas["juror"])
        Score.objects.create(assignment=a, criterion=w.criteria[0], value=3)
    client = api(w.personas["juror"])
    with django_assert_num_queries(5):
        body = client.get("/api/v1/assignments/").json()
    assert body["count"] == n


def test_api_assignments_page_size_and_ordering_allow_list(world, api):
    w = world
    Assignment.objects.bulk_create(
        Assignment(round=w.round, project=ProjectFactory(edition=w.edition), juror=w.personas["juror"])
        for _ in range(105)
    )
    client = api(w.personas["organiser"])
    body = client.get("/api/v1/assignments/", page_size=100000).json()
    assert body["count"] == 108 and len(body["results"]) == 100
    default = [r["id"] for r in client.get("/api/v1/assignments/").json()["results"]]
    assert [r["id"] for r in client.get("/api/v1/assignments/", ordering="-juror__email").json()["results"]] == default


def test_api_with_a_personal_token(world, client):
    w = world
    key = "v4a_" + "k" * 43
    ApiToken.objects.create(user=w.personas["juror"], name="script", key_hash=api_token_hash(key), prefix=key[:12])
    response = client.get("/api/v1/assignments/", HTTP_AUTHORIZATION=f"Token {key}")
    assert _ids(response) == [w.assignment.pk]
    response = client.put(
        f"/api/v1/assignments/{w.assignment.pk}/scores/",
        _body(w),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 200
    assert Score.objects.filter(assignment=w.assignment).count() == 2


def test_api_scores_with_a_criterion_twice_are_refused_in_the_jurors_language(world, api):
    w = world
    juror = w.personas["juror"]
    juror.language = "pl"
    juror.save(update_fields=["language"])
    c = w.criteria[0].pk
    body = {"version": 0, "scores": [{"criterion": c, "value": "5"}, {"criterion": c, "value": "6"}]}
    response = api(juror, language="pl").put(f"/api/v1/assignments/{w.assignment.pk}/scores/", body)
    assert response.status_code == 400
    assert response.json()["errors"]["scores"] == ["Każde kryterium może wystąpić tylko raz."]
    assert not Score.objects.filter(assignment=w.assignment).exists()
