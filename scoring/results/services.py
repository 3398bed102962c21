"""Finalists, winners, special awards and freezing: the organisers' decisions after a ranking.

Every decision is audited; a decision that departs from the ranking needs a written reason,
which is kept (on the result, or in the audit log for a removal) and goes into the export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from award.collation import name_order
from award.enums import Role, RoundKind
from award.models import Category, Edition, EditionRole, Round, User
from award.rules import require_organiser
from award.services import audit_log
from scoring.ballot.selectors import METHOD as BALLOT_METHOD
from scoring.ballot.selectors import ballot_count, count_as_json, is_ranked
from scoring.enums import ResultKind
from scoring.models import Assignment, ConflictOfInterest, FinalistRemoval, Result
from scoring.ranking.cross import cross_ranking
from scoring.ranking.engine import ranking_for
from scoring.results.seal import SIGN_OFF_TEXT, snapshot_store
from submissions.enums import ProjectStatus
from submissions.models import Project

ACTION_FINALIST_REMOVED = "results.finalist_removed"


class ResultsError(ValidationError):
    """A results decision that the rules do not allow."""


@dataclass
class FinalistSelection:
    selected: list[Result] = field(default_factory=list)
    incomplete: list[Project] = field(default_factory=list)
    undecided: list[Project] = field(default_factory=list)


def require_open_round(round: Round) -> None:
    if round.frozen:
        raise ResultsError(_("The results of this round are frozen and cannot change."), code="frozen")


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ResultsError(_("Write the reason for departing from the ranking."), code="reason_required")
    return reason


def _require_same_edition(category: Category, round: Round) -> None:
    if category.edition_id != round.edition_id:
        raise ResultsError(_("The category and the round belong to different editions."), code="edition_mismatch")


def _require_decider(actor: User, edition: Edition, category: Category, project: Project, meeting: bool) -> None:
    """The organisers decide; at the jury meeting (``meeting``) the jury chair may too, unless
    recused for the project (issue 19: then a deputy chair or an organiser records it)."""
    if not meeting:
        require_organiser(actor, edition)
        return
    from scoring.rules import can_record_meeting_decision, meeting_recused

    if can_record_meeting_decision(actor, edition, category, project):
        return
    if meeting_recused(actor, project):
        raise PermissionDenied(
            _(
                "You are recused for this project (a conflict of interest): a deputy chair or an organiser "
                "records the decision."
            )
        )
    raise PermissionDenied(_("Only an organiser or the jury chair can do this."))


def _project_in(category: Category, project: Project) -> None:
    if project.category_id != category.pk or project.status in {ProjectStatus.WITHDRAWN, ProjectStatus.INELIGIBLE}:
        raise ResultsError(_("This project is not an eligible project of this category."), code="wrong_project")


@transaction.atomic
def finalists_select(*, category: Category, round: Round, actor: User, replace: bool = False) -> FinalistSelection:
    """Make the top N of the round's ranking finalists, N being the category's finalists count.

    Projects with missing reviews are not ranked and so never selected; projects sharing a rank
    across the N-th place are left for the organiser to decide (with a reason)."""
    edition = round.edition
    require_organiser(actor, edition)
    _require_same_edition(category, round)
    require_open_round(round)
    if round.kind == RoundKind.FINAL:
        raise ResultsError(
            _("Finalists come from a shortlist round; in the final round select the winner."), code="final"
        )
    existing = Result.objects.filter(category=category, round=round, kind=ResultKind.FINALIST)
    if existing.exists():
        if not replace:
            raise ResultsError(
                _("Finalists have already been selected in this category; replace them or change them one by one."),
                code="exists",
            )
        removed = [r.project.reference or str(r.project) for r in existing.select_related("project")]
        existing.delete()
        audit_log(
            actor=actor,
            action="results.finalists_cleared",
            target=category,
            edition=edition,
            data={"round": round.pk, "projects": removed},
        )
    ranking = ranking_for(category=category, round=round)
    n = category.finalists_count
    outcome = FinalistSelection()
    by_rank: dict[int, list] = {}
    for row in ranking.ranked_rows:
        by_rank.setdefault(row.rank, []).append(row)
    for row in ranking.rows:
        if row.rank is None:
            outcome.incomplete.append(row.project)
        elif row.rank <= n:
            if row.rank + len(by_rank[row.rank]) - 1 <= n:
                outcome.selected.append(
                    Result.objects.create(
                        edition=edition,
                        category=category,
                        round=round,
                        project=row.project,
                        kind=ResultKind.FINALIST,
                        created_by=actor,
                    )
                )
            else:
                outcome.undecided.append(row.project)
    audit_log(
        actor=actor,
        action="results.finalists_selected",
        target=category,
        edition=edition,
        data={
            "round": round.pk,
            "method": ranking.method,
            "finalists": [r.project.reference for r in outcome.selected],
            "undecided_ties": [p.reference for p in outcome.undecided],
            "not_ranked_missing_reviews": [p.reference for p in outcome.incomplete],
        },
    )
    return outcome


@transaction.atomic
def finalist_override(
    *, category: Category, round: Round, project: Project, add: bool, reason: str, actor: User, meeting: bool = False
) -> Result | None:
    """Add a project to the finalists, or remove one, against the ranking: only with a reason.
    ``meeting``: recorded at the jury meeting, where the jury chair decides too."""
    edition = round.edition
    _require_decider(actor, edition, category, project, meeting)
    _require_same_edition(category, round)
    require_open_round(round)
    reason = _require_reason(reason)
    _project_in(category, project)
    current = Result.objects.filter(project=project, kind=ResultKind.FINALIST).first()
    if add:
        if current is not None:
            raise ResultsError(_("This project is already a finalist."), code="already")
        result = Result.objects.create(
            edition=edition,
            category=category,
            round=round,
            project=project,
            kind=ResultKind.FINALIST,
            override_reason=reason,
            created_by=actor,
        )
        audit_log(
            actor=actor,
            action="results.finalist_added",
            target=project,
            edition=edition,
            data={"round": round.pk, "category": category.pk, "reason": reason},
        )
        return result
    if current is None:
        raise ResultsError(_("This project is not a finalist."), code="not_finalist")
    current.delete()
    FinalistRemoval.objects.create(
        edition=edition, category=category, round=round, project=project, reason=reason, removed_by=actor
    )
    audit_log(
        actor=actor,
        action=ACTION_FINALIST_REMOVED,
        target=project,
        edition=edition,
        data={"round": round.pk, "category": category.pk, "reason": reason},
    )
    return None


def _conflicted(juror: User, project: Project) -> bool:
    try:
        from scoring.rules import juror_is_conflicted
    except ImportError:  # the jury side's predicate is not there yet: declared conflicts only
        return ConflictOfInterest.objects.filter(juror=juror, project=project).exists()
    return juror_is_conflicted(juror, project)


@transaction.atomic
def final_round_prepare(*, category: Category, source_round: Round, final_round: Round, actor: User) -> int:
    """Assign every finalist of the category to every member of the category's panel in the
    final round, except conflicted jurors. Safe to repeat; returns the number of new assignments."""
    edition = final_round.edition
    require_organiser(actor, edition)
    _require_same_edition(category, source_round)
    _require_same_edition(category, final_round)
    require_open_round(final_round)
    if final_round.kind != RoundKind.FINAL or final_round.number <= source_round.number:
        raise ResultsError(_("Choose a final round that comes after the shortlist round."), code="not_final")
    finalists = [
        r.project
        for r in Result.objects.filter(category=category, round=source_round, kind=ResultKind.FINALIST)
        .select_related("project", "project__edition")
        .order_by("project__reference")
    ]
    if not finalists:
        raise ResultsError(_("Select the finalists of this category first."), code="no_finalists")
    panel = [
        role.user
        for role in EditionRole.objects.filter(edition=edition, role=Role.JUROR, panels=category)
        .select_related("user")
        .order_by(name_order("user__last_name"), "user__pk")
    ]
    if not panel:
        raise ResultsError(_("The category's panel has no jurors."), code="no_panel")
    existing = set(Assignment.objects.filter(round=final_round).values_list("project_id", "juror_id"))
    created = []
    for project in finalists:
        for juror in panel:
            if (project.pk, juror.pk) not in existing and not _conflicted(juror, project):
                created.append(Assignment(round=final_round, project=project, juror=juror))
    Assignment.objects.bulk_create(created)
    audit_log(
        actor=actor,
        action="results.final_round_prepared",
        target=final_round,
        edition=edition,
        data={"category": category.pk, "source_round": source_round.pk, "assignments": len(created)},
    )
    return len(created)


@transaction.atomic
def winners_select(*, category: Category, round: Round, actor: User) -> Result:
    """The winner of the category is the first of the final round's ranking, by the same rules."""
    edition = round.edition
    require_organiser(actor, edition)
    _require_same_edition(category, round)
    require_open_round(round)
    if round.kind != RoundKind.FINAL:
        raise ResultsError(_("Winners come from the final round."), code="not_final")
    if Result.objects.filter(category=category, kind=ResultKind.WINNER).exists():
        raise ResultsError(_("This category already has a winner."), code="exists")
    if is_ranked(round):
        return _ranked_winner_select(category=category, round=round, actor=actor)
    ranking = ranking_for(category=category, round=round)
    first = [row for row in ranking.ranked_rows if row.rank == 1]
    if not first:
        raise ResultsError(_("No project of this category has all its reviews finalised yet."), code="empty")
    if len(first) > 1:
        raise ResultsError(
            ngettext_lazy(
                "Tie: %(count)s project shares the first place; the organisers decide, with a written reason.",
                "Tie: %(count)s projects share the first place; the organisers decide, with a written reason.",
                len(first),
            )
            % {"count": len(first)},
            code="tie",
        )
    result = Result.objects.create(
        edition=edition,
        category=category,
        round=round,
        project=first[0].project,
        kind=ResultKind.WINNER,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="results.winner_selected",
        target=first[0].project,
        edition=edition,
        data={"round": round.pk, "category": category.pk, "method": ranking.method},
    )
    return result


