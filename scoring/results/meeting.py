"""The jury meeting (issue 19, item 1): the chair's notes, decisions recorded on the spot and
the chair's veto.

Decisions go through the results services (``finalist_override``, ``winner_override``,
``special_award_set`` with ``meeting=True``), so the ranking pages show them at once and the
seal stores them; this module adds only what the meeting owns: the notes (``MeetingNote``) and
the vetoes (``MeetingVeto``), and an audit entry saying that a decision was taken at the meeting.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from award.enums import RoundKind
from award.limits import LONG_TEXT, MEDIUM_TEXT, SHORT_TEXT
from award.models import Category, Round, User
from award.services import audit_log
from scoring.enums import ResultKind
from scoring.models import MeetingNote, MeetingVeto, Result
from scoring.results.services import (
    ResultsError,
    finalist_override,
    require_open_round,
    special_award_set,
    winner_override,
)
from scoring.rules import can_record_meeting_decision, can_veto, meeting_recused
from submissions.models import Project

DECISION_FINALIST = "finalist"
DECISION_NOT_FINALIST = "not_finalist"
DECISION_WINNER = "winner"
DECISION_SPECIAL = "special"
DECISIONS = (DECISION_FINALIST, DECISION_NOT_FINALIST, DECISION_WINNER, DECISION_SPECIAL)

RECUSED_MESSAGE = _(
    "You are recused for this project (a conflict of interest): a deputy chair or an organiser records the decision."
)


def _within(text: str, limit: int) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ResultsError(_("The text is too long: at most %(max)s characters.") % {"max": limit}, code="too_long")
    return text


def _require_meeting_actor(actor: User, category: Category, project: Project) -> None:
    if meeting_recused(actor, project):
        raise PermissionDenied(RECUSED_MESSAGE)
    if not can_record_meeting_decision(actor, category.edition, category, project):
        raise PermissionDenied(_("Only an organiser or the jury chair can do this."))


@transaction.atomic
def meeting_note_save(*, round: Round, category: Category, project: Project, text: str, actor: User) -> MeetingNote:
    """The chair's notes on the project under discussion, one per project per round."""
    _require_meeting_actor(actor, category, project)
    note, _created = MeetingNote.objects.update_or_create(
        round=round, project=project, defaults={"text": _within(text, LONG_TEXT), "updated_by": actor}
    )
    return note


@transaction.atomic
def meeting_decision_record(
    *, round: Round, category: Category, project: Project, decision: str, reason: str, title: str = "", actor: User
) -> Result | None:
    """A decision taken at the meeting, with its reason: finalist (or no longer a finalist) in a
    shortlist round, winner in the final round, or a special award (the reason is its citation)."""
    _require_meeting_actor(actor, category, project)
    reason = _within(reason, MEDIUM_TEXT)
    title = _within(title, SHORT_TEXT)
    if not reason:
        raise ResultsError(_("Write the reason for the decision."), code="reason_required")
    if decision in (DECISION_FINALIST, DECISION_NOT_FINALIST):
        if round.kind == RoundKind.FINAL:
            raise ResultsError(
                _("Finalists come from a shortlist round; in the final round select the winner."), code="final"
            )
        result = finalist_override(
            category=category, round=round, project=project, add=decision == DECISION_FINALIST, reason=reason,
            actor=actor, meeting=True,
        )  # fmt: skip
    elif decision == DECISION_WINNER:
        result = winner_override(
            category=category, round=round, project=project, reason=reason, actor=actor, meeting=True
        )
    elif decision == DECISION_SPECIAL:
        require_open_round(round)
        result = special_award_set(project=project, title=title, citation=reason, actor=actor, meeting=True)
    else:
        raise ResultsError(_("Choose a decision."), code="decision_required")
    audit_log(
        actor=actor,
        action="meeting.decision_recorded",
        target=project,
        edition=round.edition,
        data={
            "round": round.pk,
            "category": category.pk,
            "decision": decision,
            "reason": reason,
            "title": title,
        },
    )
    return result


@transaction.atomic
def meeting_veto(
    *, round: Round, category: Category, project: Project, kind: str, title: str = "", reason: str, actor: User
) -> MeetingVeto:
    """The jury chair vetoes a recorded decision, where the edition's statute gives the chair a
    veto: once per decision, with a written reason. The decision (its Result) is removed; the
    veto is audited and sealed with the results."""
    edition = round.edition
    if not edition.chair_veto:
        raise ResultsError(_("This edition's statute gives the jury chair no veto."), code="no_veto")
    if meeting_recused(actor, project):
        raise PermissionDenied(RECUSED_MESSAGE)
    if not can_veto(actor, edition, category, project):
        raise PermissionDenied(_("Only the jury chair can use the veto."))
    require_open_round(round)
    reason = _within(reason, MEDIUM_TEXT)
    if not reason:
        raise ResultsError(_("Write the reason for the veto."), code="reason_required")
    title = (title or "").strip() if kind == ResultKind.SPECIAL else ""
    results = (
        Result.objects.select_for_update(of=("self",))
        .select_related("round")
        .filter(category=category, project=project, kind=kind)
    )
    if kind == ResultKind.SPECIAL:
        results = results.filter(title=title)
    result = results.first()
    if result is None:
        raise ResultsError(_("There is no such decision to veto."), code="no_decision")
    if result.round is not None and result.round.frozen:
        raise ResultsError(_("The results of this round are frozen and cannot change."), code="frozen")
    if MeetingVeto.objects.filter(project=project, kind=kind, title=title).exists():
        raise ResultsError(_("The jury chair has already vetoed this decision once."), code="vetoed")
    try:
        with transaction.atomic():
            veto = MeetingVeto.objects.create(
                edition=edition, category=category, round=round, project=project, kind=kind, title=title,
                reason=reason, vetoed_by=actor,
            )  # fmt: skip
    except IntegrityError:  # a second veto of the same decision at the same moment
        raise ResultsError(_("The jury chair has already vetoed this decision once."), code="vetoed") from None
    result_id = result.pk
    result.delete()
    audit_log(
        actor=actor,
        action="meeting.veto",
        target=project,
        edition=edition,
        data={
            "round": round.pk,
            "category": category.pk,
            "kind": kind,
            "title": title,
            "reason": reason,
            "result": result_id,
            "veto": veto.pk,
        },
    )
    return veto
