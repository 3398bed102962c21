"""assignments_generate and the organiser's assignment, conflict and progress pages."""

from collections import Counter

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from award.models import AuditEntry, EditionRole
from scoring.enums import AssignmentStatus, ConflictSource
from scoring.jury.assignments import assignment_add, assignment_remove, assignments_generate, conflict_set
from scoring.jury.errors import ScoringError
from scoring.models import Assignment, ConflictOfInterest
from scoring.rules import can_score, juror_is_conflicted
from tests.factories import CategoryFactory, ConflictFactory, TeamMemberFactory
from tests.scoring.jury_setup import eligible_project, juror_in, rubric

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(edition, open_round):
    rubric(edition, 2)
    city, region = (
        CategoryFactory(edition=edition, name="Smart City"),
        CategoryFactory(edition=edition, name="Smart Region"),
    )
    jurors = [juror_in(edition, panels=[city]) for _ in range(4)] + [
        juror_in(edition, panels=[region]) for _ in range(3)
    ]
    projects = [eligible_project(edition, city) for _ in range(6)] + [
        eligible_project(edition, region) for _ in range(3)
    ]
    return {"city": city, "region": region, "jurors": jurors, "projects": projects}


def live(round_):
    return list(Assignment.objects.filter(round=round_).exclude(status=AssignmentStatus.RECUSED))


def test_generate_gives_k_panel_jurors_without_conflicts_and_balanced(setup, open_round, organiser, edition):
    conflicted = setup["projects"][0]
    ConflictFactory(juror=setup["jurors"][0], project=conflicted, edition=edition)
    # Panels only (the links between the panels are tested in test_ranking_loader.py).
    report = assignments_generate(actor=organiser, round=open_round, connect=False)
    assignments = live(open_round)
    assert report.created == len(assignments) == 9 * 2
    assert Counter(a.project_id for a in assignments) == {p.pk: 2 for p in setup["projects"]}
    assert all(a.juror_id != setup["jurors"][0].pk for a in assignments if a.project_id == conflicted.pk)
    for a in assignments:
        panel = setup["city"] if a.project.category_id == setup["city"].pk else setup["region"]
        assert EditionRole.objects.filter(user=a.juror, panels=panel).exists()
    loads = Counter(a.juror_id for a in assignments)
    city_loads = [loads[j.pk] for j in setup["jurors"][:4]]
    region_loads = [loads[j.pk] for j in setup["jurors"][4:]]
    assert max(city_loads) - min(city_loads) <= 1 and max(region_loads) - min(region_loads) <= 1
    assert AuditEntry.objects.get(action="assignments.generate").data["created"] == 18


def test_generate_again_fills_gaps_and_never_moves_started_work(setup, open_round, organiser, edition):
    assignments_generate(actor=organiser, round=open_round)
    started = live(open_round)[0]
    Assignment.objects.filter(pk=started.pk).update(status=AssignmentStatus.IN_PROGRESS, version=3)
    before = {(a.pk, a.project_id, a.juror_id) for a in live(open_round)}
    report = assignments_generate(actor=organiser, round=open_round)
    assert report.created == 0
    assert {(a.pk, a.project_id, a.juror_id) for a in live(open_round)} == before
    # A project becomes eligible late: only it gets new assignments.
    late = eligible_project(edition, setup["region"])
    report = assignments_generate(actor=organiser, round=open_round)
    assert report.created == 2
    assert {a.project_id for a in live(open_round)} - {p for _pk, p, _j in before} == {late.pk}


def test_generate_reports_projects_that_cannot_be_covered(setup, open_round, organiser, edition):
    short = setup["projects"][-1]
    for juror in setup["jurors"]:
        ConflictFactory(juror=juror, project=short, edition=edition)
    report = assignments_generate(actor=organiser, round=open_round)
    assert [(p.pk, available, needed) for p, available, needed in report.uncovered] == [(short.pk, 0, 2)]
    assert not Assignment.objects.filter(project=short).exists()


def test_generate_page_shows_reasons_and_coverage(client_for, setup, open_round, organiser, edition):
    short = setup["projects"][-1]
    for juror in setup["jurors"]:
        ConflictFactory(juror=juror, project=short, edition=edition)
    client = client_for(organiser)
    url = reverse("scoring:assignments", args=[open_round.pk])
    response = client.post(url, {"action": "generate"}, follow=True)
    body = response.content.decode()
    # 8 projects × 2 panel jurors, and 4 reviews that link the groups the solver left apart
    # (the two panels, and the city panel's two halves: 6 projects dealt to 4 jurors in pairs).
    assert "20 assignments created" in body
    assert "4 extra reviews were assigned so that groups" in body
    assert "The judging plan is connected" in body
    assert "only 0 jurors have no conflict of interest" in body
    assert 'data-testid="uncovered">1<' in body