def _ranked_winner_select(*, category: Category, round: Round, actor: User) -> Result:
    """A ranked final round: the Schulze winner of the panel's ballots (scoring/ballot)."""
    count = ballot_count(round=round, category=category)
    if not count.cast:
        raise ResultsError(_("No ballot has been cast in this category yet."), code="empty")
    winners = count.tally.winners
    if len(winners) > 1:
        raise ResultsError(
            ngettext_lazy(
                "Tie: %(count)s finalist shares the first place after the Schulze count; the jury chair decides, "
                "with a written reason.",
                "Tie: %(count)s finalists share the first place after the Schulze count; the jury chair decides, "
                "with a written reason.",
                len(winners),
            )
            % {"count": len(winners)},
            code="tie",
        )
    project = count.by_id[winners[0]]
    result = Result.objects.create(
        edition=round.edition, category=category, round=round, project=project, kind=ResultKind.WINNER, created_by=actor
    )
    audit_log(
        actor=actor,
        action="results.winner_selected",
        target=project,
        edition=round.edition,
        data={"round": round.pk, "category": category.pk, "method": BALLOT_METHOD, "count": count_as_json(count)},
    )
    return result


@transaction.atomic
def winner_override(
    *, category: Category, round: Round, project: Project, reason: str, actor: User, meeting: bool = False
) -> Result:
    """Name the winner against (or where the ranking cannot decide, e.g. a tie) with a reason.
    ``meeting``: recorded at the jury meeting, where the jury chair decides too."""
    edition = round.edition
    _require_decider(actor, edition, category, project, meeting)
    _require_same_edition(category, round)
    require_open_round(round)
    reason = _require_reason(reason)
    _project_in(category, project)
    if round.kind != RoundKind.FINAL:
        raise ResultsError(_("Winners come from the final round."), code="not_final")
    if not Assignment.objects.filter(round=round, project=project).exists():
        raise ResultsError(_("This project was not scored in the final round."), code="not_in_round")
    previous = list(Result.objects.filter(category=category, kind=ResultKind.WINNER).select_related("project"))
    Result.objects.filter(pk__in=[r.pk for r in previous]).delete()
    result = Result.objects.create(
        edition=edition,
        category=category,
        round=round,
        project=project,
        kind=ResultKind.WINNER,
        override_reason=reason,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="results.winner_overridden",
        target=project,
        edition=edition,
        data={
            "round": round.pk,
            "category": category.pk,
            "reason": reason,
            "previous": [r.project.reference for r in previous],
        },
    )
    return result


