from itertools import groupby

from django.utils import timezone

from award.home import Panel
from award.models import Edition, User
from award.rules import is_juror, is_jury_chair, is_organiser
from award.selectors import edition_current
from scoring.ballot.models import Ballot
from scoring.ballot.selectors import is_ranked
from scoring.board import status_board
from scoring.enums import AssignmentStatus
from scoring.jury.briefing import briefing_acknowledged
from scoring.selectors import assignments_for, edition_dashboard


def organiser_panel(request) -> Panel | None:
    edition = edition_current(request)
    if edition is None or not is_organiser(request.user, edition):
        return None
    dashboard = edition_dashboard(edition)
    board = status_board(edition, rounds=dashboard["rounds"])
    return Panel("scoring/home_organiser.html", {"edition": edition, "board": board, **dashboard})


def juror_dashboard(juror: User, edition: Edition) -> dict:
    """The juror's assignments grouped by round and then category, with progress and the
    round's deadline; one query whatever the number of assignments."""
    now = timezone.now()
    every = list(assignments_for(juror, edition))
    # A ranked final round is decided by the juror's ballot per category, not by reviews: its
    # assignments are listed as ballots and left out of the reviews' counts and the next-up link.
    assignments = [a for a in every if not is_ranked(a.round)]
    ranked_rounds = {a.round_id for a in every} - {a.round_id for a in assignments}
    cast = set()
    if ranked_rounds:
        cast = set(
            Ballot.objects.filter(juror=juror, round_id__in=ranked_rounds).values_list("round_id", "category_id")
        )
    groups = []
    for rnd, items in groupby(every, key=lambda a: a.round):
        items = list(items)
        if rnd.pk in ranked_rounds:
            categories = [
                {"category": category, "cast": (rnd.pk, getattr(category, "pk", None)) in cast}
                for category, _rows in groupby(items, key=lambda a: a.project.category)
            ]
            groups.append(
                {
                    "round": rnd,
                    "ballot": True,
                    "categories": categories,
                    "is_open": rnd.is_open(now),
                    "not_yet_open": now < rnd.scoring_opens_at,
                }
            )
            continue
        done = sum(1 for a in items if a.status == AssignmentStatus.COMPLETED)
        categories = [
            {"category": category, "assignments": list(rows)}
            for category, rows in groupby(items, key=lambda a: a.project.category)
        ]
        groups.append(
            {
                "round": rnd,
                "assignments": items,
                "categories": categories,
                "done": done,
                "total": len(items),
                "left": sum(1 for a in items if a.status in (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)),
                "is_open": rnd.is_open(now),
                "not_yet_open": now < rnd.scoring_opens_at,
                "closed": now >= rnd.scoring_closes_at,
            }
        )
    done = sum(1 for a in assignments if a.status == AssignmentStatus.COMPLETED)
    total = len(assignments)
    return {
        "edition": edition,
        "continue_with": _next_of(assignments, now),
        "acknowledged": bool(assignments) and briefing_acknowledged(juror, edition),
        "groups": groups,
        "done": done,
        "in_progress": sum(1 for a in assignments if a.status == AssignmentStatus.IN_PROGRESS),
        "total": total,
        "percent": round(100 * done / total) if total else 0,
    }


def _next_of(assignments: list, now, exclude: int | None = None):
    """Where the juror carries on: the review started most recently, else the first not yet
    started, in a round open for scoring; None when nothing is left."""
    open_ = [
        a
        for a in assignments
        if a.pk != exclude
        and a.status in (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
        and a.round.is_open(now)
    ]
    started = [a for a in open_ if a.status == AssignmentStatus.IN_PROGRESS]
    if started:
        return max(started, key=lambda a: (a.started_at or now, a.pk))
    return open_[0] if open_ else None


def juror_next_up(juror: User, edition: Edition, *, exclude: int | None = None) -> dict:
    """After finalising a review: the next project and what is left in the open rounds (one query)."""
    now = timezone.now()
    assignments = [a for a in assignments_for(juror, edition) if not is_ranked(a.round)]
    left = [
        a
        for a in assignments
        if a.status in (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS) and a.round.is_open(now)
    ]
    return {
        "next": _next_of(assignments, now, exclude=exclude),
        "left": len(left),
        "done": sum(1 for a in assignments if a.status == AssignmentStatus.COMPLETED),
        "total": len(assignments),
        "closes_at": min((a.round.scoring_closes_at for a in left), default=None),
    }


def juror_panel(request) -> Panel | None:
    edition = edition_current(request)
    if edition is None or not is_juror(request.user, edition):
        return None
    context = juror_dashboard(request.user, edition)
    if is_jury_chair(request.user, edition):
        context["chair_rankings"] = chair_rankings(request.user, edition)
    return Panel("scoring/home_juror.html", context)


def chair_rankings(user: User, edition: Edition) -> list[tuple]:
    """(round, category) pairs whose ranking the jury chair may read, for the links on their home."""
    from scoring.rules import categories_readable

    categories = categories_readable(user, edition, edition.categories.order_by("position", "name"))
    return [(rnd, category) for rnd in edition.rounds.order_by("number") for category in categories]
