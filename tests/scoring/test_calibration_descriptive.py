"""The model-free numbers of the ranking: agreement, outliers, disagreement in the decision band,
rater descriptives and weight sensitivity (scoring/calibration, pure numpy: no database)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from scoring.calibration.agreement import (
    AGREEMENT_FAIR,
    AGREEMENT_FINAL_ROUND_CLOSE,
    AGREEMENT_GOOD,
    AGREEMENT_POOR,
    AGREEMENT_UNDEFINED,
    AGREEMENT_VERY_GOOD,
    agreement_level,
    agreement_verdict,
    decision_disagreement,
    krippendorff_alpha_interval,
    outlier_reviews,
    pooled_residual_scale,
    project_residual_spread,
    robust_residual_scale,
)
from scoring.calibration.descriptive import (
    HIGH,
    halo_correlation,
    median_seconds,
    panel_outliers,
    rater_descriptives,
    straight_lining_share,
)
from scoring.calibration.sensitivity import (
    DECISION_FINALISTS,
    DECISION_WINNER,
    criterion_scores,
    scores_under,
    weight_sensitivity,
    weight_sensitivity_from_scores,
)

NAN = np.nan

# --- Krippendorff's alpha ---------------------------------------------------------------------

# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability, University of
# Pennsylvania, example C ("four observers, five values, missing data"): rows are observers A–D,
# columns units 1–12. Published: nominal α = 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
KRIPPENDORFF_RELIABILITY_DATA = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)


def _long(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coders × units matrix -> (values, unit) with one entry per cell."""
    n_coders, n_units = matrix.shape
    return matrix.ravel(), np.tile(np.arange(n_units), n_coders)


def _alpha_brute_force(values: np.ndarray, unit: np.ndarray) -> float | None:
    """The textbook definition over ordered pairs of values, O(n²)."""
    keep = ~np.isnan(values)
    values, unit = values[keep], unit[keep]
    m = {u: int(np.sum(unit == u)) for u in np.unique(unit)}
    pairable = np.array([m[u] >= 2 for u in unit], dtype=bool)
    x, u = values[pairable], unit[pairable]
    n = x.size
    if n < 2:
        return None
    d_o = 0.0
    d_e = 0.0
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            delta2 = (x[i] - x[j]) ** 2
            d_e += delta2
            if u[i] == u[j]:
                d_o += delta2 / (m[u[i]] - 1)
    d_o /= n
    d_e /= n * (n - 1)
    return None if d_e == 0 else 1.0 - d_o / d_e


def test_alpha_interval_small_example_by_hand():
    # Units A = {1, 2, NaN}, B = {5, 6}, C = {9, 9, 10}, D = {3} (alone: not pairable).
    # n = 7; Σ_u (m Σx² − (Σx)²)/(m − 1) = 1 + 1 + 1 = 3; n Σx² − (Σx)² = 7·328 − 42² = 532;
    # D_o = 2·3/7 = 6/7, D_e = 2·532/(7·6) = 1064/42, α = 1 − 36/1064 = 257/266 = 0.96617…
    values = np.array([1, 2, NAN, 5, 6, 9, 9, 10, 3], dtype=float)
    unit = np.array([0, 0, 0, 1, 1, 2, 2, 2, 3])
    assert krippendorff_alpha_interval(values, unit) == pytest.approx(257 / 266, abs=1e-12)


def test_alpha_interval_negative_when_units_disagree_more_than_the_field():
    # A = {1, 3}, B = {2, 2, 5}: within = 4 + 9 = 13, between = 5·43 − 13² = 46,
    # α = 1 − 4·13/46 = −3/23.
    values = np.array([1, 3, 2, 2, 5], dtype=float)
    unit = np.array([7, 7, 3, 3, 3])
    assert krippendorff_alpha_interval(values, unit) == pytest.approx(-3 / 23, abs=1e-12)


