"""Benchmark: is the calibrated score fair? A simulation with known true quality, no database.

Run from the repository root: ``python bench/fairness.py``. Fixed, documented parameters:

- per round 400 projects and 60 jurors; a project's true total ~ N(60, 10); each juror's
  leniency ~ N(0, 6); a third of the jurors stretch distances from 60 by a scale drawn
  uniformly from [0.7, 1.3] (the others by 1); review noise ~ N(0, 8); totals clipped to 0–100:
  total = 60 + scale_j·(quality_p − 60) + leniency_j + noise;
- plans, each with 3 and with 5 jurors per project, ROUNDS (50) seeded rounds per condition:
  - random: each project gets k distinct jurors drawn at random;
  - banded: projects sorted by true quality into 4 panels of 100 (adjacent panels' mean quality
    differs by 0.6–1 sd), 15 jurors per panel, and 3 jurors of each panel also serve the next
    panel, so the plan stays connected; a project's k jurors are drawn from its panel's pool;
  - disconnected: the same 4 quality panels with no juror in common;
- own-country favouritism: projects and jurors come from 4 countries at random; in every other
  round (odd seeds) 3 jurors give compatriots BIAS (+10) points;
- the ranking is the whole round, N = 40 finalists (the true top 40 by quality).

Per method (calibrated, mean, median, trimmed mean, the old z-score standardised method,
implemented in bench/_methods.py only as the reference, and two references no real method can
be: the oracle, the ceiling, with every juror's leniency and scale known exactly, noise only;
and "informed", which knows every project's true quality and every juror's scale and learns
only the leniencies from the reviews, each review corrected by its juror's other reviews, shrunk
with the true prior: it shows how much of the oracle's edge the leniencies that ~33 reviews per
juror can reveal leave over) the mean over rounds of Spearman's correlation with the true
quality and of the top-N recall. For the calibrated method's
P(finalist), pooled over the rounds of all three plans: the Brier score and the largest
calibration gap |mean P − share truly in the top N| over the probability bins
[0, 0.1), …, [0.9, 1] that hold at least 200 projects.
Favouritism: power is the share of planted jurors flagged; false alarm the share of rounds
without planted bias in which any juror is flagged.

The first line times the fit plus 1,000 draws on one round of 2,000 and of 5,000 projects × 5
reviews (median of 3). The last line holds the 5-juror figures (3-juror figures on the line before, per plan on the
lines before that); its top-N recall is the mean over the three plans, its Brier score and
calibration gap are pooled over them, favouritism is counted over all of them.
"""

from __future__ import annotations

import os

# One BLAS thread: the matrices here are small, and threads on a shared 2-core machine only
# wait for each other (a 60×60 eigendecomposition went from 1 to 70 ms with them).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _methods import plain_methods, z_score  # noqa: E402

from scoring.calibration.inference import favouritism_test  # noqa: E402
from scoring.calibration.model import fit  # noqa: E402
from scoring.calibration.posterior import draw  # noqa: E402

PROJECTS = 400
JURORS = 60
PANELS = 4
SHARED = 3  # jurors of each panel who also serve the next panel (banded plan)
TRUE_MEAN, TRUE_SD = 60.0, 10.0
LENIENCY_SD = 6.0
SCALED_SHARE = 1 / 3
SCALE_RANGE = (0.7, 1.3)
NOISE_SD = 8.0
COUNTRIES = 4
BIASED_JURORS = 3
BIAS = 10.0
TOP_N = 40
ROUNDS = 50
DRAWS = 1000
BIN_MIN = 200
PLANS = ("random", "banded", "disconnected")
METHODS = ("calibrated", "mean", "median", "trimmed_mean", "standardised", "oracle", "informed")


