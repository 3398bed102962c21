from datetime import timedelta

import pytest
from django.utils import timezone

from award.models import AuditEntry
from submissions.enums import ProjectStatus
from submissions.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_api_projects_list_only_what_the_caller_may_see(world, api):
    w = world
    assert _ids(api(w.personas["applicant"]).get("/api/v1/projects/")) == [w.project.pk]
    assert _ids(api(w.personas["other_applicant"]).get("/api/v1/projects/")) == [w.other_project.pk]
    assert _ids(api(w.personas["organiser"]).get("/api/v1/projects/")) == sorted([w.project.pk, w.other_project.pk])
    for persona in ("other_organiser", "juror", "other_juror", "conflicted_juror"):
        assert _ids(api(w.personas[persona]).get("/api/v1/projects/")) == [], persona


def test_api_project_for_a_juror_hides_contacts_and_in_blind_review_the_team(world, api):
    w = world
    body = api(w.personas["juror"]).get(f"/api/v1/projects/{w.project.pk}/").json()
    assert body["organisation_name"] == "City of Brno"
    assert body["team"] == [{"name": "Tomas Team", "role": "lead"}]
    assert "owner" not in body

    w.edition.blind_review = True
    w.edition.save()
    body = api(w.personas["juror"]).get(f"/api/v1/projects/{w.project.pk}/").json()
    assert body["title"] == "Bus stops"
    for hidden in ("organisation_name", "city_region", "partners", "website", "team", "owner"):
        assert hidden not in body, hidden
    assert "Brno" not in str(body)
    # The team and the organisers still see everything.
    for persona in ("applicant", "organiser"):
        body = api(w.personas[persona]).get(f"/api/v1/projects/{w.project.pk}/").json()
        assert body["organisation_name"] == "City of Brno"
        assert body["team"][0]["email"] == "tomas@brno.example.cz"
        assert body["owner"] == "applicant@example.org"


def test_api_project_create_stores_the_draft(world, api):
    w = world
    response = api(w.personas["applicant"]).post(
        "/api/v1/projects/",
        {"edition": w.edition.pk, "category": w.category.pk, "title": "Smart benches", "budget_eur": "5000.50"},
    )
    assert response.status_code == 201, response.content
    project = Project.objects.get(pk=response.json()["id"])
    assert (project.owner, project.title, project.category, project.status) == (
        w.personas["applicant"],
        "Smart benches",
        w.category,
        ProjectStatus.DRAFT,
    )
    assert str(project.budget_eur) == "5000.50"


def test_api_project_create_refuses_another_editions_category_and_keeps_nothing(world, api):
    w = world
    before = Project.objects.count()
    response = api(w.personas["applicant"]).post(
        "/api/v1/projects/", {"edition": w.edition.pk, "category": w.other_category.pk, "title": "Sneaky"}
    )
    assert response.status_code == 400
    assert "category" in response.json()["errors"]
    assert Project.objects.count() == before


def test_api_project_create_refused_when_the_edition_is_closed(world, api):
    w = world
    w.edition.submissions_close_at = timezone.now() - timedelta(minutes=1)
    w.edition.save()
    response = api(w.personas["applicant"]).post("/api/v1/projects/", {"edition": w.edition.pk, "title": "Late"})
    assert response.status_code == 400
    assert response.json()["detail"] == ["Applications for this edition are not open."]
    assert not Project.objects.filter(title="Late").exists()


def test_api_project_mass_assignment_changes_nothing_the_server_owns(world, api):
    w = world
    response = api(w.personas["applicant"]).patch(
        f"/api/v1/projects/{w.project.pk}/",
        {
            "title": "Renamed",
            "status": ProjectStatus.ELIGIBLE,
            "owner": w.personas["other_applicant"].pk,
            "reference": "V4A-2026-9999",
            "edition": w.other_edition.pk,
            "submitted_at": "2026-01-01T00:00:00Z",
            "ineligibility_reason": "x",
        },
    )
    assert response.status_code == 200, response.content
    w.project.refresh_from_db()
    assert w.project.title == "Renamed"
    assert (w.project.status, w.project.owner, w.project.reference, w.project.edition, w.project.submitted_at) == (
        ProjectStatus.DRAFT,
        w.personas["applicant"],
        "",
        w.edition,
        None,
    )


