"""The round's analysis by the calibrated model (issue 15), as plain data for the presenter.

``round_analysis(round)`` loads the round's inputs once (``loader.py``: every category of the
round, so a juror's leniency is learned from all their reviews) and runs the pure core of
``scoring/calibration``:

- ``model.fit``: calibrated scores, leniencies, scales, residuals;
- ``graph.components`` (inside the fit): the plan's connected components;
- ``posterior.draw``: per category P(finalist) (P(winner) in a final round), expected rank, 80 %
  rank interval, decision band, expected wrong finalists of the top N by calibrated score;
- ``inference.diagnose``: leniency, scale and own-country favouritism per juror (favouritism is
  tested only for jurors who reviewed projects of their own country and others too);
- ``agreement``: Krippendorff's alpha per category on leniency-adjusted totals with its verdict
  (the final-round rule), outlier reviews, disagreement that can change the decision;
- ``descriptive.rater_descriptives``: straight-lining, halo, time per review;
- ``sensitivity.weight_sensitivity``: with the calibrated model's own linear smoother (variance
  components and scales held at the fit's values; see ``_calibrated_smoother``), so the scores
  under moved weights are exactly what a refit with fixed variance components would give.

The result is a ``RoundAnalysis`` whose dicts are keyed by project id, juror id and category id
(ints), with JSON-safe values (NaN becomes None), so it round-trips through the cache's JSON
column (``to_payload`` / ``from_payload``). ``round_analysis_cached`` in ``cache.py`` is what a
page calls; this module always computes.

numpy runs under one BLAS thread here: on this 2-core machine OpenBLAS threads made the core
5–30× slower (threads fight over the cores with the web workers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np
from threadpoolctl import threadpool_limits

from award.models import Round
from scoring.calibration import agreement, descriptive, inference, sensitivity
from scoring.calibration.model import Fit, build_system, fit, solve
from scoring.calibration.posterior import DECISION_BAND, DEFAULT_DRAWS, draw
from scoring.ranking.loader import RoundInputs, round_inputs

# Bump when anything below changes the numbers: cached analyses of another version are recomputed.
ENGINE_VERSION = "calibrated-1"
DEFAULT_SEED = 0


def _num(value) -> float | None:
    """A JSON-safe float: None for NaN/inf/None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass
class RoundAnalysis:
    """Plain data; see ``round_analysis`` for the meaning of each entry.

    - ``projects[project_id]``: category, reviews, assigned, score (calibrated), score_se, mean
      (plain mean of its totals), p_top, expected_rank, rank_low, rank_high, component, in_band,
      disagreement (bool: in the band and its reviews disagree), selected (bool: among the top N
      by calibrated score).
    - ``jurors[juror_id]``: reviews, component, leniency, leniency_se, scale, scaled, and per test
      ``leniency_test`` / ``scale_test`` / ``favouritism`` (None when not tested, else estimate,
      low, high, adjusted_low, adjusted_high, p_value, flagged), and per descriptive figure
      ``straight_lining`` / ``halo`` / ``seconds_per_review`` ({value, flagged}).
    - ``categories[category_id]``: top_n, projects (ids by calibrated score), selected, band
      (ids by P descending), expected_wrong, alpha, agreement (verdict code of
      ``calibration.agreement``), components (component numbers present), sensitivity
      ({finalists_robust, winner_robust, alone: [flip], worst: [flip]}, flip = {decision,
      moves: {criterion_id: ±1}, enters, leaves, margin}).
    - ``components``: [{projects, jurors, reviews}] largest first; ``connected``.
    - ``outliers``: [{assignment_id, project_id, juror_id, residual, z}].
    - ``model``: sigma2_b, sigma2_e, sigma2_a, centre, converged, iterations, identifiable.
    """

    round_id: int
    final_round: bool
    seed: int
    n_draws: int
    engine_version: str
    projects: dict[int, dict] = field(default_factory=dict)
    jurors: dict[int, dict] = field(default_factory=dict)
    categories: dict[int, dict] = field(default_factory=dict)
    components: list[dict] = field(default_factory=list)
    connected: bool = True
    outliers: list[dict] = field(default_factory=list)
    model: dict = field(default_factory=dict)

    def to_payload(self) -> dict:
        """The JSON column's content. Shallow: the entries are plain JSON data already (a deep
        copy by ``dataclasses.asdict`` took 0.6 s at 2,000 projects)."""
        payload = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("projects", "jurors", "categories"):
            payload[name] = {str(k): v for k, v in payload[name].items()}
        return payload

    @classmethod
    def from_payload(cls, payload: dict) -> RoundAnalysis:
        data = dict(payload)
        for name in ("projects", "jurors", "categories"):
            data[name] = {int(k): v for k, v in data[name].items()}
        return cls(**data)


