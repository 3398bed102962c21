"""Writes of the jury side: assignments, conflicts of interest, scores, invitations, reminders."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award.enums import Role
from award.formatting import number
from award.limits import length_errors
from award.models import Category, Edition, EditionRole, Round, User
from award.numbers import trimmed
from award.services import audit_log, transition_check
from scoring import assignment as solver
from scoring.conflicts import automatic_conflict_reason, project_domains, shared_domains
from scoring.enums import ASSIGNMENT_TRANSITIONS, AssignmentStatus, ConflictSource
from scoring.models import Assignment, ConflictOfInterest, Score
from scoring.rules import can_view_assignment, juror_is_conflicted
from scoring.selectors import round_projects
from submissions.models import Project, TeamMember

OPEN_STATUSES = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
STATUS_LABELS = dict(AssignmentStatus.choices)


class ScoringError(ValidationError):
    """A refused jury action. `code` tells the view which status to answer with:
    not_found 404, forbidden/conflicted/closed 403, locked/stale 409, anything else 400."""


class StaleVersionError(ScoringError):
    pass


@dataclass(frozen=True)
class ScoreInput:
    value: Decimal | None
    # None keeps the stored comment as it is (see scoring.views.score: a comment stored over its
    # limit that the juror has not shortened yet must neither block the score nor be cut).
    comment: str | None = ""


# --- Conflicts of interest --------------------------------------------------------------------


def _assignments_recuse(*, actor: User | None, juror: User, project: Project, reason: str) -> int:
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
        _assignments_recuse(actor=actor, juror=juror, project=project, reason=reason)
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
    from award.rules import is_organiser

    if not is_organiser(actor, project.edition):
        raise ScoringError(_("Only an organiser can do this."), code="forbidden")
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
            if automatic_conflict_reason(juror=juror, project=project, edition=edition, domains=domains, ignore=ignore):
                pairs.add((juror.pk, project.pk))
    return pairs


def assignments_generate(*, actor: User | None, round: Round, k: int | None = None) -> GenerationReport:
    """Give every eligible project of the round k conflict-free jurors, balancing the loads.

    Re-running fills gaps only: existing assignments stay (an assignment that has become
    conflicted is recused first and its place refilled)."""
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
                report.recused += _assignments_recuse(
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
        Assignment.objects.bulk_create(
            [Assignment(round=round, project_id=p, juror_id=j) for p, j in plan.new], batch_size=1000
        )
        report.created = len(plan.new)
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
            },
        )
    return report


def _check_organiser(actor: User, edition: Edition) -> None:
    from award.rules import is_organiser

    if not is_organiser(actor, edition):
        raise ScoringError(_("Only an organiser can do this."), code="forbidden")


def assignment_add(*, actor: User, round: Round, project: Project, juror: User) -> Assignment:
    edition = round.edition
    _check_organiser(actor, edition)
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
    _check_organiser(actor, edition)
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


# --- Scores -----------------------------------------------------------------------------------


def _check_scoring_allowed(*, actor: User, assignment: Assignment, now) -> None:
    if not can_view_assignment(actor, assignment):
        if assignment.juror_id == getattr(actor, "pk", None) and assignment.status != AssignmentStatus.RECUSED:
            raise ScoringError(
                _("You have a conflict of interest with this project, so you cannot score it."), code="conflicted"
            )
        raise ScoringError(_("This project is not assigned to you."), code="not_found")
    if assignment.is_locked:
        raise ScoringError(
            _("This review has been finalised and is locked. Ask an organiser to reopen it."), code="locked"
        )
    if not assignment.round.is_open(now):
        raise ScoringError(_("Scoring for this round is closed."), code="closed")


def _validate_values(
    values: Mapping[int, ScoreInput], criteria: Mapping[int, object], overall_comment: str | None = None
) -> None:
    errors: dict[str, list] = {}
    # The limits are the model fields' (the page's form and the API's serializer read the same).
    if overall_comment is not None:
        errors.update(length_errors(Assignment, {"overall_comment": overall_comment.strip()}))
    for criterion_id, entry in values.items():
        if entry.comment is not None:
            key = f"comment_{criterion_id}"
            errors.update(length_errors(Score, {"comment": entry.comment.strip()}, keys={"comment": key}))
        criterion = criteria.get(criterion_id)
        key = f"value_{criterion_id}"
        if criterion is None:
            errors[key] = [_("This criterion does not belong to the edition's rubric.")]
            continue
        if entry.value is None:
            if (entry.comment or "").strip():
                errors[key] = [_("Give a score to keep your comment on this criterion.")]
            continue
        value = Decimal(entry.value)
        if not value.is_finite() or value < criterion.min_value or value > criterion.max_value:
            errors[key] = [
                _("The score must be between %(min)s and %(max)s.")
                % {"min": _fmt(criterion.min_value), "max": _fmt(criterion.max_value)}
            ]
        elif (value - criterion.min_value) % criterion.step != 0:
            errors[key] = [_("The score must be a multiple of %(step)s.") % {"step": _fmt(criterion.step)}]
    if errors:
        raise ScoringError(errors, code="invalid")


def _fmt(value: Decimal) -> str:
    # In the reader's format ("0,5" in Slovak), as the form field prints its limits.
    return number(trimmed(value))


def score_save(
    *,
    actor: User,
    assignment: Assignment,
    expected_version: int,
    values: Mapping[int, ScoreInput],
    overall_comment: str | None = None,
    now=None,
) -> Assignment:
    """Save a draft of the juror's scores (all or some criteria).

    Optimistic locking: the save applies only if the assignment is still at
    `expected_version`, checked and bumped in one UPDATE; a save based on an older version (a
    second tab) is refused with StaleVersionError instead of overwriting newer work. The
    UPDATE also takes the row lock, so concurrent saves of one assignment run one after the
    other and the upsert never creates a second row for a criterion."""
    now = now or timezone.now()
    _check_scoring_allowed(actor=actor, assignment=assignment, now=now)
    criteria = {c.pk: c for c in assignment.round.edition.criteria.all()}
    _validate_values(values, criteria, overall_comment)
    changes: dict = {
        "version": F("version") + 1,
        "status": AssignmentStatus.IN_PROGRESS,
        "started_at": Coalesce(F("started_at"), Value(now)),
    }
    if overall_comment is not None:
        changes["overall_comment"] = overall_comment.strip()
    with transaction.atomic():
        updated = Assignment.objects.filter(
            pk=assignment.pk, version=expected_version, status__in=OPEN_STATUSES
        ).update(**changes)
        if not updated:
            current = Assignment.objects.filter(pk=assignment.pk).values_list("status", "version").first()
            if current is None or current[0] == AssignmentStatus.RECUSED:
                raise ScoringError(_("This project is not assigned to you."), code="not_found")
            if current[0] == AssignmentStatus.COMPLETED:
                raise ScoringError(
                    _("This review has been finalised and is locked. Ask an organiser to reopen it."), code="locked"
                )
            raise StaleVersionError(
                _(
                    "These scores were changed in another window or tab since you opened this page. "
                    "Reload the page to see the latest version, then make your change again."
                ),
                code="stale",
                params={"version": current[1]},
            )
        for keep_comment in (False, True):
            rows = [
                Score(
                    assignment_id=assignment.pk,
                    criterion_id=cid,
                    value=Decimal(entry.value),
                    comment=(entry.comment or "").strip(),
                )
                for cid, entry in values.items()
                if entry.value is not None and (entry.comment is None) == keep_comment
            ]
            if rows:
                Score.objects.bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=["assignment", "criterion"],
                    update_fields=["value", "updated_at"] if keep_comment else ["value", "comment", "updated_at"],
                )
        cleared = [cid for cid, entry in values.items() if entry.value is None]
        if cleared:
            Score.objects.filter(assignment_id=assignment.pk, criterion_id__in=cleared).delete()
    # Only what the UPDATE changed: a full refresh would drop the cached round and edition,
    # which the caller (the autosave's reply) reads next.
    assignment.refresh_from_db(fields=["version", "status", "started_at", "overall_comment"])
    return assignment


def assignment_finalise(
    *,
    actor: User,
    assignment: Assignment,
    expected_version: int,
    values: Mapping[int, ScoreInput] | None = None,
    overall_comment: str | None = None,
    now=None,
) -> Assignment:
    """Save (when values are given), check that every criterion has a score, and lock.
    All or nothing: a refused finalisation changes nothing in the database."""
    now = now or timezone.now()
    edition = assignment.round.edition
    with transaction.atomic():
        if values is not None or overall_comment is not None:
            assignment = score_save(
                actor=actor,
                assignment=assignment,
                expected_version=expected_version,
                values=values or {},
                overall_comment=overall_comment,
                now=now,
            )
            expected_version = assignment.version
        else:
            _check_scoring_allowed(actor=actor, assignment=assignment, now=now)
        scored = set(Score.objects.filter(assignment=assignment).values_list("criterion_id", flat=True))
        missing = [c for c in edition.criteria.all() if c.pk not in scored]
        errors: dict[str, list] = {}
        for criterion in missing:
            errors[f"value_{criterion.pk}"] = [_("Score this criterion before you finalise.")]
        if edition.overall_comment_required and not (assignment.overall_comment or "").strip():
            errors["overall_comment"] = [_("An overall comment is required to finalise.")]
        if errors:
            raise ScoringError(errors, code="incomplete")
        updated = Assignment.objects.filter(
            pk=assignment.pk, version=expected_version, status__in=OPEN_STATUSES
        ).update(
            status=AssignmentStatus.COMPLETED,
            finalised_at=now,
            version=F("version") + 1,
            started_at=Coalesce(F("started_at"), Value(now)),
        )
        if not updated:
            raise StaleVersionError(
                _(
                    "These scores were changed in another window or tab since you opened this page. "
                    "Reload the page to see the latest version, then make your change again."
                ),
                code="stale",
            )
        assignment.refresh_from_db()
        audit_log(
            actor=actor,
            action="assignment.finalise",
            target=assignment,
            edition=edition,
            data={"scores": {str(c): str(v) for c, v in assignment.scores.values_list("criterion_id", "value")}},
        )
    return assignment


def assignment_reopen(*, actor: User, assignment: Assignment, reason: str = "") -> Assignment:
    edition = assignment.round.edition
    _check_organiser(actor, edition)
    with transaction.atomic():
        current = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if current.status != AssignmentStatus.COMPLETED:
            raise ScoringError(_("Only a finalised review can be reopened."), code="invalid")
        transition_check(
            current=current.status,
            target=AssignmentStatus.IN_PROGRESS,
            allowed=ASSIGNMENT_TRANSITIONS,
            labels=STATUS_LABELS,
        )
        Assignment.objects.filter(pk=current.pk).update(
            status=AssignmentStatus.IN_PROGRESS, finalised_at=None, version=F("version") + 1
        )
        audit_log(
            actor=actor,
            action="assignment.reopen",
            target=current,
            edition=edition,
            data={
                "reason": (reason or "").strip(),
                "finalised_at": current.finalised_at.isoformat() if current.finalised_at else None,
            },
        )
    assignment.refresh_from_db()
    return assignment


# --- Jurors: invitations, profiles, reminders -----------------------------------------------


def juror_profile_save(
    *,
    actor: User | None,
    edition: Edition,
    email: str,
    first_name: str = "",
    last_name: str = "",
    organisation: str = "",
    country: str = "",
    panels: list[Category] | None = None,
    expertise: list[Category] | None = None,
) -> tuple[EditionRole, bool]:
    """Create or update a juror and their role in the edition. Returns (role, user_created)."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email, first_name=first_name, last_name=last_name, organisation=organisation, country=country)
        user.set_unusable_password()
        user.save()
    else:
        changed = []
        for name, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("organisation", organisation),
            ("country", country),
        ):
            if value and getattr(user, name) != value:
                setattr(user, name, value)
                changed.append(name)
        if changed:
            user.save(update_fields=changed)
    role, _new = EditionRole.objects.get_or_create(edition=edition, user=user, role=Role.JUROR)
    if panels is not None:
        role.panels.set(panels)
    if expertise is not None:
        role.expertise.set(expertise)
    audit_log(actor=actor, action="juror.save", target=role, edition=edition, data={"email": email})
    return role, created


