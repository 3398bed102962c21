"""Jurors nominated by a partner organisation (issue 16, item 4): every project of that
organisation, or with it as a partner, is a conflict of interest for the juror."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import Workbook

from award.enums import Role
from award.models import AuditEntry, EditionRole
from scoring.enums import AssignmentStatus
from scoring.jury.assignments import assignment_add, assignments_generate
from scoring.jury.conflicts import REASON_NOMINATION, automatic_conflict_reason
from scoring.jury.errors import ScoringError
from scoring.jury.jurors import juror_nomination_set, juror_profile_save
from scoring.models import Assignment
from scoring.rules import can_score, juror_is_conflicted
from tests.factories import CategoryFactory, UserFactory
from tests.scoring.jury_setup import assignment, eligible_project, juror_in, rubric

pytestmark = pytest.mark.django_db

PARTNER = "Green Mobility Association"


@pytest.fixture
def projects(edition):
    city = CategoryFactory(edition=edition, name="Smart City")
    return {
        "applicant": eligible_project(edition, city, organisation_name="green mobility  association"),
        "partner": eligible_project(edition, city, organisation_name="City of Trnava", partners=f"Uni X; {PARTNER}"),
        "free": eligible_project(
            edition, city, organisation_name="City of Nitra", partners="Green Mobility Assoc. Ltd"
        ),
    }


def test_a_nomination_makes_the_partner_projects_conflicts(edition, juror, projects):
    assert not any(juror_is_conflicted(juror, p) for p in projects.values())
    role = EditionRole.objects.get(edition=edition, user=juror, role=Role.JUROR)
    juror_nomination_set(actor=None, role=role, nominated_by=PARTNER)
    assert juror_is_conflicted(juror, projects["applicant"])
    assert juror_is_conflicted(juror, projects["partner"])
    assert not juror_is_conflicted(juror, projects["free"])
    reason = automatic_conflict_reason(juror=juror, project=projects["partner"], edition=edition)
    assert reason == REASON_NOMINATION
    # The nomination is the edition's: the same person in another edition is not conflicted there.
    assert EditionRole.objects.get(pk=role.pk).nominated_by == PARTNER


def test_nominating_withdraws_assignments_and_the_juror_cannot_score(
    client_for, edition, open_round, juror, organiser, projects
):
    rubric(edition, 2)
    conflicted = assignment(open_round, juror, projects["partner"])
    kept = assignment(open_round, juror, projects["free"])
    assert can_score(juror, conflicted)
    role, _created = juror_profile_save(actor=organiser, edition=edition, email=juror.email, nominated_by=PARTNER)
    conflicted.refresh_from_db()
    kept.refresh_from_db()
    assert conflicted.status == AssignmentStatus.RECUSED
    assert kept.status == AssignmentStatus.PENDING
    assert not can_score(juror, conflicted)
    assert client_for(juror).get(reverse("scoring:score", args=[conflicted.pk])).status_code == 404
    entry = AuditEntry.objects.get(action="juror.nomination")
    assert entry.data == {"email": juror.email, "nominated_by": PARTNER}
    assert AuditEntry.objects.get(action="assignment.recuse").target_id == str(conflicted.pk)


def test_generated_assignments_avoid_projects_of_the_nominating_partner(edition, open_round, organiser, projects):
    rubric(edition, 2)
    city = projects["free"].category
    nominated = juror_in(edition, panels=[city], organisation="Institute A")
    others = [juror_in(edition, panels=[city], organisation=f"Institute {n}") for n in "BCD"]
    EditionRole.objects.filter(edition=edition, user=nominated).update(nominated_by=PARTNER)
    # A project that arrives after the nomination is caught as well.
    late = eligible_project(edition, city, organisation_name=PARTNER.upper())
    assignments_generate(actor=organiser, round=open_round, k=3, connect=False)
    mine = set(Assignment.objects.filter(juror=nominated).values_list("project_id", flat=True))
    assert mine == {projects["free"].pk}
    for project in (projects["applicant"], projects["partner"], late):
        jurors = set(Assignment.objects.filter(project=project).values_list("juror_id", flat=True))
        assert jurors == {o.pk for o in others}


def test_the_jurors_page_shows_and_saves_the_nomination(client_for, edition, organiser, juror):
    client = client_for(organiser)
    role = EditionRole.objects.get(edition=edition, user=juror, role=Role.JUROR)
    url = reverse("scoring:juror_edit", args=[edition.slug, role.pk])
    response = client.post(
        url,
        {"email": juror.email, "first_name": "Julia", "last_name": "Juror", "nominated_by": "  Partner   Ltd "},
    )
    assert response.status_code == 302
    assert EditionRole.objects.get(pk=role.pk).nominated_by == "Partner Ltd"
    body = client.get(reverse("scoring:jurors", args=[edition.slug])).content.decode()
    assert re.search(r'data-testid="nomination">Nominated by Partner Ltd<', body)
    assert 'value="Partner Ltd"' in client.get(url).content.decode()


def test_the_nomination_form_is_404_to_a_juror(client_for, edition, juror, other_juror):
    role = EditionRole.objects.get(edition=edition, user=other_juror, role=Role.JUROR)
    url = reverse("scoring:juror_edit", args=[edition.slug, role.pk])
    response = client_for(juror).post(url, {"email": other_juror.email, "nominated_by": "Evil Corp"})
    assert response.status_code == 404
    assert EditionRole.objects.get(pk=role.pk).nominated_by == ""


def test_juror_import_takes_a_nominated_by_column(client_for, organiser, edition, django_capture_on_commit_callbacks):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Email", "First name", "Last name", "Organisation", "Country", "Nominated by"])
    sheet.append(["anna@uni.sk", "Anna", "Kovacova", "Uni SK", "SK", PARTNER])
    sheet.append(["jan@cvut.cz", "Jan", "Novak", "CVUT", "CZ", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "jurors.xlsx"
    client = client_for(organiser)
    url = reverse("scoring:jurors_import", args=[edition.slug])
    body = client.post(url, {"file": buffer}).content.decode()
    assert f"Nominated by {PARTNER}" in body
    signed = re.search(r'name="rows" value="([^"]+)"', body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirm": "1", "rows": signed})
    nominations = dict(
        EditionRole.objects.filter(edition=edition, role=Role.JUROR).values_list("user__email", "nominated_by")
    )
    assert nominations == {"anna@uni.sk": PARTNER, "jan@cvut.cz": ""}


@pytest.mark.parametrize("n", [1, 6])
def test_jurors_page_query_count_with_nominations(client_for, edition, organiser, django_assert_num_queries, n):
    for i in range(n):
        user = UserFactory()
        EditionRole.objects.create(edition=edition, user=user, role=Role.JUROR, nominated_by=f"Partner {i}")
    client = client_for(organiser)
    url = reverse("scoring:jurors", args=[edition.slug])
    client.get(url)
    # The same count with 1 and 6 jurors: the nominations come with the roles.
    with django_assert_num_queries(10):
        body = client.get(url).content.decode()
    assert body.count('data-testid="nomination"') == n


def test_a_nominated_juror_cannot_be_assigned_by_hand_to_the_partner_project(
    edition, open_round, organiser, juror, projects
):
    EditionRole.objects.filter(edition=edition, user=juror).update(nominated_by=PARTNER)
    with pytest.raises(ScoringError) as refused:
        assignment_add(actor=organiser, round=open_round, project=projects["applicant"], juror=juror)
    assert refused.value.code == "conflicted"
    assert not Assignment.objects.filter(juror=juror).exists()
    assert assignment_add(actor=organiser, round=open_round, project=projects["free"], juror=juror).juror == juror
