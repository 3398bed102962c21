from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from award.collation import name_order
from award.i18n import localized
from award.models import Edition, Round, User
from award.selectors import editions_chaired_by, editions_organised_by
from scoring.enums import AssignmentStatus
from scoring.models import Assignment, ConflictOfInterest
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


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    """A juror's own live assignments without a recorded conflict of interest, and every
    assignment of the editions the user organises. (Automatically detected conflicts cost a
    query per object: scoring.rules.can_view_assignment catches them on each lookup.)"""
    if not user.is_authenticated:
        return Assignment.objects.none()
    own = assignments_for(user).exclude(
        Exists(ConflictOfInterest.objects.filter(juror=OuterRef("juror"), project=OuterRef("project")))
    )
    return (
        Assignment.objects.filter(
            Q(pk__in=own.values("pk")) | Q(round__edition__in=editions_organised_by(user).values("pk"))
        )
        .select_related("round", "project", "juror")
        .prefetch_related("scores")
        .order_by("round__number", "project__reference", "project_id", "juror_id")
    )


def edition_dashboard(edition: Edition) -> dict:
    """Counts for the organiser's dashboard, in a fixed number of queries."""
    by_category = (
        Project.objects.filter(edition=edition)
        .values("category__position", category__name=localized("category__name"))
        .annotate(
            total=Count("id"),
            draft=Count("id", filter=Q(status=ProjectStatus.DRAFT)),
            submitted=Count("id", filter=Q(status=ProjectStatus.SUBMITTED)),
            eligible=Count("id", filter=Q(status=ProjectStatus.ELIGIBLE)),
            ineligible=Count("id", filter=Q(status=ProjectStatus.INELIGIBLE)),
        )
        .order_by("category__position", "category__name")
    )
    rounds = edition.rounds.annotate(
        assigned=Count("assignments", filter=~Q(assignments__status=AssignmentStatus.RECUSED)),
        completed=Count("assignments", filter=Q(assignments__status=AssignmentStatus.COMPLETED)),
        in_progress=Count("assignments", filter=Q(assignments__status=AssignmentStatus.IN_PROGRESS)),
        jurors=Count("assignments__juror", distinct=True),
    ).order_by("number")
    rows = list(by_category)
    totals = defaultdict(int)
    for row in rows:
        for key in ("total", "draft", "submitted", "eligible", "ineligible"):
            totals[key] += row[key]
    round_rows = list(rounds)
    from scoring.ballot.selectors import ballots_progress

    # A ranked final round is done ballot by ballot, not review by review.
    ballots = ballots_progress(round_rows)
    for rnd in round_rows:
        rnd.ranked = rnd.pk in ballots.ranked
        if rnd.ranked:
            rnd.completed, rnd.assigned = ballots.of_round(rnd.pk)
        rnd.percent = round(100 * rnd.completed / rnd.assigned) if rnd.assigned else 0
    return {"categories": rows, "totals": dict(totals), "rounds": round_rows}


def round_projects(round) -> QuerySet[Project]:
    """The projects scored in a round: the eligible ones; in a final round, the finalists."""
    from award.enums import RoundKind
    from scoring.enums import ResultKind

    qs = Project.objects.filter(edition_id=round.edition_id, status=ProjectStatus.ELIGIBLE)
    if round.kind == RoundKind.FINAL:
        qs = qs.filter(awards__kind=ResultKind.FINALIST).distinct()
    return qs.order_by("category__position", "reference", "id")


def assignment_for_juror(juror: User, pk: int) -> Assignment:
    """One of the juror's assignments, with what the scoring page needs; 404 otherwise."""
    from django.shortcuts import get_object_or_404

    from scoring.models import BriefingAcknowledgement

    # Whether the juror has acknowledged the edition's briefing rides along (the page shows it).
    acknowledged = BriefingAcknowledgement.objects.filter(juror=juror, edition_id=OuterRef("round__edition_id"))
    assignment = get_object_or_404(
        assignments_for(juror)
        .select_related("round__edition", "project__owner")
        .annotate(briefing_acknowledged=Exists(acknowledged)),
        pk=pk,
    )
    # The project is of the round's edition: one Edition row (about 60 translated columns) read
    # once rather than joined twice.
    if assignment.project.edition_id == assignment.round.edition_id:
        assignment.project.edition = assignment.round.edition
    return assignment


def jurors_of(edition: Edition):
    """The edition's juror roles with their users, panels and expertise (fixed query count)."""
    from award.enums import Role
    from award.models import EditionRole

    return (
        EditionRole.objects.filter(edition=edition, role=Role.JUROR)
        .select_related("user")
        .prefetch_related("panels", "expertise")
        .order_by(name_order("user__last_name"), name_order("user__first_name"), "user__email")
    )


