"""Rater diagnostics as descriptive figures, each juror compared with the panel (organisers only).

Pure numpy, no Django import. Inputs are plain arrays, one entry per completed review: the
juror's index (0..J−1), the review's criterion values normalised to 0–1 as (value − min) /
(max − min) (n_reviews × n_criteria, complete: a finalised review scores every criterion), and
the review's duration in seconds from the first save
to finalising (NaN when unknown). These figures describe a juror's way of scoring; they say
nothing about right or wrong and are a reason to look, not a verdict.

The figures
-----------
- **Straight-lining**: the share of a juror's reviews that give every criterion the same
  normalised value (equal within 1e-9; on normalised values, so "5 of 5" and "10 of 10" are the
  same). A juror needs ``MIN_REVIEWS`` (5) reviews and the rubric at least two criteria.
- **Halo**: how strongly a juror's criteria move together: the mean correlation between pairs
  of criteria over the juror's reviews (Pearson, the mean over the pairs of criteria whose
  values vary in the juror's reviews; at least ``MIN_REVIEWS`` reviews). Good projects are
  often good on every criterion, so some correlation is normal; that is why a juror is compared
  with the panel, who saw projects of the same field. When ``project`` is given, each value is
  first taken relative to its project's mean on that criterion (over all its reviews), so the
  halo measures how a juror's criteria move together *beyond the project's own profile*; this
  is the sharper measure and needs projects with several reviews.
- **Time per review**: the median duration of a juror's reviews (the median, because one review
  left open overnight must not count); at least ``MIN_DURATIONS`` (3) known durations.

Compared with the panel: Tukey's fences
---------------------------------------
A juror is flagged when the figure lies beyond Tukey's fence of the panel (all jurors with the
figure, the juror included): above Q3 + 1.5 × IQR for straight-lining and halo, below
Q1 − 1.5 × IQR for time (computed on the logarithm of the seconds, because durations are
skewed: a juror is as unusual at half the panel's time as at double). Why fences and not the
panel's 5th–95th percentile: a percentile rule flags the same share of every panel, 5 % of the
jurors even when all of them work well; the fences flag nobody in a homogeneous panel (for
normal figures 0.35 % of jurors per side) and stay put when a few jurors are extreme.

Two guards keep the flag meaningful:
- the panel must hold at least ``MIN_PANEL`` (5) jurors with the figure, or nobody is flagged
  (the quartiles of fewer jurors say nothing);
- the juror must also differ from the panel's median by a material amount: ``GAP_STRAIGHT``
  (0.15: fifteen reviews in a hundred more than the typical juror straight-lined),
  ``GAP_HALO`` (0.20 of correlation) or ``GAP_TIME`` (under half the panel's median time).
  Without it a panel in which nobody straight-lines (IQR 0) would flag a juror for a single
  straight-lined review.

Measured on 200 simulated panels of 30 jurors (about 40 reviews each, five criteria on a 0–10
scale; the panel of tests/scoring/test_calibration_descriptive.py): a panel without a planted
juror had any juror flagged in 0 % (straight-lining), 1.5 % (halo; 2 % centred on projects) and
3 % (time) of the panels; a planted juror was flagged in 100 % (straight-lining half of the
reviews), 99.5 % (halo: one overall impression; 98 % centred) and 100 % (90 s per review
against 600–1,500 s).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_REVIEWS = 5
MIN_DURATIONS = 3
MIN_PANEL = 5
TUKEY_K = 1.5
GAP_STRAIGHT = 0.15
GAP_HALO = 0.20
GAP_TIME = float(np.log(2.0))
_EQUAL = 1e-9

HIGH = "high"
LOW = "low"


@dataclass(frozen=True)
class PanelFigure:
    """One figure per juror (NaN when the juror has too few reviews for it), whether it is
    flagged, and the panel's median and fence it was compared with (NaN when the panel is
    too small to flag anyone). For time, median and fence are in seconds."""

    values: np.ndarray
    flagged: np.ndarray
    panel_median: float
    fence: float


@dataclass(frozen=True)
class RaterDescriptives:
    reviews: np.ndarray
    straight_lining: PanelFigure
    halo: PanelFigure
    seconds_per_review: PanelFigure


def _counts(juror: np.ndarray, n_jurors: int) -> np.ndarray:
    return np.bincount(juror, minlength=n_jurors)


def straight_lining_share(juror, values, *, n_jurors: int, tolerance: float = _EQUAL) -> np.ndarray:
    """Per juror: the share of their reviews with the same normalised value on every criterion
    (largest minus smallest ≤ ``tolerance``); NaN with fewer than ``MIN_REVIEWS`` reviews or
    fewer than two criteria. With criteria on different ranges (1–5 and 0–10) only 0, ½ and 1
    are equal after normalising; pass half the coarsest normalised step as ``tolerance`` (0.125
    for a 1–5 criterion) to count "4 of 5" and "8 of 10" as the same value."""
    juror = np.asarray(juror, dtype=np.intp)
    values = np.asarray(values, dtype=float)
    out = np.full(n_jurors, np.nan)
    if values.ndim != 2 or values.shape[1] < 2:
        return out
    flat = (values.max(axis=1) - values.min(axis=1)) <= tolerance
    count = _counts(juror, n_jurors)
    straight = np.bincount(juror, weights=flat.astype(float), minlength=n_jurors)
    ok = count >= MIN_REVIEWS
    out[ok] = straight[ok] / count[ok]
    return out


def _centre_on_projects(values: np.ndarray, project: np.ndarray) -> np.ndarray:
    n_projects = int(project.max()) + 1 if project.size else 0
    count = np.bincount(project, minlength=n_projects).astype(float)
    sums = np.zeros((n_projects, values.shape[1]))
    np.add.at(sums, project, values)
    return values - sums[project] / count[project, None]


def halo_correlation(juror, values, *, n_jurors: int, project=None) -> np.ndarray:
    """Per juror: the mean correlation between pairs of criteria over their reviews (pairs whose
    criteria both vary); NaN with fewer than ``MIN_REVIEWS`` reviews or no such pair. With
    ``project`` the values are first centred on their project's per-criterion mean."""
    juror = np.asarray(juror, dtype=np.intp)
    values = np.asarray(values, dtype=float)
    out = np.full(n_jurors, np.nan)
    if values.ndim != 2 or values.shape[1] < 2 or values.shape[0] == 0:
        return out
    if project is not None:
        values = _centre_on_projects(values, np.asarray(project, dtype=np.intp))
    order = np.argsort(juror, kind="stable")
    bounds = np.searchsorted(juror[order], np.arange(n_jurors + 1))
    for j in range(n_jurors):
        rows = order[bounds[j] : bounds[j + 1]]
        if rows.size < MIN_REVIEWS:
            continue
        x = values[rows]
        x = x - x.mean(axis=0)
        sd = np.sqrt((x * x).mean(axis=0))
        varying = sd > _EQUAL
        if varying.sum() < 2:
            continue
        z = x[:, varying] / sd[varying]
        corr = (z.T @ z) / rows.size
        c = corr.shape[0]
        out[j] = (corr.sum() - np.trace(corr)) / (c * (c - 1))
    return out


