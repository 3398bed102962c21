from itertools import groupby

from django.utils import timezone

from award.home import Panel
from award.models import Edition, User
from award.rules import is_juror, is_jury_chair, is_organiser
from award.selectors import edition_current
from scoring.enums import AssignmentStatus
from scoring.selectors import assignments_for, edition_dashboard


def organiser_panel(request) -> Panel | None:
    edition = edition_current(request)
    if edition is None or not is_organiser(request.user, edition):
        return None
    return Panel("scoring/home_organiser.html", {"edition": edition, **edition_dashboard(edition)})


def juror_dashboard(juror: User, edition: Edition) -> dict:
    """The juror's assignments grouped by round and then category, with progress and the
    round's deadline; one query whatever the number of assignments."""
    now = timezone.now()
    assignments = list(assignments_for(juror, edition))
    groups = []
    for rnd, items in groupby(assignments, key=lambda a: a.round):
        items = list(items)
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
                "is_open": rnd.is_open(now),
                "not_yet_open": now < rnd.scoring_opens_at,
                "closed": now >= rnd.scoring_closes_at,
            }
        )
    done = sum(1 for a in assignments if a.status == AssignmentStatus.COMPLETED)
    total = len(assignments)
    return {
        "edition": edition,
        "groups": groups,
        "done": done,
        "in_progress": sum(1 for a in assignments if a.status == AssignmentStatus.IN_PROGRESS),
        "total": total,
        "percent": round(100 * done / total) if total else 0,
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
    from scoring.rules import can_read_ranking

    categories = [c for c in edition.categories.order_by("position", "name") if can_read_ranking(user, edition, c)]
    return [(rnd, category) for rnd in edition.rounds.order_by("number") for category in categories]
