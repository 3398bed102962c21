"""Uncertainty from the model: draws from its posterior, P(finalist), expected rank, intervals.

For the probabilities the project effects are treated as drawn from the field,
a_p = μ_c + a°_p with a°_p ~ N(0, σ_a²) and a field mean μ_c per connected component c (flat
prior; σ_a² of the component when it has at least 30 projects, else pooled, see model.py): an
unshrunk extreme score looks surer than it is, and a project with one review should not look
as sure as one with ten. Between components the data cannot tell the jurors' average leniency
from the projects' average quality, so, as for the calibrated score, each component's jurors
are taken to be average on average. The joint posterior given the variance components is
normal and is drawn in two stages, as the model's sparse structure allows:

1. (μ, b) — the C field means and the J juror leniencies — from their marginal posterior, a
   (C+J)-dimensional normal whose precision matrix is the absorbed mixed-model matrix
   (projects integrated out per project, never a matrix over all projects);
2. every project given (μ, b): a°_p ~ N((Σ x_r(ỹ_r − b_j) − D_p μ_c) / (D_p + κ), σ_e² / (D_p + κ)),
   κ = σ_e²/σ_a², D_p = Σ x_r² (the number of its reviews when no juror has a scale term).

The scales s_j are held at their estimates (their uncertainty is small next to the leniencies'
and the projects').

Correction for the plug-in variance components. The posterior uses σ_e², σ_b², σ_a² estimated
from the same round as if they were known. All three are multiplied by ``INFLATION`` (see its
comment for the simulation that sets it); this widens every interval by √INFLATION and keeps the
shrinkage ratios unchanged.

Per group (category) with its N (finalists; 1 in a final round, giving P(winner)), from
``n_draws`` draws with numpy's seeded Generator (the same seed and inputs give the same
numbers): each project's probability of being among the group's N best, its expected rank, the
80 % rank interval (the 10th and the 90th percentile of its rank over the draws), the decision
band (0.1 < P < 0.9) and, for a selection, the expected number of wrong finalists Σ(1 − P).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import cho_factor, cho_solve, solve_triangular
from scipy.sparse import csr_matrix, hstack

from scoring.calibration.model import Fit

DECISION_BAND = (0.1, 0.9)
RANK_INTERVAL = (0.1, 0.9)  # the 80 % rank interval
DEFAULT_DRAWS = 1000
# Multiplies the three variance components in the draws. 1.0, because bench/fairness.py shows
# no overconfidence to correct: pooled over its 150 rounds per juror count (400 projects, top
# 40), the largest gap between the mean P and the share truly in the top 40, over the
# probability bins holding ≥ 200 projects, is 0.026 with 3 jurors per project and 0.033 with 5
# (e.g. 3 jurors: P 0.849 → 0.857 true, P 0.958 → 0.963). The per-project bootstrap this
# replaces was overconfident because it resampled 3 totals; the model pools the noise over the
# round. Per plan over 150 further rounds with 5 jurors: random 0.023; banded 0.048, and on the
# safe side (P 0.851 → 0.899 true, P 0.143 → 0.118: a little underconfident, not over).
# If a future simulation shows overconfidence, raise this factor there and here.
INFLATION = 1.0


@dataclass
class GroupSummary:
    group: int
    top_n: int
    projects: np.ndarray  # indices of the group's projects with reviews
    selected: np.ndarray  # the N best calibrated scores (ties by index)
    band: np.ndarray  # projects with DECISION_BAND[0] < P < DECISION_BAND[1], by P descending
    expected_wrong: float  # Σ(1 − P) over `selected`


@dataclass
class Posterior:
    p_top: np.ndarray  # (P,) P(among the N best of its group); NaN without reviews
    expected_rank: np.ndarray  # (P,)
    rank_low: np.ndarray  # (P,) 10th percentile of the rank
    rank_high: np.ndarray  # (P,) 90th percentile of the rank
    groups: np.ndarray  # (P,)
    top_n: dict[int, int]
    n_draws: int
    seed: int
    inflation: float
    summaries: dict[int, GroupSummary] = field(default_factory=dict)
    draws: np.ndarray | None = field(default=None, repr=False)  # (n_draws, P) when kept

    def expected_wrong(self, selected) -> float:
        """Expected number of wrong finalists among `selected` (project indices): Σ(1 − P)."""
        selected = np.asarray(selected, dtype=np.int64)
        return float(np.sum(1.0 - self.p_top[selected])) if len(selected) else 0.0

    def decision_band(self, group: int) -> np.ndarray:
        return self.summaries[group].band


def draw_effects(fit: Fit, *, n_draws: int, rng: np.random.Generator, inflation: float = INFLATION) -> np.ndarray:
    """(n_draws, P) draws of the true project effects (NaN columns for projects without reviews)."""
    out = np.full((n_draws, len(fit.system.D)), np.nan)
    active, effects = _draw_active(fit, n_draws=n_draws, rng=rng, inflation=inflation)
    out[:, active] = effects.T
    return out


def _draw_active(
    fit: Fit, *, n_draws: int, rng: np.random.Generator, inflation: float
) -> tuple[np.ndarray, np.ndarray]:
    """(indices of the projects with reviews, their draws as a (P_active, n_draws) array)."""
    system = fit.system
    active = np.flatnonzero(system.D > 0)
    if len(active) == 0:
        return active, np.zeros((0, n_draws))
    sigma2_e = fit.sigma2_e * inflation
    lam = fit.sigma2_e / fit.sigma2_b
    D, Xy = system.D[active], system.Xy[active]
    W = system.W[active]
    # One field mean per connected component (see the module docstring).
    comp = fit.components.project[active]
    C = int(comp.max()) + 1
    kappa = fit.sigma2_e / fit.sigma2_a_component[comp]
    inv = 1.0 / (D + kappa)
    Cm = csr_matrix((np.ones(len(active)), (np.arange(len(active)), comp)), shape=(len(active), C))
    H = hstack([Cm.multiply(D[:, None]), W]).tocsr()  # X'G for G = [component means, jurors]
    J = W.shape[1]
    GG = np.zeros((C + J, C + J))
    GG[:C, :C] = np.diag(Cm.T @ D)
    GG[:C, C:] = (Cm.T @ W).toarray()
    GG[C:, :C] = GG[:C, C:].T
    GG[C:, C:] = np.diag(system.m + lam)
    scaled = H.multiply(np.sqrt(inv)[:, None]).tocsr()
    A = GG - (scaled.T @ scaled).toarray()
    rhs = np.concatenate([Cm.T @ Xy, system.Zy]) - H.T @ (Xy * inv)
    factor = cho_factor(A, lower=True)
    mean = cho_solve(factor, rhs)
    L = np.tril(factor[0])
    z = rng.standard_normal((C + J, n_draws))
    theta = mean[:, None] + np.sqrt(sigma2_e) * solve_triangular(L.T, z, lower=False)
    mu, b = theta[:C], theta[C:]
    # Projects given (μ, b), all draws at once and in place, as (P_active, n_draws).
    effects = np.asarray(W @ b)
    effects *= -1.0
    effects += Xy[:, None]
    if C == 1:
        effects += kappa[:, None] * mu[0][None, :]
    else:
        effects += kappa[:, None] * mu[comp]
    effects *= inv[:, None]
    noise = rng.standard_normal((len(active), n_draws))
    noise *= np.sqrt(sigma2_e * inv)[:, None]
    effects += noise
    return active, effects


def draw(
    fit: Fit,
    *,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    groups=None,
    top_n: int | dict[int, int] = 1,
    inflation: float = INFLATION,
    keep_draws: bool = False,
) -> Posterior:
    """Draws from the fit's posterior and the rank statistics per group (see the docstring).

    `groups`: the group (category) of each project, an int array of length P (all in one group
    by default). `top_n`: N for every group, or {group: N}."""
    P = len(fit.score)
    groups = np.zeros(P, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    rng = np.random.default_rng(seed)
    drawn, effects = _draw_active(fit, n_draws=n_draws, rng=rng, inflation=inflation)
    position = np.full(P, -1)
    position[drawn] = np.arange(len(drawn))
    p_top = np.full(P, np.nan)
    expected_rank = np.full(P, np.nan)
    rank_low = np.full(P, np.nan)
    rank_high = np.full(P, np.nan)
    active = ~np.isnan(fit.score)
    lo_k = int(np.floor(RANK_INTERVAL[0] * (n_draws - 1)))
    hi_k = int(np.ceil(RANK_INTERVAL[1] * (n_draws - 1)))
    tops: dict[int, int] = {}
    summaries: dict[int, GroupSummary] = {}
    for group in np.unique(groups[active]):
        members = np.flatnonzero(active & (groups == group))
        n = int(top_n.get(int(group), 1) if isinstance(top_n, dict) else top_n)
        n = max(0, min(n, len(members)))
        tops[int(group)] = n
        # Sorted per draw as (draw, project) rows; ranks held as (project, draw) so each
        # project's ranks are contiguous.
        rows = effects if len(members) == len(drawn) else effects[position[members]]
        order = np.argsort(-rows.T, axis=1)
        ranks = np.empty((len(members), n_draws), dtype=np.int16 if len(members) < 2**15 else np.int32)
        ranks[order, np.arange(n_draws)[:, None]] = np.arange(1, len(members) + 1, dtype=ranks.dtype)[None, :]
        p_top[members] = (ranks <= n).mean(axis=1)
        expected_rank[members] = ranks.mean(axis=1)
        ranks.sort(axis=1)
        rank_low[members], rank_high[members] = ranks[:, lo_k], ranks[:, hi_k]
        by_score = members[np.lexsort((members, -fit.score[members]))]
        selected = by_score[:n]
        p = p_top[members]
        inside = (p > DECISION_BAND[0]) & (p < DECISION_BAND[1])
        band = members[inside][np.lexsort((members[inside], -p[inside]))]
        summaries[int(group)] = GroupSummary(
            group=int(group), top_n=n, projects=members, selected=selected, band=band,
            expected_wrong=float(np.sum(1.0 - p_top[selected])),
        )  # fmt: skip
    return Posterior(
        p_top=p_top, expected_rank=expected_rank, rank_low=rank_low, rank_high=rank_high, groups=groups,
        top_n=tops, n_draws=n_draws, seed=seed, inflation=inflation, summaries=summaries,
        draws=_as_draws(effects, drawn, P) if keep_draws else None,
    )  # fmt: skip


def _as_draws(effects: np.ndarray, drawn: np.ndarray, P: int) -> np.ndarray:
    out = np.full((effects.shape[1], P), np.nan)
    out[:, drawn] = effects.T
    return out
