"""Organisers' and teams' actions added to the API: withdraw and reopen an application, adjust
assignments, conflicts of interest, results decisions. Same services as the pages."""

from decimal import Decimal

import pytest
from django.utils import timezone

from award.enums import Role, RoundKind
from award.models import AuditEntry
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Assignment, ConflictOfInterest, Result, ResultsSnapshot
from submissions.enums import ProjectStatus
from tests.factories import AssignmentFactory, EditionRoleFactory, RoundFactory, ScoreFactory, UserFactory

pytestmark = pytest.mark.django_db


def _eligible(*projects):
    for number, project in enumerate(projects, start=1):
        project.status = ProjectStatus.ELIGIBLE
        project.reference = project.reference or f"V4A-2026-{number:04d}"
        project.save()


# --- Applications: withdraw and reopen ---------------------------------------------------------


def test_api_project_withdraw_by_the_team(world, api):
    response = api(world.personas["applicant"]).post(f"/api/v1/projects/{world.project.pk}/withdraw/")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    world.project.refresh_from_db()
    assert world.project.status == ProjectStatus.WITHDRAWN
    again = api(world.personas["applicant"]).post(f"/api/v1/projects/{world.project.pk}/withdraw/")
    assert again.status_code == 400
    assert again.json()["detail"]


def test_api_project_reopen_by_the_team_before_the_deadline(world, api):
    world.project.status = ProjectStatus.SUBMITTED
    world.project.save()
    response = api(world.personas["applicant"]).post(f"/api/v1/projects/{world.project.pk}/reopen/")
    assert response.status_code == 200
    world.project.refresh_from_db()
    assert (world.project.status, world.project.reopened_until) == (ProjectStatus.DRAFT, None)


def test_api_project_reopen_by_the_organiser_gives_days_and_audits_the_reason(world, api):
    world.other_project.status = ProjectStatus.SUBMITTED
    world.other_project.save()
    client = api(world.personas["organiser"])
    bad = client.post(f"/api/v1/projects/{world.other_project.pk}/reopen/", {"days": 0})
    assert bad.status_code == 400
    assert "days" in bad.json()["errors"]
    response = client.post(f"/api/v1/projects/{world.other_project.pk}/reopen/", {"days": 3, "reason": "Missing annex"})
    assert response.status_code == 200
    world.other_project.refresh_from_db()
    assert world.other_project.status == ProjectStatus.DRAFT
    assert world.other_project.reopened_until is not None
    entry = AuditEntry.objects.get(action="project.reopened")
    assert entry.data["reason"] == "Missing annex"


# --- Assignments: add, remove, swap, reopen ----------------------------------------------------


def test_api_assignment_add_by_the_organiser(world, api):
    _eligible(world.other_project)
    response = api(world.personas["organiser"]).post(
        "/api/v1/assignments/",
        {
            "round": world.round.pk,
            "project": world.other_project.pk,
            "juror": world.personas["juror"].pk,
            "status": "completed",
            "version": 42,
        },
    )
    assert response.status_code == 201, response.content
    created = Assignment.objects.get(pk=response.json()["id"])
    assert (created.project_id, created.juror_id, created.status, created.version) == (
        world.other_project.pk,
        world.personas["juror"].pk,
        AssignmentStatus.PENDING,
        0,
    )


def test_api_assignment_add_of_a_conflicted_juror_is_refused_with_the_reason(world, api):
    _eligible(world.project)
    conflicted = world.personas["conflicted_juror"]
    Assignment.objects.filter(juror=conflicted).delete()
    response = api(world.personas["organiser"]).post(
        "/api/v1/assignments/", {"round": world.round.pk, "project": world.project.pk, "juror": conflicted.pk}
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "This juror has a conflict of interest with the project."}
    assert not Assignment.objects.filter(juror=conflicted).exists()


def test_api_assignment_add_of_someone_who_is_not_a_juror_is_400(world, api):
    _eligible(world.other_project)
    response = api(world.personas["organiser"]).post(
        "/api/v1/assignments/",
        {"round": world.round.pk, "project": world.other_project.pk, "juror": world.personas["applicant"].pk},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"juror": ["This person is not a juror of the edition."]}


def test_api_assignment_add_in_another_editions_round_is_404(world, api):
    _eligible(world.other_project)
    response = api(world.personas["other_organiser"]).post(
        "/api/v1/assignments/",
        {"round": world.round.pk, "project": world.other_project.pk, "juror": world.personas["juror"].pk},
    )
    assert response.status_code == 404  # another edition's round: as if it did not exist
    assert not Assignment.objects.filter(project=world.other_project, juror=world.personas["juror"]).exists()


