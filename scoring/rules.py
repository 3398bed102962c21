"""Permission predicates of the jury side. The ranking pages and the API reuse them."""

from django.db.models import Exists, Subquery
from django.utils import timezone

from award.enums import Role
from award.models import EditionRole, User
from award.rules import is_juror, is_jury_chair, is_organiser
from scoring.enums import AssignmentStatus
from scoring.jury.conflicts import automatic_conflict_reason, project_domains, shared_domains
from scoring.models import Assignment, ConflictOfInterest
from submissions.models import Project


def juror_is_conflicted(juror: User, project: Project) -> bool:
    """Declared, organiser-set or automatically detected conflict of interest."""
    if not juror.is_authenticated:
        return False
    # One query: a recorded conflict, and the organisation that nominated the juror (if any).
    declared, nominated_by = (
        User.objects.filter(pk=juror.pk)
        .annotate(
            declared=Exists(ConflictOfInterest.objects.filter(juror=juror, project=project)),
            nominated=Subquery(
                EditionRole.objects.filter(edition_id=project.edition_id, user=juror, role=Role.JUROR).values(
                    "nominated_by"
                )[:1]
            ),
        )
        .values_list("declared", "nominated")
        .get()
    )
    if declared:
        return True
    return (
        automatic_conflict_reason(
            juror=juror, project=project, edition=project.edition, nominated_by=nominated_by or ""
        )
        is not None
    )


def can_view_assignment(juror: User, assignment: Assignment) -> bool:
    """The juror may open the project's scoring page: it is theirs, not recused, no conflict."""
    return (
        juror.is_authenticated
        and assignment.juror_id == juror.pk
        and assignment.status != AssignmentStatus.RECUSED
        and not juror_is_conflicted(juror, assignment.project)
    )


def can_read_project(juror: User, project: Project) -> bool:
    """The juror may read an application: assigned to it (not recused) and not conflicted."""
    from scoring.selectors import assignments_for

    return assignments_for(juror).filter(project=project).exists() and not juror_is_conflicted(juror, project)


def scoring_is_open(assignment: Assignment, now=None) -> bool:
    """What can_score adds to can_view_assignment: the review is not finalised and the round
    is open. For a caller that has just checked can_view_assignment (the conflict check costs
    queries; the scoring page would otherwise run it twice)."""
    return not assignment.is_locked and assignment.round.is_open(now or timezone.now())


def can_score(juror: User, assignment: Assignment, now=None) -> bool:
    """Assigned, no conflict, the round is open, and the review is not finalised."""
    return can_view_assignment(juror, assignment) and scoring_is_open(assignment, now)


def can_manage_jury(user: User, edition) -> bool:
    """Jurors, assignments, conflicts and reopening reviews: the edition's organisers."""
    return is_organiser(user, edition)


def can_decide_results(user: User, edition) -> bool:
    """Finalists, winners, special awards, freezing and publication: the edition's organisers
    (the chair only reads the ranking; recording decisions comes with the jury meeting)."""
    return is_organiser(user, edition)


def can_read_ranking(user: User, edition, category=None) -> bool:
    """The organisers read every ranking; the jury chair reads those of the panel's categories
    (every category when the chair sits on no panel), without the jurors' names."""
    if is_organiser(user, edition):
        return True
    if not is_jury_chair(user, edition):
        return False
    if category is None:
        return True
    panels = _chair_panels(user, edition)
    return not panels or category.pk in panels


def _chair_panels(user: User, edition) -> set[int]:
    """The categories of the panels the user chairs (empty: the chair sits on no panel)."""
    from award.models import EditionRole

    return set(
        EditionRole.objects.filter(edition=edition, user=user, role="juror", is_chair=True).values_list(
            "panels", flat=True
        )
    ) - {None}


def categories_readable(user: User, edition, categories) -> list:
    """Those of `categories` whose ranking (and meeting) the user may read, in one query at most:
    the organisers every one, the jury chair those of the panels chaired."""
    if is_organiser(user, edition):
        return list(categories)
    if not is_jury_chair(user, edition):
        return []
    panels = _chair_panels(user, edition)
    return [c for c in categories if not panels or c.pk in panels]


# --- The jury meeting (issue 19, item 1) ----------------------------------------------------------


def meeting_recused(user: User, project: Project) -> bool:
    """At the jury meeting a juror, the chair included, with a conflict of interest on the
    project under discussion is recused for it: shown as such, and records no decision on it."""
    return is_juror(user, project.edition) and juror_is_conflicted(user, project)


def jurors_recused_for(project: Project, roles) -> set[int]:
    """The user ids of the edition's juror roles (``roles``: EditionRole with ``user`` loaded)
    that are conflicted on the project, in two queries whatever the number of jurors (the same
    reasons as ``juror_is_conflicted``)."""
    roles = list(roles)
    declared = set(
        ConflictOfInterest.objects.filter(project=project, juror_id__in=[r.user_id for r in roles]).values_list(
            "juror_id", flat=True
        )
    )
    ignore = shared_domains()
    domains = project_domains(project, project.team.values_list("email", flat=True), ignore)
    return declared | {
        role.user_id
        for role in roles
        if role.user_id not in declared
        and automatic_conflict_reason(
            juror=role.user,
            project=project,
            edition=project.edition,
            domains=domains,
            ignore=ignore,
            nominated_by=role.nominated_by or "",
        )
        is not None
    }


def can_run_meeting(user: User, edition, category) -> bool:
    """The meeting view of a category: the organisers, and the jury chair of its panel."""
    return can_read_ranking(user, edition, category)


def can_record_meeting_decision(user: User, edition, category, project: Project) -> bool:
    """A decision on the project at the meeting: an organiser or a jury chair (a second chair
    is the deputy) who may run the category's meeting, unless recused for the project."""
    if not can_run_meeting(user, edition, category):
        return False
    if not (is_organiser(user, edition) or is_jury_chair(user, edition)):
        return False
    return not meeting_recused(user, project)


def can_show_juror_names(user: User, edition, category) -> bool:
    """Juror names are hidden at the meeting until the chair (or an organiser) shows them."""
    return can_run_meeting(user, edition, category)


def can_veto(user: User, edition, category, project: Project) -> bool:
    """The chair's veto, where the edition's statute gives one; never on a project the chair
    is recused for."""
    return (
        bool(edition.chair_veto)
        and is_jury_chair(user, edition)
        and can_run_meeting(user, edition, category)
        and not meeting_recused(user, project)
    )