def test_alpha_interval_matches_krippendorffs_published_example():
    values, unit = _long(KRIPPENDORFF_RELIABILITY_DATA)
    alpha = krippendorff_alpha_interval(values, unit)
    assert round(alpha, 3) == 0.849
    # 40 pairable values; exactly 1 − 169/1120.
    assert alpha == pytest.approx(951 / 1120, abs=1e-12)


def test_alpha_interval_equals_brute_force_on_random_data_with_missing_values():
    rng = np.random.default_rng(15)
    for _ in range(20):
        n_coders, n_units = rng.integers(2, 6), rng.integers(3, 25)
        matrix = rng.normal(60, 10, (n_coders, n_units)) + rng.normal(0, 8, (1, n_units))
        matrix[rng.random(matrix.shape) < 0.35] = NAN
        values, unit = _long(matrix)
        expected = _alpha_brute_force(values, unit)
        got = krippendorff_alpha_interval(values, unit)
        if expected is None:
            assert got is None
        else:
            assert got == pytest.approx(expected, abs=1e-10)


def test_alpha_interval_agrees_with_the_krippendorff_package():
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(7)
    matrix = rng.integers(0, 11, (5, 40)).astype(float)
    matrix[rng.random(matrix.shape) < 0.3] = NAN
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert krippendorff_alpha_interval(*_long(matrix)) == pytest.approx(expected, abs=1e-10)


def test_alpha_interval_undefined_without_pairs_or_variation():
    assert krippendorff_alpha_interval([70.0, 80.0], [1, 2]) is None
    assert krippendorff_alpha_interval([70.0, 70.0, 70.0], [1, 1, 2]) is None
    assert krippendorff_alpha_interval([], []) is None


def test_alpha_interval_handles_ten_thousand_continuous_totals():
    rng = np.random.default_rng(3)
    project = np.repeat(np.arange(2000), 5)
    totals = rng.normal(60, 10, 2000)[project] + rng.normal(0, 8, project.size)
    # Field sd 10, error sd 8: α ≈ 100 / 164 = 0.61.
    assert krippendorff_alpha_interval(totals, project) == pytest.approx(100 / 164, abs=0.03)


def test_agreement_level_thresholds():
    assert agreement_level(None) == AGREEMENT_UNDEFINED
    assert agreement_level(0.399) == AGREEMENT_POOR
    assert agreement_level(0.400) == AGREEMENT_FAIR
    assert agreement_level(0.666) == AGREEMENT_FAIR
    assert agreement_level(0.667) == AGREEMENT_GOOD
    assert agreement_level(0.799) == AGREEMENT_GOOD
    assert agreement_level(0.800) == AGREEMENT_VERY_GOOD


def test_agreement_verdict_final_round_points_to_the_decision_band():
    assert agreement_verdict(0.04, final_round=True) == AGREEMENT_FINAL_ROUND_CLOSE
    assert agreement_verdict(0.55, final_round=True) == AGREEMENT_FINAL_ROUND_CLOSE
    assert agreement_verdict(0.04) == AGREEMENT_POOR
    assert agreement_verdict(0.70, final_round=True) == AGREEMENT_GOOD
    assert agreement_verdict(None, final_round=True) == AGREEMENT_UNDEFINED


def test_agreement_verdict_same_jury_is_fair_on_the_field_and_close_on_finalists():
    # The same jurors (error sd 8) read a field with sd 10 and a final of close projects (sd 2).
    rng = np.random.default_rng(11)
    project = np.repeat(np.arange(3000), 5)
    field = rng.normal(60, 10, 3000)[project] + rng.normal(0, 8, project.size)
    final = rng.normal(85, 2, 3000)[project] + rng.normal(0, 8, project.size)
    assert agreement_verdict(krippendorff_alpha_interval(field, project)) == AGREEMENT_FAIR
    alpha_final = krippendorff_alpha_interval(final, project)
    assert agreement_level(alpha_final) == AGREEMENT_POOR
    assert agreement_verdict(alpha_final, final_round=True) == AGREEMENT_FINAL_ROUND_CLOSE


# --- Outlier reviews and disagreement in the decision band ------------------------------------