def test_api_assignment_remove_and_started_work_is_kept(world, api):
    client = api(world.personas["organiser"])
    assert client.delete(f"/api/v1/assignments/{world.assignment.pk}/").status_code == 204
    assert not Assignment.objects.filter(pk=world.assignment.pk).exists()
    ScoreFactory(assignment=world.other_assignment, criterion=world.criteria[0], value=Decimal("5"))
    Assignment.objects.filter(pk=world.other_assignment.pk).update(status=AssignmentStatus.IN_PROGRESS)
    refused = client.delete(f"/api/v1/assignments/{world.other_assignment.pk}/")
    assert refused.status_code == 409
    assert refused.json() == {"detail": "The juror has already started this review, so it cannot be removed."}
    assert Assignment.objects.filter(pk=world.other_assignment.pk).exists()


def test_api_assignment_swap_gives_the_review_to_another_juror(world, api):
    _eligible(world.project)
    newcomer = UserFactory(email="new.juror@example.org", organisation="Elsewhere")
    EditionRoleFactory(edition=world.edition, user=newcomer, role=Role.JUROR)
    response = api(world.personas["organiser"]).post(
        f"/api/v1/assignments/{world.assignment.pk}/swap/", {"juror": newcomer.pk}
    )
    assert response.status_code == 201, response.content
    assert response.json()["juror"] == newcomer.pk
    assert not Assignment.objects.filter(pk=world.assignment.pk).exists()
    assert Assignment.objects.filter(round=world.round, project=world.project, juror=newcomer).exists()


def test_api_assignment_swap_to_a_conflicted_juror_keeps_the_original(world, api):
    _eligible(world.project)
    response = api(world.personas["organiser"]).post(
        f"/api/v1/assignments/{world.assignment.pk}/swap/", {"juror": world.personas["conflicted_juror"].pk}
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "This juror has a conflict of interest with the project."}
    assert Assignment.objects.filter(pk=world.assignment.pk).exists()