def _calibrated_smoother(result: Fit, inputs: RoundInputs):
    """The calibrated model as a linear map from review columns to project scores, with the
    fit's variance components (λ = σ_e²/σ_b²) and scales held fixed: for each column y, the
    centre c = mean(y), ỹ = y − c(1 − s_j), then the same absorbed equations as the fit. At the
    base weights it reproduces the fit's scores (the weighted sum of the columns is the totals)."""
    x = result.scale[inputs.juror]
    lam = result.sigma2_e / result.sigma2_b
    active = ~np.isnan(result.score)

    def scores_for(columns: np.ndarray) -> np.ndarray:
        out = np.full((inputs.n_projects, columns.shape[1]), np.nan)
        for k in range(columns.shape[1]):
            y = columns[:, k]
            centre = float(y.mean()) if len(y) else 0.0
            system = build_system(
                inputs.project, inputs.juror, x, y - centre * (1.0 - x),
                n_projects=inputs.n_projects, n_jurors=inputs.n_jurors,
            )  # fmt: skip
            _b, a = solve(system, lam)
            out[:, k] = np.where(active, a, np.nan)
        return out

    return scores_for


def _test_entry(test: inference.JurorTest, j: int) -> dict | None:
    if not test.tested[j]:
        return None
    return {
        "estimate": _num(test.estimate[j]), "low": _num(test.low[j]), "high": _num(test.high[j]),
        "adjusted_low": _num(test.adjusted_low[j]), "adjusted_high": _num(test.adjusted_high[j]),
        "p_value": _num(test.p_value[j]), "flagged": bool(test.flagged[j]),
    }  # fmt: skip


def _figure_entry(figure: descriptive.PanelFigure, j: int) -> dict:
    return {
        "value": _num(figure.values[j]), "flagged": bool(figure.flagged[j]),
        "panel_median": _num(figure.panel_median), "fence": _num(figure.fence),
    }  # fmt: skip