def test_api_project_patch_with_another_editions_category_is_400_and_nothing_changes(world, api):
    w = world
    response = api(w.personas["applicant"]).patch(
        f"/api/v1/projects/{w.project.pk}/", {"title": "Renamed", "category": w.other_category.pk}
    )
    assert response.status_code == 400
    assert "category" in response.json()["errors"]
    w.project.refresh_from_db()
    assert (w.project.title, w.project.category) == ("Bus stops", w.category)


def test_api_project_patch_invalid_dates_keeps_the_stored_application(world, api):
    w = world
    response = api(w.personas["applicant"]).patch(
        f"/api/v1/projects/{w.project.pk}/", {"start_date": "2025-01-01", "end_date": "2024-01-01"}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["end_date"] == ["The end date cannot be before the start date."]
    w.project.refresh_from_db()
    assert str(w.project.start_date) == "2024-01-01"


def test_api_project_patch_of_a_submitted_application_is_refused_with_the_reason(world, api):
    w = world
    response = api(w.personas["other_applicant"]).patch(f"/api/v1/projects/{w.other_project.pk}/", {"title": "X"})
    assert response.status_code == 400
    assert "Reopen it as a draft first" in str(response.json()["detail"])
    w.other_project.refresh_from_db()
    assert w.other_project.title == "Other lights"


def test_api_project_submit_issues_the_reference(world, api):
    w = world
    response = api(w.personas["applicant"]).post(f"/api/v1/projects/{w.project.pk}/submit/")
    assert response.status_code == 200, response.content
    w.project.refresh_from_db()
    assert w.project.status == ProjectStatus.SUBMITTED
    assert w.project.reference == f"{w.edition.reference_prefix}-{w.edition.year}-0001"
    assert response.json()["reference"] == w.project.reference
    assert response.json()["status"] == "submitted"


def test_api_project_submit_with_a_lagging_counter_gets_the_next_free_reference(world, api):
    w = world
    ProjectFactory(
        edition=w.edition,
        owner=w.personas["other_applicant"],
        status=ProjectStatus.SUBMITTED,
        reference=f"{w.edition.reference_prefix}-{w.edition.year}-0001",
    )
    response = api(w.personas["applicant"]).post(f"/api/v1/projects/{w.project.pk}/submit/")
    assert response.status_code == 200, response.content
    assert response.json()["reference"] == f"{w.edition.reference_prefix}-{w.edition.year}-0002"
    w.project.refresh_from_db()
    assert w.project.reference == response.json()["reference"]


def test_api_project_submit_incomplete_lists_every_missing_field(world, api):
    w = world
    project = ProjectFactory(edition=w.edition, owner=w.personas["applicant"], summary="", problem="")
    response = api(w.personas["applicant"]).post(f"/api/v1/projects/{project.pk}/submit/")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"summary", "problem", "consent_rules"} <= set(errors)
    project.refresh_from_db()
    assert (project.status, project.reference) == (ProjectStatus.DRAFT, "")


def test_api_project_submit_after_the_deadline_is_a_translated_400(world, api):
    w = world
    w.edition.submissions_close_at = timezone.now() - timedelta(seconds=1)
    w.edition.save()
    # The person's preferred language, as on the pages.
    applicant = w.personas["applicant"]
    applicant.language = "sk"
    applicant.save(update_fields=["language"])
    response = api(applicant, language="sk").post(f"/api/v1/projects/{w.project.pk}/submit/")
    assert response.status_code == 400
    detail = str(response.json()["detail"])
    assert "Termín" in detail and "The deadline" not in detail
    w.project.refresh_from_db()
    assert w.project.status == ProjectStatus.DRAFT


def test_api_project_eligibility_by_the_organiser(world, api):
    w = world
    client = api(w.personas["organiser"])
    url = f"/api/v1/projects/{w.other_project.pk}/eligibility/"
    response = client.post(url, {"eligible": False, "reason": ""})
    assert response.status_code == 400
    assert response.json()["errors"]["reason"] == ["Give the reason why the application is not eligible."]
    w.other_project.refresh_from_db()
    assert w.other_project.status == ProjectStatus.SUBMITTED

    response = client.post(url, {"eligible": False, "reason": "Outside the V4 region."})
    assert response.status_code == 200
    w.other_project.refresh_from_db()
    assert (w.other_project.status, w.other_project.ineligibility_reason) == (
        ProjectStatus.INELIGIBLE,
        "Outside the V4 region.",
    )
    assert AuditEntry.objects.filter(action="project.eligibility", actor=w.personas["organiser"]).count() == 1
    assert client.post(url, {"reason": "no flag"}).status_code == 400


