"""On the day it is seeded, the demo lets every role act, through the pages people use: a new
visitor signs up and submits to the open call, jurors save scores in the round in progress, last
year's edition shows its results, ceremony and certificates, the organiser organises and the
administrator administers."""

import re
from datetime import time

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from award.enums import Role
from award.models import AuditEntry, Edition, EditionRole, User
from award.selectors import edition_current
from demo.seeding import (
    ADMIN_EMAIL,
    APPLICANT_EMAIL,
    CHAIR_EMAIL,
    DEMO_PASSWORD,
    DEMO_SLUG,
    DEMO_SLUGS,
    JUROR_EMAIL,
    NEXT_SLUG,
    ORGANISER_EMAIL,
    PAST_SLUG,
)
from reports.models import Certificate
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Assignment, Result, Score
from scoring.ranking.analysis import round_analysis
from submissions.enums import ProjectStatus
from submissions.models import Project
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return {edition.slug: edition for edition in Edition.objects.filter(slug__in=DEMO_SLUGS)}


def test_demo_timeline_is_that_of_a_real_award_on_the_seeding_day(demo, client):
    now = timezone.now()
    past, current, upcoming = demo[PAST_SLUG], demo[DEMO_SLUG], demo[NEXT_SLUG]
    # Last year's edition is over and public; this year's jury is at work; next year's call is open.
    assert past.ceremony_at < now and past.results_are_public(now) and not past.submissions_are_open(now)
    assert all(rnd.frozen and not rnd.is_open(now) for rnd in past.rounds.all())
    assert not current.submissions_are_open(now) and not current.results_are_public(now)
    assert current.rounds.get(number=1).is_open(now) and now < current.ceremony_at
    assert (
        upcoming.submissions_are_open(now)
        and upcoming.rounds.get(number=1).scoring_opens_at > upcoming.submissions_close_at
    )
    # Deadlines fall at the end of a day in the edition's own time zone.
    for edition in demo.values():
        assert timezone.localtime(edition.submissions_close_at, edition.tz).time() == time(23, 59, 59)
    # The dashboards stay on the edition being judged; the public call leads to the open one.
    assert edition_current() == current
    assert client.get(reverse("submissions:call_current")).url == reverse("submissions:call", args=[NEXT_SLUG])
    # Every edition's counter is at its highest reference, so the next one issued is free.
    for edition in demo.values():
        numbers = [int(r[-4:]) for r in edition.projects.exclude(reference="").values_list("reference", flat=True)]
        assert edition.reference_counter == max(numbers)


