"""Reads of the public vote: the standing projects, the live counts (organisers only) and the
fraud report's suspicious groups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Max, Min, QuerySet
from django.db.models.functions import TruncMinute

from award.models import Edition
from scoring.enums import ResultKind
from scoring.models import Result
from scoring.vote.enums import Standing, SuspicionKind, VoteStatus
from scoring.vote.models import PublicVote, Vote
from submissions.enums import ProjectStatus
from submissions.models import Project

# A group is suspicious from these sizes on (confirmed votes). Chosen for an award of a few
# thousand voters: an office network or a popular browser build reaches the network and
# signature thresholds legitimately, so the organiser reads the group before voiding it.
BURST_PER_MINUTE = 10
NETWORK_VOTES = 10
SIGNATURE_VOTES = 25
DOMAIN_VOTES = 5
# Large public providers of the four countries and the world: never a "rarely seen" domain.
COMMON_DOMAINS = frozenset(
    """gmail.com outlook.com hotmail.com live.com yahoo.com icloud.com me.com proton.me protonmail.com gmx.com gmx.net
    gmx.de web.de seznam.cz email.cz centrum.cz centrum.sk azet.sk zoznam.sk post.sk atlas.sk atlas.cz volny.cz
    wp.pl o2.pl onet.pl interia.pl op.pl gazeta.pl freemail.hu citromail.hu t-online.hu vipmail.hu""".split()
)


def public_vote_of(edition: Edition) -> PublicVote | None:
    return PublicVote.objects.filter(edition=edition).first()


def standing_projects(poll: PublicVote) -> QuerySet[Project]:
    qs = Project.objects.filter(edition_id=poll.edition_id, status=ProjectStatus.ELIGIBLE)
    if poll.standing == Standing.FINALISTS:
        finalists = Result.objects.filter(edition_id=poll.edition_id, kind=ResultKind.FINALIST).values("project_id")
        qs = qs.filter(pk__in=finalists)
    else:
        qs = qs.filter(category__in=poll.categories.all())
    return qs.select_related("category").order_by("category__position", "category__name", "title", "pk")


def scope_of(poll: PublicVote, project: Project) -> int:
    return project.category_id or 0 if poll.per_category else 0


def vote_counts(poll: PublicVote) -> dict[int, int]:
    """{project id: confirmed votes}, one query."""
    rows = (
        Vote.objects.filter(poll=poll, status=VoteStatus.CONFIRMED)
        .values("project_id")
        .annotate(n=Count("id"))
        .values_list("project_id", "n")
    )
    return dict(rows)


@dataclass
class SuspiciousGroup:
    kind: str
    key: str
    label: str
    count: int
    first: object
    last: object

    @property
    def kind_label(self) -> str:
        return SuspicionKind(self.kind).label


def _confirmed(poll: PublicVote) -> QuerySet[Vote]:
    return Vote.objects.filter(poll=poll, status=VoteStatus.CONFIRMED)


def suspicious_groups(poll: PublicVote) -> list[SuspiciousGroup]:
    """The fraud report: one aggregate query per kind of signal, whatever the number of votes."""
    groups: list[SuspiciousGroup] = []
    titles = dict(Project.objects.filter(edition_id=poll.edition_id).values_list("pk", "title"))
    bursts = (
        _confirmed(poll)
        .annotate(minute=TruncMinute("confirmed_at"))
        .values("project_id", "minute")
        .annotate(n=Count("id"), first=Min("confirmed_at"), last=Max("confirmed_at"))
        .filter(n__gte=BURST_PER_MINUTE)
        .order_by("-n")
    )
    for row in bursts:
        key = f"{row['project_id']}@{row['minute'].isoformat()}"
        label = f"{titles.get(row['project_id'], row['project_id'])} · {row['minute']:%Y-%m-%d %H:%M} UTC"
        groups.append(SuspiciousGroup(SuspicionKind.BURST, key, label, row["n"], row["first"], row["last"]))
    for kind, column, threshold in (
        (SuspicionKind.NETWORK, "network", NETWORK_VOTES),
        (SuspicionKind.SIGNATURE, "signature", SIGNATURE_VOTES),
    ):
        rows = (
            _confirmed(poll)
            .exclude(**{column: ""})
            .values(column)
            .annotate(n=Count("id"), first=Min("confirmed_at"), last=Max("confirmed_at"))
            .filter(n__gte=threshold)
            .order_by("-n")
        )
        for row in rows:
            groups.append(SuspiciousGroup(kind, row[column], row[column], row["n"], row["first"], row["last"]))
    domains = (
        _confirmed(poll)
        .exclude(email_domain__in=COMMON_DOMAINS)
        .values("email_domain")
        .annotate(n=Count("id"), first=Min("confirmed_at"), last=Max("confirmed_at"))
        .filter(n__gte=DOMAIN_VOTES)
        .order_by("-n")
    )
    for row in domains:
        key = row["email_domain"]
        groups.append(SuspiciousGroup(SuspicionKind.DOMAIN, key, key, row["n"], row["first"], row["last"]))
    unseen = (
        _confirmed(poll)
        .filter(page_seen=False)
        .aggregate(n=Count("id"), first=Min("confirmed_at"), last=Max("confirmed_at"))
    )
    if unseen["n"]:
        groups.append(SuspiciousGroup(SuspicionKind.UNSEEN, "-", "-", unseen["n"], unseen["first"], unseen["last"]))
    return groups


def group_votes(poll: PublicVote, kind: str, key: str) -> QuerySet[Vote]:
    """The confirmed votes of one suspicious group (what voiding it voids)."""
    qs = _confirmed(poll)
    if kind == SuspicionKind.BURST:
        project, _, minute = key.partition("@")
        from datetime import datetime

        try:
            start = datetime.fromisoformat(minute)
            project_id = int(project)
        except ValueError:
            return qs.none()
        return qs.filter(project_id=project_id, confirmed_at__gte=start, confirmed_at__lt=start + timedelta(minutes=1))
    if kind == SuspicionKind.NETWORK:
        return qs.filter(network=key) if key else qs.none()
    if kind == SuspicionKind.SIGNATURE:
        return qs.filter(signature=key) if key else qs.none()
    if kind == SuspicionKind.DOMAIN:
        return qs.filter(email_domain=key)
    if kind == SuspicionKind.UNSEEN:
        return qs.filter(page_seen=False)
    return qs.none()