def test_api_assignment_reopen_of_a_finalised_review(world, api):
    Assignment.objects.filter(pk=world.assignment.pk).update(
        status=AssignmentStatus.COMPLETED, finalised_at=timezone.now()
    )
    response = api(world.personas["organiser"]).post(
        f"/api/v1/assignments/{world.assignment.pk}/reopen/", {"reason": "Typo"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == AssignmentStatus.IN_PROGRESS
    pending = api(world.personas["organiser"]).post(f"/api/v1/assignments/{world.other_assignment.pk}/reopen/")
    assert pending.status_code == 400
    assert pending.json() == {"detail": "Only a finalised review can be reopened."}


# --- Conflicts of interest ---------------------------------------------------------------------


def test_api_juror_declares_a_conflict_and_loses_the_assignment(world, api):
    client = api(world.personas["juror"])
    blank = client.post(f"/api/v1/assignments/{world.assignment.pk}/conflict/", {"reason": ""})
    assert blank.status_code == 400
    assert blank.json()["errors"] == {"reason": ["Please say briefly why you have a conflict of interest."]}
    response = client.post(f"/api/v1/assignments/{world.assignment.pk}/conflict/", {"reason": "I advised the team."})
    assert response.status_code == 201
    conflict = ConflictOfInterest.objects.get(juror=world.personas["juror"], project=world.project)
    assert (conflict.source, conflict.reason) == ("declared", "I advised the team.")
    world.assignment.refresh_from_db()
    assert world.assignment.status == AssignmentStatus.RECUSED
    assert client.get(f"/api/v1/projects/{world.project.pk}/").status_code == 404
    assert [c["project"] for c in client.get("/api/v1/conflicts/").json()["results"]] == [world.project.pk]


def test_api_organiser_sets_a_conflict(world, api):
    client = api(world.personas["organiser"])
    response = client.post(
        "/api/v1/conflicts/",
        {
            "juror": world.personas["other_juror"].pk,
            "project": world.other_project.pk,
            "reason": "Former employer",
            "source": "declared",
            "edition": world.other_edition.pk,
        },
    )
    assert response.status_code == 201
    world.other_assignment.refresh_from_db()
    assert world.other_assignment.status == AssignmentStatus.RECUSED
    listed = client.get("/api/v1/conflicts/", project=world.other_project.pk).json()["results"]
    assert [(c["juror"], c["source"], c["reason"], c["edition"]) for c in listed] == [
        (world.personas["other_juror"].pk, "organiser", "Former employer", world.edition.pk)
    ]


def test_api_conflicts_are_not_visible_to_other_jurors_or_editions(world, api):
    assert api(world.personas["juror"]).get("/api/v1/conflicts/").json()["results"] == []
    assert api(world.personas["other_organiser"]).get("/api/v1/conflicts/").json()["results"] == []
    own = api(world.personas["conflicted_juror"]).get("/api/v1/conflicts/").json()["results"]
    assert [c["project"] for c in own] == [world.project.pk]


@pytest.mark.parametrize("n", [1, 4])
def test_api_conflicts_list_query_count_constant(world, api, django_assert_num_queries, n):
    for i in range(n - 1):
        juror = UserFactory(email=f"extra{i}@jury.example.net")
        EditionRoleFactory(edition=world.edition, user=juror, role=Role.JUROR)
        ConflictOfInterest.objects.create(edition=world.edition, juror=juror, project=world.project, source="organiser")
    client = api(world.personas["organiser"])
    with django_assert_num_queries(4):
        response = client.get("/api/v1/conflicts/")
    assert len(response.json()["results"]) == n


# --- Results decisions ---------------------------------------------------------------------------


def _scored(world):
    """Both projects eligible and fully scored in the round: the applicant's first."""
    _eligible(world.project, world.other_project)
    Assignment.objects.filter(pk=world.conflicted_assignment.pk).update(status=AssignmentStatus.RECUSED)
    for assignment, value in ((world.assignment, "9"), (world.other_assignment, "4")):
        for criterion in world.criteria:
            ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal(value))
        Assignment.objects.filter(pk=assignment.pk).update(
            status=AssignmentStatus.COMPLETED, finalised_at=timezone.now()
        )
    world.category.finalists_count = 1
    world.category.save()


def test_api_finalists_select_takes_the_top_of_the_ranking(world, api):
    _scored(world)
    client = api(world.personas["organiser"])
    response = client.post("/api/v1/results/finalists/", {"round": world.round.pk, "category": world.category.pk})
    assert response.status_code == 200, response.content
    assert response.json()["selected"] == [world.project.pk]
    assert list(Result.objects.filter(kind=ResultKind.FINALIST).values_list("project_id", flat=True)) == [
        world.project.pk
    ]


def test_api_finalist_override_needs_a_reason_and_records_it(world, api):
    _scored(world)
    client = api(world.personas["organiser"])
    body = {"round": world.round.pk, "category": world.category.pk, "project": world.other_project.pk, "add": True}
    refused = client.post("/api/v1/results/finalist-override/", {**body, "reason": "  "})
    assert refused.status_code == 400
    assert refused.json()["detail"] == ["Write the reason for departing from the ranking."]
    assert not Result.objects.exists()
    response = client.post("/api/v1/results/finalist-override/", {**body, "reason": "Regional balance"})
    assert response.status_code == 200
    result = Result.objects.get(project=world.other_project)
    assert (result.kind, result.override_reason) == (ResultKind.FINALIST, "Regional balance")


def test_api_winner_override_and_special_award_and_freeze(world, api):
    _eligible(world.project, world.other_project)
    final = RoundFactory(edition=world.edition, number=2, kind=RoundKind.FINAL)
    AssignmentFactory(round=final, project=world.other_project, juror=world.personas["other_juror"])
    client = api(world.personas["organiser"])
    winner = client.post(
        "/api/v1/results/winner-override/",
        {"round": final.pk, "category": world.category.pk, "project": world.other_project.pk, "reason": "Unanimous"},
    )
    assert winner.status_code == 201, winner.content
    assert winner.json()["kind"] == "winner"
    award = client.post(
        "/api/v1/results/special-awards/",
        {"project": world.project.pk, "title": "Citizens' prize", "citation": "For listening.", "kind": "winner"},
    )
    assert award.status_code == 201
    assert (award.json()["kind"], award.json()["title"]) == ("special", "Citizens' prize")
    refused = client.post("/api/v1/results/freeze/", {"round": final.pk})
    assert refused.status_code == 400
    assert refused.json()["detail"] == ["Confirm that you sign off these results as decided by the jury."]
    frozen = client.post("/api/v1/results/freeze/", {"round": final.pk, "signed_off": True}).json()
    assert frozen == {"round": final.pk, "frozen": True, "snapshot_hash": ResultsSnapshot.objects.get().payload_hash}
    frozen = client.post(
        "/api/v1/results/winner-override/",
        {"round": final.pk, "category": world.category.pk, "project": world.project.pk, "reason": "Changed mind"},
    )
    assert frozen.status_code == 400
    assert frozen.json()["detail"] == ["The results of this round are frozen and cannot change."]
    assert Result.objects.get(kind=ResultKind.WINNER).project_id == world.other_project.pk
    removed = client.delete(f"/api/v1/results/{award.json()['id']}/")
    assert removed.status_code == 204
    assert not Result.objects.filter(kind=ResultKind.SPECIAL).exists()


def test_api_results_decisions_of_another_edition_are_refused(world, api):
    _scored(world)
    client = api(world.personas["other_organiser"])
    response = client.post("/api/v1/results/finalists/", {"round": world.round.pk, "category": world.category.pk})
    assert response.status_code == 404  # another edition's round: as if it did not exist
    mismatched = api(world.personas["organiser"]).post(
        "/api/v1/results/finalists/", {"round": world.round.pk, "category": world.other_category.pk}
    )
    assert mismatched.status_code == 400
    assert mismatched.json()["errors"] == {"category": ["Choose one of this edition's categories."]}
    assert not Result.objects.exists()


# --- Publication of the results ----------------------------------------------------------------


def _decided(world, *, winner: bool = True):
    _eligible(world.project, world.other_project)
    Result.objects.create(
        edition=world.edition, category=world.category, project=world.project, kind=ResultKind.FINALIST
    )
    if winner:
        Result.objects.create(
            edition=world.edition, category=world.category, project=world.project, kind=ResultKind.WINNER
        )


def _public_results(api):
    """What an anonymous caller reads (the api fixture shares one client: log in again after)."""
    return [r["project"] for r in api(None).get("/api/v1/results/").json()["results"]]


def test_api_results_publish_now_makes_them_public(world, api):
    _decided(world)
    assert _public_results(api) == []
    response = api(world.personas["organiser"]).post(
        "/api/v1/results/publish/", {"edition": world.edition.pk, "results_published_at": None, "signed_off": True}
    )
    assert response.status_code == 200, response.content
    assert response.json()["public"] is True
    world.edition.refresh_from_db()
    assert world.edition.results_are_public()
    assert AuditEntry.objects.get(action="results.published").actor == world.personas["organiser"]
    assert _public_results(api) == [world.project.pk, world.project.pk]


def test_api_results_publish_scheduled_reads_a_local_time_in_the_edition_zone(world, api):
    _decided(world)
    client = api(world.personas["organiser"])
    response = client.post(
        "/api/v1/results/publish/", {"edition": world.edition.pk, "at": "2030-11-23T21:00", "signed_off": True}
    )
    assert response.status_code == 200, response.content
    assert response.json()["public"] is False
    world.edition.refresh_from_db()
    assert world.edition.results_published_at.isoformat() == "2030-11-23T20:00:00+00:00"
    assert _public_results(api) == []
    client = api(world.personas["organiser"])
    with_offset = client.post(
        "/api/v1/results/publish/", {"edition": world.edition.pk, "at": "2030-11-24T10:00Z", "signed_off": True}
    )
    assert with_offset.status_code == 200
    world.edition.refresh_from_db()
    assert world.edition.results_published_at.isoformat() == "2030-11-24T10:00:00+00:00"
    bad = client.post("/api/v1/results/publish/", {"edition": world.edition.pk, "at": "tomorrow"})
    assert bad.status_code == 400
    assert "at" in bad.json()["errors"]


def test_api_results_publish_refuses_an_unsettled_ranking(world, api):
    _decided(world, winner=False)
    response = api(world.personas["organiser"]).post("/api/v1/results/publish/", {"edition": world.edition.pk})
    assert response.status_code == 400
    assert response.json()["detail"] == [
        "The ranking is not settled: choose the winner of Smart City before publishing."
    ]
    world.edition.refresh_from_db()
    assert world.edition.results_published_at is None


def test_api_results_publish_of_another_edition_is_404(world, api):
    _decided(world)
    client = api(world.personas["other_organiser"])
    assert client.post("/api/v1/results/publish/", {"edition": world.edition.pk}).status_code == 404
    world.edition.results_published_at = timezone.now()
    world.edition.save()
    refused = client.post("/api/v1/results/unpublish/", {"edition": world.edition.pk, "reason": "Not mine"})
    assert refused.status_code == 404
    world.edition.refresh_from_db()
    assert world.edition.results_are_public()


def test_api_results_unpublish_needs_a_reason_and_hides_them(world, api):
    _decided(world)
    client = api(world.personas["organiser"])
    client.post("/api/v1/results/publish/", {"edition": world.edition.pk, "signed_off": True})
    refused = client.post("/api/v1/results/unpublish/", {"edition": world.edition.pk, "reason": "  "})
    assert refused.status_code == 400
    assert _public_results(api) != []
    client = api(world.personas["organiser"])
    response = client.post("/api/v1/results/unpublish/", {"edition": world.edition.pk, "reason": "Wrong winner"})
    assert response.status_code == 200
    assert response.json() == {
        "edition": world.edition.pk,
        "results_published_at": None,
        "public": False,
        "snapshot_hash": None,
    }
    assert AuditEntry.objects.get(action="results.unpublished").data["reason"] == "Wrong winner"
    assert _public_results(api) == []
