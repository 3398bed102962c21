"""The calibrated score: each review's total as project effect + juror leniency (+ scale) + error.

Written for the organisers' statistician; every number below is a constant of this module.

The data
--------
One entry per completed review r of an eligible project in the round (all categories of the
round together, so a juror's leniency is learned from all their reviews): the review's total
``y_r`` on 0–100, its project ``p(r)`` and its juror ``j(r)``.

The model
---------
    y_r − c = s_j · (a_p − c) + b_j + e_r,     e_r ~ N(0, σ_e²),   b_j ~ N(0, σ_b²)

- ``a_p`` is the project's **calibrated score**: what a juror of average leniency (b = 0) and
  ordinary scale (s = 1) would give it. It is a *fixed* effect, not shrunk: a project's place
  never depends on how many reviews it got (a project with one review is not pulled towards
  the middle, nor one with ten reviews left alone).
- ``b_j`` is juror j's **leniency** in points, a *random* effect shrunk towards 0: a juror with
  one or two reviews can hardly be told apart from the panel, so their correction is small.
- ``s_j`` is juror j's **scale**: 1.2 means the juror spreads projects 20 % further from the
  centre than the typical juror. It is estimated only for jurors with at least
  ``SCALE_MIN_REVIEWS`` (8) reviews, shrunk towards 1 with a normal prior of standard
  deviation τ (estimated from those jurors, EM step, kept within ``TAU_BOUNDS`` = 0.02–0.5),
  and kept within ``SCALE_BOUNDS`` (0.25–4). Every other juror has s = 1. No juror gets a
  scale term when the round's projects barely differ: when the reliability of the calibrated
  scores without scale terms, σ_a² / (σ_a² + their mean squared standard error), is below
  ``SCALE_MIN_RELIABILITY`` (0.5), a stretch cannot be told from noise (on pure noise the
  scales run off to their bounds).
- ``c`` is the centre the scale stretches from: the mean of all the round's totals.
- ``e_r`` is everything else (the juror's reading of this project on this day).

Identification. Adding a constant d to every project of a connected component and removing
s_j·d from its jurors' leniencies fits the data equally well; the shrinkage of b towards 0
picks the d at which the jurors' leniencies balance (Σ s_j b_j = 0 over the component; with
no scale terms simply: the leniencies average to zero). So the calibrated score reads on the
0–100 scale of a typical juror of the component.

Estimation
----------
1. For fixed scales, the mixed-model equations are solved with the project effects absorbed
   (per-project sums): the juror effects solve a J×J system (J = jurors, small), then each
   project effect is the (scale-weighted) mean of its reviews minus its jurors' leniencies.
   No matrix over all projects is ever formed; the cost is linear in reviews plus J³.
2. The variance components σ_b² and σ_e² are estimated by REML (restricted maximum likelihood,
   which accounts for the project effects estimated from the same data). With the
   eigendecomposition of the absorbed J×J matrix the REML criterion of γ = σ_b²/σ_e² costs
   O(J) per evaluation; it is minimised over log γ in [``LOG_GAMMA_BOUNDS``] on a grid and
   refined by Brent's method. σ_e² is then the profiled value.
3. Scales: alternate (a) step 1–2 given the scales, (b) each scale juror's s_j as a ridge
   regression of (y_r − c − b_j) on (a_p − c) towards 1, (c) τ² ← mean((s_j − 1)² + var s_j).
   The alternation is accelerated by SQUAREM (Varadhan & Roland 2008; a common stretch of all
   scales against the spread of the projects is nearly free, so the plain alternation crawls).
   Stop when no calibrated score moves by more than ``TOLERANCE`` (1e-7 points) between cycles
   or after ``MAX_ITERATIONS`` (200) evaluations (then ``converged`` is False).
   ``iterations`` counts the evaluations of step (a).
4. Standard errors are the square roots of the prediction-error variances of the mixed-model
   equations (the inverse of the coefficient matrix times σ_e²), for the fixed scales.
5. σ_a², the spread of the true project effects in the field (used only by the posterior,
   which treats projects as drawn from the field): the variance of the calibrated scores
   around their component's mean minus their average squared standard error (method of
   moments), at least ``VARIANCE_FLOOR``; pooled over the components, and each component of at
   least ``FIELD_MIN_PROJECTS`` (30) projects also gets its own (a disconnected plan's panels
   may differ in spread as well as in level).

Performance
-----------
The matrices are J×J (J = jurors); everything over projects is a sparse product or a bincount.
Run with one BLAS thread (``OPENBLAS_NUM_THREADS=1`` in the environment before numpy is
imported): on a busy 2-core machine BLAS threads made a 60×60 eigendecomposition 10–70× slower.

Edge cases
----------
- A project without reviews gets NaN (no score), component -1.
- A juror with one or two reviews: their leniency is shrunk hard (it is estimated from a
  difference with the other jurors of the same projects, weighed against σ_b²).
- All totals equal: σ_e² and σ_b² fall to ``VARIANCE_FLOOR``, every score equals the total.
- Every project with a single review: there is no within-project information (``identifiable``
  False); the scores are the totals, σ_b² = 0 and σ_e² is the variance of the totals.
- A disconnected plan: the equations are solved for the whole round at once but separate
  exactly into the connected components (``graph.py``); variance components are shared
  (pooled over the round), leniencies and scores are comparable only within a component.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.sparse import csr_matrix

from scoring.calibration.graph import Components, components

SCALE_MIN_REVIEWS = 8
SCALE_MIN_RELIABILITY = 0.5
SCALE_BOUNDS = (0.25, 4.0)
TAU_START = 0.15
TAU_BOUNDS = (0.02, 0.5)
LOG_GAMMA_BOUNDS = (-18.0, 9.0)  # γ = σ_b²/σ_e² between 1.5e-8 and 8,100
TOLERANCE = 1e-7
MAX_ITERATIONS = 200
VARIANCE_FLOOR = 1e-8
FIELD_MIN_PROJECTS = 30


@dataclass
class System:
    """The absorbed mixed-model equations for fixed per-review coefficients x_r (the scales)."""

    project: np.ndarray
    juror: np.ndarray
    x: np.ndarray  # (n,) coefficient of the project effect in review r: s_j(r)
    ytil: np.ndarray  # (n,) y_r − c·(1 − x_r)
    D: np.ndarray  # (P,) Σ x_r² per project
    Xy: np.ndarray  # (P,) Σ x_r·ytil_r per project
    inv_d: np.ndarray  # (P,) 1/D, 0 for projects without reviews
    W: csr_matrix  # (P, J) Σ x_r over the reviews of (p, j)
    m: np.ndarray  # (J,) reviews per juror
    Zy: np.ndarray  # (J,) Σ ytil per juror
    K: np.ndarray  # (J, J) Z'Z − W' D⁻¹ W
    r: np.ndarray  # (J,) Z'ytil − W' D⁻¹ X'ytil
    within_ss: float  # ytil'ytil − Σ Xy²/D
    df: int  # reviews − projects with reviews
    eigval: np.ndarray = field(repr=False, default=None)
    eigvec: np.ndarray = field(repr=False, default=None)


def build_system(project, juror, x, ytil, *, n_projects: int, n_jurors: int) -> System:
    D = np.bincount(project, weights=x * x, minlength=n_projects)
    Xy = np.bincount(project, weights=x * ytil, minlength=n_projects)
    active = D > 0
    inv_d = np.zeros(n_projects)
    inv_d[active] = 1.0 / D[active]
    W = csr_matrix((x, (project, juror)), shape=(n_projects, n_jurors))
    m = np.bincount(juror, minlength=n_jurors).astype(float)
    Zy = np.bincount(juror, weights=ytil, minlength=n_jurors)
    scaled = W.multiply(np.sqrt(inv_d)[:, None]).tocsr()
    K = np.diag(m) - (scaled.T @ scaled).toarray()
    K = 0.5 * (K + K.T)
    r = Zy - W.T @ (Xy * inv_d)
    within = float(ytil @ ytil - (Xy * Xy) @ inv_d)
    eigval, eigvec = np.linalg.eigh(K)
    return System(
        project=project, juror=juror, x=x, ytil=ytil, D=D, Xy=Xy, inv_d=inv_d, W=W, m=m, Zy=Zy, K=K, r=r,
        within_ss=max(within, 0.0), df=int(len(project) - active.sum()),
        eigval=np.clip(eigval, 0.0, None), eigvec=eigvec,
    )  # fmt: skip


def _reml_objective(system: System, log_gamma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """−2 × restricted log-likelihood (up to a constant) profiled over σ_e², and the profiled
    residual sum of squares, for each log γ."""
    gamma = np.exp(np.atleast_1d(log_gamma))[:, None]
    t2 = (system.eigvec.T @ system.r) ** 2
    lam = system.eigval[None, :]
    q = system.within_ss - (t2[None, :] * gamma / (1.0 + gamma * lam)).sum(axis=1)
    scale = max(system.within_ss, 1.0)
    q = np.maximum(q, 0.0) + 1e-12 * scale
    return system.df * np.log(q / system.df) + np.log1p(gamma * lam).sum(axis=1), q


def reml(system: System) -> tuple[float, float]:
    """(σ_b², σ_e²) by REML; see the module docstring."""
    lo, hi = LOG_GAMMA_BOUNDS
    grid = np.linspace(lo, hi, 55)
    values, _q = _reml_objective(system, grid)
    best = int(np.argmin(values))
    left, right = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    result = minimize_scalar(
        lambda g: float(_reml_objective(system, g)[0][0]), bounds=(left, right), method="bounded",
        options={"xatol": 1e-6},
    )  # fmt: skip
    log_gamma = result.x if result.fun <= values[best] else grid[best]
    _value, q = _reml_objective(system, log_gamma)
    sigma2_e = max(float(q[0]) / system.df, VARIANCE_FLOOR)
    sigma2_b = max(float(np.exp(log_gamma)) * sigma2_e, VARIANCE_FLOOR)
    return sigma2_b, sigma2_e


def solve(system: System, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """Juror effects b and project effects a (x-weighted) of the equations with penalty λ."""
    U, ev = system.eigvec, system.eigval
    b = U @ ((U.T @ system.r) / (ev + lam))
    a = (system.Xy - system.W @ b) * system.inv_d
    return b, a


@dataclass
class _State:
    system: System
    sigma2_b: float
    sigma2_e: float
    b: np.ndarray
    a: np.ndarray


@dataclass
class Fit:
    # Per project (P,)
    score: np.ndarray  # calibrated score a_p on 0–100; NaN without reviews
    score_se: np.ndarray
    n_reviews: np.ndarray
    # Per juror (J,)
    leniency: np.ndarray  # b_j in points (shrunk)
    leniency_se: np.ndarray
    juror_reviews: np.ndarray
    scale: np.ndarray  # s_j; 1 for jurors without a scale term
    scale_se: np.ndarray  # NaN for jurors without a scale term
    scaled: np.ndarray  # (J,) bool: has a scale term
    # Per review (n,)
    fitted: np.ndarray
    residuals: np.ndarray
    # Round
    sigma2_b: float
    sigma2_e: float
    sigma2_a: float  # pooled over the round
    sigma2_a_component: np.ndarray  # (C,) per component (its own when it is large enough)
    tau2: float  # prior variance of the scales around 1 (NaN without scale jurors)
    centre: float
    iterations: int
    converged: bool
    identifiable: bool
    components: Components
    system: System = field(repr=False)

    @property
    def project_component(self) -> np.ndarray:
        return self.components.project

    @property
    def juror_component(self) -> np.ndarray:
        return self.components.juror

    @property
    def df(self) -> int:
        return self.system.df


def fit(
    y,
    project,
    juror,
    *,
    n_projects: int,
    n_jurors: int,
    scale_min_reviews: int = SCALE_MIN_REVIEWS,
    scales: bool = True,
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
) -> Fit:
    """Fit the model of the module docstring to reviews (y_r, project index, juror index)."""
    y = np.asarray(y, dtype=float)
    project = np.asarray(project, dtype=np.int64)
    juror = np.asarray(juror, dtype=np.int64)
    n = len(y)
    if not (len(project) == len(juror) == n):
        raise ValueError("y, project and juror must have the same length")
    if n and (project.min() < 0 or project.max() >= n_projects or juror.min() < 0 or juror.max() >= n_jurors):
        raise ValueError("project or juror index out of range")
    graph = components(project, juror, n_projects=n_projects, n_jurors=n_jurors)
    centre = float(y.mean()) if n else 0.0
    juror_reviews = np.bincount(juror, minlength=n_jurors)
    n_reviews = np.bincount(project, minlength=n_projects)
    scaled = (juror_reviews >= scale_min_reviews) if scales else np.zeros(n_jurors, dtype=bool)

    def evaluate(s: np.ndarray) -> _State:
        x = s[juror]
        system = build_system(project, juror, x, y - centre * (1.0 - x), n_projects=n_projects, n_jurors=n_jurors)
        if system.df > 0:
            sigma2_b, sigma2_e = reml(system)
        else:
            sigma2_b, sigma2_e = VARIANCE_FLOOR, max(float(y.var()) if n else 0.0, VARIANCE_FLOOR)
        b, a = solve(system, sigma2_e / sigma2_b)
        return _State(system=system, sigma2_b=sigma2_b, sigma2_e=sigma2_e, b=b, a=a)

    def update(state: _State, tau2: float) -> tuple[np.ndarray, np.ndarray, float]:
        """The scale step: each scale juror's ridge regression towards 1, then τ²."""
        u = state.a[project] - centre
        rest = y - centre - state.b[juror]
        suu = np.bincount(juror, weights=u * u, minlength=n_jurors)
        sur = np.bincount(juror, weights=u * rest, minlength=n_jurors)
        prior = state.sigma2_e / tau2
        s_new = np.where(scaled, np.clip((sur + prior) / (suu + prior), *SCALE_BOUNDS), 1.0)
        s_var = state.sigma2_e / (suu + prior)
        tau2 = float(np.mean((s_new[scaled] - 1.0) ** 2 + s_var[scaled]))
        return s_new, s_var, float(np.clip(tau2, TAU_BOUNDS[0] ** 2, TAU_BOUNDS[1] ** 2))

    s = np.ones(n_jurors)
    s_var = np.full(n_jurors, np.nan)
    tau2 = TAU_START**2 if scaled.any() else float("nan")
    state = evaluate(s)
    iterations, converged = 1, True
    if scaled.any() and state.system.df > 0 and _reliability(state, graph) < SCALE_MIN_RELIABILITY:
        # Projects barely differ: a juror's stretch cannot be told from noise (fitted anyway,
        # the scales run off towards their bounds on pure noise), so no scale terms.
        scaled = np.zeros(n_jurors, dtype=bool)
        tau2 = float("nan")
    if scaled.any() and state.system.df > 0:
        # The plain alternation converges linearly and slowly (a common stretch of all scales
        # against the spread of the projects is nearly free); SQUAREM (Varadhan & Roland 2008)
        # extrapolates along that direction. Each cycle ends with a plain step, so a fixed point
        # of the alternation is what is returned.
        def step(theta):
            nonlocal iterations, state, s_var
            s_now = np.ones(n_jurors)
            s_now[scaled] = theta[:-1]
            state = evaluate(s_now)
            iterations += 1
            s_new, s_var, tau2_new = update(state, float(np.exp(theta[-1])))
            return np.append(s_new[scaled], np.log(tau2_new))

        theta = np.append(s[scaled], np.log(tau2))
        theta_new = theta
        previous_a = state.a
        converged = False
        while iterations < max_iterations:
            theta1 = step(theta)
            theta2 = step(theta1)
            r = theta1 - theta
            v = theta2 - theta1 - r
            if np.linalg.norm(v) > 0:
                alpha = min(-1.0, -np.linalg.norm(r) / np.linalg.norm(v))
                theta_new = theta - 2 * alpha * r + alpha * alpha * v
                theta_new[:-1] = np.clip(theta_new[:-1], *SCALE_BOUNDS)
                theta_new[-1] = np.clip(theta_new[-1], 2 * np.log(TAU_BOUNDS[0]), 2 * np.log(TAU_BOUNDS[1]))
            else:
                theta_new = theta2
            theta = step(theta_new)
            moved = np.max(np.abs(state.a - previous_a))
            previous_a = state.a
            if moved < tolerance and np.max(np.abs(theta - theta_new)) < tolerance:
                converged = True
                break
        # `state` (and s_var) were evaluated at the scales of theta_new: return those.
        s = np.ones(n_jurors)
        s[scaled] = theta_new[:-1]
        tau2 = float(np.exp(theta_new[-1]))
    system, sigma2_b, sigma2_e, b, a = state.system, state.sigma2_b, state.sigma2_e, state.b, state.a
    lam = sigma2_e / sigma2_b
    identifiable = system.df > 0

    score, score_se, leniency_se = _standard_errors(system, a, sigma2_e, lam)
    fitted = centre * (1.0 - system.x) + system.x * a[project] + b[juror]

    sigma2_a, sigma2_a_component = _field_variance(score, score_se, graph)
    return Fit(
        score=score, score_se=score_se, n_reviews=n_reviews,
        leniency=b, leniency_se=leniency_se, juror_reviews=juror_reviews,
        scale=s, scale_se=np.where(scaled, np.sqrt(s_var), np.nan), scaled=scaled,
        fitted=fitted, residuals=y - fitted,
        sigma2_b=sigma2_b, sigma2_e=sigma2_e, sigma2_a=sigma2_a, sigma2_a_component=sigma2_a_component, tau2=tau2, centre=centre,
        iterations=iterations, converged=converged, identifiable=identifiable,
        components=graph, system=system,
    )  # fmt: skip