@transaction.atomic
def special_award_set(
    *, project: Project, title: str, citation: str, actor: User, meeting: bool = False, audience_prize: bool = False
) -> Result:
    """A special award (e.g. the jury's special prize), given by hand with a citation.
    ``meeting``: given at the jury meeting, where the jury chair decides too. ``audience_prize``:
    the public vote gives it (scoring.vote); set again by hand, it stays the audience prize."""
    edition = project.edition
    _require_decider(actor, edition, project.category, project, meeting)
    title, citation = (title or "").strip(), (citation or "").strip()
    if not title or not citation:
        raise ResultsError(_("A special award needs a title and a citation."), code="required")
    if project.status in {ProjectStatus.WITHDRAWN, ProjectStatus.INELIGIBLE, ProjectStatus.DRAFT}:
        raise ResultsError(_("Only an eligible project can receive an award."), code="wrong_project")
    defaults = {"edition": edition, "category": project.category, "citation": citation, "created_by": actor}
    if audience_prize:
        defaults["audience_prize"] = True
    result, created = Result.objects.update_or_create(
        project=project, kind=ResultKind.SPECIAL, title=title, defaults=defaults
    )
    audit_log(
        actor=actor,
        action="results.special_award_set",
        target=project,
        edition=edition,
        data={"title": title, "citation": citation, "created": created},
    )
    return result