def analyse(inputs: RoundInputs, *, seed: int = DEFAULT_SEED, n_draws: int = DEFAULT_DRAWS) -> RoundAnalysis:
    """The analysis of loaded inputs (no database access)."""
    analysis = RoundAnalysis(
        round_id=inputs.round_id, final_round=inputs.final_round, seed=seed, n_draws=n_draws,
        engine_version=ENGINE_VERSION,
    )  # fmt: skip
    P, J = inputs.n_projects, inputs.n_jurors
    n = len(inputs.total)
    # Every category of the edition gets an entry (one without reviews in this round too).
    category_ids = sorted({int(c) for c in inputs.project_category} | set(inputs.finalists))
    group_of = {c: g for g, c in enumerate(category_ids)}
    groups = np.array([group_of[int(c)] for c in inputs.project_category], dtype=np.int64)
    reviews_per_project = np.bincount(inputs.project, minlength=P)
    mean = np.full(P, np.nan)
    reviewed = reviews_per_project > 0
    mean[reviewed] = (
        np.bincount(inputs.project, weights=inputs.total, minlength=P)[reviewed] / reviews_per_project[reviewed]
    )
    if n == 0:
        for i, pk in enumerate(inputs.project_ids):
            analysis.projects[int(pk)] = {
                "category": int(inputs.project_category[i]), "reviews": 0,
                "assigned": int(inputs.project_assigned[i]), "score": None, "score_se": None, "mean": None,
                "p_top": None, "expected_rank": None, "rank_low": None, "rank_high": None, "component": -1,
                "in_band": False, "disagreement": False, "selected": False,
            }  # fmt: skip
        for c in category_ids:
            analysis.categories[c] = {
                "top_n": inputs.top_n(c), "projects": [], "selected": [], "band": [], "expected_wrong": 0.0,
                "alpha": None, "agreement": agreement.agreement_verdict(None, final_round=inputs.final_round),
                "components": [], "sensitivity": None,
            }  # fmt: skip
        return analysis

    result = fit(inputs.total, inputs.project, inputs.juror, n_projects=P, n_jurors=J)
    top_n = {group_of[c]: inputs.top_n(c) for c in category_ids}
    posterior = draw(result, n_draws=n_draws, seed=seed, groups=groups, top_n=top_n)
    tests = inference.diagnose(result, project_country=inputs.project_country, juror_country=inputs.juror_country)

    # Agreement on leniency- (and scale-) adjusted totals: c + (y − c − b_j) / s_j.
    c = result.centre
    s = result.scale[inputs.juror]
    adjusted = c + (inputs.total - c - result.leniency[inputs.juror]) / s
    sigma_e = math.sqrt(result.sigma2_e)
    x = s
    leverage = x * x / result.system.D[inputs.project]
    outlier = agreement.outlier_reviews(result.residuals, sigma_e, leverage=leverage)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = agreement.standardised_residuals(result.residuals, sigma_e, leverage=leverage)
    ss, count = agreement.project_residual_spread(result.residuals, inputs.project, P)
    pooled = agreement.pooled_residual_scale(ss, count)
    p_top = posterior.p_top
    in_band = np.nan_to_num(p_top, nan=0.0)
    in_band = (in_band > DECISION_BAND[0]) & (in_band < DECISION_BAND[1])
    disagreement = agreement.decision_disagreement(in_band, ss, count, pooled)
    raters = descriptive.rater_descriptives(
        inputs.juror, inputs.values, inputs.duration, n_jurors=J, project=inputs.project
    )
    weights_ok = len(inputs.weights) > 0 and inputs.weights.sum() > 0
    sens = (
        sensitivity.weight_sensitivity(
            inputs.values, inputs.weights, _calibrated_smoother(result, inputs), groups, top_n
        )
        if weights_ok
        else {}
    )

    selected = np.zeros(P, dtype=bool)
    for summary in posterior.summaries.values():
        selected[summary.selected] = True
    for i, pk in enumerate(inputs.project_ids):
        analysis.projects[int(pk)] = {
            "category": int(inputs.project_category[i]),
            "reviews": int(reviews_per_project[i]),
            "assigned": int(inputs.project_assigned[i]),
            "score": _num(result.score[i]),
            "score_se": _num(result.score_se[i]),
            "mean": _num(mean[i]),
            "p_top": _num(p_top[i]),
            "expected_rank": _num(posterior.expected_rank[i]),
            "rank_low": _num(posterior.rank_low[i]),
            "rank_high": _num(posterior.rank_high[i]),
            "component": int(result.components.project[i]),
            "in_band": bool(in_band[i]),
            "disagreement": bool(disagreement[i]),
            "selected": bool(selected[i]),
        }
    for j, pk in enumerate(inputs.juror_ids):
        analysis.jurors[int(pk)] = {
            "reviews": int(result.juror_reviews[j]),
            "component": int(result.components.juror[j]),
            "leniency": _num(result.leniency[j]),
            "leniency_se": _num(result.leniency_se[j]),
            "scale": _num(result.scale[j]),
            "scaled": bool(result.scaled[j]),
            "leniency_test": _test_entry(tests.leniency, j),
            "scale_test": _test_entry(tests.scale, j),
            "favouritism": _test_entry(tests.favouritism, j),
            "straight_lining": _figure_entry(raters.straight_lining, j),
            "halo": _figure_entry(raters.halo, j),
            "seconds_per_review": _figure_entry(raters.seconds_per_review, j),
        }
    ids = inputs.project_ids
    for cat in category_ids:
        g = group_of[cat]
        summary = posterior.summaries.get(g)
        members = np.flatnonzero((groups == g) & reviewed)
        in_cat = np.isin(inputs.project, members)
        alpha = agreement.krippendorff_alpha_interval(adjusted[in_cat], inputs.project[in_cat])
        order = members[np.lexsort((members, -result.score[members]))]
        group_sens = sens.get(g)
        analysis.categories[cat] = {
            "top_n": inputs.top_n(cat),
            "projects": [int(ids[i]) for i in order],
            "selected": [int(ids[i]) for i in summary.selected] if summary else [],
            "band": [int(ids[i]) for i in summary.band] if summary else [],
            "expected_wrong": float(summary.expected_wrong) if summary else 0.0,
            "alpha": _num(alpha),
            "agreement": agreement.agreement_verdict(alpha, final_round=inputs.final_round),
            "components": sorted({int(result.components.project[i]) for i in members}),
            "sensitivity": _sensitivity_entry(group_sens, inputs) if group_sens else None,
        }
    graph = result.components
    analysis.components = [
        {"projects": int(graph.project_sizes[k]), "jurors": int(graph.juror_sizes[k]),
         "reviews": int(graph.review_sizes[k])}
        for k in range(graph.count)
    ]  # fmt: skip
    analysis.connected = bool(graph.connected)
    analysis.outliers = [
        {"assignment_id": int(inputs.assignment_ids[r]), "project_id": int(ids[inputs.project[r]]),
         "juror_id": int(inputs.juror_ids[inputs.juror[r]]), "residual": _num(result.residuals[r]), "z": _num(z[r])}
        for r in np.flatnonzero(outlier)
    ]  # fmt: skip
    analysis.model = {
        "sigma2_b": _num(result.sigma2_b), "sigma2_e": _num(result.sigma2_e), "sigma2_a": _num(result.sigma2_a),
        "centre": _num(result.centre), "converged": bool(result.converged), "iterations": int(result.iterations),
        "identifiable": bool(result.identifiable),
    }  # fmt: skip
    return analysis


def _sensitivity_entry(result: sensitivity.GroupSensitivity, inputs: RoundInputs) -> dict:
    ids = inputs.project_ids

    def flip(f: sensitivity.Flip) -> dict:
        return {
            "decision": f.decision,
            "moves": {int(inputs.criterion_ids[k]): int(m) for k, m in enumerate(f.moves) if m},
            "enters": int(ids[f.enters]), "leaves": int(ids[f.leaves]), "margin": _num(f.margin),
        }  # fmt: skip

    return {
        "finalists_robust": bool(result.finalists_robust),
        "winner_robust": bool(result.winner_robust),
        "alone": [flip(f) for f in result.alone],
        "worst": [flip(f) for f in result.worst],
    }


def round_analysis(
    round: Round, *, seed: int = DEFAULT_SEED, n_draws: int = DEFAULT_DRAWS, inputs: RoundInputs | None = None
) -> RoundAnalysis:
    """Analyse the round under one BLAS thread; its inputs are loaded (a fixed number of queries)
    unless the caller has loaded them already."""
    inputs = round_inputs(round) if inputs is None else inputs
    with threadpool_limits(limits=1):
        return analyse(inputs, seed=seed, n_draws=n_draws)
