"""Dates are typed and shown in the edition's time zone in every form (award.forms
.EditionTimeZoneFormMixin): for an America/New_York edition, 18:00 typed is 23:00 UTC in winter,
and the call page shows 18:00 with the zone. (The server's zone is Europe/Bratislava, where the
same typing once stored 17:00 UTC.)"""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from lxml import html

from award.models import Edition, Round
from tests.factories import EditionFactory, RoundFactory

pytestmark = pytest.mark.django_db

NEW_YORK = "America/New_York"
SIX_PM_IN_NEW_YORK = datetime(2027, 1, 15, 23, 0, tzinfo=UTC)  # EST, UTC-5


@pytest.fixture
def staff_organiser(organiser):
    organiser.is_staff = True
    organiser.is_superuser = True
    organiser.save()
    return organiser


@pytest.fixture
def new_york_edition(db):
    return EditionFactory(
        name="Big Apple Award",
        timezone=NEW_YORK,
        submissions_open_at=datetime(2026, 11, 1, 12, tzinfo=UTC),
        submissions_close_at=datetime(2027, 1, 15, 12, tzinfo=UTC),
    )


def form_data(page: str, form_id: str) -> dict[str, list[str]]:
    """What a browser would send for the form as the page shows it."""
    form = html.fromstring(page).get_element_by_id(form_id)
    data: dict[str, list[str]] = {}
    for element in form.iter("input", "select", "textarea"):
        name = element.get("name")
        if not name or element.get("type") in {"submit", "button", "file"}:
            continue
        if element.tag == "select":
            values = [o.get("value", o.text or "") for o in element.iter("option") if o.get("selected") is not None]
        elif element.get("type") in {"checkbox", "radio"}:
            values = [element.get("value", "on")] if element.get("checked") is not None else []
        elif element.tag == "textarea":
            values = [element.text or ""]
        else:
            values = [element.get("value", "")]
        data.setdefault(name, []).extend(values)
    return data


def input_value(page: str, name: str) -> str:
    return html.fromstring(page).xpath(f'//input[@name="{name}"]/@value')[0]


def test_admin_edition_form_reads_and_shows_dates_in_the_edition_zone(client_for, staff_organiser, new_york_edition):
    client = client_for(staff_organiser)
    round_ = RoundFactory(edition=new_york_edition, number=1)
    url = reverse("admin:award_edition_change", args=[new_york_edition.pk])
    page = client.get(url).content.decode()
    # The stored noon UTC is shown as 07:00 in New York, with the zone named beside the field.
    assert input_value(page, "submissions_close_at_1") == "07:00:00"
    assert "Time zone: America/New_York" in page
    # The admin's "Now" button and its server-time note use the page's offset: New York's too.
    assert 'data-admin-utc-offset="-18000"' in page

    data = form_data(page, "edition_form")
    data["submissions_close_at_0"] = ["2027-01-15"]
    data["submissions_close_at_1"] = ["18:00:00"]
    data["rounds-0-scoring_closes_at_0"] = ["2027-01-15"]
    data["rounds-0-scoring_closes_at_1"] = ["18:00:00"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    new_york_edition.refresh_from_db()
    assert new_york_edition.submissions_close_at == SIX_PM_IN_NEW_YORK
    assert Round.objects.get(pk=round_.pk).scoring_closes_at == SIX_PM_IN_NEW_YORK
    assert input_value(client.get(url).content.decode(), "submissions_close_at_1") == "18:00:00"

    call = client.get(reverse("submissions:call", args=[new_york_edition.slug])).content.decode()
    assert "6 p.m. EST (America/New_York)" in call
    call_sk = client.get(reverse("submissions:call", args=[new_york_edition.slug]) + "?lang=sk").content.decode()
    assert "18:00 EST (America/New_York)" in call_sk


def test_admin_new_edition_reads_dates_in_the_zone_typed_beside_them(client_for, staff_organiser):
    client = client_for(staff_organiser)
    url = reverse("admin:award_edition_add")
    data = form_data(client.get(url).content.decode(), "edition_form")
    data.update(
        name_en=["Big Apple Award"], slug=["big-apple"], year=["2027"], timezone=[NEW_YORK],
        submissions_open_at_0=["2026-11-01"], submissions_open_at_1=["09:00:00"],
        submissions_close_at_0=["2027-01-15"], submissions_close_at_1=["18:00:00"],
    )  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Edition.objects.get(slug="big-apple").submissions_close_at == SIX_PM_IN_NEW_YORK


def test_admin_round_form_reads_dates_in_its_edition_zone(client_for, staff_organiser, new_york_edition):
    client = client_for(staff_organiser)
    round_ = RoundFactory(edition=new_york_edition, number=1)
    url = reverse("admin:award_round_change", args=[round_.pk])
    page = client.get(url).content.decode()
    assert "Time zone: America/New_York" in page
    data = form_data(page, "round_form")
    data["scoring_closes_at_0"] = ["2027-01-15"]
    data["scoring_closes_at_1"] = ["18:00:00"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Round.objects.get(pk=round_.pk).scoring_closes_at == SIX_PM_IN_NEW_YORK


def test_results_publication_is_scheduled_in_the_edition_zone(client_for, organiser, new_york_edition):
    from award.enums import Role
    from scoring.enums import ResultKind
    from scoring.models import Result
    from submissions.enums import ProjectStatus
    from tests.factories import EditionRoleFactory, ProjectFactory

    EditionRoleFactory(edition=new_york_edition, user=organiser, role=Role.ORGANISER)
    project = ProjectFactory(edition=new_york_edition, status=ProjectStatus.ELIGIBLE)
    Result.objects.create(
        edition=new_york_edition, category=project.category, project=project, kind=ResultKind.SPECIAL, title="Courage"
    )
    client = client_for(organiser)
    response = client.post(
        reverse("results:publish", kwargs={"edition": new_york_edition.slug}),
        {"at": "2027-01-15T18:00", "signed_off": "on"},
    )
    assert response.status_code == 302
    new_york_edition.refresh_from_db()
    assert new_york_edition.results_published_at == SIX_PM_IN_NEW_YORK

    page = client.get(reverse("results:overview", kwargs={"edition": new_york_edition.slug})).content.decode()
    assert input_value(page, "at") == "2027-01-15T18:00"
    assert "Time zone: America/New_York" in page
    assert "6 p.m. EST" in page


def test_admin_project_reopened_until_is_read_in_its_edition_zone(client_for, staff_organiser, new_york_edition):
    from submissions.models import Project
    from tests.factories import ProjectFactory

    client = client_for(staff_organiser)
    project = ProjectFactory(edition=new_york_edition)
    url = reverse("admin:submissions_project_change", args=[project.pk])
    data = form_data(client.get(url).content.decode(), "project_form")
    data["reopened_until_0"] = ["2027-01-15"]
    data["reopened_until_1"] = ["18:00:00"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Project.objects.get(pk=project.pk).reopened_until == SIX_PM_IN_NEW_YORK


def test_admin_edition_form_with_an_unknown_zone_says_so(client_for, staff_organiser, new_york_edition):
    client = client_for(staff_organiser)
    url = reverse("admin:award_edition_change", args=[new_york_edition.pk])
    data = form_data(client.get(url).content.decode(), "edition_form")
    data["timezone"] = ["America/Gotham"]
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unknown time zone." in page
    assert "Time zone: America/New_York" in page  # the dates are still read in the stored zone
    new_york_edition.refresh_from_db()
    assert new_york_edition.timezone == NEW_YORK