def test_outlier_reviews_beyond_three_error_sds():
    # σ = 8: |r|/σ = 0, 1.25, 3.25, 3.125, 2.5.
    residuals = np.array([0.0, 10.0, -26.0, 25.0, 20.0])
    assert outlier_reviews(residuals, 8.0).tolist() == [False, False, True, True, False]
    # With leverage 1/3 (a project with 3 reviews) r = 20 reads 20 / (8·√(2/3)) = 3.06.
    leverage = np.array([1 / 3] * 5)
    assert outlier_reviews(residuals, 8.0, leverage=leverage).tolist() == [
        False,
        False,
        True,
        True,
        True,
    ]
    # A project's only review (leverage 1) is never an outlier; nor is anything without a scale.
    assert outlier_reviews([40.0], 8.0, leverage=[1.0]).tolist() == [False]
    assert outlier_reviews([40.0], 0.0).tolist() == [False]


def test_outlier_reviews_robust_scale_unmasks_a_wild_review():
    residuals = np.array([1.0, -1.0, 2.0, -2.0, 100.0])
    # median |r| = 2 → 1.4826 × 2 = 2.965.
    scale = robust_residual_scale(residuals)
    assert scale == pytest.approx(2.965204437, abs=1e-8)
    assert outlier_reviews(residuals, scale).tolist() == [False, False, False, False, True]
    # The sd inflated by the wild review itself (45) hides it.
    assert outlier_reviews(residuals, 45.0).tolist() == [False] * 5


def test_decision_disagreement_by_hand():
    # σ = 8, σ² = 64. χ²_2(0.95) = 5.991, χ²_6(0.95) = 12.592.
    # A: 3 reviews, SS 500 → 7.81 > 5.99, in band → flagged.
    # B: 7 reviews, SS 700 → 10.94 < 12.59 → not flagged.
    # C: like A but outside the band → not flagged. D: a single review cannot disagree.
    residuals = np.array([18.0, -4.0, -14.0])  # 324 + 16 + 196 = 536
    ss, count = project_residual_spread(residuals, np.array([0, 0, 0]), 2)
    assert ss.tolist() == [536.0, 0.0] and count.tolist() == [3, 0]
    flags = decision_disagreement([True, True, False, True], [500.0, 700.0, 500.0, 900.0], [3, 7, 3, 1], 8.0)
    assert flags.tolist() == [True, False, False, False]
    # Pooled scale: √((500 + 700 + 500) / (2 + 6 + 2)) = √170; the single review adds nothing.
    assert pooled_residual_scale([500.0, 700.0, 500.0, 900.0], [3, 7, 3, 1]) == pytest.approx(170**0.5)
    assert np.isnan(pooled_residual_scale([0.0], [1]))


