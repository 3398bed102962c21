"""A cross-category award (issue 17, item 8), e.g. "most innovative": every eligible project of
the edition ranked on chosen criteria, from the reviews the jury already finalised in a round,
by the ranking engine's own rules; no extra jury work.

1. **Inputs** are the round's (``loader.round_inputs``: completed reviews of eligible projects,
   all categories). A review's total on the chosen criteria is the rubric's formula restricted
   to them (``award.rubric.review_total`` with a subset of the criteria):
   100 × Σ_c∈chosen w_c (v_c − min_c) / (max_c − min_c) / Σ_c∈chosen w_c.
2. **Method.** When the judging plan is connected (every juror linked to every other through
   projects they both reviewed, across the categories), the calibrated model
   (``scoring/calibration/model.py``) is fitted to those totals over the round, so lenient and
   harsh jurors are corrected across categories. Otherwise a juror's leniency cannot be compared
   across the separate parts of the plan (typically one panel per category), and the project's
   score is the plain mean of its totals; ``reason`` says which and why.
3. **Ranking** as the engine's (``engine.py``, items 3 and 4): a project with missing reviews
   (or none in the round) is listed after the ranked ones, not ranked; equal scores are separated
   by the edition's tie-break rule, with the highest-weighted *chosen* criterion.

``cross_scores`` is the pure core over arrays; ``cross_ranking`` loads and presents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from threadpoolctl import threadpool_limits

from award.models import Criterion, Round
from scoring.calibration.graph import components
from scoring.calibration.model import fit
from scoring.ranking.engine import CALIBRATED, MEAN, MEDIAN, RankRow
from scoring.ranking.loader import round_inputs
from scoring.ranking.methods import _median, rank_official, top_criterion
from submissions.enums import ProjectStatus
from submissions.models import Project

_PROJECT_FIELDS = ("id", "reference", "title", "organisation_name", "country", "category_id", "edition_id", "status")


@dataclass
class CrossScores:
    """Per project (P,): the score by the method used, the plain mean, the number of reviews;
    per review (n,): the total on the chosen criteria; and the plan's component count."""

    method: str
    score: np.ndarray
    mean: np.ndarray
    reviews: np.ndarray
    total: np.ndarray
    n_components: int


def cross_scores(
    values: np.ndarray,
    weights: np.ndarray,
    columns: list[int],
    project: np.ndarray,
    juror: np.ndarray,
    *,
    n_projects: int,
    n_jurors: int,
) -> CrossScores:
    """The projects' scores on the chosen criteria (``columns`` of the normalised values, n × C):
    calibrated when the plan of ``project``/``juror`` is connected, else the mean (module docstring)."""
    values = np.asarray(values, dtype=float).reshape(len(project), -1)
    w = np.asarray(weights, dtype=float)[columns]
    total = 100.0 * (values[:, columns] @ w) / w.sum() if len(project) and w.sum() > 0 else np.zeros(len(project))
    count = np.bincount(project, minlength=n_projects)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(project, weights=total, minlength=n_projects) / count
    graph = components(project, juror, n_projects=n_projects, n_jurors=n_jurors)
    if len(project) and graph.connected:
        # One BLAS thread, as in analysis.py: on this busy 2-core machine BLAS threads made the
        # fit's J×J eigendecompositions 5–30× slower.
        with threadpool_limits(limits=1):
            result = fit(total, project, juror, n_projects=n_projects, n_jurors=n_jurors)
        return CrossScores(CALIBRATED, result.score, mean, count, total, graph.count)
    return CrossScores(MEAN, mean, mean, count, total, graph.count)


@dataclass
class CrossRanking:
    round: Round
    criteria: list[Criterion]
    method: str
    reason: str
    rows: list[RankRow]
    n_components: int

    @property
    def ranked_rows(self) -> list[RankRow]:
        return [row for row in self.rows if row.rank is not None]

    @property
    def method_label(self) -> str:
        return str(_("calibrated") if self.method == CALIBRATED else _("mean of the chosen criteria"))


