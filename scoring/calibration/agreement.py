"""Agreement and disagreement of the jury, in numbers that speak to the decision.

Pure numpy/scipy, no Django import. The presenter translates the codes returned here.

Krippendorff's alpha (interval metric)
--------------------------------------
Input: one entry per review, its value and its unit (the project). For the ranking the value is
the review's total adjusted for its juror's leniency (and scale), y − b_j, or with a scale term
c + (y − c − b_j) / s_j in the notation of ``model.py``, so that a lenient juror does not count
as disagreement; alpha is computed per category. Missing values (NaN) are left out. Only *pairable* values count: those of units with
at least two values. With n pairable values, m_u values in unit u and the interval metric
δ²(c, k) = (c − k)²::

    D_o = 1/n · Σ_u 1/(m_u − 1) · Σ_{i≠j in u} (x_i − x_j)²
    D_e = 1/(n (n − 1)) · Σ_{i≠j, all pairable} (x_i − x_j)²
    α   = 1 − D_o / D_e

Both sums over ordered pairs follow from sums of x and x²: Σ_{i≠j} (x_i − x_j)² = 2 (m Σx² −
(Σx)²). So alpha needs per-unit sums and global sums only: linear in the number of reviews (plus
the sort that numbers the units), never a units × values matrix, which for continuous totals has
as many columns as reviews. The values are centred on their mean first, so the sums do not lose
digits to the large common level of the totals.

Verdict thresholds (``agreement_level``)
----------------------------------------
- α ≥ 0.800 ``very_good``: Krippendorff (Content Analysis, 2004, §11.4.4) asks for α ≥ .800
  before data are relied on;
- 0.667 ≤ α < 0.800 ``good``: his lowest limit for drawing tentative conclusions;
- 0.400 ≤ α < 0.667 ``fair``: below Krippendorff's limits, but the jurors still share a good
  part of their reading of the projects; 0.40 is the lower bound of "fair" in the scale that
  Cicchetti (1994) gives for reliability coefficients of ratings;
- α < 0.400 ``poor``: the jurors' differences about the same project are almost as large as the
  differences between projects;
- ``undefined``: fewer than two pairable values or no variation at all.

Alpha is the reliability of *one* juror's review; the mean of k jurors is more reliable
(Spearman–Brown: kα / (1 + (k − 1) α)). The verdict is about the single review on purpose: it
says whether the jurors read the projects alike.

The final round (``agreement_verdict(..., final_round=True)``): the shortlisted projects are
close by design, so the differences between projects are small next to the jurors' ordinary
differences and alpha is low even for a careful jury (a restricted range lowers every
reliability coefficient). There a level below ``good`` gives ``final_round_close``: low
agreement on the order of close finalists is expected; read the decision band (the projects
whose place the model cannot settle) instead of calling the jury poor.

Outlier reviews (``outlier_reviews``)
-------------------------------------
A review is an outlier when its standardised residual |r| / (σ · √(1 − h)) exceeds
``OUTLIER_THRESHOLD`` = 3.0, where r is the review's residual from the model (its total minus
project effect, leniency and scale), σ the model's error standard deviation and h the review's
leverage (the residuals of a project with k reviews shrink by about √(1 − 1/k) because the
project effect is fitted to them; a project with a single review has h = 1 and a residual of 0
and is never flagged). Why 3.0 and not 2.5: the flag asks a person to reread a review. With
well-behaved normal errors 2.5 flags 1 review in 80, so nearly every juror with a full load
would get one; 3.0 flags 1 in 370, and a review 3σ away (about 24 points at the usual σ of 8) is
worth a second look. Why the model's σ by default: it is estimated by REML from all reviews of
the round and is stable; when a few wild reviews inflate it (masking each other), pass the
robust scale ``robust_residual_scale`` (1.4826 × the median absolute standardised residual,
which is σ for normal errors and ignores up to half of the reviews being wild).

Disagreement that can change the decision (``decision_disagreement``)
---------------------------------------------------------------------
A project in the decision band (0.1 < P(finalist) < 0.9) whose reviews disagree. Its reviews
disagree when the sum of its squared residuals, SS_p, is larger than the model's error makes
all but ``DISAGREEMENT_TAIL`` = 5 % of projects with the same number of reviews: SS_p / σ² >
the 95 % quantile of χ² with k_p − 1 degrees of freedom (k_p = the project's reviews; a project
with fewer than two reviews cannot disagree). Under the model SS_p / σ² follows that χ², so the
share flagged by chance is 5 % whether a project has 3 reviews or 7; an absolute threshold on
the standard deviation of the totals instead flagged 3.4 % of projects with 3 jurors and 1.5 %
with 7 at the same juror reliability. Which σ: the jurors' leniencies are estimated from the
same reviews, which makes the residuals slightly smaller than the errors (the degrees of freedom
the leniencies take). With the model's REML σ_e the rule flags a little less than 5 % (measured
with the calibrated model, 400 projects, 60 jurors, leniency sd 6, error sd 8, 30 rounds: 4.1 %
with 3 jurors, 4.7 % with 5 and 7). ``pooled_residual_scale`` (√(Σ_p SS_p / Σ_p (k_p − 1)),
the residuals' own scale per degree of freedom left within projects) takes those degrees of
freedom into account and is the scale to pass (same simulation: 5.1 % with 3 jurors, 5.3 %
with 5 and 7).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2

# Verdict codes (the presenter translates them).
AGREEMENT_UNDEFINED = "undefined"
AGREEMENT_POOR = "poor"
AGREEMENT_FAIR = "fair"
AGREEMENT_GOOD = "good"
AGREEMENT_VERY_GOOD = "very_good"
AGREEMENT_FINAL_ROUND_CLOSE = "final_round_close"

# Lower bounds of the levels, best first (see the module docstring for the sources).
ALPHA_VERY_GOOD = 0.800
ALPHA_GOOD = 0.667
ALPHA_FAIR = 0.400

OUTLIER_THRESHOLD = 3.0
# 1 / Φ⁻¹(3/4): turns a median absolute deviation into a normal standard deviation.
MAD_TO_SD = 1.482602218505602
DISAGREEMENT_TAIL = 0.05


def krippendorff_alpha_interval(values, unit) -> float | None:
    """Krippendorff's alpha with the interval metric, from one value per review and its unit.

    ``values``: float array (NaN = missing, left out); ``unit``: integer labels of the same
    length (any integers). Returns None when alpha is undefined: fewer than two pairable values
    (values of units holding at least two) or no variation among them.
    """
    values = np.asarray(values, dtype=float)
    unit = np.asarray(unit)
    if values.shape != unit.shape:
        raise ValueError("values and unit must have the same length")
    keep = ~np.isnan(values)
    values, unit = values[keep], unit[keep]
    if values.size == 0:
        return None
    _, index = np.unique(unit, return_inverse=True)
    index = index.ravel()
    m = np.bincount(index)
    pairable = m[index] >= 2
    x, index = values[pairable], index[pairable]
    n = x.size
    if n < 2:
        return None
    x = x - x.mean()
    m = np.bincount(index)
    s1 = np.bincount(index, weights=x)
    s2 = np.bincount(index, weights=x * x)
    used = m >= 2
    m, s1, s2 = m[used], s1[used], s2[used]
    # Σ_u (m_u Σx² − (Σx)²) / (m_u − 1) is half of Σ_u Σ_{i≠j}(x_i − x_j)² / (m_u − 1).
    within = float(np.sum((m * s2 - s1 * s1) / (m - 1)))
    total_s1, total_s2 = float(s1.sum()), float(s2.sum())
    between = n * total_s2 - total_s1 * total_s1
    if between <= 0.0:
        return None
    # D_o / D_e = [2·within / n] / [2·between / (n (n − 1))].
    return 1.0 - (n - 1) * within / between


def agreement_level(alpha: float | None) -> str:
    """``very_good`` / ``good`` / ``fair`` / ``poor`` / ``undefined`` by the documented bounds."""
    if alpha is None or not np.isfinite(alpha):
        return AGREEMENT_UNDEFINED
    if alpha >= ALPHA_VERY_GOOD:
        return AGREEMENT_VERY_GOOD
    if alpha >= ALPHA_GOOD:
        return AGREEMENT_GOOD
    if alpha >= ALPHA_FAIR:
        return AGREEMENT_FAIR
    return AGREEMENT_POOR


def agreement_verdict(alpha: float | None, *, final_round: bool = False) -> str:
    """The verdict code for a category: its level, except that in a final round a level below
    ``good`` reads ``final_round_close`` (expected among close finalists: see the decision band)."""
    level = agreement_level(alpha)
    if final_round and level in (AGREEMENT_POOR, AGREEMENT_FAIR):
        return AGREEMENT_FINAL_ROUND_CLOSE
    return level


def standardised_residuals(residuals, scale_estimate: float, *, leverage=None) -> np.ndarray:
    """r / (σ √(1 − h)); NaN where h ≥ 1 (the review alone determines its project's effect)."""
    residuals = np.asarray(residuals, dtype=float)
    if not scale_estimate > 0:
        return np.full(residuals.shape, np.nan)
    if leverage is None:
        return residuals / scale_estimate
    room = 1.0 - np.asarray(leverage, dtype=float)
    out = np.full(residuals.shape, np.nan)
    ok = room > 1e-12
    out[ok] = residuals[ok] / (scale_estimate * np.sqrt(room[ok]))
    return out


def outlier_reviews(
    residuals, scale_estimate: float, threshold: float = OUTLIER_THRESHOLD, *, leverage=None
) -> np.ndarray:
    """Bool per review: |standardised residual| > ``threshold`` (3.0 by default, see the module
    docstring). ``leverage`` (per review, e.g. 1 / reviews of its project) is optional; a review
    with leverage 1, or any review when the scale is not positive, is never flagged."""
    z = standardised_residuals(residuals, scale_estimate, leverage=leverage)
    with np.errstate(invalid="ignore"):
        return np.abs(z) > threshold


def robust_residual_scale(residuals, *, leverage=None) -> float:
    """1.4826 × median |r / √(1 − h)|: the error sd for normal errors, unmoved by wild reviews.
    Reviews with leverage 1 are left out. NaN when no review is left."""
    z = standardised_residuals(residuals, 1.0, leverage=leverage)
    z = z[np.isfinite(z)]
    if z.size == 0:
        return float("nan")
    return MAD_TO_SD * float(np.median(np.abs(z)))


def project_residual_spread(residuals, project, n_projects: int) -> tuple[np.ndarray, np.ndarray]:
    """Per project: the sum of its reviews' squared residuals and its number of reviews."""
    residuals = np.asarray(residuals, dtype=float)
    project = np.asarray(project, dtype=np.intp)
    ss = np.bincount(project, weights=residuals * residuals, minlength=n_projects)
    count = np.bincount(project, minlength=n_projects)
    return ss, count


def pooled_residual_scale(residual_ss, n_reviews) -> float:
    """√(Σ SS_p / Σ (k_p − 1)) over the projects with at least two reviews: the scale that
    makes SS_p / σ² average k_p − 1, as the χ² rule of ``decision_disagreement`` assumes.
    NaN when no project has two reviews."""
    ss = np.asarray(residual_ss, dtype=float)
    k = np.asarray(n_reviews, dtype=float)
    ok = k >= 2
    df = float(np.sum(k[ok] - 1.0))
    if df <= 0:
        return float("nan")
    return float(np.sqrt(np.sum(ss[ok]) / df))


def decision_disagreement(
    in_band,
    residual_ss,
    n_reviews,
    scale_estimate: float,
    *,
    tail: float = DISAGREEMENT_TAIL,
) -> np.ndarray:
    """Bool per project: in the decision band and its reviews disagree beyond what the model's
    error explains: ``residual_ss`` / σ² > χ²_{k−1}(1 − tail), k = ``n_reviews`` ≥ 2 (see the
    module docstring: the share flagged by chance is ``tail`` whatever the number of jurors).
    ``scale_estimate``: best ``pooled_residual_scale`` of the round's projects (all of them, not
    only the band's); the model's σ_e flags slightly less."""
    in_band = np.asarray(in_band, dtype=bool)
    ss = np.asarray(residual_ss, dtype=float)
    k = np.asarray(n_reviews, dtype=float)
    flagged = np.zeros(in_band.shape, dtype=bool)
    if not scale_estimate > 0:
        return flagged
    ok = in_band & (k >= 2)
    limit = chi2.ppf(1.0 - tail, k[ok] - 1.0)
    flagged[ok] = ss[ok] / (scale_estimate * scale_estimate) > limit
    return flagged
