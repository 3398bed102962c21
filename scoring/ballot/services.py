"""Writes of the ranked final ballot: a juror casts or changes their ballot; the chair (or an
organiser) decides a tie that the Schulze count leaves, with a reason, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from award.models import Category, Round, User
from award.rules import is_organiser
from award.services import audit_log
from scoring.ballot.models import Ballot, BallotEntry
from scoring.ballot.selectors import METHOD, ballot_count, count_as_json, is_ranked, juror_ballot
from scoring.enums import ResultKind
from scoring.models import Result
from scoring.rules import can_read_ranking, juror_is_conflicted
from submissions.models import Project


class BallotError(ValidationError):
    """A ballot or a tie decision that the rules do not allow."""


def _require_ranked_open(round: Round) -> None:
    if not is_ranked(round):
        raise BallotError(_("This round is not decided by ranked ballots."), code="not_ranked")
    if not round.is_open():
        raise BallotError(_("The ballot is closed: the round is not open."), code="closed")


@transaction.atomic
def ballot_save(*, juror: User, round: Round, category: Category, ranks: dict[int, int]) -> Ballot:
    """Cast or change the juror's ballot: a place for every finalist the juror may rank, from 1
    to the number of finalists; equal places are a tie. Replaces the juror's previous ballot."""
    # The round's row is locked: the set-up refuses to switch the mode once a ballot exists, and
    # a ballot must not slip in while the switch is being saved.
    round = Round.objects.select_for_update().select_related("edition").get(pk=round.pk)
    _require_ranked_open(round)
    allowed = {p.pk for p in juror_ballot(juror, round, category).finalists}
    if not allowed:
        raise BallotError(_("You have no finalists to rank in this category."), code="no_finalists")
    if set(ranks) != allowed:
        raise BallotError(_("Give a place to every finalist on your ballot."), code="incomplete")
    if any(not isinstance(r, int) or not 1 <= r <= len(allowed) for r in ranks.values()):
        raise BallotError(
            _("Each place must be a whole number from 1 to %(count)s.") % {"count": len(allowed)}, code="range"
        )
    ballot, created = Ballot.objects.select_for_update().get_or_create(round=round, category=category, juror=juror)
    ballot.entries.all().delete()
    BallotEntry.objects.bulk_create(BallotEntry(ballot=ballot, project_id=p, rank=r) for p, r in ranks.items())
    if not created:
        ballot.save(update_fields=["updated_at"])
    audit_log(
        actor=juror,
        action="ballot.cast" if created else "ballot.changed",
        target=ballot,
        edition=round.edition,
        data={"round": round.pk, "category": category.pk, "ranks": {str(p): r for p, r in sorted(ranks.items())}},
    )
    return ballot


def can_decide_tie(user: User, round: Round, category: Category, tied: list[Project]) -> bool:
    """The organisers, or the jury chair of the category's panel without a conflict on any of
    the tied finalists (a conflicted chair leaves the decision to a deputy or an organiser)."""
    edition = round.edition
    if is_organiser(user, edition):
        return True
    if not can_read_ranking(user, edition, category):
        return False
    return not any(juror_is_conflicted(user, p) for p in tied)


@transaction.atomic
def ballot_tie_decide(*, round: Round, category: Category, project: Project, reason: str, actor: User) -> Result:
    """Name the winner among the finalists that the Schulze count leaves tied for first."""
    from scoring.results.services import ResultsError

    if not is_ranked(round) or category.edition_id != round.edition_id:
        raise BallotError(_("This round is not decided by ranked ballots."), code="not_ranked")
    if round.frozen:
        raise ResultsError(_("The results of this round are frozen and cannot change."), code="frozen")
    count = ballot_count(round=round, category=category)
    tied = [count.by_id[pk] for pk in count.tally.winners]
    if not count.tally.tie:
        raise BallotError(_("The ballots leave no tie to decide."), code="no_tie")
    if not can_decide_tie(actor, round, category, tied):
        raise BallotError(_("You may not decide this tie."), code="forbidden")
    if project.pk not in count.tally.winners:
        raise BallotError(_("Choose one of the finalists tied for first place."), code="not_tied")
    reason = (reason or "").strip()
    if not reason:
        raise BallotError(_("Write the reason for the decision."), code="reason_required")
    if Result.objects.filter(category=category, kind=ResultKind.WINNER).exists():
        raise BallotError(_("This category already has a winner."), code="exists")
    result = Result.objects.create(
        edition=round.edition,
        category=category,
        round=round,
        project=project,
        kind=ResultKind.WINNER,
        override_reason=reason,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="results.ballot_tie_decided",
        target=project,
        edition=round.edition,
        data={
            "round": round.pk,
            "category": category.pk,
            "method": METHOD,
            "tied": [p.reference for p in tied],
            "reason": reason,
            "count": count_as_json(count),
        },
    )
    return result