def test_api_project_eligibility_of_a_draft_is_refused(world, api):
    w = world
    response = api(w.personas["organiser"]).post(f"/api/v1/projects/{w.project.pk}/eligibility/", {"eligible": True})
    assert response.status_code == 400
    w.project.refresh_from_db()
    assert w.project.status == ProjectStatus.DRAFT


def test_api_projects_filters_and_allow_listed_ordering(world, api):
    w = world
    client = api(w.personas["organiser"])
    assert _ids(client.get("/api/v1/projects/", status="submitted")) == [w.other_project.pk]
    assert _ids(client.get("/api/v1/projects/", edition=w.other_edition.pk)) == []
    assert _ids(client.get("/api/v1/projects/", category=w.category.pk)) == sorted([w.project.pk, w.other_project.pk])
    titles = [r["title"] for r in client.get("/api/v1/projects/", ordering="-title").json()["results"]]
    assert titles == ["Other lights", "Bus stops"]
    titles = [r["title"] for r in client.get("/api/v1/projects/", ordering="title").json()["results"]]
    assert titles == ["Bus stops", "Other lights"]
    # Not allowed: ignored, the default (reference) applies.
    default = [r["id"] for r in client.get("/api/v1/projects/").json()["results"]]
    for ordering in ("-organisation_name", "owner__password", "-owner__email"):
        assert [r["id"] for r in client.get("/api/v1/projects/", ordering=ordering).json()["results"]] == default
    assert client.get("/api/v1/projects/", status="nonsense").status_code == 400


def test_api_projects_page_size_is_capped(world, api):
    w = world
    Project.objects.bulk_create(
        Project(edition=w.edition, owner=w.personas["applicant"], title=f"P{i}") for i in range(110)
    )
    body = api(w.personas["applicant"]).get("/api/v1/projects/", page_size=100000).json()
    assert body["count"] == 111
    assert len(body["results"]) == 100


@pytest.mark.parametrize("n", [1, 6])
def test_api_projects_list_query_count_constant(world, api, django_assert_num_queries, n):
    w = world
    for _ in range(n - 1):
        project = ProjectFactory(edition=w.edition, category=w.category, owner=w.personas["applicant"])
        project.team.create(name="Someone")
    client = api(w.personas["organiser"])
    with django_assert_num_queries(6):
        body = client.get("/api/v1/projects/").json()
    assert body["count"] == n + 1


def test_api_project_patch_replaces_the_team(world, api):
    w = world
    team = [{"name": "Alena Lead", "role": "lead", "email": "alena@brno.example.cz"}, {"name": "Boris"}]
    response = api(w.personas["applicant"]).patch(f"/api/v1/projects/{w.project.pk}/", {"title": "T2", "team": team})
    assert response.status_code == 200, response.content
    assert [m["name"] for m in response.json()["team"]] == ["Alena Lead", "Boris"]
    assert list(w.project.team.values_list("name", "email")) == [
        ("Alena Lead", "alena@brno.example.cz"),
        ("Boris", ""),
    ]


def test_api_project_patch_with_a_bad_team_changes_nothing(world, api):
    w = world
    response = api(w.personas["applicant"]).patch(
        f"/api/v1/projects/{w.project.pk}/", {"title": "T2", "team": [{"name": "X", "email": "not-an-email"}]}
    )
    assert response.status_code == 400
    assert "team" in response.json()["errors"]
    w.project.refresh_from_db()
    assert w.project.title == "Bus stops"
    assert list(w.project.team.values_list("name", flat=True)) == ["Tomas Team"]


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "{not json", "null", '{"edition": "x"}', '{"edition": [1]}'])
def test_api_garbage_bodies_are_400_not_500(world, client, body):
    w = world
    client.force_login(w.personas["applicant"])
    before = Project.objects.count()
    for method, url in [
        ("post", "/api/v1/projects/"),
        ("patch", f"/api/v1/projects/{w.project.pk}/"),
        ("post", f"/api/v1/assignments/{w.assignment.pk}/scores/"),
    ]:
        response = getattr(client, method)(url, body, content_type="application/json")
        if method == "patch" and body.startswith('{"edition"'):
            # The edition of an existing application is read-only: ignored, nothing changes.
            assert response.status_code == 200 and response.json()["edition"] == w.edition.pk
            continue
        assert response.status_code in (400, 404), (method, url, response.status_code)
        assert "detail" in response.json()
    client.force_login(w.personas["juror"])
    response = client.put(f"/api/v1/assignments/{w.assignment.pk}/scores/", body, content_type="application/json")
    assert response.status_code == 400
    assert Project.objects.count() == before