def _simulated_spread(rng, k: int, n_projects: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Reviews = quality + leniency of a random juror + error; residuals from each project's mean."""
    project = np.repeat(np.arange(n_projects), k)
    leniency = rng.normal(0, 6, 60)
    totals = (
        rng.normal(60, 10, n_projects)[project]
        + leniency[rng.integers(0, 60, project.size)]
        + rng.normal(0, 8, project.size)
    )
    means = np.bincount(project, weights=totals) / k
    residuals = totals - means[project]
    ss, count = project_residual_spread(residuals, project, n_projects)
    return ss, count, pooled_residual_scale(ss, count)


def test_decision_disagreement_rate_does_not_depend_on_the_number_of_jurors():
    rng = np.random.default_rng(2026)
    rates = {}
    old_rates = {}
    for k in (3, 7):
        ss, count, sigma = _simulated_spread(rng, k, 40_000)
        flags = decision_disagreement(np.ones(ss.size, dtype=bool), ss, count, sigma)
        rates[k] = flags.mean()
        # The old rule: the population sd of the totals above a fixed number of points (1.5 σ:
        # 12 points with an error sd of 8).
        old_rates[k] = (np.sqrt(ss / count) > 1.5 * sigma).mean()
    assert rates[3] == pytest.approx(0.05, abs=0.006)
    assert rates[7] == pytest.approx(0.05, abs=0.006)
    assert abs(rates[3] - rates[7]) < 0.008
    # The absolute threshold flags more than twice as often with 3 jurors as with 7 (3.4 % / 1.5 %).
    assert old_rates[3] == pytest.approx(0.034, abs=0.005)
    assert old_rates[7] == pytest.approx(0.015, abs=0.004)


# --- Rater descriptives -------------------------------------------------------------------------


def test_straight_lining_share_by_hand():
    juror = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1])
    values = np.array(
        [
            [0.5, 0.5, 0.5],  # straight
            [1.0, 1.0, 1.0],  # straight
            [0.5, 0.6, 0.5],
            [0.2, 0.4, 0.6],
            [0.0, 0.0, 0.1],
            [0.5, 0.5, 0.5],
            [0.5, 0.5, 0.5],
            [0.5, 0.5, 0.5],
            [0.5, 0.5, 0.5],
        ]
    )
    share = straight_lining_share(juror, values, n_jurors=3)
    # Juror 0: 2 of 5 = 0.4; juror 1 has 4 reviews (< 5) and juror 2 none: no figure.
    assert share[0] == pytest.approx(0.4)
    assert np.isnan(share[1]) and np.isnan(share[2])


def test_straight_lining_share_tolerance_for_mixed_ranges():
    # Criteria 1–5 and 0–10: "4 of 5" = 0.75 and "8 of 10" = 0.8 differ by 0.05 after
    # normalising; with half the coarsest step (0.125) as tolerance they count as the same value.
    values = np.array([[0.75, 0.8]] * 3 + [[0.25, 0.9]] * 2)
    juror = np.zeros(5, dtype=int)
    assert straight_lining_share(juror, values, n_jurors=1)[0] == 0.0
    assert straight_lining_share(juror, values, n_jurors=1, tolerance=0.125)[0] == pytest.approx(0.6)


def test_halo_correlation_by_hand():
    up = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    # Criteria 1 and 2 equal (r = 1), criterion 3 reversed (r = −1 with each): mean = −1/3.
    values = np.column_stack([up, up, 1 - up])
    assert halo_correlation(np.zeros(5, dtype=int), values, n_jurors=1)[0] == pytest.approx(-1 / 3)
    # A criterion that never varies is left out: the remaining pair (1, 2) has r = 1.
    values = np.column_stack([up, up, np.full(5, 0.7)])
    assert halo_correlation(np.zeros(5, dtype=int), values, n_jurors=1)[0] == pytest.approx(1.0)


def test_median_seconds_by_hand():
    juror = np.array([0, 0, 0, 0, 0, 1, 1])
    durations = np.array([100.0, 200.0, NAN, 400.0, -5.0, 60.0, 70.0])
    seconds = median_seconds(juror, durations, n_jurors=2)
    # Juror 0: known 100, 200, 400 → 200; juror 1 has two known durations (< 3): no figure.
    assert seconds[0] == 200.0 and np.isnan(seconds[1])


def test_panel_outliers_tukey_fence_by_hand():
    figure = np.array([0.10, 0.12, 0.11, 0.13, 0.10, 0.60, NAN])
    flagged, median, fence = panel_outliers(figure, side=HIGH, min_gap=0.15)
    # Sorted 0.10, 0.10, 0.11, 0.12, 0.13, 0.60: Q1 = 0.1025, median 0.115, Q3 = 0.1275,
    # IQR 0.025, fence = 0.1275 + 1.5·0.025 = 0.165.
    assert median == pytest.approx(0.115) and fence == pytest.approx(0.165)
    assert flagged.tolist() == [False, False, False, False, False, True, False]
    # Fewer than five jurors with the figure: nobody is flagged.
    assert not panel_outliers(figure[3:], side=HIGH, min_gap=0.15)[0].any()