def method_reason(method: str, n_components: int) -> str:
    if method == CALIBRATED:
        return str(
            _(
                "The judging plan connects the categories: every juror is linked to every other through "
                "projects they both reviewed, so the calibrated method corrects lenient and harsh jurors "
                "across the categories."
            )
        )
    if n_components == 0:
        return str(_("No review of this round counts yet."))
    return ngettext(
        "The judging plan does not connect the categories (%(count)s part shares no juror with the others), "
        "so a juror's leniency cannot be compared across them: the plain mean of the chosen criteria is used.",
        "The judging plan does not connect the categories (%(count)s parts share no juror with each other), "
        "so a juror's leniency cannot be compared across them: the plain mean of the chosen criteria is used.",
        n_components,
    ) % {"count": n_components}


def cross_ranking(*, round: Round, criteria: list[Criterion]) -> CrossRanking:
    """Every eligible project of the round's edition ranked on ``criteria`` (module docstring), in
    a fixed number of queries: the round's inputs and the edition's eligible projects."""
    edition = round.edition
    inputs = round_inputs(round)
    position = {int(pk): i for i, pk in enumerate(inputs.criterion_ids)}
    chosen = [c for c in inputs.criteria if c.pk in {c.pk for c in criteria}]
    columns = [position[c.pk] for c in chosen]
    scores = cross_scores(
        inputs.values,
        inputs.weights,
        columns,
        inputs.project,
        inputs.juror,
        n_projects=inputs.n_projects,
        n_jurors=inputs.n_jurors,
    )
    index = inputs.project_index
    totals: dict[int, list[float]] = {}
    sums = np.zeros((inputs.n_projects, len(columns)))
    if len(inputs.project) and columns:
        np.add.at(sums, inputs.project, inputs.values[:, columns])
    for p, t in zip(inputs.project.tolist(), scores.total.tolist(), strict=True):
        totals.setdefault(p, []).append(t)

    projects = (
        Project.objects.filter(edition_id=round.edition_id, status=ProjectStatus.ELIGIBLE)
        .select_related("category")
        .only(*_PROJECT_FIELDS, "category")
        .order_by("reference", "id")
    )
    rows: list[RankRow] = []
    for project in projects:
        i = index.get(project.pk)
        row = RankRow(project=project)
        done = int(scores.reviews[i]) if i is not None else 0
        row.reviews_done = done
        row.reviews_assigned = int(inputs.project_assigned[i]) if i is not None else 0
        if done:
            mine = totals[i]
            score = float(scores.score[i])
            row.scores = {scores.method: score, MEAN: float(scores.mean[i]), MEDIAN: _median(mine)}
            row.official_score = score if score == score else None
            row.criterion_means = {
                c.pk: float(c.min_value) + float(c.max_value - c.min_value) * sums[i, k] / done
                for k, c in enumerate(chosen)
            }
            row.juror_totals = mine
        else:
            row.scores = {scores.method: None, MEAN: None, MEDIAN: None}
        if not done or row.reviews_done < row.reviews_assigned or row.official_score is None:
            row.flags.append("missing_reviews")
        rows.append(row)
    ranked = [row for row in rows if "missing_reviews" not in row.flags]
    rank_official(ranked, scores.method, edition.tie_break_rule, top_criterion(chosen))
    ranked.sort(key=lambda r: (r.rank, r.project.reference, r.project.pk))
    unranked = [row for row in rows if "missing_reviews" in row.flags]
    unranked.sort(key=lambda r: (r.official_score is None, -(r.official_score or 0), r.project.reference))
    return CrossRanking(
        round=round,
        criteria=chosen,
        method=scores.method,
        reason=method_reason(scores.method, scores.n_components),
        rows=ranked + unranked,
        n_components=scores.n_components,
    )
