"""The API refuses over-limit text with the same limit the pages use (the model field's), and
honours the application's version."""

import pytest

from scoring.models import Assignment, Score
from submissions.models import Project
from submissions.services import TEXT_FIELDS

pytestmark = pytest.mark.django_db

# The page's limit, read where the page's form reads it.
LIMIT = Assignment._meta.get_field("overall_comment").max_length


def test_api_scores_refuse_an_over_limit_overall_comment_with_the_limit(world, api):
    body = {
        "version": world.assignment.version,
        "scores": [{"criterion": c.pk, "value": "7", "comment": ""} for c in world.criteria],
        "overall_comment": "x" * 8000,
    }
    response = api(world.personas["juror"]).post(f"/api/v1/assignments/{world.assignment.pk}/scores/", body)
    assert response.status_code == 400
    assert str(LIMIT) in str(response.json()["errors"]["overall_comment"])
    world.assignment.refresh_from_db()
    assert world.assignment.overall_comment == "" and world.assignment.version == 0
    assert not Score.objects.filter(assignment=world.assignment).exists()


def test_api_scores_refuse_an_over_limit_criterion_comment(world, api):
    body = {
        "version": world.assignment.version,
        "scores": [{"criterion": c.pk, "value": "7", "comment": "y" * (LIMIT + 1)} for c in world.criteria],
    }
    response = api(world.personas["juror"]).post(f"/api/v1/assignments/{world.assignment.pk}/scores/", body)
    assert response.status_code == 400
    assert "5000" in str(response.json())
    assert not Score.objects.filter(assignment=world.assignment).exists()


@pytest.mark.parametrize("name", [n for n in TEXT_FIELDS if n != "website"])
def test_api_project_patch_refuses_every_over_limit_text_with_the_pages_limit(world, api, name):
    limit = Project._meta.get_field(name).max_length
    url = f"/api/v1/projects/{world.project.pk}/"
    before = getattr(world.project, name)
    response = api(world.personas["applicant"]).patch(url, {name: "z" * (limit + 1)})
    assert response.status_code == 400
    assert str(limit) in " ".join(response.json()["errors"][name])
    world.project.refresh_from_db()
    assert getattr(world.project, name) == before
    # Exactly at the limit is fine.
    assert api(world.personas["applicant"]).patch(url, {name: "z" * limit}).status_code == 200


def test_api_project_team_member_name_over_limit_is_refused(world, api):
    url = f"/api/v1/projects/{world.project.pk}/"
    response = api(world.personas["applicant"]).patch(url, {"team": [{"name": "n" * 201}]})
    assert response.status_code == 400 and "200" in str(response.json())
    assert list(world.project.team.values_list("name", flat=True)) == ["Tomas Team"]


def test_api_project_update_with_a_stale_version_is_409_and_changes_nothing(world, api):
    url = f"/api/v1/projects/{world.project.pk}/"
    client = api(world.personas["applicant"])
    version = client.get(url).json()["version"]
    first = client.patch(url, {"version": version, "problem": "Newer text from the first tab."})
    assert first.status_code == 200 and first.json()["version"] == version + 1
    stale = client.patch(url, {"version": version, "problem": "Older copy.", "title": "Bus stops"})
    assert stale.status_code == 409
    body = stale.json()
    assert "changed in another window" in body["detail"]
    assert body["changed"] == ["problem"] and body["version"] == version + 1
    world.project.refresh_from_db()
    assert world.project.problem == "Newer text from the first tab."


def test_api_project_update_without_a_version_saves_as_before(world, api):
    url = f"/api/v1/projects/{world.project.pk}/"
    response = api(world.personas["applicant"]).patch(url, {"problem": "No version sent."})
    assert response.status_code == 200
    world.project.refresh_from_db()
    assert world.project.problem == "No version sent." and world.project.version == 1


def test_api_eligibility_reason_over_limit_is_refused(world, api):
    Project.objects.filter(pk=world.other_project.pk).update(status="submitted")
    url = f"/api/v1/projects/{world.other_project.pk}/eligibility/"
    response = api(world.personas["organiser"]).post(url, {"eligible": False, "reason": "r" * 2001})
    assert response.status_code == 400 and "2000" in str(response.json())
    world.other_project.refresh_from_db()
    assert world.other_project.status == "submitted"
