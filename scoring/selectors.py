from collections import defaultdict

from django.db.models import Count, Q, QuerySet

from award.models import Edition, User
from scoring.enums import AssignmentStatus
from scoring.models import Assignment
from submissions.enums import ProjectStatus
from submissions.models import Project


def assignments_for(juror: User, edition: Edition | None = None) -> QuerySet[Assignment]:
    """The assignments a juror may see: their own, never recused ones."""
    if not juror.is_authenticated:
        return Assignment.objects.none()
    qs = Assignment.objects.filter(juror=juror).exclude(status=AssignmentStatus.RECUSED)
    if edition is not None:
        qs = qs.filter(round__edition=edition)
    return qs.select_related("round", "project", "project__category").order_by(
        "round__number", "project__category__position", "project__reference"
    )


def edition_dashboard(edition: Edition) -> dict:
    """Counts for the organiser's dashboard, in a fixed number of queries."""
    by_category = (
        Project.objects.filter(edition=edition)
        .values("category__name", "category__position")
        .annotate(
            total=Count("id"),
            draft=Count("id", filter=Q(status=ProjectStatus.DRAFT)),
            submitted=Count("id", filter=Q(status=ProjectStatus.SUBMITTED)),
            eligible=Count("id", filter=Q(status=ProjectStatus.ELIGIBLE)),
            ineligible=Count("id", filter=Q(status=ProjectStatus.INELIGIBLE)),
        )
        .order_by("category__position", "category__name")
    )
    rounds = (
        edition.rounds.annotate(
            assigned=Count("assignments", filter=~Q(assignments__status=AssignmentStatus.RECUSED)),
            completed=Count("assignments", filter=Q(assignments__status=AssignmentStatus.COMPLETED)),
            in_progress=Count("assignments", filter=Q(assignments__status=AssignmentStatus.IN_PROGRESS)),
            jurors=Count("assignments__juror", distinct=True),
        )
        .order_by("number")
    )
    rows = list(by_category)
    totals = defaultdict(int)
    for row in rows:
        for key in ("total", "draft", "submitted", "eligible", "ineligible"):
            totals[key] += row[key]
    round_rows = []
    for rnd in rounds:
        rnd.percent = round(100 * rnd.completed / rnd.assigned) if rnd.assigned else 0
        round_rows.append(rnd)
    return {"categories": rows, "totals": dict(totals), "rounds": round_rows}