def _panel(rng, *, straight=None, halo=None, fast=None, n_jurors=30, n_projects=400):
    """Three reviews per project by random jurors, five criteria on a 0–10 scale normalised."""
    n_criteria = 5
    juror = np.concatenate([rng.choice(n_jurors, 3, replace=False) for _ in range(n_projects)])
    project = np.repeat(np.arange(n_projects), 3)
    quality = rng.normal(0.55, 0.15, n_projects)
    profile = quality[:, None] + rng.normal(0, 0.10, (n_projects, n_criteria))
    values = profile[project] + rng.normal(0, 0.12, (project.size, n_criteria))
    if halo is not None:
        mine = juror == halo
        impression = quality[project[mine]] + rng.normal(0, 0.12, mine.sum())
        values[mine] = impression[:, None] + rng.normal(0, 0.07, (mine.sum(), n_criteria))
    values = np.clip(np.round(values * 10) / 10, 0, 1)
    if straight is not None:
        rows = np.flatnonzero(juror == straight)
        rows = rows[rng.random(rows.size) < 0.5]
        values[rows] = np.round(values[rows].mean(axis=1, keepdims=True) * 10) / 10
    typical = rng.uniform(600, 1500, n_jurors)
    if fast is not None:
        typical[fast] = 90
    durations = typical[juror] * rng.lognormal(0, 0.5, juror.size)
    durations[rng.random(juror.size) < 0.1] = NAN
    return juror, project, values, durations, n_jurors


def test_rater_descriptives_flag_nobody_in_a_clean_panel():
    for seed in range(5):
        juror, project, values, durations, n_jurors = _panel(np.random.default_rng(seed))
        for centre in (None, project):
            result = rater_descriptives(juror, values, durations, n_jurors=n_jurors, project=centre)
            assert not result.straight_lining.flagged.any()
            assert not result.halo.flagged.any()
            assert not result.seconds_per_review.flagged.any()


def test_rater_descriptives_flag_the_planted_jurors_only():
    for seed in range(5):
        rng = np.random.default_rng(100 + seed)
        juror, project, values, durations, n_jurors = _panel(rng, straight=3, halo=7, fast=11)
        for centre in (None, project):
            result = rater_descriptives(juror, values, durations, n_jurors=n_jurors, project=centre)
            assert np.flatnonzero(result.straight_lining.flagged).tolist() == [3]
            assert 7 in np.flatnonzero(result.halo.flagged).tolist()
            # A straight-liner's criteria move together too; nobody else's do.
            assert set(np.flatnonzero(result.halo.flagged).tolist()) <= {3, 7}
            assert np.flatnonzero(result.seconds_per_review.flagged).tolist() == [11]
            assert result.seconds_per_review.values[11] < 200
            assert result.reviews.sum() == juror.size


# --- Weight sensitivity --------------------------------------------------------------------------

CRITERIA = ["innovation", "impact"]


def _one_review_each(scores: list[tuple[float, float]]):
    """One review per project: its per-criterion scores are its normalised values × 100."""
    values = np.array(scores, dtype=float) / 100
    return values, (lambda columns: columns)


def test_weight_sensitivity_ten_percent_on_impact_swaps_the_finalist_line():
    # Weights 1:1, two finalists. A = (90, 90) → 90, B = (80, 70) → 75, C = (50, 99) → 74.5,
    # D = (50, 50) → 50. Impact +10 %: B = (80 + 77)/2.1 = 74.76, C = (50 + 108.9)/2.1 = 75.67,
    # so C enters and B leaves, by 1.9/2.1 = 0.905 points. Innovation −10 %: B = 142/1.9 =
    # 74.74, C = 144/1.9 = 75.79, by 2/1.9 = 1.053. Both at once: 4.9/2.0 = 2.45. A stays the winner.
    a, b, c, d = 0, 1, 2, 3
    values, identity = _one_review_each([(90, 90), (80, 70), (50, 99), (50, 50)])
    result = weight_sensitivity(values, [1.0, 1.0], identity, np.zeros(4, dtype=int), 2)[0]
    assert not result.robust and not result.finalists_robust and result.winner_robust
    assert not result.robust_alone
    by_move = {(flip.decision, flip.moves): flip for flip in result.alone}
    impact_up = by_move[(DECISION_FINALISTS, (0, 1))]
    assert (impact_up.enters, impact_up.leaves) == (c, b)
    assert impact_up.margin == pytest.approx(1.9 / 2.1)
    innovation_down = by_move[(DECISION_FINALISTS, (-1, 0))]
    assert (innovation_down.enters, innovation_down.leaves) == (c, b)
    assert innovation_down.margin == pytest.approx(2 / 1.9)
    assert set(by_move) == {(DECISION_FINALISTS, (0, 1)), (DECISION_FINALISTS, (-1, 0))}
    [worst] = result.worst
    assert (worst.decision, worst.moves, worst.enters, worst.leaves) == (
        DECISION_FINALISTS,
        (-1, 1),
        c,
        b,
    )
    assert worst.margin == pytest.approx(2.45)
    assert d not in {flip.enters for flip in result.alone + result.worst}
    assert a not in {flip.leaves for flip in result.alone + result.worst}


