"""Bulk screening (issue 17): one decision and one reason for many applications, each decided
through the same service as a single decision; previous / next on the detail page."""

import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.urls import reverse

from award.enums import Country
from award.models import AuditEntry
from submissions.enums import ProjectStatus
from submissions.models import Project
from tests.factories import CategoryFactory, EditionFactory, EditionRoleFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def submitted(edition, category, n, language="en", **fields):
    owner = UserFactory(language=language)
    defaults = {"status": ProjectStatus.SUBMITTED, "reference": f"V4A-2026-{n:04d}", "owner": owner}
    defaults.update(fields)
    project = ProjectFactory(edition=edition, category=category, **defaults)
    project.submitted_at = project.created_at
    project.save(update_fields=["submitted_at"])
    return project


def bulk_url(edition, **query):
    return reverse("submissions:screening_bulk", args=[edition.slug]) + ("?" + urlencode(query) if query else "")


def test_bulk_not_eligible_with_one_reason_audits_each_and_emails_each_team_in_its_language(
    client_for, organiser, edition, category, django_capture_on_commit_callbacks
):
    languages = ["sk", "pl", "en", "sk", "hu"]
    projects = [submitted(edition, category, n + 1, language) for n, language in enumerate(languages)]
    untouched = submitted(edition, category, 99)
    client = client_for(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            bulk_url(edition),
            {
                "decision": "ineligible",
                "reason": "Outside the V4 region",
                "scope": "selected",
                "ids": [p.pk for p in projects],
            },
        )
    assert response.status_code == 302
    for project in projects:
        project.refresh_from_db()
        assert (project.status, project.ineligibility_reason) == (ProjectStatus.INELIGIBLE, "Outside the V4 region")
    untouched.refresh_from_db()
    assert untouched.status == ProjectStatus.SUBMITTED
    entries = AuditEntry.objects.filter(action="project.eligibility", actor=organiser)
    assert sorted(int(e.target_id) for e in entries) == sorted(p.pk for p in projects)
    assert all(e.data["reason"] == "Outside the V4 region" and e.data["to"] == "ineligible" for e in entries)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert len(mail.outbox) == len(projects)
    by_owner = {p.owner.email: p for p in projects}
    assert subjects[projects[0].owner.email] == "Vaša prihláška V4A-2026-0001: Nespĺňa podmienky"
    assert subjects[projects[1].owner.email].startswith("Państwa zgłoszenie V4A-2026-0002")
    assert subjects[projects[2].owner.email] == "Your application V4A-2026-0003: Not eligible"
    assert all("Outside the V4 region" in m.body for m in mail.outbox) and len(by_owner) == 5
    page = client.get(response["Location"]).content.decode()
    assert "5 applications were marked not eligible; their teams are told by email." in page


def test_bulk_all_matching_respects_the_filter_and_the_organisers_edition(
    client_for, organiser, edition, category, django_capture_on_commit_callbacks
):
    slovak = [submitted(edition, category, n, country=Country.SLOVAKIA) for n in (1, 2, 3)]
    czech = submitted(edition, category, 4, country=Country.CZECHIA)
    other_edition = EditionFactory(name="Other award", slug="other-award")
    foreign = submitted(other_edition, CategoryFactory(edition=other_edition), 5, country=Country.SLOVAKIA)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(
            bulk_url(edition, country=Country.SLOVAKIA), {"decision": "eligible", "scope": "all", "ids": [foreign.pk]}
        )
    assert response.status_code == 302
    assert f"country={Country.SLOVAKIA}" in response["Location"]
    statuses = dict(Project.objects.values_list("pk", "status"))
    assert [statuses[p.pk] for p in slovak] == [ProjectStatus.ELIGIBLE] * 3
    assert statuses[czech.pk] == ProjectStatus.SUBMITTED
    assert statuses[foreign.pk] == ProjectStatus.SUBMITTED
    assert AuditEntry.objects.filter(action="project.eligibility").count() == 3