@transaction.atomic
def special_award_titles_set(*, result: Result, titles: dict[str, str], actor: User) -> Result:
    """A special award's title in other languages (language code -> title; an empty one falls
    back to the default title), printed on the certificates of recipients in those languages."""
    require_organiser(actor, result.edition)
    if result.kind != ResultKind.SPECIAL:
        raise ResultsError(_("Only a special award has titles in other languages."), code="not_special")
    languages = {code for code, _name in settings.LANGUAGES}
    limit = Result._meta.get_field("title").max_length
    cleaned = {code: (text or "").strip() for code, text in titles.items() if code in languages}
    cleaned = {code: text for code, text in cleaned.items() if text and text != result.title}
    if any(len(text) > limit for text in cleaned.values()):
        raise ResultsError(_("An award title is too long."), code="too_long")
    if cleaned != (result.titles or {}):
        result.titles = cleaned
        result.save(update_fields=["titles"])
        audit_log(
            actor=actor,
            action="results.special_award_titles_set",
            target=result.project,
            edition=result.edition,
            data={"title": result.title, "titles": cleaned},
        )
    return result


@transaction.atomic
def special_award_remove(*, result: Result, actor: User) -> None:
    require_organiser(actor, result.edition)
    if result.kind != ResultKind.SPECIAL:
        raise ResultsError(_("Only special awards are removed here."), code="not_special")
    audit_log(
        actor=actor,
        action="results.special_award_removed",
        target=result.project,
        edition=result.edition,
        data={"title": result.title},
    )
    result.delete()


def _require_sign_off(signed_off: bool) -> str:
    """The organiser confirms that these are the results the jury decided (issue 15, item 9);
    the text they confirmed is stored with the snapshot."""
    if not signed_off:
        raise ResultsError(
            _("Confirm that you sign off these results as decided by the jury."), code="sign_off_required"
        )
    return SIGN_OFF_TEXT


@transaction.atomic
def round_freeze(*, round: Round, actor: User, signed_off: bool = False) -> Round:
    """Freeze a round: its scores can no longer change, nor its finalists or winners. The
    organiser signs the results off; the round's numbers are sealed in a snapshot."""
    require_organiser(actor, round.edition)
    edition = round.edition
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.frozen:
        raise ResultsError(_("This round is already frozen."), code="frozen")
    sign_off = _require_sign_off(signed_off)
    round.frozen = True
    round.save(update_fields=["frozen"])
    round.edition = edition
    snapshot = snapshot_store(edition=edition, round=round, actor=actor, sign_off=sign_off)
    audit_log(
        actor=actor,
        action="results.round_frozen",
        target=round,
        edition=edition,
        data=_snapshot_data(snapshot),
    )
    return round


def _snapshot_data(snapshot) -> dict:
    return {
        "snapshot": snapshot.pk,
        "hash": snapshot.payload_hash,
        "scores_hash": snapshot.scores_hash,
        "engine_version": snapshot.engine_version,
        "method": snapshot.method,
        "signed_off": snapshot.sign_off,
    }


def results_unsettled_categories(edition: Edition) -> list[Category]:
    """The categories whose ranking is not settled: they have finalists but no winner yet."""
    with_finalists = Result.objects.filter(edition=edition, kind=ResultKind.FINALIST).values("category_id")
    with_winner = Result.objects.filter(edition=edition, kind=ResultKind.WINNER).values("category_id")
    return list(
        edition.categories.filter(pk__in=with_finalists).exclude(pk__in=with_winner).order_by("position", "name")
    )