def test_weight_sensitivity_only_the_worst_combination_flips():
    # C = (62, 86) → 74 against B = (80, 70) → 75: Δ = (18, −16). Impact +10 %: 18 − 17.6 = 0.4;
    # innovation −10 %: 16.2 − 16 = 0.2; both: 16.2 − 17.6 = −1.4 → C above B by 1.4/2.0 = 0.7.
    values, identity = _one_review_each([(90, 90), (80, 70), (62, 86), (50, 50)])
    result = weight_sensitivity(values, [1.0, 1.0], identity, np.zeros(4, dtype=int), 2)[0]
    assert result.robust_alone and not result.robust
    [worst] = result.worst
    assert (worst.moves, worst.enters, worst.leaves) == ((-1, 1), 2, 1)
    assert worst.margin == pytest.approx(0.7)


def test_weight_sensitivity_robust_when_the_line_is_clear():
    # B = (80, 70) beats C = (40, 60) on both criteria: no weights can swap them.
    values, identity = _one_review_each([(90, 90), (80, 70), (40, 60), (30, 30)])
    result = weight_sensitivity(values, [1.0, 1.0], identity, np.zeros(4, dtype=int), 2)[0]
    assert result.robust and result.robust_alone
    assert result.alone == [] and result.worst == []


def test_weight_sensitivity_per_group_and_winner():
    # Group 7: the winner A = (90, 60) → 75 against B = (60, 88) → 74; impact +10 % puts B first.
    # Group 8: one project, robust.
    values, identity = _one_review_each([(90, 60), (60, 88), (20, 20), (50, 50)])
    groups = np.array([7, 7, 7, 8])
    result = weight_sensitivity(values, [1.0, 1.0], identity, groups, {7: 2, 8: 1})
    assert set(result) == {7, 8}
    assert result[8].robust
    assert result[7].finalists_robust and not result[7].winner_robust
    winner_flips = [f for f in result[7].alone if f.decision == DECISION_WINNER]
    assert {(f.moves, f.enters, f.leaves) for f in winner_flips} == {((0, 1), 1, 0), ((-1, 0), 1, 0)}


def test_weight_sensitivity_ignores_an_organisers_override():
    # The organiser selected C over B (an override): C below B at base weights is not a
    # weight sensitivity; B = (80, 70) vs D = (30, 30) can never swap.
    values, identity = _one_review_each([(90, 90), (80, 70), (60, 62), (30, 30)])
    selected = np.array([True, False, True, False])
    result = weight_sensitivity(values, [1.0, 1.0], identity, np.zeros(4, dtype=int), 2, selected=selected)[0]
    assert result.finalists_robust


def _mean_aggregator(project: np.ndarray, n_projects: int):
    counts = np.bincount(project, minlength=n_projects)

    def scores_for(columns: np.ndarray) -> np.ndarray:
        out = np.zeros((n_projects, columns.shape[1]))
        np.add.at(out, project, columns)
        return out / counts[:, None]

    return scores_for