def round_overview(rnd) -> dict:
    """Projects with their assigned jurors and coverage, and each juror's load and progress,
    for the organiser's assignment and progress pages, in a fixed number of queries."""
    edition = rnd.edition
    k = edition.jurors_per_project
    projects = list(round_projects(rnd).select_related("category"))
    assignments = list(
        Assignment.objects.filter(round=rnd)
        .select_related("juror")
        .order_by("project_id", name_order("juror__last_name"), "juror__email")
    )
    by_project: dict[int, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_project[a.project_id].append(a)
    roles = list(jurors_of(edition))
    juror_rows = []
    stats: dict[int, dict] = defaultdict(lambda: {"total": 0, "completed": 0, "in_progress": 0, "pending": 0})
    for a in assignments:
        if a.status == AssignmentStatus.RECUSED:
            continue
        row = stats[a.juror_id]
        row["total"] += 1
        row[a.status if a.status != AssignmentStatus.COMPLETED else "completed"] += 1
    for role in roles:
        row = dict(stats[role.user_id])
        row["role"] = role
        row["juror"] = role.user
        row["open"] = row["total"] - row["completed"]
        row["percent"] = round(100 * row["completed"] / row["total"]) if row["total"] else 0
        juror_rows.append(row)
    project_rows = []
    for project in projects:
        live = [a for a in by_project.get(project.pk, []) if a.status != AssignmentStatus.RECUSED]
        completed = sum(1 for a in live if a.status == AssignmentStatus.COMPLETED)
        project_rows.append(
            {
                "project": project,
                "assignments": live,
                "recused": [a for a in by_project.get(project.pk, []) if a.status == AssignmentStatus.RECUSED],
                "assigned": len(live),
                "completed": completed,
                "covered": len(live) >= k,
                "percent": round(100 * completed / len(live)) if live else 0,
            }
        )
    panel_loads: dict[int, list[int]] = defaultdict(list)
    for r in juror_rows:
        for category in r["role"].panels.all():
            panel_loads[category.pk].append(r["total"])
    spread = max((max(v) - min(v) for v in panel_loads.values()), default=0)
    total = sum(r["assigned"] for r in project_rows)
    done = sum(r["completed"] for r in project_rows)
    return {
        "k": k,
        "projects": project_rows,
        "jurors": juror_rows,
        "uncovered": sum(1 for r in project_rows if not r["covered"]),
        "load_spread": spread,
        "total": total,
        "done": done,
        "percent": round(100 * done / total) if total else 0,
    }


def editions_ranked_for(user: User) -> QuerySet[Edition]:
    """The editions whose rankings the user may read: as an organiser or as the jury chair
    (scoring.rules.can_read_ranking narrows the chair to the panel's categories)."""
    return Edition.objects.filter(
        Q(pk__in=editions_organised_by(user).values("pk")) | Q(pk__in=editions_chaired_by(user).values("pk"))
    )


def rounds_ranked_for(user: User) -> QuerySet[Round]:
    """The rounds whose ranking the user may read (see editions_ranked_for)."""
    return Round.objects.select_related("edition").filter(edition__in=editions_ranked_for(user).values("pk"))


def round_summary(rnd) -> dict:
    """The round's totals and each juror's load and progress, counted in the database so that
    the organiser's assignment and progress pages cost the same at 20 and at 2,000 projects."""
    edition = rnd.edition
    k = edition.jurors_per_project
    live = Assignment.objects.filter(round=rnd).exclude(status=AssignmentStatus.RECUSED)
    done_q = Q(status=AssignmentStatus.COMPLETED)
    per_project = {
        row["project_id"]: row
        for row in live.values("project_id").annotate(n=Count("id"), done=Count("id", filter=done_q)).order_by()
    }
    project_ids = list(round_projects(rnd).values_list("pk", flat=True))
    total = sum(per_project[pid]["n"] for pid in project_ids if pid in per_project)
    done = sum(per_project[pid]["done"] for pid in project_ids if pid in per_project)
    uncovered = sum(1 for pid in project_ids if per_project.get(pid, {}).get("n", 0) < k)
    per_juror = {
        row["juror_id"]: row
        for row in live.values("juror_id")
        .annotate(
            total=Count("id"),
            completed=Count("id", filter=done_q),
            in_progress=Count("id", filter=Q(status=AssignmentStatus.IN_PROGRESS)),
            pending=Count("id", filter=Q(status=AssignmentStatus.PENDING)),
        )
        .order_by()
    }
    from award.enums import Role
    from award.models import EditionRole

    # Panels read through the link table with one query: a prefetch builds a related manager per
    # juror (~1.5 ms each with modeltranslation), the largest cost of the page at 100 jurors.
    roles = list(
        EditionRole.objects.filter(edition=edition, role=Role.JUROR)
        .select_related("user")
        .order_by(name_order("user__last_name"), name_order("user__first_name"), "user__email")
    )
    categories = {c.pk: c for c in edition.categories.all()}
    panels_of: dict[int, list] = defaultdict(list)
    for role_id, category_id in EditionRole.panels.through.objects.filter(editionrole__in=roles).values_list(
        "editionrole_id", "category_id"
    ):
        panels_of[role_id].append(categories[category_id])
    juror_rows = []
    for role in roles:
        counts = per_juror.get(role.user_id, {})
        row = {key: counts.get(key, 0) for key in ("total", "completed", "in_progress", "pending")}
        row.update(role=role, juror=role.user, open=row["total"] - row["completed"])
        row["percent"] = round(100 * row["completed"] / row["total"]) if row["total"] else 0
        juror_rows.append(row)
    panel_loads: dict[int, list[int]] = defaultdict(list)
    for r in juror_rows:
        r["panels"] = sorted(panels_of[r["role"].pk], key=lambda c: (c.position, c.name))
        for category in r["panels"]:
            panel_loads[category.pk].append(r["total"])
    from scoring.ballot.selectors import ballots_progress

    ballots = ballots_progress([rnd])
    ranked = rnd.pk in ballots.ranked
    if ranked:
        # A ranked final round: each panel member casts one ballot per category.
        done, total = ballots.of_round(rnd.pk)
        for r in juror_rows:
            r["completed"], r["total"] = ballots.juror(rnd.pk, r["juror"].pk)
            r.update(in_progress=0, pending=r["total"] - r["completed"], open=r["total"] - r["completed"])
            r["percent"] = round(100 * r["completed"] / r["total"]) if r["total"] else 0
    return {
        "k": k,
        "ranked": ranked,
        "jurors": juror_rows,
        "projects_count": len(project_ids),
        "uncovered": uncovered,
        "load_spread": max((max(v) - min(v) for v in panel_loads.values()), default=0),
        "total": total,
        "done": done,
        "percent": round(100 * done / total) if total else 0,
    }


def round_projects_filtered(
    rnd, *, status: str = "", juror: int | None = None, category: int | None = None, search: str = ""
) -> QuerySet[Project]:
    """The round's projects narrowed by a review status, a juror, a category and a search in the
    reference, the title and the jurors' names (the organiser's assignment and progress pages)."""
    qs = round_projects(rnd).select_related("category")
    in_round = Assignment.objects.filter(round=rnd)
    if status:
        qs = qs.filter(pk__in=in_round.filter(status=status).values("project_id"))
    if juror:
        qs = qs.filter(pk__in=in_round.filter(juror_id=juror).values("project_id"))
    if category:
        qs = qs.filter(category_id=category)
    if search:
        by_juror = in_round.filter(
            Q(juror__first_name__icontains=search)
            | Q(juror__last_name__icontains=search)
            | Q(juror__email__icontains=search)
        )
        qs = qs.filter(
            Q(reference__icontains=search) | Q(title__icontains=search) | Q(pk__in=by_juror.values("project_id"))
        )
    return qs


def round_project_rows(rnd, projects) -> list[dict]:
    """One row per project of a page, with its assignments (two queries whatever the page size)."""
    projects = list(projects)
    k = rnd.edition.jurors_per_project
    by_project: dict[int, list[Assignment]] = defaultdict(list)
    for a in (
        Assignment.objects.filter(round=rnd, project__in=[p.pk for p in projects])
        .select_related("juror")
        .order_by("project_id", name_order("juror__last_name"), "juror__email")
    ):
        by_project[a.project_id].append(a)
    rows = []
    for project in projects:
        mine = by_project.get(project.pk, [])
        live = [a for a in mine if a.status != AssignmentStatus.RECUSED]
        completed = sum(1 for a in live if a.status == AssignmentStatus.COMPLETED)
        rows.append(
            {
                "project": project,
                "assignments": live,
                "recused": [a for a in mine if a.status == AssignmentStatus.RECUSED],
                "assigned": len(live),
                "completed": completed,
                "covered": len(live) >= k,
                "percent": round(100 * completed / len(live)) if live else 0,
            }
        )
    return rows
