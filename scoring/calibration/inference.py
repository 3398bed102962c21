"""Rater diagnostics for the organisers: leniency, scale and own-country favouritism per juror.

Each is an estimate with a 95 % interval (``LEVEL``) and a two-sided p-value against its
neutral value, from the fitted model (``model.py``) with normal errors and the residual
degrees of freedom of the fit (Student's t). A juror is **flagged** only when the test rejects
after the Benjamini–Hochberg correction over the jurors tested for that diagnostic, at false
discovery rate ``FDR`` (0.05) for leniency and scale and ``FAVOURITISM_FDR`` (0.025) for
favouritism. When R of m jurors are flagged, the corrected intervals (``adjusted_low/high``,
level 1 − R·q/m, Benjamini & Yekutieli 2005) of exactly the flagged jurors exclude the neutral
value, so "flagged" and "the corrected interval excludes the neutral value" say the same thing.

- **Leniency** (neutral 0 points): the juror's effect estimated as a *fixed* effect (not
  shrunk, so the test is not tilted towards 0): the difference from the average juror of the
  same connected component, from the same projects. Only jurors in a component with at least
  two jurors are tested.
- **Scale** (neutral 1): the slope of the juror's totals on the calibrated scores of the
  projects they reviewed (least squares with an intercept); jurors with at least
  ``SCALE_MIN_REVIEWS`` reviews only.
- **Own-country favouritism** (neutral 0 points): the model is refitted with one more fixed
  term per juror, added to that juror's reviews of projects from the juror's own country. Its
  estimate is how many points more than the model expects the juror gives compatriots,
  compared with the same juror's other reviews (the juror's general leniency is separate).
  Only jurors with at least one own-country and one other review are tested; none when the
  edition excludes same-country pairs. Favouritism is an accusation, so its false discovery
  rate is half the others': in a round where no juror favours compatriots, the chance that any
  juror is flagged is then about 2.5 % (Benjamini–Hochberg controls it at q when nobody is).

Directions of the absorbed matrices with an eigenvalue below ``_NULL_EIGENVALUE`` (1e-9) times
the largest are ones the data cannot estimate (a component's common level); the estimates are
taken orthogonal to them (Moore–Penrose inverse).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.sparse import csr_matrix

from scoring.calibration.model import SCALE_MIN_REVIEWS, Fit

FDR = 0.05
FAVOURITISM_FDR = 0.025
LEVEL = 0.95
_NULL_EIGENVALUE = 1e-9  # relative: directions of the absorbed matrix the data cannot estimate


@dataclass
class JurorTest:
    neutral: float
    estimate: np.ndarray  # (J,) NaN where not tested
    se: np.ndarray
    low: np.ndarray  # LEVEL interval
    high: np.ndarray
    p_value: np.ndarray
    tested: np.ndarray  # (J,) bool
    flagged: np.ndarray  # (J,) bool: rejected by Benjamini–Hochberg at `fdr`
    adjusted_low: np.ndarray  # the corrected (false-coverage) interval
    adjusted_high: np.ndarray
    fdr: float
    df: int


@dataclass
class Diagnostics:
    leniency: JurorTest
    scale: JurorTest
    favouritism: JurorTest


def benjamini_hochberg(p_values, q: float) -> np.ndarray:
    """Reject mask of the Benjamini–Hochberg step-up procedure at level q (NaN never rejected)."""
    p = np.asarray(p_values, dtype=float)
    reject = np.zeros(len(p), dtype=bool)
    valid = np.flatnonzero(~np.isnan(p))
    m = len(valid)
    if m == 0:
        return reject
    order = valid[np.argsort(p[valid], kind="stable")]
    below = p[order] <= q * np.arange(1, m + 1) / m
    if below.any():
        k = int(np.flatnonzero(below).max()) + 1
        reject[order[:k]] = True
    return reject


def _test(estimate, se, tested, *, neutral: float, df: int, fdr: float, level: float = LEVEL) -> JurorTest:
    estimate = np.where(tested, estimate, np.nan)
    se = np.where(tested, se, np.nan)
    dof = max(int(df), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (estimate - neutral) / se
    p = np.where(tested, 2.0 * stats.t.sf(np.abs(t), dof), np.nan)
    p = np.where(tested & (se == 0), np.where(estimate == neutral, 1.0, 0.0), p)
    flagged = benjamini_hochberg(p, fdr)
    m = int(np.sum(~np.isnan(p)))
    half = stats.t.ppf(0.5 + level / 2, dof) * se
    adjusted_level = 1.0 - max(int(flagged.sum()), 1) * fdr / max(m, 1)
    adjusted_half = stats.t.ppf(0.5 + adjusted_level / 2, dof) * se
    return JurorTest(
        neutral=neutral, estimate=estimate, se=se, low=estimate - half, high=estimate + half, p_value=p,
        tested=tested & ~np.isnan(p), flagged=flagged, adjusted_low=estimate - adjusted_half,
        adjusted_high=estimate + adjusted_half, fdr=fdr, df=dof,
    )  # fmt: skip


def _pinv_sym(matrix: np.ndarray) -> tuple[np.ndarray, int]:
    """Moore–Penrose inverse of a symmetric positive semi-definite matrix, and its rank."""
    eigval, eigvec = np.linalg.eigh(matrix)
    keep = eigval > _NULL_EIGENVALUE * max(float(eigval.max(initial=0.0)), 1e-300)
    inv = (eigvec[:, keep] / eigval[keep]) @ eigvec[:, keep].T
    return inv, int(keep.sum())


def leniency_test(fit: Fit, *, fdr: float = FDR) -> JurorTest:
    system = fit.system
    inv, rank = _pinv_sym(system.K)
    estimate = inv @ system.r
    se = np.sqrt(np.clip(fit.sigma2_e * np.diag(inv), 0.0, None))
    comp = fit.components.juror
    sizes = np.append(fit.components.juror_sizes, 0)  # the last entry serves label -1
    tested = (comp >= 0) & (sizes[comp] >= 2) & (se > 0)
    return _test(estimate, se, tested, neutral=0.0, df=system.df - rank, fdr=fdr)


def scale_test(fit: Fit, *, fdr: float = FDR, scale_min_reviews: int = SCALE_MIN_REVIEWS) -> JurorTest:
    system = fit.system
    J = len(fit.leniency)
    u = fit.score[system.project]
    m = np.bincount(system.juror, minlength=J).astype(float)
    safe = np.maximum(m, 1.0)
    mean_u = np.bincount(system.juror, weights=u, minlength=J) / safe
    y = fit.fitted + fit.residuals
    mean_y = np.bincount(system.juror, weights=y, minlength=J) / safe
    du = u - mean_u[system.juror]
    sxx = np.bincount(system.juror, weights=du * du, minlength=J)
    sxy = np.bincount(system.juror, weights=du * (y - mean_y[system.juror]), minlength=J)
    tested = (m >= scale_min_reviews) & (sxx > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = sxy / sxx
        se = np.sqrt(fit.sigma2_e / sxx)
    return _test(slope, se, tested, neutral=1.0, df=system.df, fdr=fdr)


def favouritism_test(fit: Fit, project_country, juror_country, *, fdr: float = FAVOURITISM_FDR) -> JurorTest:
    """See the module docstring. Countries are any comparable codes; None or "" is unknown."""
    system = fit.system
    P, J = system.W.shape
    project_country = np.asarray(project_country, dtype=object)
    juror_country = np.asarray(juror_country, dtype=object)
    pc = project_country[system.project]
    jc = juror_country[system.juror]
    known = np.array([c not in (None, "") for c in pc]) & np.array([c not in (None, "") for c in jc])
    own = known & (pc == jc)
    own_count = np.bincount(system.juror[own], minlength=J)
    other_count = np.bincount(system.juror[~own], minlength=J)
    eligible = (own_count >= 1) & (other_count >= 1)
    nan = np.full(J, np.nan)
    if not eligible.any():
        return _test(nan, nan, np.zeros(J, dtype=bool), neutral=0.0, df=system.df, fdr=fdr)
    column = np.full(J, -1)
    column[eligible] = np.arange(eligible.sum())
    q = int(eligible.sum())
    rows = np.flatnonzero(own & eligible[system.juror])
    cols = column[system.juror[rows]]
    n = len(system.project)
    # G = [juror indicators, favouritism indicators]; the projects are absorbed as in the fit.
    G = csr_matrix(
        (np.ones(n + len(rows)), (np.concatenate([np.arange(n), rows]), np.concatenate([system.juror, J + cols]))),
        shape=(n, J + q),
    )
    XG = csr_matrix((np.concatenate([system.x, system.x[rows]]),
                     (np.concatenate([system.project, system.project[rows]]),
                      np.concatenate([system.juror, J + cols]))), shape=(P, J + q))  # fmt: skip
    scaled = XG.multiply(np.sqrt(system.inv_d)[:, None]).tocsr()
    A = (G.T @ G).toarray() - (scaled.T @ scaled).toarray()
    A[np.arange(J), np.arange(J)] += fit.sigma2_e / fit.sigma2_b
    rhs = G.T @ system.ytil - XG.T @ (system.Xy * system.inv_d)
    inv, rank = _pinv_sym(0.5 * (A + A.T))
    theta = inv @ rhs
    estimate = nan.copy()
    se = nan.copy()
    estimate[eligible] = theta[J:]
    se[eligible] = np.sqrt(np.clip(fit.sigma2_e * np.diag(inv)[J:], 0.0, None))
    tested = eligible & (se > 0)
    return _test(estimate, se, tested, neutral=0.0, df=system.df - q, fdr=fdr)


def diagnose(fit: Fit, *, project_country=None, juror_country=None) -> Diagnostics:
    J = len(fit.leniency)
    if project_country is None or juror_country is None:
        nan = np.full(J, np.nan)
        favouritism = _test(nan, nan, np.zeros(J, dtype=bool), neutral=0.0, df=fit.df, fdr=FAVOURITISM_FDR)
    else:
        favouritism = favouritism_test(fit, project_country, juror_country)
    return Diagnostics(leniency=leniency_test(fit), scale=scale_test(fit), favouritism=favouritism)
