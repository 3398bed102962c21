"""The ranking as rows for people: the organisers' page, the API and the workbook read the same
rows, so a number cannot say one thing on the page and another in the export.

A row is plain data (no model instances, no markup): each consumer only lays it out. The next
issue adds calibrated scores, intervals and flags here, once, for all three.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from scoring.enums import ResultKind
from scoring.ranking.engine import FLAG_LABELS, Ranking

RESULT_LABELS = {ResultKind.WINNER: _("Winner"), ResultKind.FINALIST: _("Finalist")}


@dataclass(frozen=True)
class PresentedRow:
    project_id: int
    reference: str
    title: str
    organisation_name: str
    country: str
    rank: int | None
    tie: bool
    official_score: float | None
    # Every method's score and rank, keyed by method; `others` lists the non-official ones in order.
    scores: dict[str, float | None]
    ranks: dict[str, int | None]
    others: list[tuple[str, float | None, int | None]]
    # Mean value per criterion, in the rubric's order (ranking.criteria).
    criterion_means: list[float | None]
    reviews_done: int
    reviews_assigned: int
    spread_sd: float | None
    spread_min: float | None
    spread_max: float | None
    flags: list[str]
    flag_labels: list[tuple[str, str]]
    finalist_probability: float | None
    result: str | None
    override_reason: str
    # The finalist was taken off the list against the ranking (the reason is override_reason).
    removed: bool
    # The totals of the reviews; in the jury's copy (hide_jurors) in ascending order, so that
    # their order does not tell which juror gave which.
    juror_totals: list[float] = field(default_factory=list)

    @property
    def rank_label(self) -> int | str:
        """ "3=" for a shared place, the number otherwise, "" for an unranked project."""
        if self.rank is None:
            return ""
        return f"{self.rank}=" if self.tie else self.rank

    @property
    def result_label(self) -> str:
        return str(RESULT_LABELS.get(self.result or "", ""))

    @property
    def reviews_label(self) -> str:
        return f"{self.reviews_done}/{self.reviews_assigned}"


def ranking_rows(ranking: Ranking, *, bootstrap: bool = True, hide_jurors: bool = False) -> list[PresentedRow]:
    """The rows of a ranking in official order. Without `bootstrap` the finalist probability is
    left out (None) even if the engine computed one."""
    others = ranking.other_methods
    rows = []
    for row in ranking.rows:
        project = row.project
        totals = sorted(row.juror_totals) if hide_jurors else list(row.juror_totals)
        rows.append(
            PresentedRow(
                project_id=project.pk,
                reference=project.reference,
                title=project.title,
                organisation_name=project.organisation_name,
                country=project.country,
                rank=row.rank,
                tie=row.tie,
                official_score=row.official_score,
                scores=dict(row.scores),
                ranks=dict(row.ranks),
                others=[(m, row.scores.get(m), row.ranks.get(m)) for m in others],
                criterion_means=[row.criterion_means.get(c.pk) for c in ranking.criteria],
                reviews_done=row.reviews_done,
                reviews_assigned=row.reviews_assigned,
                spread_sd=row.spread_sd,
                spread_min=row.spread_min,
                spread_max=row.spread_max,
                flags=list(row.flags),
                flag_labels=[(f, str(FLAG_LABELS.get(f, f))) for f in row.flags],
                finalist_probability=row.finalist_probability if bootstrap else None,
                result=row.result,
                override_reason=row.override_reason,
                removed=row.removed,
                juror_totals=totals,
            )
        )
    return rows


def row_as_json(row: PresentedRow) -> dict:
    """The API's shape of a row (field names are part of the API; keep them)."""
    return {
        "project": row.project_id,
        "reference": row.reference,
        "title": row.title,
        "rank": row.rank,
        "tie": row.tie,
        "official_score": row.official_score,
        "scores": row.scores,
        "ranks": row.ranks,
        "flags": row.flags,
        "flag_labels": [label for _code, label in row.flag_labels],
        "reviews_done": row.reviews_done,
        "reviews_assigned": row.reviews_assigned,
        "spread_sd": row.spread_sd,
        "result": row.result,
        "finalist_probability": row.finalist_probability,
    }