def juror_invite(*, actor: User, edition: Edition, site_url: str, **profile) -> EditionRole:
    """Create the juror (or add the role to an existing account) and email an invitation
    with a link to set a password and accept."""
    from scoring.tasks import invitation_email_send

    _check_organiser(actor, edition)
    with transaction.atomic():
        role, _created = juror_profile_save(actor=actor, edition=edition, **profile)
        role.invited_at = timezone.now()
        role.save(update_fields=["invited_at"])
        audit_log(actor=actor, action="juror.invite", target=role, edition=edition, data={"email": role.user.email})
        role_id = role.pk
        transaction.on_commit(lambda: invitation_email_send.enqueue(role_id=role_id, site_url=site_url))
    return role


def invitation_accept(*, role: EditionRole, password: str) -> EditionRole:
    with transaction.atomic():
        user = role.user
        user.set_password(password)
        if user.email_confirmed_at is None:
            user.email_confirmed_at = timezone.now()
        user.save(update_fields=["password", "email_confirmed_at"])
        EditionRole.objects.filter(edition=role.edition, user=user, role=Role.JUROR, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        audit_log(actor=user, action="juror.accept", target=role, edition=role.edition)
    role.refresh_from_db()
    return role


def reminders_send(*, actor: User, round: Round, site_url: str = "") -> int:
    """One email per juror with unfinished assignments in the round; returns how many."""
    from scoring.tasks import reminder_email_send

    edition = round.edition
    _check_organiser(actor, edition)
    juror_ids = sorted(
        set(Assignment.objects.filter(round=round, status__in=OPEN_STATUSES).values_list("juror_id", flat=True))
    )
    now = timezone.now()
    with transaction.atomic():
        EditionRole.objects.filter(edition=edition, role=Role.JUROR, user_id__in=juror_ids).update(last_reminded_at=now)
        audit_log(actor=actor, action="jurors.remind", target=round, edition=edition, data={"jurors": len(juror_ids)})
        round_id = round.pk
        for juror_id in juror_ids:
            transaction.on_commit(
                lambda juror_id=juror_id: reminder_email_send.enqueue(
                    juror_id=juror_id, round_id=round_id, site_url=site_url
                )
            )
    return len(juror_ids)
