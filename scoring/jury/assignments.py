"""Writes of the jury side: assignments and conflicts of interest (declared, set, recusal)."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from award.enums import Role
from award.models import Edition, EditionRole, Round, User
from award.rules import require_organiser
from award.services import audit_log, transition_check
from scoring.enums import ASSIGNMENT_TRANSITIONS, AssignmentStatus, ConflictSource
from scoring.jury import assignment as solver
from scoring.jury.conflicts import automatic_conflict_reason, project_domains, shared_domains
from scoring.jury.errors import ScoringError
from scoring.models import Assignment, ConflictOfInterest
from scoring.rules import can_view_assignment, juror_is_conflicted
from scoring.selectors import round_projects
from submissions.models import Project, TeamMember

OPEN_STATUSES = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
STATUS_LABELS = dict(AssignmentStatus.choices)


# --- Conflicts of interest --------------------------------------------------------------------


def assignments_recuse(*, actor: User | None, juror: User, project: Project, reason: str) -> int:
    """Withdraw every live assignment of `juror` on `project` (a conflict has appeared)."""
    count = 0
    for assignment in (
        Assignment.objects.select_for_update()
        .filter(juror=juror, project=project)
        .exclude(status=AssignmentStatus.RECUSED)
    ):
        previous = assignment.status
        transition_check(
            current=previous, target=AssignmentStatus.RECUSED, allowed=ASSIGNMENT_TRANSITIONS, labels=STATUS_LABELS
        )
        Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.RECUSED, version=F("version") + 1)
        audit_log(
            actor=actor,
            action="assignment.recuse",
            target=assignment,
            edition=project.edition,
            data={"previous_status": previous, "reason": reason},
        )
        count += 1
    return count


def _conflict_record(*, actor: User, juror: User, project: Project, source: str, reason: str) -> ConflictOfInterest:
    with transaction.atomic():
        conflict, created = ConflictOfInterest.objects.get_or_create(
            juror=juror, project=project, defaults={"edition": project.edition, "source": source, "reason": reason}
        )
        if not created and reason and conflict.reason != reason:
            conflict.reason = reason
            conflict.save(update_fields=["reason"])
        audit_log(
            actor=actor,
            action=f"conflict.{source}",
            target=conflict,
            edition=project.edition,
            data={"juror": juror.email, "project": project.reference, "reason": reason},
        )
        assignments_recuse(actor=actor, juror=juror, project=project, reason=reason)
    return conflict


def conflict_declare(*, actor: User, assignment: Assignment, reason: str) -> ConflictOfInterest:
    """The juror says "I have a conflict" on a project assigned to them."""
    reason = (reason or "").strip()
    if not can_view_assignment(actor, assignment):
        raise ScoringError(_("This project is not assigned to you."), code="not_found")
    if not reason:
        raise ScoringError({"reason": [_("Please say briefly why you have a conflict of interest.")]}, code="invalid")
    return _conflict_record(
        actor=actor, juror=actor, project=assignment.project, source=ConflictSource.DECLARED, reason=reason
    )


def conflict_set(*, actor: User, juror: User, project: Project, reason: str) -> ConflictOfInterest:
    """An organiser records a conflict they know about."""
    require_organiser(actor, project.edition)
    if not EditionRole.objects.filter(edition=project.edition, user=juror, role=Role.JUROR).exists():
        raise ScoringError(_("This person is not a juror of the edition."), code="invalid")
    return _conflict_record(
        actor=actor, juror=juror, project=project, source=ConflictSource.ORGANISER, reason=(reason or "").strip()
    )


# --- Assignments ------------------------------------------------------------------------------


@dataclass
class GenerationReport:
    k: int
    created: int = 0
    recused: int = 0
    uncovered: list[tuple[Project, int, int]] = field(default_factory=list)  # project, available, needed
    warnings: list[tuple[Project, int, int]] = field(default_factory=list)  # project, panel candidates, needed
    loads: dict[int, int] = field(default_factory=dict)
    # The plan's connected components after linking, largest first: (projects, jurors) each.
    components: list[tuple[int, int]] = field(default_factory=list)
    links: int = 0  # extra (anchor) reviews added to connect the panels

    @property
    def connected(self) -> bool:
        return len(self.components) <= 1

    @property
    def load_spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


def _juror_roles(edition: Edition) -> tuple[dict[int, User], dict[int, set[int]]]:
    roles = list(EditionRole.objects.filter(edition=edition, role=Role.JUROR).select_related("user"))
    users = {role.user_id: role.user for role in roles}
    panels: dict[int, set[int]] = {role.user_id: set() for role in roles}
    through = EditionRole.panels.through
    for user_id, category_id in through.objects.filter(editionrole__in=roles).values_list(
        "editionrole__user_id", "category_id"
    ):
        panels[user_id].add(category_id)
    return users, panels


def conflict_pairs(edition: Edition, projects: list[Project], jurors: Mapping[int, User]) -> set[tuple[int, int]]:
    """All (juror id, project id) conflicts: stored ones plus automatically detected ones."""
    pairs = set(ConflictOfInterest.objects.filter(edition=edition).values_list("juror_id", "project_id"))
    nominations = dict(
        EditionRole.objects.filter(edition=edition, role=Role.JUROR)
        .exclude(nominated_by="")
        .values_list("user_id", "nominated_by")
    )
    ignore = shared_domains()
    emails: dict[int, list[str]] = defaultdict(list)
    for project_id, email in (
        TeamMember.objects.filter(project__in=[p.pk for p in projects])
        .exclude(email="")
        .values_list("project_id", "email")
    ):
        emails[project_id].append(email)
    for project in projects:
        domains = project_domains(project, emails[project.pk], ignore)
        for juror in jurors.values():
            if automatic_conflict_reason(
                juror=juror,
                project=project,
                edition=edition,
                domains=domains,
                ignore=ignore,
                nominated_by=nominations.get(juror.pk, ""),
            ):
                pairs.add((juror.pk, project.pk))
    return pairs


def assignments_generate(
    *, actor: User | None, round: Round, k: int | None = None, connect: bool = True
) -> GenerationReport:
    """Give every eligible project of the round k conflict-free jurors, balancing the loads.

    Re-running fills gaps only: existing assignments stay (an assignment that has become
    conflicted is recused first and its place refilled).

    With `connect` (the default) and k ≥ 2, panels that share no juror are linked by a few extra
    reviews (solver.connect_plan), so that the calibrated ranking can compare all jurors'
    leniencies; the report gives the components that remain. With k = 1 nothing is linked: a
    project with a single review says nothing about its juror's leniency."""
    edition = round.edition
    k = k or edition.jurors_per_project
    report = GenerationReport(k=k)
    with transaction.atomic():
        # Serialise two organisers pressing the button at once.
        Round.objects.select_for_update().filter(pk=round.pk).first()
        projects = list(round_projects(round).select_related("owner"))
        by_id = {p.pk: p for p in projects}
        users, panels = _juror_roles(edition)
        conflicts = conflict_pairs(edition, projects, users)

        existing: list[tuple[int, int]] = []
        blocked: set[tuple[int, int]] = set()
        for project_id, juror_id, status in Assignment.objects.filter(round=round).values_list(
            "project_id", "juror_id", "status"
        ):
            if status == AssignmentStatus.RECUSED:
                blocked.add((juror_id, project_id))
            elif (juror_id, project_id) in conflicts and project_id in by_id and juror_id in users:
                report.recused += assignments_recuse(
                    actor=actor,
                    juror=users[juror_id],
                    project=by_id[project_id],
                    reason="conflict of interest found when generating assignments",
                )
                blocked.add((juror_id, project_id))
            else:
                existing.append((project_id, juror_id))

        plan = solver.plan_assignments(
            projects=[solver.ProjectNeed(p.pk, p.category_id) for p in projects],
            jurors=panels,
            k=k,
            conflicts=conflicts,
            existing=existing,
            blocked=blocked,
        )
        # Connect the panels (the calibrated ranking compares leniencies only within a component).
        # Assignments of projects no longer scored in the round (withdrawn) link nothing.
        live = [(p, j) for p, j in existing if p in by_id]
        links = (
            solver.connect_plan(
                pairs=[*live, *plan.new], conflicts=conflicts, blocked=blocked, loads=plan.loads, jurors=set(users)
            )
            if connect and k >= 2
            else []
        )
        for _project_id, juror_id in links:
            plan.loads[juror_id] = plan.loads.get(juror_id, 0) + 1
        new = [*plan.new, *links]
        Assignment.objects.bulk_create(
            [Assignment(round=round, project_id=p, juror_id=j) for p, j in new], batch_size=1000
        )
        report.created = len(new)
        report.links = len(links)
        report.components = [(len(projects), len(jurors)) for projects, jurors in solver.plan_components([*live, *new])]
        report.loads = plan.loads
        report.uncovered = [(by_id[pid], available, needed) for pid, (_c, available, needed) in plan.uncovered.items()]
        report.warnings = [(by_id[pid], available, needed) for pid, (_c, available, needed) in plan.warnings.items()]
        audit_log(
            actor=actor,
            action="assignments.generate",
            target=round,
            edition=edition,
            data={
                "k": k,
                "created": report.created,
                "recused": report.recused,
                "uncovered": [p.reference or p.pk for p, _a, _n in report.uncovered],
                "load_spread": report.load_spread,
                "links": report.links,
                "components": [list(c) for c in report.components],
            },
        )
    return report