def test_bulk_ids_of_another_edition_change_nothing(client_for, organiser, edition, category):
    other_edition = EditionFactory(name="Other award", slug="other-award")
    foreign = submitted(other_edition, CategoryFactory(edition=other_edition), 1)
    other_organiser = UserFactory()
    EditionRoleFactory(edition=other_edition, user=other_organiser, role="organiser")
    response = client_for(organiser).post(bulk_url(edition), {"decision": "eligible", "ids": [foreign.pk]})
    assert response.status_code == 400
    assert "None of the chosen applications is on the list; nothing was changed." in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.status == ProjectStatus.SUBMITTED
    # And someone who does not organise the edition gets the same 404 as for a missing page.
    assert client_for(UserFactory()).post(bulk_url(edition), {"decision": "eligible"}).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "eligible"}, "Tick at least one application, or choose every application the filter matches."),
        ({"decision": "ineligible", "ids": ["{pk}"]}, "Give the reason why the application is not eligible."),
        ({"ids": ["{pk}"]}, "Choose eligible or not eligible."),
        ({"decision": "eligible", "ids": ["12x", "<script>"]}, "Choose applications from the list."),
        ({"decision": "maybe", "ids": ["{pk}"]}, "Select a valid choice."),
    ],
)
def test_bulk_bad_input_is_a_translated_error_not_a_500(client_for, organiser, edition, category, data, message):
    project = submitted(edition, category, 1)
    data = {
        key: [v.format(pk=project.pk) for v in value] if isinstance(value, list) else value
        for key, value in data.items()
    }
    response = client_for(organiser).post(bulk_url(edition), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_bulk_skips_what_cannot_take_the_decision_and_says_why(
    client_for, organiser, edition, category, django_capture_on_commit_callbacks
):
    ready = submitted(edition, category, 1)
    withdrawn = submitted(edition, category, 2, status=ProjectStatus.WITHDRAWN)
    already = submitted(edition, category, 3, status=ProjectStatus.ELIGIBLE)
    client = client_for(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            bulk_url(edition), {"decision": "eligible", "ids": [ready.pk, withdrawn.pk, already.pk]}, follow=True
        )
    page = response.content.decode()
    assert "1 application was marked eligible; its team is told by email." in page
    assert "2 applications were left as they were" in page and "V4A-2026-0002" in page and "V4A-2026-0003" in page
    assert dict(Project.objects.values_list("reference", "status")) == {
        "V4A-2026-0001": ProjectStatus.ELIGIBLE,
        "V4A-2026-0002": ProjectStatus.WITHDRAWN,
        "V4A-2026-0003": ProjectStatus.ELIGIBLE,
    }
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [ready.owner.email]


def detail_url(edition, project, **query):
    url = reverse("submissions:screening_detail", args=[edition.slug, project.pk])
    return url + ("?" + urlencode(query) if query else "")


def test_previous_and_next_follow_the_lists_filter_and_order(client_for, organiser, edition, category):
    a = submitted(edition, category, 1, title="Alpha", country=Country.SLOVAKIA)
    submitted(edition, category, 2, title="Beta", country=Country.CZECHIA)
    c = submitted(edition, category, 3, title="Gamma", country=Country.SLOVAKIA)
    d = submitted(edition, category, 4, title="Delta", country=Country.SLOVAKIA)
    client = client_for(organiser)
    # Slovak ones, by title descending: Gamma, Delta, Alpha.
    page = client.get(detail_url(edition, d, country="SK", sort="-title")).content.decode()
    previous = re.search(r'href="([^"]+)" rel="prev"', page).group(1)
    following = re.search(r'href="([^"]+)" rel="next"', page).group(1)
    assert previous.startswith(reverse("submissions:screening_detail", args=[edition.slug, c.pk]))
    assert following.startswith(reverse("submissions:screening_detail", args=[edition.slug, a.pk]))
    assert "country=SK" in following and "sort=-title" in following
    assert "2 of 3" in page
    # "Save and open the next" under a status filter: the decided one leaves the list, the next opens.
    response = client.post(
        reverse("submissions:screening_eligibility", args=[edition.slug, c.pk]) + "?status=submitted&sort=-title",
        {"decision": "eligible", "then": "next"},
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(edition, d, status="submitted", sort="-title")


@pytest.mark.parametrize("rows", [1, 12])
def test_detail_page_query_count_does_not_grow_with_the_list_or_history(
    client_for, organiser, edition, category, rows, django_assert_max_num_queries
):
    projects = [submitted(edition, category, n + 1) for n in range(rows)]
    target = projects[len(projects) // 2]
    for _ in range(rows):
        AuditEntry.objects.create(
            actor=organiser, edition=edition, action="project.submitted", target_type="submissions.project",
            target_id=str(target.pk), target_repr=target.title,
        )  # fmt: skip
    client = client_for(organiser)
    client.get(detail_url(edition, target))
    with django_assert_max_num_queries(12):
        response = client.get(detail_url(edition, target, sort="-title"))
    assert response.content.decode().count("submitted the application") == rows
