from itertools import groupby

from award.home import Panel
from award.rules import is_juror, is_organiser
from award.selectors import edition_current
from scoring.enums import AssignmentStatus
from scoring.selectors import assignments_for, edition_dashboard


def organiser_panel(request) -> Panel | None:
    edition = edition_current()
    if edition is None or not is_organiser(request.user, edition):
        return None
    return Panel("scoring/home_organiser.html", {"edition": edition, **edition_dashboard(edition)})


def juror_panel(request) -> Panel | None:
    edition = edition_current()
    if edition is None or not is_juror(request.user, edition):
        return None
    assignments = list(assignments_for(request.user, edition))
    groups = [
        {"round": rnd, "assignments": list(items)}
        for rnd, items in groupby(assignments, key=lambda a: a.round)
    ]
    done = sum(1 for a in assignments if a.status == AssignmentStatus.COMPLETED)
    total = len(assignments)
    return Panel(
        "scoring/home_juror.html",
        {
            "edition": edition,
            "groups": groups,
            "done": done,
            "total": total,
            "percent": round(100 * done / total) if total else 0,
        },
    )