def assignment_add(*, actor: User, round: Round, project: Project, juror: User) -> Assignment:
    edition = round.edition
    require_organiser(actor, edition)
    if project.edition_id != edition.pk or not round_projects(round).filter(pk=project.pk).exists():
        raise ScoringError(_("This project is not being scored in this round."), code="invalid")
    if not EditionRole.objects.filter(edition=edition, user=juror, role=Role.JUROR).exists():
        raise ScoringError(_("This person is not a juror of the edition."), code="invalid")
    if juror_is_conflicted(juror, project):
        raise ScoringError(_("This juror has a conflict of interest with the project."), code="conflicted")
    if Assignment.objects.filter(round=round, project=project, juror=juror).exists():
        raise ScoringError(_("This juror is already assigned to the project in this round."), code="invalid")
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(round=round, project=project, juror=juror)
            audit_log(actor=actor, action="assignment.add", target=assignment, edition=edition)
    except IntegrityError:
        raise ScoringError(_("This juror is already assigned to the project in this round."), code="invalid") from None
    return assignment


def assignment_remove(*, actor: User, assignment: Assignment) -> None:
    edition = assignment.round.edition
    require_organiser(actor, edition)
    with transaction.atomic():
        # A juror's started work is never thrown away by a re-shuffle.
        deleted, _rows = Assignment.objects.filter(
            pk=assignment.pk, status=AssignmentStatus.PENDING, started_at__isnull=True
        ).delete()
        if not deleted:
            raise ScoringError(_("The juror has already started this review, so it cannot be removed."), code="locked")
        audit_log(
            actor=actor,
            action="assignment.remove",
            target=assignment,
            edition=edition,
            data={"juror": assignment.juror.email, "project": assignment.project.reference},
        )


def assignment_swap(*, actor: User, assignment: Assignment, juror: User) -> Assignment:
    with transaction.atomic():
        assignment_remove(actor=actor, assignment=assignment)
        return assignment_add(actor=actor, round=assignment.round, project=assignment.project, juror=juror)
