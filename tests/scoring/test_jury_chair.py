"""The jury chair: a juror who reads the ranking of the panel's categories, on the page and in
the API, without the jurors' names and without deciding; and the 404/403 rule of the organiser's
doors: another edition's ids are a 404, as if they did not exist, in the URL and in the body."""

import pytest
from django.urls import reverse

from award.enums import Role
from award.models import AuditEntry, EditionRole
from scoring.enums import ResultKind
from scoring.models import Result
from tests.factories import CategoryFactory, EditionFactory, EditionRoleFactory, ProjectFactory, RoundFactory
from tests.scoring.test_results import ranking_url, setup  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(setup, edition):  # noqa: F811
    """The third panel member (no reviews of their own) chairs the jury."""
    user = setup["panel"][2]
    EditionRole.objects.filter(edition=edition, user=user, role=Role.JUROR).update(is_chair=True)
    return user


@pytest.fixture
def elsewhere(edition):
    """Another edition with its own round, category and eligible project."""
    other = EditionFactory(name="Elsewhere 2026", slug="elsewhere-2026")
    category = CategoryFactory(edition=other, name="Elsewhere", slug="smart-city")
    return {
        "edition": other,
        "round": RoundFactory(edition=other, number=1),
        "category": category,
        "project": ProjectFactory(edition=other, category=category, status="eligible", reference="ELS-0001"),
    }