@transaction.atomic
def results_publish(*, edition: Edition, actor: User, at: datetime | None = None, signed_off: bool = False) -> Edition:
    """Make the edition's results public now (`at` None or in the past) or schedule them for `at`.

    The ranking must be settled: the edition has at least one finalist, winner or special award,
    and every category that has finalists has its winner (a shortlist without its winner is not
    announced). Results that are already public are not re-published (that would move the date
    printed as the publication date); withdraw them first. A scheduled time can be moved.

    The organiser signs the results off, and every published number is sealed in a snapshot
    (a new one each time: withdrawing and publishing again keeps the earlier ones)."""
    require_organiser(actor, edition)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    now = timezone.now()
    if edition.results_are_public(now):
        raise ResultsError(_("The results are already public."), code="published")
    if not Result.objects.filter(edition=edition).exists():
        raise ResultsError(_("There is nothing to publish yet: no finalists, winners or special awards."), code="empty")
    unsettled = results_unsettled_categories(edition)
    if unsettled:
        raise ResultsError(
            _("The ranking is not settled: choose the winner of %(categories)s before publishing.")
            % {"categories": ", ".join(c.name for c in unsettled)},
            code="unsettled",
        )
    sign_off = _require_sign_off(signed_off)
    when = now if at is None or at <= now else at
    previous = edition.results_published_at
    edition.results_published_at = when
    edition.save(update_fields=["results_published_at"])
    snapshot = snapshot_store(edition=edition, round=None, actor=actor, sign_off=sign_off)
    audit_log(
        actor=actor,
        action="results.published" if when == now else "results.publication_scheduled",
        target=edition,
        edition=edition,
        data={"at": when.isoformat(), "previous": previous.isoformat() if previous else None}
        | _snapshot_data(snapshot),
    )
    return edition


@transaction.atomic
def results_unpublish(*, edition: Edition, actor: User, reason: str) -> Edition:
    """Withdraw the publication (or cancel a scheduled one), e.g. after a mistake is found;
    the reason is required and kept in the audit log."""
    require_organiser(actor, edition)
    reason = (reason or "").strip()
    if not reason:
        raise ResultsError(_("Write the reason for withdrawing the results."), code="reason_required")
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    previous = edition.results_published_at
    if previous is None:
        raise ResultsError(_("The results are neither published nor scheduled."), code="not_published")
    was_public = edition.results_are_public()
    edition.results_published_at = None
    edition.save(update_fields=["results_published_at"])
    audit_log(
        actor=actor,
        action="results.unpublished",
        target=edition,
        edition=edition,
        data={"reason": reason, "previous": previous.isoformat(), "was_public": was_public},
    )
    return edition


def cross_award_give(
    *, round: Round, criteria: list, project: Project, title: str, citation: str, actor: User
) -> Result:
    """A cross-category award (issue 17, item 8): a special award, with its certificate, for a
    project ranked on chosen criteria from the jury's existing scores (``ranking/cross.py``). The
    ranking is recomputed here, so the audit entry states the method, its reason and the project's
    place as the organiser saw them. The fit runs before the transaction (it reads only)."""
    edition = round.edition
    require_organiser(actor, edition)
    if project.edition_id != edition.pk:
        raise ResultsError(_("Only an eligible project can receive an award."), code="wrong_project")
    if not criteria:
        raise ResultsError(_("Choose at least one criterion."), code="required")
    ranking = cross_ranking(round=round, criteria=criteria)
    row = next((r for r in ranking.rows if r.project.pk == project.pk), None)
    if row is None or row.rank is None:
        raise ResultsError(_("This project has no complete reviews in the round: it is not ranked."), code="unranked")
    with transaction.atomic():
        result = special_award_set(project=project, title=title, citation=citation, actor=actor)
        audit_log(
            actor=actor,
            action="results.cross_award_given",
            target=project,
            edition=edition,
            data={
                "title": result.title,
                "round": round.number,
                "criteria": [c.pk for c in ranking.criteria],
                "method": ranking.method,
                "method_reason": ranking.reason,
                "rank": row.rank,
                "score": row.official_score,
            },
        )
    return result