def test_automatic_conflicts_same_organisation_partner_domain_country(edition, open_round):
    city = CategoryFactory(edition=edition)
    project = eligible_project(
        edition, city, organisation_name="City of Brno", partners="Brno University of Technology", country="CZ"
    )
    same_org = juror_in(edition, panels=[city], organisation="city of  brno")
    partner = juror_in(edition, panels=[city], organisation="Brno University of Technology")
    TeamMemberFactory(project=project, email="lead@brno.cz")
    domain = juror_in(edition, panels=[city], email="expert@brno.cz", organisation="Elsewhere")
    czech = juror_in(edition, panels=[city], organisation="Prague Institute", country="CZ")
    free = juror_in(edition, panels=[city], email="someone@gmail.com", organisation="Free", country="SK")
    assert juror_is_conflicted(same_org, project) and juror_is_conflicted(partner, project)
    assert juror_is_conflicted(domain, project)
    assert not juror_is_conflicted(czech, project)
    edition.same_country_conflict = True
    edition.save()
    project.refresh_from_db()
    assert juror_is_conflicted(czech, project)
    assert not juror_is_conflicted(free, project)


def test_generate_recuses_assignment_that_became_conflicted(setup, open_round, organiser, edition):
    assignments_generate(actor=organiser, round=open_round)
    a = live(open_round)[0]
    project = a.project
    project.organisation_name = a.juror.organisation
    project.save()
    report = assignments_generate(actor=organiser, round=open_round)
    a.refresh_from_db()
    assert a.status == AssignmentStatus.RECUSED and report.recused == 1
    assert Counter(x.project_id for x in live(open_round))[project.pk] == 2
    assert not can_score(a.juror, a)


def test_conflict_set_by_organiser_withdraws_started_assignment(setup, open_round, organiser, edition):
    assignments_generate(actor=organiser, round=open_round)
    a = live(open_round)[0]
    Assignment.objects.filter(pk=a.pk).update(status=AssignmentStatus.IN_PROGRESS)
    conflict_set(actor=organiser, juror=a.juror, project=a.project, reason="Spouse works there")
    a.refresh_from_db()
    assert a.status == AssignmentStatus.RECUSED
    assert ConflictOfInterest.objects.get(juror=a.juror, project=a.project).source == ConflictSource.ORGANISER
    assert AuditEntry.objects.filter(action="assignment.recuse", target_id=str(a.pk)).count() == 1


def test_manual_add_remove_swap(client_for, setup, open_round, organiser, edition):
    juror, other = setup["jurors"][0], setup["jurors"][1]
    project = setup["projects"][0]
    a = assignment_add(actor=organiser, round=open_round, project=project, juror=juror)
    with pytest.raises(ScoringError):
        assignment_add(actor=organiser, round=open_round, project=project, juror=juror)
    ConflictFactory(juror=other, project=setup["projects"][1], edition=edition)
    with pytest.raises(ScoringError) as info:
        assignment_add(actor=organiser, round=open_round, project=setup["projects"][1], juror=other)
    assert info.value.code == "conflicted"
    client = client_for(organiser)
    url = reverse("scoring:assignments", args=[open_round.pk])
    client.post(url, {"action": "swap", "assignment": a.pk, "juror": other.pk})
    assert list(Assignment.objects.filter(project=project).values_list("juror_id", flat=True)) == [other.pk]
    started = Assignment.objects.get(project=project)
    Assignment.objects.filter(pk=started.pk).update(status=AssignmentStatus.IN_PROGRESS, started_at="2026-01-01T00:00Z")
    response = client.post(url, {"action": "remove", "assignment": started.pk})
    assert response.status_code == 409
    assert "already started this review" in response.content.decode()
    assert Assignment.objects.filter(pk=started.pk).exists()
    with pytest.raises(PermissionDenied):
        assignment_remove(actor=juror, assignment=started)


def test_organiser_pages_are_404_for_jurors(client_for, setup, open_round, juror, edition):
    client = client_for(juror)
    assert client.get(reverse("scoring:assignments", args=[open_round.pk])).status_code == 404
    assert client.get(reverse("scoring:progress", args=[open_round.pk])).status_code == 404
    assert client.get(reverse("scoring:jurors", args=[edition.slug])).status_code == 404