def test_chair_reads_the_ranking_page_without_jurors_names(setup, edition, open_round, chair, client_for):  # noqa: F811
    response = client_for(chair).get(ranking_url(edition, open_round, setup["category"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('data-testid="rank-row"') == 5
    assert "Project 90" in text and 'data-testid="chair-read-only"' in text
    assert "Juror 1" in text and "Juror 2" in text
    for juror in setup["panel"][:2]:
        assert juror.display_name not in text
    assert 'data-testid="select-finalists"' not in text and 'class="override"' not in text


def test_chair_reads_the_ranking_api(setup, edition, open_round, chair, client):  # noqa: F811
    client.force_login(chair)
    response = client.get("/api/v1/rankings/", {"round": open_round.pk, "category": setup["category"].pk})
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert [row["reference"] for row in rows][:2] == ["V4A-2026-0001", "V4A-2026-0002"]
    assert "juror" not in str(rows).lower()


def test_chair_gets_404_for_another_editions_ranking(chair, elsewhere, client_for, client):
    response = client_for(chair).get(ranking_url(elsewhere["edition"], elsewhere["round"], elsewhere["category"]))
    assert response.status_code == 404
    client.force_login(chair)
    api = client.get("/api/v1/rankings/", {"round": elsewhere["round"].pk, "category": elsewhere["category"].pk})
    assert api.status_code == 404


def test_chair_gets_404_outside_the_panels_categories(setup, edition, open_round, chair, client_for):  # noqa: F811
    other_category = CategoryFactory(edition=edition, name="Cyber", slug="cyber")
    assert client_for(chair).get(ranking_url(edition, open_round, other_category)).status_code == 404


def test_chair_cannot_decide_finalists(setup, edition, open_round, chair, client_for, client):  # noqa: F811
    page = client_for(chair).post(
        reverse("results:finalists", kwargs={"edition": edition.slug, "round": 1, "category": "smart-city"})
    )
    assert page.status_code == 403
    client.force_login(chair)
    api = client.post(
        "/api/v1/results/finalists/",
        {"round": open_round.pk, "category": setup["category"].pk},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert Result.objects.count() == 0


def test_plain_juror_gets_404_on_the_ranking(setup, edition, open_round, client_for, client):  # noqa: F811
    juror = setup["panel"][0]
    assert client_for(juror).get(ranking_url(edition, open_round, setup["category"])).status_code == 404
    client.force_login(juror)
    api = client.get("/api/v1/rankings/", {"round": open_round.pk, "category": setup["category"].pk})
    assert api.status_code == 404


def test_organiser_gets_404_for_another_editions_ids_on_pages_and_api(
    setup,  # noqa: F811
    edition,
    open_round,
    organiser,
    elsewhere,
    client_for,
    client,
):
    other_edition, other_round = elsewhere["edition"], elsewhere["round"]
    browser = client_for(organiser)
    assert browser.get(ranking_url(other_edition, other_round, elsewhere["category"])).status_code == 404
    assert browser.get(reverse("scoring:assignments", args=[other_round.pk])).status_code == 404
    # A project id of another edition in a page's POST body: 404, as for a missing one.
    special = reverse("results:special_award", kwargs={"edition": edition.slug})
    body = {"title": "Jury prize", "citation": "For courage."}
    assert browser.post(special, {**body, "project": elsewhere["project"].pk}).status_code == 404
    assert browser.post(special, {**body, "project": 999999}).status_code == 404
    client.force_login(organiser)
    api = [
        ("/api/v1/results/special-awards/", {**body, "project": elsewhere["project"].pk}),
        ("/api/v1/results/special-awards/", {**body, "project": 999999}),
        ("/api/v1/results/freeze/", {"round": other_round.pk}),
        ("/api/v1/results/finalists/", {"round": other_round.pk, "category": elsewhere["category"].pk}),
        (f"/api/v1/rounds/{other_round.pk}/assignments/generate/", None),
        ("/api/v1/exports/", {"edition": other_edition.pk, "kind": "applications"}),
    ]
    for url, data in api:
        response = client.post(url, data or {}, content_type="application/json")
        assert (url, response.status_code) == (url, 404)
    response = client.post(
        "/api/v1/conflicts/",
        {"juror": setup["panel"][0].pk, "project": elsewhere["project"].pk, "reason": "Former employer"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Result.objects.filter(kind=ResultKind.SPECIAL).count() == 0
    assert other_round.assignments.count() == 0


def test_organiser_of_another_edition_reads_the_same_404_as_for_a_missing_round(
    setup,  # noqa: F811
    open_round,
    elsewhere,
    client,
):
    stranger = EditionRoleFactory(edition=elsewhere["edition"], role=Role.ORGANISER).user
    client.force_login(stranger)
    theirs = client.post("/api/v1/results/freeze/", {"round": open_round.pk}, content_type="application/json")
    missing = client.post("/api/v1/results/freeze/", {"round": 999999}, content_type="application/json")
    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json()) == (404, missing.json())
    open_round.refresh_from_db()
    assert open_round.frozen is False


def test_organiser_appoints_and_removes_the_chair_from_the_jurors_page(setup, edition, organiser, client_for):  # noqa: F811
    juror = setup["panel"][0]
    role = EditionRole.objects.get(edition=edition, user=juror, role=Role.JUROR)
    client = client_for(organiser)
    url = reverse("scoring:juror_chair", args=[edition.slug, role.pk])
    response = client.post(url, {"chair": "1"}, follow=True)
    assert "is now the jury chair" in response.content.decode()
    assert 'data-testid="chair-badge"' in response.content.decode()
    role.refresh_from_db()
    assert role.is_chair is True
    assert AuditEntry.objects.filter(action="juror.chair", target_id=str(role.pk)).count() == 1
    home = client_for(juror).get("/")
    assert ranking_url(edition, edition.rounds.get(number=1), setup["category"]) in home.content.decode()
    client = client_for(organiser)
    client.post(url, {"chair": "0"})
    role.refresh_from_db()
    assert role.is_chair is False
    assert (
        client_for(juror).get(ranking_url(edition, edition.rounds.get(number=1), setup["category"])).status_code == 404
    )


def test_chair_toggle_is_404_for_another_editions_organiser(setup, edition, elsewhere, client_for):  # noqa: F811
    role = EditionRole.objects.get(edition=edition, user=setup["panel"][0], role=Role.JUROR)
    stranger = EditionRoleFactory(edition=elsewhere["edition"], role=Role.ORGANISER).user
    response = client_for(stranger).post(reverse("scoring:juror_chair", args=[edition.slug, role.pk]), {"chair": "1"})
    assert response.status_code == 404
    role.refresh_from_db()
    assert role.is_chair is False