def _random_round(rng, n_projects: int, n_criteria: int, reviews: int = 3):
    project = np.repeat(np.arange(n_projects), reviews)
    quality = rng.normal(0.6, 0.1, (n_projects, 1)) + rng.normal(0, 0.05, (n_projects, n_criteria))
    values = np.clip(quality[project] + rng.normal(0, 0.1, (project.size, n_criteria)), 0, 1)
    return project, values


def test_weight_sensitivity_linearity_shortcut_equals_recomputation():
    rng = np.random.default_rng(5)
    project, values = _random_round(rng, 50, 4)
    scores_for = _mean_aggregator(project, 50)
    crit = criterion_scores(values, scores_for)
    for _ in range(10):
        w = rng.uniform(0.2, 3.0, 4)
        totals = values @ w / w.sum() * 100
        direct = scores_for(totals[:, None])[:, 0]
        np.testing.assert_allclose(scores_under(crit, w), direct, rtol=0, atol=1e-10)


def _top_set(score: np.ndarray, members: np.ndarray, n: int) -> set[int]:
    order = np.lexsort((members, -score[members]))
    return set(members[order[:n]].tolist())


def test_weight_sensitivity_equals_brute_force_over_every_corner():
    rng = np.random.default_rng(8)
    checked_flips = 0
    for trial in range(40):
        n_projects, n_criteria, top_n = 14, 3, 3
        project, values = _random_round(rng, n_projects, n_criteria, reviews=2)
        scores_for = _mean_aggregator(project, n_projects)
        groups = np.arange(n_projects) % 2
        w0 = rng.uniform(0.5, 2.0, n_criteria)
        result = weight_sensitivity(values, w0, scores_for, groups, top_n)
        for g in (0, 1):
            members = np.flatnonzero(groups == g)

            def project_scores(moves, w0=w0, values=values, scores_for=scores_for):
                w = w0 * (1 + 0.1 * np.array(moves))
                return scores_for((values @ w / w.sum() * 100)[:, None])[:, 0]

            base = project_scores((0,) * n_criteria)
            finalists, winner = _top_set(base, members, top_n), _top_set(base, members, 1)
            changed = {"finalists": False, "winner": False, "finalists_alone": False, "winner_alone": False}
            for moves in itertools.product((-1, 0, 1), repeat=n_criteria):
                score = project_scores(moves)
                alone = sum(1 for m in moves if m) == 1
                if _top_set(score, members, top_n) != finalists:
                    changed["finalists"] = True
                    changed["finalists_alone"] |= alone
                if _top_set(score, members, 1) != winner:
                    changed["winner"] = True
                    changed["winner_alone"] |= alone
            got = result[g]
            assert got.finalists_robust == (not changed["finalists"]), trial
            assert got.winner_robust == (not changed["winner"]), trial
            alone_decisions = {flip.decision for flip in got.alone}
            assert (DECISION_FINALISTS in alone_decisions) == changed["finalists_alone"], trial
            assert (DECISION_WINNER in alone_decisions) == changed["winner_alone"], trial
            # Every reported flip is real: at its weights `enters` scores above `leaves`.
            for flip in got.alone + got.worst:
                score = project_scores(flip.moves)
                assert score[flip.enters] - score[flip.leaves] == pytest.approx(flip.margin)
                assert flip.margin > 0
                checked_flips += 1
    assert checked_flips > 10


def test_weight_sensitivity_five_thousand_projects_ten_criteria():
    rng = np.random.default_rng(1)
    project, values = _random_round(rng, 5000, 10, reviews=5)
    scores_for = _mean_aggregator(project, 5000)
    groups = np.arange(5000) % 4
    result = weight_sensitivity(values, rng.uniform(0.5, 2, 10), scores_for, groups, 10)
    assert set(result) == {0, 1, 2, 3}
    crit = criterion_scores(values, scores_for)
    again = weight_sensitivity_from_scores(crit, np.ones(10), groups, 10)
    assert set(again) == {0, 1, 2, 3}
