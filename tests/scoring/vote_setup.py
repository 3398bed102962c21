"""Shared set-up of the public vote's tests: an open vote for finalists, and a vote as a
browser would send it (a solved challenge at the lowest difficulty)."""

from datetime import timedelta

from django.utils import timezone

from scoring.enums import ResultKind
from scoring.models import Result
from scoring.vote import checks
from scoring.vote.enums import Standing
from scoring.vote.models import PublicVote
from scoring.vote.services import VoteRequest
from submissions.enums import ProjectStatus
from tests.factories import CategoryFactory, ProjectFactory


def add_finalists(edition, *, projects: int = 2, categories: int = 1) -> list:
    finalists = []
    for c in range(categories):
        category = CategoryFactory(edition=edition, position=c)
        for _i in range(projects):
            project = ProjectFactory(edition=edition, category=category, status=ProjectStatus.ELIGIBLE)
            Result.objects.create(edition=edition, category=category, project=project, kind=ResultKind.FINALIST)
            finalists.append(project)
    return finalists


def open_vote(edition, *, projects: int = 2, categories: int = 1, **fields) -> tuple[PublicVote, list]:
    now = timezone.now()
    finalists = add_finalists(edition, projects=projects, categories=categories)
    values = {
        "standing": Standing.FINALISTS,
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=1),
        "difficulty": 4,
        "min_seconds": 0,
        **fields,
    }
    return PublicVote.objects.create(edition=edition, **values), finalists


def solved(poll: PublicVote, *, seconds_ago: int = 5) -> tuple[str, str]:
    challenge = checks.challenge_issue(poll.pk, now=timezone.now().timestamp() - seconds_ago)
    return challenge, str(checks.pow_solve(challenge, poll.difficulty))


def request_for(poll, project, email, *, ip="192.0.2.10", signature="sig", page_seen=True, **overrides):
    challenge, solution = solved(poll)
    values = {
        "project_id": project.pk,
        "email": email,
        "challenge": challenge,
        "solution": solution,
        "honeypot": "",
        "ip": ip,
        "signature": signature,
        "page_seen": page_seen,
        **overrides,
    }
    return VoteRequest(**values)


def vote_through_the_page(client, edition, project, email, **headers):
    """A visitor's vote as the page sends it: the challenge read off the page, solved, posted."""
    import re

    from django.urls import reverse

    page = reverse("vote:page", args=[edition.slug])
    challenge = re.search(r'name="challenge" value="([^"]+)"', client.get(page).content.decode()).group(1)
    data = {"email": email, "project": project.pk, "challenge": challenge, "solution": checks.pow_solve(challenge, 4)}
    return client.post(page, data, **headers)