def test_progress_page_and_reminders(
    client_for, setup, open_round, organiser, edition, django_capture_on_commit_callbacks
):
    assignments_generate(actor=organiser, round=open_round, connect=False)
    done_juror = setup["jurors"][0]
    Assignment.objects.filter(round=open_round, juror=done_juror).update(
        status=AssignmentStatus.COMPLETED, finalised_at="2026-01-01T00:00Z"
    )
    client = client_for(organiser)
    url = reverse("scoring:progress", args=[open_round.pk])
    body = client.get(url).content.decode()
    done = Assignment.objects.filter(round=open_round, status=AssignmentStatus.COMPLETED).count()
    assert f"{done} of 18 reviews completed" in body
    mail.outbox.clear()
    # The progress page only leads to the preview: nothing is sent from it.
    assert client.post(url).url == reverse("scoring:reminders", args=[open_round.pk])
    assert mail.outbox == []
    reminders = reverse("scoring:reminders", args=[open_round.pk])
    juror = setup["jurors"][1]
    preview = client.get(reminders, {"juror": juror.pk}).content.decode()
    recipients = preview.split('data-testid="recipients"')[1].split("</table>")[0]
    assert recipients.count("<tr>") == 1 + 6 and done_juror.email not in recipients and juror.email in recipients
    text = preview.split('data-testid="preview-text"')[1].split("</pre>")[0]
    open_titles = [a.project.title for a in Assignment.objects.filter(round=open_round, juror=juror)]
    assert open_titles and all(title in text for title in open_titles)
    assert f"Hello {juror.display_name}," in text
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reminders, follow=True)
    assert "Reminders sent to 6 jurors." in response.content.decode()
    assert len(mail.outbox) == 6
    assert done_juror.email not in {m.to[0] for m in mail.outbox}
    message = next(m for m in mail.outbox if m.to == [juror.email])
    for a in Assignment.objects.filter(round=open_round, juror=juror):
        assert a.project.title in message.body
        assert f"/jury/assignments/{a.pk}/" in message.body
    role = EditionRole.objects.get(edition=edition, user=juror)
    assert role.last_reminded_at is not None
    table = client.get(url).content.decode().split('data-testid="by-juror"')[1].split("</table>")[0]
    assert table.count("<td>—</td>") == 1  # only the juror with nothing left to do was not reminded


@pytest.mark.parametrize("name", ["scoring:progress", "scoring:assignments"])
@pytest.mark.parametrize("n", [1, 4])
def test_progress_and_assignments_query_count_constant(
    client_for, edition, open_round, organiser, django_assert_num_queries, name, n
):
    city = CategoryFactory(edition=edition)
    for _ in range(n + 1):
        juror_in(edition, panels=[city])
    for _ in range(n):
        eligible_project(edition, city)
    assignments_generate(actor=organiser, round=open_round, k=1)
    client = client_for(organiser)
    url = reverse(name, args=[open_round.pk])
    client.get(url)
    with django_assert_num_queries(EXPECTED_QUERIES[name]):
        response = client.get(url)
    assert response.content.decode().count('class="badge badge-pending"') == n


EXPECTED_QUERIES = {"scoring:progress": 14, "scoring:assignments": 18}


def test_generate_page_counts_too_few_jurors_with_the_plural_form_of_the_language(
    client_for, setup, open_round, organiser, edition
):
    # Issue 21: "only %(available)s jurors" was a plain string, wrong for 1 and for 2–4 in sk, cs and pl.
    short = setup["projects"][-1]
    for juror in setup["jurors"][1:]:
        ConflictFactory(juror=juror, project=short, edition=edition)
    organiser.language = "sk"
    organiser.save()
    client = client_for(organiser)
    response = client.post(reverse("scoring:assignments", args=[open_round.pk]), {"action": "generate"}, follow=True)
    body = response.content.decode()
    assert "konflikt záujmov s ním nemá iba 1 porotca." in body
    assert "nemá iba 1 porotcov" not in body


@pytest.mark.parametrize("n", [1, 5])
def test_reminder_preview_query_count_constant(
    client_for, edition, open_round, organiser, django_assert_num_queries, n
):
    city = CategoryFactory(edition=edition)
    for _ in range(n):
        juror_in(edition, panels=[city])
        eligible_project(edition, city)
    assignments_generate(actor=organiser, round=open_round, k=1, connect=False)
    client = client_for(organiser)
    url = reverse("scoring:reminders", args=[open_round.pk])
    client.get(url)
    with django_assert_num_queries(REMINDER_PREVIEW_QUERIES):
        page = client.get(url).content.decode()
    rows = page.split('data-testid="recipients"')[1].split("</table>")[0]
    assert rows.count("<tr>") == 1 + n
    assert 'data-testid="preview-text"' in page


REMINDER_PREVIEW_QUERIES = 7