def test_demo_new_visitor_signs_up_and_submits_to_the_open_call(demo, client, django_capture_on_commit_callbacks):
    upcoming = demo[NEXT_SLUG]
    taken = set(Project.objects.filter(edition=upcoming).exclude(reference="").values_list("reference", flat=True))
    assert taken
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("signup"),
            {
                "email": "new.team@nitra.example.sk",
                "first_name": "Nora",
                "last_name": "Nováková",
                "organisation": "Mesto Nitra",
                "country": "SK",
                "language": "en",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    body = next(m for m in mail.outbox if m.to == ["new.team@nitra.example.sk"]).body
    link = re.search(r"https?://\S+(/accounts/confirm/\S+)", body).group(1)
    assert client.get(link).url == reverse("submissions:call_current")
    call = client.get(reverse("submissions:call", args=[NEXT_SLUG])).content.decode()
    assert "Start a new application" in call

    response = client.post(reverse("submissions:new", args=[NEXT_SLUG]))
    project = Project.objects.get(owner__email="new.team@nitra.example.sk")
    assert response.url == reverse("submissions:edit", args=[project.pk])
    category = upcoming.categories.get(slug="smart-region")
    form = {
        "category": category.pk,
        "organisation_name": "Mesto Nitra",
        "organisation_type": "municipality",
        "country": "SK",
        "city_region": "Nitra",
        "title": "Bus stops that talk",
        "summary": "Audio timetables at every stop.",
        "problem": "Blind residents cannot read the timetables.",
        "solution": "A button at each stop reads the next departures aloud.",
        "results": "120 stops equipped.",
        "innovation": "First in Slovakia.",
        "citizen_involvement": "Designed with the Union of the Blind.",
        "sustainability": "Run by the city's transport company.",
        "budget_eur": "80000",
        "funding_sources": "City budget.",
        "start_date": "2025-03-01",
        "end_date": "2026-02-28",
        "website": "",
        "partners": "",
        "consent_rules": "on",
        "consent_privacy": "on",
        "team-TOTAL_FORMS": "1",
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "1000",
        "team-0-name": "Nora Nováková",
        "team-0-role": "Project lead",
        "team-0-email": "new.team@nitra.example.sk",
        "action": "submit",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("submissions:edit", args=[project.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert project.reference == f"V4A-2027-{len(taken) + 1:04d}" and project.reference not in taken
    assert project.reference in client.get(response.url).content.decode()


def test_demo_jurors_have_open_reviews_and_save_a_score(demo, client):
    current = demo[DEMO_SLUG]
    round1 = current.rounds.get(number=1)
    jurors = User.objects.filter(edition_roles__edition=current, edition_roles__role=Role.JUROR)
    open_work = {
        juror.email: list(
            Assignment.objects.filter(round=round1, juror=juror).exclude(status=AssignmentStatus.COMPLETED)
        )
        for juror in jurors
    }
    # Some reviews done, some open, for most jurors and for the printed one.
    assert Assignment.objects.filter(round=round1, status=AssignmentStatus.COMPLETED).exists()
    assert open_work[JUROR_EMAIL]
    assert sum(1 for items in open_work.values() if items) >= 9
    for email in (JUROR_EMAIL, "juror4@demo.v4award.eu"):
        juror = User.objects.get(email=email)
        assignment = open_work[email][0]
        client.force_login(juror)
        assert assignment.project.title in client.get(reverse("scoring:dashboard")).content.decode()
        data = {"version": assignment.version, "overall_comment": "Clear and useful."}
        criteria = list(current.criteria.all())
        for criterion in criteria:
            data[f"value_{criterion.pk}"] = "6"
        response = client.post(reverse("scoring:score", args=[assignment.pk]), data, headers={"X-Autosave": "1"})
        assert response.status_code == 200 and response.json()["ok"]
        assert Score.objects.filter(assignment=assignment, value=6).count() == len(criteria)


def test_demo_judging_plan_is_connected(demo):
    """Jurors' sets overlap across panels: the round-1 graph of jurors and projects is one piece."""
    edition = demo[DEMO_SLUG]
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    pairs = Assignment.objects.filter(round__edition=edition, round__number=1).values_list("juror_id", "project_id")
    for juror_id, project_id in pairs:
        parent[find(f"j{juror_id}")] = find(f"p{project_id}")
    assert len({find(node) for node in list(parent)}) == 1
    # Every panel shares jurors with two other panels.
    for category in edition.categories.all():
        members = set(EditionRole.objects.filter(edition=edition, panels=category).values_list("user_id", flat=True))
        overlapping = {
            other.slug
            for other in edition.categories.exclude(pk=category.pk)
            if members
            & set(EditionRole.objects.filter(edition=edition, panels=other).values_list("user_id", flat=True))
        }
        assert len(members) == 6 and len(overlapping) == 2


def test_demo_jury_looks_real_planted_jurors_flagged_and_places_contested(demo):
    """The calibrated ranking's rater diagnostics find the two planted jurors (demo.content:
    juror 4 lenient, juror 10 harsh) and nobody else; round 1 of this year has contested places."""
    lenient = User.objects.get(email="juror4@demo.v4award.eu").pk
    harsh = User.objects.get(email="juror10@demo.v4award.eu").pk
    current, past = demo[DEMO_SLUG], demo[PAST_SLUG]
    assert current.aggregation_method == past.aggregation_method == "calibrated"
    for edition, number in ((current, 1), (past, 1), (past, 2)):
        analysis = round_analysis(edition.rounds.get(number=number))

        def flagged(test: str, analysis=analysis) -> set[int]:
            return {pk for pk, juror in analysis.jurors.items() if juror[test] and juror[test]["flagged"]}

        assert len(analysis.jurors) == 12 and analysis.connected and len(analysis.components) == 1
        assert flagged("leniency_test") == {lenient, harsh}, (edition.year, number)
        assert analysis.jurors[lenient]["leniency"] > 5 and analysis.jurors[harsh]["leniency"] < -5
        assert flagged("scale_test") == set() and flagged("favouritism") == set()
        # Same-country pairs are allowed in the demo, so favouritism is tested, and found nowhere.
        assert sum(1 for juror in analysis.jurors.values() if juror["favouritism"]) >= 8
    first = round_analysis(current.rounds.get(number=1))
    bands = {category: entry["band"] for category, entry in first.categories.items()}
    assert sum(1 for band in bands.values() if band) >= 2, bands
    assert max(entry["expected_wrong"] for entry in first.categories.values()) > 0.1


def test_demo_past_edition_has_public_results_ceremony_and_certificates(demo, client):
    past = demo[PAST_SLUG]
    winners = list(Result.objects.filter(edition=past, kind=ResultKind.WINNER).select_related("project"))
    finalists = Result.objects.filter(edition=past, kind=ResultKind.FINALIST)
    assert len(winners) == past.categories.count() == 4
    assert finalists.count() == sum(c.finalists_count for c in past.categories.all())
    assert {w.project_id for w in winners} <= set(finalists.values_list("project_id", flat=True))

    # Anyone: the results page, the JSON and the ceremony.
    page = client.get(reverse("results:public", args=[PAST_SLUG]))
    assert page.status_code == 200
    assert all(w.project.title in page.content.decode() for w in winners)
    data = client.get(reverse("results:public_json", args=[PAST_SLUG])).json()
    assert len(data["categories"]) == 4 and all(category["winners"] for category in data["categories"])
    ceremony = client.get(reverse("results:ceremony", args=[PAST_SLUG]))
    assert ceremony.status_code == 200 and winners[0].project.title in ceremony.content.decode()
    # This year's results are still under embargo.
    assert client.get(reverse("results:public", args=[DEMO_SLUG])).status_code == 404

    # Certificates: winners, finalists, participants, jurors; a printed code verifies.
    kinds = set(Certificate.objects.filter(edition=past).values_list("kind", flat=True))
    assert {"winner", "finalist", "participant", "juror", "special"} <= kinds
    certificate = Certificate.objects.filter(edition=past, kind="winner").first()
    verify = client.get(reverse("verify", args=[certificate.code]))
    assert verify.status_code == 200 and certificate.recipient_name in verify.content.decode()
    # The printed applicant's project won last year: their certificates are on their page.
    client.force_login(User.objects.get(email=APPLICANT_EMAIL))
    mine = client.get(reverse("reports:my_certificates")).content.decode()
    own = Certificate.objects.filter(edition=past, project__owner__email=APPLICANT_EMAIL, kind="winner").get()
    assert own.project_title in mine


def test_demo_organiser_is_an_organiser_not_a_superuser(demo, client, django_capture_on_commit_callbacks):
    organiser = User.objects.get(email=ORGANISER_EMAIL)
    assert not organiser.is_superuser and not organiser.is_staff
    assert set(
        EditionRole.objects.filter(user=organiser, role=Role.ORGANISER).values_list("edition__slug", flat=True)
    ) == set(DEMO_SLUGS)
    elsewhere = EditionFactory(name="Someone else's award", slug="someone-elses-award")
    client.force_login(organiser)
    assert client.get(reverse("submissions:screening", args=[NEXT_SLUG])).status_code == 200
    assert client.get(reverse("results:overview", args=[DEMO_SLUG])).status_code == 200
    for url in (
        reverse("submissions:screening", args=[elsewhere.slug]),
        reverse("results:overview", args=[elsewhere.slug]),
        reverse("reports:home", args=[elsewhere.slug]),
        reverse("scoring:jurors", args=[elsewhere.slug]),
    ):
        assert client.get(url).status_code == 404, url
    index = client.get(reverse("results:index")).content.decode()
    assert "V4 Smart Project Award 2025" in index and "Someone else" not in index
    assert client.get("/admin/").status_code == 302  # the Django administration is not theirs
    # One seeding for both: the demo's jury chair runs the meeting view beside the organiser.
    _chair_and_organiser_open_the_meeting_view(demo, client)
    _organiser_sends_the_refused_invitation_again(client, organiser, django_capture_on_commit_callbacks)


def _organiser_sends_the_refused_invitation_again(client, organiser, on_commit):
    """The demo's email log: every juror's invitation sent, a reserve juror's refused four
    times, which the organiser sends again from the log."""
    from award.models import EmailLog

    client.force_login(organiser)
    log = client.get(reverse("setup:email_log", args=[DEMO_SLUG])).content.decode()
    assert "juror1@demo.v4award.eu" in log and "reserve.juror@demo.v4award.eu" in log
    assert "Send again" in log and "Mailbox temporarily unavailable" in log
    failed = EmailLog.objects.get(recipient="reserve.juror@demo.v4award.eu")
    assert failed.subject and failed.language == "sk"
    with on_commit(execute=True):
        client.post(reverse("setup:email_log_resend", args=[DEMO_SLUG, failed.pk]))
    failed.refresh_from_db()
    # The tests' task backend runs the try at once: it goes out, and nothing of it is kept.
    assert failed.status == "sent" and failed.payload is None and failed.attempts == 5
    assert any(m.to == ["reserve.juror@demo.v4award.eu"] and "Ivana Rezervná" in m.body for m in mail.outbox)


def test_demo_administrator_login_exists_and_administers(demo, client):
    admin = authenticate(username=ADMIN_EMAIL, password=DEMO_PASSWORD)
    assert admin is not None and admin.is_superuser and admin.is_staff
    assert not EditionRole.objects.filter(user=admin).exists()
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
    page = client.get(reverse("admin:award_edition_changelist")).content.decode()
    assert all(edition.name in page for edition in demo.values())


def _chair_and_organiser_open_the_meeting_view(demo, client):
    """The 2026 jury chair (appointed through the service, audited; a veto under the statute) and
    the organiser open the jury meeting view; the chair only for the chair's panels."""
    current = demo[DEMO_SLUG]
    assert current.chair_veto
    chair_role = EditionRole.objects.get(edition=current, role=Role.JUROR, is_chair=True)
    assert chair_role.user.email == CHAIR_EMAIL
    assert AuditEntry.objects.filter(edition=current, action="juror.chair").count() == 1
    panels = list(chair_role.panels.order_by("position"))
    others = list(current.categories.exclude(pk__in=[c.pk for c in panels]))
    assert len(panels) == 2 and others

    def meeting(category):
        return reverse("results:meeting", kwargs={"edition": DEMO_SLUG, "round": 1, "category": category.slug})

    client.force_login(chair_role.user)
    page = client.get(meeting(panels[0]))
    assert page.status_code == 200 and panels[0].name in page.content.decode()
    assert client.get(meeting(others[0])).status_code == 404  # not the chair's panel
    client.force_login(User.objects.get(email=ORGANISER_EMAIL))
    assert client.get(meeting(others[0])).status_code == 200
    client.force_login(User.objects.get(email=JUROR_EMAIL))  # a juror, not the chair
    assert client.get(meeting(panels[0])).status_code == 404
