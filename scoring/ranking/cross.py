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

**Cached** like the category rankings (``cache.py``): the per-project numbers (method, scores,
means, medians, the chosen criteria's means, the reviews' totals) are stored under the round's
fingerprint with the chosen criteria (their ids, weights and ranges) in the key, so a page view
reads them and never refits; a changed score, review, eligibility, rubric or choice of criteria
gives another key and they are recomputed. The edition's eligible projects and its tie-break rule
are read live and the ranks are given on every view (cheap: no fit).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from threadpoolctl import threadpool_limits

from award.models import Category, Criterion, Round
from scoring.calibration.graph import components
from scoring.calibration.model import fit
from scoring.ranking.analysis import ENGINE_VERSION
from scoring.ranking.cache import cached_payload, round_fingerprint
from scoring.ranking.engine import CALIBRATED, MEAN, MEDIAN, PAYLOAD_MEMORY, RankRow
from scoring.ranking.loader import raw_rows, round_inputs
from scoring.ranking.methods import median_of, rank_official, top_criterion
from submissions.enums import ProjectStatus
from submissions.models import Project


class CrossProject(NamedTuple):
    """What the page and the award's service read of a ranked project."""

    id: int
    reference: str
    title: str
    category: Category | None

    @property
    def pk(self) -> int:
        return self.id


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


# Bump when the stored cross-award numbers' content or shape changes.
CROSS_VERSION = "cross-1"
# The stored numbers of the last CROSS_KEPT choices of criteria stay per round; an older choice
# opened again is computed again (under a second at 2,000 projects).
CROSS_PREFIX, CROSS_KEPT = "cross;", 8


def _cross_parameters(chosen: list[Criterion]) -> str:
    """The cache row of one choice of criteria (``RankingAnalysisCache.parameters``, ≤ 100
    characters): their ids, or a hash of them for a very long choice."""
    ids = ",".join(str(c.pk) for c in chosen)
    text = f"{CROSS_PREFIX}criteria={ids}"
    return (
        text if len(text) <= 100 else f"{CROSS_PREFIX}criteria-sha256=" + hashlib.sha256(ids.encode()).hexdigest()[:64]
    )


def cross_key(fingerprint: str, chosen: list[Criterion]) -> str:
    """The stored numbers' key: the round's fingerprint (its reviews, scores, eligibility and
    whole rubric) and the chosen criteria with their weights and ranges."""
    choice = ";".join(f"{c.pk}:{c.weight}:{c.min_value}:{c.max_value}" for c in chosen)
    return hashlib.sha256(f"{CROSS_VERSION}|{ENGINE_VERSION}|{fingerprint}|{choice}".encode()).hexdigest()


def _none_for_nan(values: list[float]) -> list[float | None]:
    return [None if v != v else v for v in values]


def _cross_payload(round: Round, chosen: list[Criterion]) -> dict:
    """The round's per-project numbers on ``chosen`` as JSON data (lists over the round's projects
    with a review or an assignment, ``projects`` their ids): what ``cross_ranking`` stores."""
    inputs = round_inputs(round)
    position = {int(pk): i for i, pk in enumerate(inputs.criterion_ids)}
    columns = [position[c.pk] for c in chosen if c.pk in position]
    scores = cross_scores(
        inputs.values,
        inputs.weights,
        columns,
        inputs.project,
        inputs.juror,
        n_projects=inputs.n_projects,
        n_jurors=inputs.n_jurors,
    )
    sums = np.zeros((inputs.n_projects, len(columns)))
    if len(inputs.project) and columns:
        np.add.at(sums, inputs.project, inputs.values[:, columns])
    low = np.array([float(c.min_value) for c in chosen])
    span = np.array([float(c.max_value - c.min_value) for c in chosen])
    with np.errstate(invalid="ignore", divide="ignore"):
        means = low + span * sums / scores.reviews[:, None]
    totals: list[list[float]] = [[] for _ in range(inputs.n_projects)]
    for p, t in zip(inputs.project.tolist(), scores.total.tolist(), strict=True):
        totals[p].append(t)
    return {
        "method": scores.method,
        "n_components": scores.n_components,
        "projects": inputs.project_ids.tolist(),
        "reviews_done": scores.reviews.tolist(),
        "reviews_assigned": inputs.project_assigned.tolist(),
        "score": _none_for_nan(scores.score.tolist()),
        "mean": _none_for_nan(scores.mean.tolist()),
        "totals": totals,
        "criterion_means": [_none_for_nan(row) for row in means.tolist()],
    }


def cross_ranking(*, round: Round, criteria: list[Criterion]) -> CrossRanking:
    """Every eligible project of the round's edition ranked on ``criteria`` (module docstring), in
    a fixed number of queries: the round's fingerprint, the stored numbers, the rubric and the
    edition's eligible projects (plus the round's inputs and the store when the numbers are not
    stored for this state of the round and this choice)."""
    edition = round.edition
    wanted = {c.pk for c in criteria}
    chosen = [
        c for c in Criterion.objects.filter(edition_id=round.edition_id).order_by("position", "id") if c.pk in wanted
    ]
    key = cross_key(round_fingerprint(round), chosen)
    data = PAYLOAD_MEMORY.get(key)
    if data is None:
        data = PAYLOAD_MEMORY.put(
            key,
            cached_payload(
                round,
                _cross_parameters(chosen),
                key,
                lambda: _cross_payload(round, chosen),
                keep=(CROSS_PREFIX, CROSS_KEPT),
            ),
        )
    method = data["method"]
    index = {pk: i for i, pk in enumerate(data["projects"])}

    # The edition's few categories read once and shared, and each project as the plain values the
    # page shows: a model instance per project (and a Category per project by select_related)
    # was half of a page view's CPU at 2,000 projects once the numbers were stored.
    categories = {c.pk: c for c in Category.objects.filter(edition_id=round.edition_id)}
    projects = raw_rows(
        Project.objects.filter(edition_id=round.edition_id, status=ProjectStatus.ELIGIBLE)
        .order_by("reference", "id")
        .values_list("id", "reference", "title", "category_id")
    )
    rows: list[RankRow] = []
    for pk, reference, title, category_id in projects:
        project = CrossProject(pk, reference, title, categories.get(category_id))
        i = index.get(project.pk)
        row = RankRow(project=project)
        done = data["reviews_done"][i] if i is not None else 0
        row.reviews_done = done
        row.reviews_assigned = data["reviews_assigned"][i] if i is not None else 0
        if done:
            mine = data["totals"][i]
            score = data["score"][i]
            row.scores = {method: score, MEAN: data["mean"][i], MEDIAN: median_of(mine)}
            row.official_score = score
            row.criterion_means = dict(zip([c.pk for c in chosen], data["criterion_means"][i], strict=True))
            row.juror_totals = list(mine)
        else:
            row.scores = {method: None, MEAN: None, MEDIAN: None}
        if not done or row.reviews_done < row.reviews_assigned or row.official_score is None:
            row.flags.append("missing_reviews")
        rows.append(row)
    ranked = [row for row in rows if "missing_reviews" not in row.flags]
    rank_official(ranked, method, edition.tie_break_rule, top_criterion(chosen))
    ranked.sort(key=lambda r: (r.rank, r.project.reference, r.project.pk))
    unranked = [row for row in rows if "missing_reviews" in row.flags]
    unranked.sort(key=lambda r: (r.official_score is None, -(r.official_score or 0), r.project.reference))
    return CrossRanking(
        round=round,
        criteria=chosen,
        method=method,
        reason=method_reason(method, data["n_components"]),
        rows=ranked + unranked,
        n_components=data["n_components"],
    )
