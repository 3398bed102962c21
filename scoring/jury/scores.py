"""Writes of the jury side: scores, finalising and reopening a review."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award.formatting import decimal_plain
from award.limits import length_errors
from award.models import Round, User
from award.rules import require_organiser
from award.services import audit_log, transition_check
from scoring.ballot.selectors import is_ranked
from scoring.enums import ASSIGNMENT_TRANSITIONS, AssignmentStatus
from scoring.jury.assignments import OPEN_STATUSES, STATUS_LABELS
from scoring.jury.briefing import require_briefing
from scoring.jury.errors import ScoringError
from scoring.models import Assignment, Score
from scoring.rules import can_view_assignment


class StaleVersionError(ScoringError):
    pass


@dataclass(frozen=True)
class ScoreInput:
    value: Decimal | None
    # None keeps the stored comment as it is (see scoring.jury.views.score: a comment stored over its
    # limit that the juror has not shortened yet must neither block the score nor be cut).
    comment: str | None = ""


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
    if is_ranked(assignment.round):
        raise ScoringError(_("This final round is decided by ranked ballots, not by scores."), code="ranked")
    require_briefing(actor, assignment.round.edition)


def _require_still_scored(assignment: Assignment) -> None:
    """Inside the save's transaction: the round is still decided by scores, read under a shared
    lock on its row. The set-up (award.setup.services.rounds_save) locks the row FOR UPDATE,
    refuses to switch to a ranked ballot once a score exists, then switches: without this lock a
    score could be written after that check and before the switch commits, leaving a ranked
    round with scores. A shared lock lets the jurors' saves in a round run side by side and wait
    only for a switch being saved (Django has no FOR SHARE; SQLite has one writer at a time)."""
    table = connection.ops.quote_name(Round._meta.db_table)
    sql = f"SELECT kind, final_mode FROM {table} WHERE id = %s"  # noqa: S608 - the table's name only
    if connection.vendor == "postgresql":
        sql += " FOR SHARE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [assignment.round_id])
        row = cursor.fetchone()
    if row is None or is_ranked(Round(kind=row[0], final_mode=row[1])):
        raise ScoringError(_("This final round is decided by ranked ballots, not by scores."), code="ranked")


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
                % {"min": decimal_plain(criterion.min_value), "max": decimal_plain(criterion.max_value)}
            ]
        elif (value - criterion.min_value) % criterion.step != 0:
            errors[key] = [_("The score must be a multiple of %(step)s.") % {"step": decimal_plain(criterion.step)}]
    if errors:
        raise ScoringError(errors, code="invalid")


# Said when a save or a finalisation is based on an older version of the review.
STALE_MESSAGE = _(
    "These scores were changed in another window or tab since you opened this page. "
    "Reload the page to see the latest version, then make your change again."
)


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
        _require_still_scored(assignment)
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
                STALE_MESSAGE,
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
            _require_still_scored(assignment)
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
                STALE_MESSAGE,
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
    require_organiser(actor, edition)
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