def _standard_errors(system: System, a: np.ndarray, sigma2_e: float, lam: float):
    """(score, its SE, leniency SE) from the prediction-error variances of the equations."""
    active = system.D > 0
    U, ev = system.eigvec, system.eigval
    inv = 1.0 / (ev + lam)
    leniency_se = np.sqrt(sigma2_e * ((U * U) @ inv))
    # PEV of a_p: σ_e² (1/D_p + w̃_p A⁻¹ w̃_p'), w̃_p = W_p / D_p.
    WU = np.asarray(system.W @ U) * system.inv_d[:, None]
    pev = sigma2_e * (system.inv_d + (WU * WU) @ inv)
    return np.where(active, a, np.nan), np.where(active, np.sqrt(pev), np.nan), leniency_se


def _reliability(state: _State, graph: Components) -> float:
    """σ_a² / (σ_a² + mean squared SE) of the calibrated scores without scale terms."""
    score, se, _ = _standard_errors(state.system, state.a, state.sigma2_e, state.sigma2_e / state.sigma2_b)
    sigma2_a, _per_component = _field_variance(score, se, graph)
    active = ~np.isnan(score)
    return sigma2_a / (sigma2_a + float(np.mean(se[active] ** 2))) if active.any() else 0.0


def _field_variance(score: np.ndarray, se: np.ndarray, graph: Components) -> tuple[float, np.ndarray]:
    """σ_a² by the method of moments: spread of the scores around their component's mean minus
    their mean squared standard error; pooled over the round, and per component for components
    of at least FIELD_MIN_PROJECTS projects (smaller ones use the pooled value)."""
    active = graph.project >= 0
    pooled_df = int(active.sum()) - graph.count
    if pooled_df < 1:
        return VARIANCE_FLOOR, np.full(graph.count, VARIANCE_FLOOR)
    labels = graph.project[active]
    values = score[active]
    counts = np.bincount(labels, minlength=graph.count)
    means = np.bincount(labels, weights=values, minlength=graph.count) / np.maximum(counts, 1)
    squares = np.bincount(labels, weights=(values - means[labels]) ** 2, minlength=graph.count)
    pev = np.bincount(labels, weights=se[active] ** 2, minlength=graph.count)
    pooled = max(float(squares.sum()) / pooled_df - float(pev.sum()) / active.sum(), VARIANCE_FLOOR)
    own = np.maximum(squares / np.maximum(counts - 1, 1) - pev / np.maximum(counts, 1), VARIANCE_FLOOR)
    return pooled, np.where(counts >= FIELD_MIN_PROJECTS, own, pooled)