def median_seconds(juror, durations, *, n_jurors: int) -> np.ndarray:
    """Per juror: the median of their known review durations (seconds; NaN or negative =
    unknown); NaN with fewer than ``MIN_DURATIONS`` known durations."""
    juror = np.asarray(juror, dtype=np.intp)
    durations = np.asarray(durations, dtype=float)
    out = np.full(n_jurors, np.nan)
    # A negative duration (a clock that moved) is as unknown as a missing one.
    known = np.isfinite(durations) & (durations >= 0)
    juror, durations = juror[known], durations[known]
    order = np.argsort(juror, kind="stable")
    bounds = np.searchsorted(juror[order], np.arange(n_jurors + 1))
    for j in range(n_jurors):
        rows = order[bounds[j] : bounds[j + 1]]
        if rows.size >= MIN_DURATIONS:
            out[j] = float(np.median(durations[rows]))
    return out


def panel_outliers(figure, *, side: str, min_gap: float) -> tuple[np.ndarray, float, float]:
    """Tukey's fence over the jurors with a finite figure: flagged when beyond Q3 + 1.5 IQR
    (``side`` = "high") or Q1 − 1.5 IQR ("low") *and* at least ``min_gap`` from the panel's
    median. Returns (flagged, median, fence); nobody is flagged with fewer than ``MIN_PANEL``
    jurors with the figure (median and fence are then NaN)."""
    figure = np.asarray(figure, dtype=float)
    flagged = np.zeros(figure.shape, dtype=bool)
    panel = figure[np.isfinite(figure)]
    if panel.size < MIN_PANEL:
        return flagged, float("nan"), float("nan")
    q1, median, q3 = np.percentile(panel, [25.0, 50.0, 75.0])
    iqr = q3 - q1
    finite = np.isfinite(figure)
    if side == HIGH:
        fence = q3 + TUKEY_K * iqr
        flagged[finite] = (figure[finite] > fence) & (figure[finite] - median >= min_gap)
    elif side == LOW:
        fence = q1 - TUKEY_K * iqr
        flagged[finite] = (figure[finite] < fence) & (median - figure[finite] >= min_gap)
    else:
        raise ValueError(side)
    return flagged, float(median), float(fence)


def rater_descriptives(
    juror, values, durations, *, n_jurors: int, project=None, straight_tolerance: float = _EQUAL
) -> RaterDescriptives:
    """All three figures per juror with their panel flags (see the module docstring).
    ``project`` (per review) centres the halo on each project's profile; ``straight_tolerance``
    is passed to ``straight_lining_share``."""
    juror = np.asarray(juror, dtype=np.intp)
    if juror.size and (juror.min() < 0 or juror.max() >= n_jurors):
        raise ValueError("juror index out of range")
    straight = straight_lining_share(juror, values, n_jurors=n_jurors, tolerance=straight_tolerance)
    halo = halo_correlation(juror, values, n_jurors=n_jurors, project=project)
    seconds = median_seconds(juror, durations, n_jurors=n_jurors)

    s_flag, s_median, s_fence = panel_outliers(straight, side=HIGH, min_gap=GAP_STRAIGHT)
    h_flag, h_median, h_fence = panel_outliers(halo, side=HIGH, min_gap=GAP_HALO)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_seconds = np.log(np.where(seconds > 0, seconds, np.nan))
    t_flag, t_median, t_fence = panel_outliers(log_seconds, side=LOW, min_gap=GAP_TIME)
    # A zero-second review (a finalise without a save) is faster than anyone: flag it whenever
    # the panel is large enough to be compared with.
    zero = (seconds == 0) & np.isfinite(t_median)
    t_flag = t_flag | zero
    return RaterDescriptives(
        reviews=_counts(juror, n_jurors),
        straight_lining=PanelFigure(straight, s_flag, s_median, s_fence),
        halo=PanelFigure(halo, h_flag, h_median, h_fence),
        seconds_per_review=PanelFigure(seconds, t_flag, float(np.exp(t_median)), float(np.exp(t_fence))),
    )
