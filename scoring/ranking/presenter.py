"""The ranking as rows for people: the organisers' page, the API and the workbook read the same
rows, so a number cannot say one thing on the page and another in the export.

A row is plain data (no model instances, no markup): each consumer only lays it out. The
calibrated score with its standard error, P(finalist) (P(winner) in a final round), the expected
rank and the 80 % rank interval, the decision band and the flags come from the engine's one read
of the round and its cached analysis.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from scoring.enums import ResultKind
from scoring.ranking.engine import CALIBRATED, FLAG_LABELS, Ranking, RankRow

RESULT_LABELS = {ResultKind.WINNER: _("Winner"), ResultKind.FINALIST: _("Finalist")}
# The agreement's verdict codes (scoring/calibration/agreement.py) in words.
AGREEMENT_VERDICTS = {
    "very_good": _("very good agreement"),
    "good": _("good agreement"),
    "fair": _("fair agreement"),
    "poor": _("poor agreement"),
    "undefined": _("not enough reviews"),
    "final_round_close": _("close finalists: low agreement on their order is expected; read the decision band"),
}


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
    # From the model: the calibrated score's standard error, P(finalist)/P(winner) (= p_top, the
    # same number as finalist_probability), the expected rank and the 80 % rank interval.
    score_se: float | None = None
    p_top: float | None = None
    expected_rank: float | None = None
    rank_low: int | None = None
    rank_high: int | None = None
    in_band: bool = False
    component: int | None = None
    # "Why here": one dict per review, {juror_id, total, leniency, scale, adjusted_total, outlier}
    # in juror order; in the jury's copy without juror_id and in ascending order of total.
    reviews: list[dict] = field(default_factory=list)

    @property
    def calibrated_score(self) -> float | None:
        return self.scores.get(CALIBRATED)

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


def _review(line, hide_jurors: bool) -> dict:
    juror_id, total, leniency, scale, adjusted_total, outlier = line
    review = {"total": total, "leniency": leniency, "scale": scale, "adjusted_total": adjusted_total,
              "outlier": outlier}  # fmt: skip
    if not hide_jurors:
        review = {"juror_id": juror_id, **review}
    return review


def ranking_rows(
    ranking: Ranking, *, bootstrap: bool = True, hide_jurors: bool = False, rows: Iterable[RankRow] | None = None
) -> list[PresentedRow]:
    """The rows of a ranking in official order (or only `rows`, e.g. one page of
    ``ranking.rows``). Without `bootstrap` the probabilities (P, the expected rank and the rank
    interval) are left out (None); they cost nothing to include."""
    others = [str(m) for m in ranking.other_methods]
    criterion_pks = [c.pk for c in ranking.criteria]
    # Translated once per call, not once per row.
    flag_labels = {code: str(label) for code, label in FLAG_LABELS.items()}
    presented = []
    for row in ranking.rows if rows is None else rows:
        project = row.project
        totals = sorted(row.juror_totals) if hide_jurors else list(row.juror_totals)
        reviews = [_review(line, hide_jurors) for line in row.reviews]
        if hide_jurors:
            reviews.sort(key=lambda review: review["total"])
        presented.append(
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
                criterion_means=[row.criterion_means.get(pk) for pk in criterion_pks],
                reviews_done=row.reviews_done,
                reviews_assigned=row.reviews_assigned,
                spread_sd=row.spread_sd,
                spread_min=row.spread_min,
                spread_max=row.spread_max,
                flags=list(row.flags),
                flag_labels=[(f, flag_labels.get(f, f)) for f in row.flags],
                finalist_probability=row.p_top if bootstrap else None,
                result=row.result,
                override_reason=row.override_reason,
                removed=row.removed,
                juror_totals=totals,
                score_se=row.score_se,
                p_top=row.p_top if bootstrap else None,
                expected_rank=row.expected_rank if bootstrap else None,
                rank_low=row.rank_low if bootstrap else None,
                rank_high=row.rank_high if bootstrap else None,
                in_band=row.in_band,
                component=row.component,
                reviews=reviews,
            )
        )
    return presented


def row_as_json(row: PresentedRow) -> dict:
    """The API's shape of a row (field names are part of the API; keep them, add new ones)."""
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
        "calibrated_score": row.calibrated_score,
        "score_se": row.score_se,
        "expected_rank": row.expected_rank,
        "rank_interval": None if row.rank_low is None else [row.rank_low, row.rank_high],
        "in_band": row.in_band,
    }
