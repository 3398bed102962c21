import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from award.enums import Role
from award.models import Category, Criterion, Edition, EditionRole, Round, User
from demo.seeding import (
    ADMIN_EMAIL,
    APPLICANT_EMAIL,
    DEMO_PASSWORD,
    DEMO_SLUG,
    DEMO_SLUGS,
    JUROR_EMAIL,
    ORGANISER_EMAIL,
)
from scoring.enums import AssignmentStatus
from scoring.models import Assignment, ConflictOfInterest, Score
from submissions.models import Project

pytestmark = pytest.mark.django_db(transaction=True)


def _counts(edition: Edition) -> dict:
    return {
        "categories": Category.objects.filter(edition=edition).count(),
        "criteria": Criterion.objects.filter(edition=edition).count(),
        "rounds": Round.objects.filter(edition=edition).count(),
        "projects": Project.objects.filter(edition=edition).count(),
        "jurors": EditionRole.objects.filter(edition=edition, role=Role.JUROR).count(),
        "conflicts": ConflictOfInterest.objects.filter(edition=edition).count(),
        "assignments": Assignment.objects.filter(round__edition=edition).count(),
        "completed": Assignment.objects.filter(round__edition=edition, status=AssignmentStatus.COMPLETED).count(),
        "scores": Score.objects.filter(assignment__round__edition=edition).count(),
    }


def _all_counts() -> dict:
    return {
        "editions": Edition.objects.count(),
        "users": User.objects.count(),
        **{edition.slug: _counts(edition) for edition in Edition.objects.all()},
    }


def _printed(output: str) -> dict[str, dict]:
    """The counts printed under each edition's line, by edition name."""
    return {
        name: {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line)}
        for name, line in re.findall(r"demo edition '([^']+)'.*\n(.*)", output)
    }


def test_seed_demo_is_idempotent_and_prints_true_counts():
    first = StringIO()
    call_command("seed_demo", stdout=first)
    after_first = _all_counts()
    second = StringIO()
    call_command("seed_demo", stdout=second)
    assert _all_counts() == after_first

    printed = _printed(first.getvalue())
    assert after_first["editions"] == 3
    assert set(printed) == {edition.name for edition in Edition.objects.filter(slug__in=DEMO_SLUGS)}
    for edition in Edition.objects.all():
        for key, value in _counts(edition).items():
            assert printed[edition.name][key] == value, (edition.slug, key)
    assert _printed(second.getvalue()) == printed
    current = after_first[DEMO_SLUG]
    assert current["categories"] == 4
    assert current["criteria"] == 8
    assert current["rounds"] == 2
    assert current["jurors"] == 12
    assert 38 <= current["projects"] <= 46
    assert 65 <= printed["V4 Smart Project Award 2026"]["round1_completion"] <= 75
    for email in (ADMIN_EMAIL, ORGANISER_EMAIL, JUROR_EMAIL, APPLICANT_EMAIL):
        assert email in first.getvalue()
    assert DEMO_PASSWORD in first.getvalue()


def test_seed_demo_is_deterministic_and_consistent():
    call_command("seed_demo", stdout=StringIO())
    titles = list(Project.objects.order_by("reference").values_list("title", flat=True)[:5])
    values = list(
        Score.objects.order_by(
            "assignment__project__reference", "assignment__juror__email", "criterion__position"
        ).values_list("value", flat=True)[:20]
    )
    call_command("flush", interactive=False, verbosity=0)
    assert not Edition.objects.exists()
    call_command("seed_demo", stdout=StringIO())
    assert list(Project.objects.order_by("reference").values_list("title", flat=True)[:5]) == titles
    assert (
        list(
            Score.objects.order_by(
                "assignment__project__reference", "assignment__juror__email", "criterion__position"
            ).values_list("value", flat=True)[:20]
        )
        == values
    )
    # No juror is ever assigned a project they are conflicted with, and each project has 3 jurors
    # in round 1 (the final round of the finished edition gives each finalist the whole panel).
    conflicts = set(ConflictOfInterest.objects.values_list("juror_id", "project_id"))
    assert conflicts
    assert not conflicts & set(Assignment.objects.values_list("juror_id", "project_id"))
    per_project = {}
    for project_id in Assignment.objects.filter(round__number=1).values_list("project_id", flat=True):
        per_project[project_id] = per_project.get(project_id, 0) + 1
    assert set(per_project.values()) == {3}
    # Countries: all four are represented.
    assert set(Project.objects.values_list("country", flat=True)) == {"SK", "CZ", "PL", "HU"}
    # This year's edition has an open public vote with confirmed votes and a planted burst.
    _public_vote_checked()