def plan(kind: str, k: int, quality: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(project, juror) index arrays of a judging plan, k distinct jurors per project."""
    if kind == "random":
        jurors = np.argsort(rng.random((PROJECTS, JURORS)), axis=1)[:, :k]
        return np.repeat(np.arange(PROJECTS), k), jurors.ravel()
    per_panel = JURORS // PANELS
    panel_of = np.empty(PROJECTS, dtype=np.int64)
    panel_of[np.argsort(quality)] = np.repeat(np.arange(PANELS), PROJECTS // PANELS)
    pools = []
    for g in range(PANELS):
        own = list(range(g * per_panel, (g + 1) * per_panel))
        if kind == "banded" and g > 0:
            own += list(range((g - 1) * per_panel, (g - 1) * per_panel + SHARED))
        pools.append(np.asarray(own))
    projects, jurors = [], []
    for p in range(PROJECTS):
        pool = pools[panel_of[p]]
        jurors.append(rng.choice(pool, size=k, replace=False))
        projects.append(np.full(k, p))
    return np.concatenate(projects), np.concatenate(jurors)


def one_round(kind: str, k: int, seed: int) -> dict:
    rng = np.random.default_rng([seed, k, PLANS.index(kind)])
    quality = rng.normal(TRUE_MEAN, TRUE_SD, PROJECTS)
    leniency = rng.normal(0.0, LENIENCY_SD, JURORS)
    scale = np.ones(JURORS)
    scaled = rng.choice(JURORS, size=int(JURORS * SCALED_SHARE), replace=False)
    scale[scaled] = rng.uniform(*SCALE_RANGE, size=len(scaled))
    project_country = rng.integers(0, COUNTRIES, PROJECTS)
    juror_country = rng.integers(0, COUNTRIES, JURORS)
    planted = seed % 2 == 1
    biased = rng.choice(JURORS, size=BIASED_JURORS, replace=False) if planted else np.zeros(0, dtype=np.int64)
    bias = np.zeros(JURORS)
    bias[biased] = BIAS
    project, juror = plan(kind, k, quality, rng)
    own = project_country[project] == juror_country[juror]
    y = (
        TRUE_MEAN
        + scale[juror] * (quality[project] - TRUE_MEAN)
        + leniency[juror]
        + rng.normal(0, NOISE_SD, len(project))
    )
    y = np.clip(y + bias[juror] * own, 0.0, 100.0)

    result = fit(y, project, juror, n_projects=PROJECTS, n_jurors=JURORS)
    posterior = draw(result, n_draws=DRAWS, seed=seed, top_n=TOP_N)
    scores = {
        "calibrated": result.score,
        "standardised": z_score(y, project, juror, n_projects=PROJECTS, n_jurors=JURORS),
    }
    scores.update(plain_methods(y, project, n_projects=PROJECTS))
    truth_top = np.zeros(PROJECTS, dtype=bool)
    truth_top[np.argsort(-quality)[:TOP_N]] = True
    # The ceiling no method can pass: every juror's leniency and scale known exactly.
    weight = scale[juror] ** 2
    unbiased = (y - TRUE_MEAN - leniency[juror]) / scale[juror]
    scores["oracle"] = np.bincount(project, weights=weight * unbiased) / np.bincount(project, weights=weight)
    # Leniencies learned with more than any method has (true qualities, true scales), from each
    # juror's other reviews only (leave-one-out: a review's own noise must not correct itself).
    residual = y - TRUE_MEAN - scale[juror] * (quality[project] - TRUE_MEAN)
    own_sum = np.bincount(juror, weights=residual, minlength=JURORS)
    own_count = np.bincount(juror, minlength=JURORS)
    learned = (own_sum[juror] - residual) / (own_count[juror] - 1 + NOISE_SD**2 / LENIENCY_SD**2)
    informed = (y - TRUE_MEAN - learned) / scale[juror]
    scores["informed"] = np.bincount(project, weights=weight * informed) / np.bincount(project, weights=weight)
    out = {"spearman": {}, "recall": {}}
    for method, score in scores.items():
        out["spearman"][method] = spearmanr(score, quality)[0]
        chosen = np.argsort(-score, kind="stable")[:TOP_N]
        out["recall"][method] = truth_top[chosen].mean()
    out["p"] = posterior.p_top
    out["truth"] = truth_top
    flagged = favouritism_test(result, project_country, juror_country).flagged
    out["planted"] = planted
    out["flag_any"] = bool(flagged.any())
    out["detected"] = int(flagged[biased].sum())
    out["biased"] = len(biased)
    # Only jurors with own-country reviews can be tested; a planted juror without any cannot be found.
    out["false_flags"] = int(flagged.sum() - flagged[biased].sum())
    out["iterations"] = result.iterations
    out["converged"] = result.converged
    return out


def calibration(p: np.ndarray, truth: np.ndarray) -> tuple[float, float, list[tuple[float, float, int]]]:
    brier = float(np.mean((p - truth) ** 2))
    bins = np.minimum((p * 10).astype(int), 9)
    table = []
    gap = 0.0
    for b in range(10):
        inside = bins == b
        if inside.sum() >= BIN_MIN:
            mean_p, share = float(p[inside].mean()), float(truth[inside].mean())
            table.append((mean_p, share, int(inside.sum())))
            gap = max(gap, abs(mean_p - share))
    return brier, gap, table


def timing(projects: int, jurors: int, k: int = 5) -> float:
    """Seconds for the fit plus 1,000 posterior draws (median of 3) on one simulated round."""
    rng = np.random.default_rng(7)
    quality = rng.normal(TRUE_MEAN, TRUE_SD, projects)
    leniency = rng.normal(0.0, LENIENCY_SD, jurors)
    project = np.repeat(np.arange(projects), k)
    juror = np.argsort(rng.random((projects, jurors)), axis=1)[:, :k].ravel()
    y = np.clip(quality[project] + leniency[juror] + rng.normal(0, NOISE_SD, len(project)), 0.0, 100.0)
    seconds = []
    for _ in range(3):
        start = time.perf_counter()
        result = fit(y, project, juror, n_projects=projects, n_jurors=jurors)
        draw(result, n_draws=DRAWS, seed=1, top_n=TOP_N)
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds))


def main() -> None:
    started = time.perf_counter()
    print(
        f"fit_and_{DRAWS}_draws_seconds: 2000x5 (100 jurors)={timing(2000, 100):.2f} "
        f"5000x5 (250 jurors)={timing(5000, 250):.2f}",
        flush=True,
    )
    summary: dict[int, dict] = {}
    for k in (3, 5):
        figures: dict = {"spearman": {}, "recall": {}}
        pooled_p, pooled_truth = [], []
        planted_found = planted_total = clean_rounds = clean_alarms = 0
        for kind in PLANS:
            rounds = [one_round(kind, k, seed) for seed in range(ROUNDS)]
            for method in METHODS:
                figures["spearman"][(kind, method)] = float(np.mean([r["spearman"][method] for r in rounds]))
                figures["recall"][(kind, method)] = float(np.mean([r["recall"][method] for r in rounds]))
            p = np.concatenate([r["p"] for r in rounds])
            truth = np.concatenate([r["truth"] for r in rounds])
            pooled_p.append(p)
            pooled_truth.append(truth)
            brier, gap, _table = calibration(p, truth)
            planted = [r for r in rounds if r["planted"]]
            clean = [r for r in rounds if not r["planted"]]
            planted_found += sum(r["detected"] for r in planted)
            planted_total += sum(r["biased"] for r in planted)
            clean_rounds += len(clean)
            clean_alarms += sum(r["flag_any"] for r in clean)
            print(
                f"k={k} plan={kind}: "
                + " ".join(f"spearman_{m}={figures['spearman'][(kind, m)]:.3f}" for m in METHODS)
                + " "
                + " ".join(f"recall_{m}={figures['recall'][(kind, m)]:.3f}" for m in METHODS)
                + f" brier={brier:.4f} calibration_gap={gap:.3f}"
                + f" iterations_max={max(r['iterations'] for r in rounds)}"
                + f" not_converged={sum(not r['converged'] for r in rounds)}",
                flush=True,
            )
        brier, gap, table = calibration(np.concatenate(pooled_p), np.concatenate(pooled_truth))
        print(
            f"k={k} calibration bins (mean P, share in top {TOP_N}, projects): "
            + " ".join(f"({m:.3f},{s:.3f},{n})" for m, s, n in table)
        )
        figures["brier"], figures["gap"] = brier, gap
        figures["power"] = planted_found / max(planted_total, 1)
        figures["false_alarm"] = clean_alarms / max(clean_rounds, 1)
        figures["recall_calibrated"] = float(np.mean([figures["recall"][(kind, "calibrated")] for kind in PLANS]))
        summary[k] = figures

    three = summary[3]
    print(
        " ".join(
            [f"spearman_calibrated_{kind}_3={three['spearman'][(kind, 'calibrated')]:.3f}" for kind in PLANS]
            + [f"spearman_mean_{kind}_3={three['spearman'][(kind, 'mean')]:.3f}" for kind in PLANS]
            + [
                f"topn_recall_calibrated_3={three['recall_calibrated']:.3f}",
                f"brier_3={three['brier']:.4f}",
                f"calibration_gap_3={three['gap']:.3f}",
                f"favouritism_power_3={three['power']:.3f}",
                f"favouritism_false_alarm_3={three['false_alarm']:.3f}",
                f"seconds={time.perf_counter() - started:.1f}",
            ]
        )
    )
    five = summary[5]
    spearman = five["spearman"]
    print(
        f"spearman_calibrated_banded={spearman[('banded', 'calibrated')]:.3f} "
        f"spearman_mean_banded={spearman[('banded', 'mean')]:.3f} "
        f"spearman_calibrated_random={spearman[('random', 'calibrated')]:.3f} "
        f"spearman_mean_random={spearman[('random', 'mean')]:.3f} "
        f"spearman_calibrated_disconnected={spearman[('disconnected', 'calibrated')]:.3f} "
        f"spearman_mean_disconnected={spearman[('disconnected', 'mean')]:.3f} "
        f"topn_recall_calibrated={five['recall_calibrated']:.3f} "
        f"brier={five['brier']:.4f} "
        f"calibration_gap={five['gap']:.3f} "
        f"favouritism_power={five['power']:.3f} "
        f"favouritism_false_alarm={five['false_alarm']:.3f}"
    )


if __name__ == "__main__":
    main()