def test_demo_logins_work():
    call_command("seed_demo", stdout=StringIO())
    for email in (ADMIN_EMAIL, ORGANISER_EMAIL, JUROR_EMAIL, APPLICANT_EMAIL):
        assert authenticate(username=email, password=DEMO_PASSWORD) is not None, email


def test_demo_rubric_speaks_every_language(client):
    from django.utils import translation

    call_command("seed_demo", stdout=StringIO())
    edition = Edition.objects.get(slug=DEMO_SLUG)
    with translation.override("sk"):
        assert [c.name for c in edition.categories.order_by("position")][:2] == [
            "Inteligentné mesto",
            "Inteligentný región",
        ]
        innovation = edition.criteria.get(position=0)
        assert (innovation.name, innovation.levels[-1]) == ("Inovatívnosť", "9–10: vynikajúce, vzor pre ostatných")
        # The guidance too (the V4 rubric template's), so the set-up checklist finds no gap.
        assert innovation.guidance.startswith("Nakoľko je riešenie nové vo svojom kontexte?")
    with translation.override("hu"):
        assert edition.rounds.get(number=1).name == "1. forduló: előválogatás"
    call = client.get(f"/call/{edition.slug}/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Cyberbezpieczeństwo" in call and "Innowacyjność" in call


def test_demo_published_edition_is_sealed_and_verifies(client):
    from demo.seeding import PAST_SLUG
    from scoring.models import ResultsSnapshot

    call_command("seed_demo", verbosity=0)
    edition = Edition.objects.get(slug=PAST_SLUG)
    kinds = sorted(ResultsSnapshot.objects.filter(edition=edition).values_list("kind", flat=True))
    assert kinds == ["freeze", "freeze", "publish"]
    sealed = ResultsSnapshot.objects.get(edition=edition, kind="publish")
    page = client.get(f"/results/{PAST_SLUG}/").content.decode()
    assert sealed.payload_hash[:12] in page
    out = StringIO()
    call_command("results_verify", PAST_SLUG, stdout=out)
    assert out.getvalue().splitlines()[-1] == "All 3 sealed snapshot(s) are identical."


def _public_vote_checked():
    """The organiser sees live counts and a fraud report with the planted burst (issue 20)."""
    from django.test import Client
    from django.urls import reverse

    from demo.seeding import BURST_DOMAIN, BURST_NETWORK, BURST_VOTES
    from scoring.vote.enums import SuspicionKind
    from scoring.vote.models import PublicVote
    from scoring.vote.selectors import suspicious_groups, vote_counts

    poll = PublicVote.objects.get(edition__slug=DEMO_SLUG)
    assert poll.is_open()
    assert sum(vote_counts(poll).values()) == 150 + BURST_VOTES
    groups = {(g.kind, g.key): g.count for g in suspicious_groups(poll)}
    assert groups[(SuspicionKind.NETWORK, BURST_NETWORK)] == BURST_VOTES
    assert groups[(SuspicionKind.DOMAIN, BURST_DOMAIN)] == BURST_VOTES
    assert groups[(SuspicionKind.UNSEEN, "-")] == BURST_VOTES
    assert any(kind == SuspicionKind.BURST and n == BURST_VOTES for (kind, _key), n in groups.items())
    # Nothing else looks suspicious: the organic votes are spread out.
    assert len(groups) == 4
    client = Client()
    client.force_login(User.objects.get(email=ORGANISER_EMAIL))
    assert BURST_NETWORK in client.get(reverse("vote:fraud", args=[DEMO_SLUG])).content.decode()
    assert client.get(reverse("vote:manage", args=[DEMO_SLUG])).status_code == 200
    assert client.get(reverse("vote:page", args=[DEMO_SLUG])).status_code == 200
