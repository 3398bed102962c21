"""The calibrated ranking's numerical core (scoring/calibration), pure numpy: hand-computed
examples, independent dense computations and small simulations where the truth is known."""

import numpy as np
import pytest

from scoring.calibration.graph import components
from scoring.calibration.inference import benjamini_hochberg, diagnose, favouritism_test, leniency_test
from scoring.calibration.model import fit
from scoring.calibration.posterior import draw, draw_effects
from tests.scoring.reference import standardised

# The 3-project × 2-juror example: juror A (0) reviews projects 0, 1, 2; juror B (1) reviews 0, 1.
Y = np.array([70.0, 60.0, 50.0, 80.0, 74.0])
PROJECT = np.array([0, 1, 2, 0, 1])
JUROR = np.array([0, 0, 0, 1, 1])


def zscores(y, project, juror, n_projects):
    """The old standardised method, the reference the calibrated method is compared with."""
    return standardised(y, project, juror, n_projects=n_projects)


def dense_mme(y, project, juror, n_projects, n_jurors, lam):
    """Independent solve: fixed projects, ridge jurors, as one dense augmented least squares."""
    X = np.zeros((len(y), n_projects))
    X[np.arange(len(y)), project] = 1
    Z = np.zeros((len(y), n_jurors))
    Z[np.arange(len(y)), juror] = 1
    design = np.vstack(
        [np.hstack([X, Z]), np.hstack([np.zeros((n_jurors, n_projects)), np.sqrt(lam) * np.eye(n_jurors)])]
    )
    target = np.concatenate([y, np.zeros(n_jurors)])
    solution = np.linalg.lstsq(design, target, rcond=None)[0]
    coefficients = np.hstack([X, Z]).T @ np.hstack([X, Z]) + np.diag([0] * n_projects + [lam] * n_jurors)
    return solution[:n_projects], solution[n_projects:], np.linalg.inv(coefficients)


def test_fit_small_example_hand_computed():
    # By hand (module docstring of model.py): within-project SS 148 on 2 df, the absorbed juror
    # matrix [[1, -1], [-1, 1]] with r = (-12, 12); REML gives 1 + 2γ = 36, so γ = 17.5,
    # σ_e² = (4 + 144/36)/2 = 4, σ_b² = 70, λ = 2/35, b = ±12/(2 + 2/35) = ±35/6.
    result = fit(Y, PROJECT, JUROR, n_projects=3, n_jurors=2, scales=False)
    assert result.sigma2_e == pytest.approx(4.0, rel=1e-5)
    assert result.sigma2_b == pytest.approx(70.0, rel=1e-4)
    assert result.leniency == pytest.approx([-35 / 6, 35 / 6], rel=1e-5)
    # Projects 0 and 1 are seen by both jurors (their leniencies cancel); project 2 only by the
    # harsh juror A, so it is corrected upwards: 50 + 35/6.
    assert result.score == pytest.approx([75.0, 67.0, 50 + 35 / 6], rel=1e-6)
    assert result.residuals == pytest.approx(Y - result.fitted)
    assert result.components.count == 1
    assert result.iterations == 1 and result.converged


def test_fit_matches_dense_least_squares_and_its_standard_errors():
    result = fit(Y, PROJECT, JUROR, n_projects=3, n_jurors=2, scales=False)
    lam = result.sigma2_e / result.sigma2_b
    a, b, inverse = dense_mme(Y, PROJECT, JUROR, 3, 2, lam)
    assert result.score == pytest.approx(a, abs=1e-9)
    assert result.leniency == pytest.approx(b, abs=1e-9)
    pev = result.sigma2_e * np.diag(inverse)
    assert result.score_se == pytest.approx(np.sqrt(pev[:3]), rel=1e-9)
    assert result.leniency_se == pytest.approx(np.sqrt(pev[3:]), rel=1e-9)


def test_fit_random_plan_matches_dense_solve_and_dense_reml():
    rng = np.random.default_rng(3)
    P, J, k = 30, 6, 3
    project = np.repeat(np.arange(P), k)
    juror = np.argsort(rng.random((P, J)), axis=1)[:, :k].ravel()
    y = rng.normal(60, 10, P)[project] + rng.normal(0, 5, J)[juror] + rng.normal(0, 4, len(project))
    result = fit(y, project, juror, n_projects=P, n_jurors=J, scales=False)
    a, b, _inverse = dense_mme(y, project, juror, P, J, result.sigma2_e / result.sigma2_b)
    assert result.score == pytest.approx(a, abs=1e-8)
    assert result.leniency == pytest.approx(b, abs=1e-8)

    # REML written densely: −2 l = log|V| + log|X'V⁻¹X| + y'Py, V = σ_b² ZZ' + σ_e² I.
    X = np.zeros((len(y), P))
    X[np.arange(len(y)), project] = 1
    Z = np.zeros((len(y), J))
    Z[np.arange(len(y)), juror] = 1

    def minus2l(s2b, s2e):
        V = s2b * Z @ Z.T + s2e * np.eye(len(y))
        Vi = np.linalg.inv(V)
        XtViX = X.T @ Vi @ X
        Pm = Vi - Vi @ X @ np.linalg.solve(XtViX, X.T @ Vi)
        return np.linalg.slogdet(V)[1] + np.linalg.slogdet(XtViX)[1] + y @ Pm @ y

    best = minus2l(result.sigma2_b, result.sigma2_e)
    for fb, fe in [(1.1, 1), (0.9, 1), (1, 1.1), (1, 0.9), (1.2, 1.2), (0.8, 0.8)]:
        assert minus2l(result.sigma2_b * fb, result.sigma2_e * fe) > best


def test_components_of_a_small_plan_named_and_sized():
    # Projects 0, 1 with jurors 0, 1; projects 2, 3, 4 with juror 2; project 5 unreviewed; juror 3 idle.
    project = np.array([0, 0, 1, 2, 3, 4])
    juror = np.array([0, 1, 1, 2, 2, 2])
    graph = components(project, juror, n_projects=6, n_jurors=4)
    assert graph.count == 2
    assert not graph.connected
    # The largest component (by projects) is number 0.
    assert graph.project.tolist() == [1, 1, 0, 0, 0, -1]
    assert graph.juror.tolist() == [1, 1, 0, -1]
    assert graph.project_sizes.tolist() == [3, 2]
    assert graph.juror_sizes.tolist() == [1, 2]
    assert graph.review_sizes.tolist() == [3, 3]
    assert graph.projects_of(1).tolist() == [0, 1]


def test_disconnected_plan_detected_and_each_component_centred():
    rng = np.random.default_rng(5)
    # Two panels of 10 projects, 3 jurors each, no juror in common.
    project = np.repeat(np.arange(20), 3)
    juror = np.concatenate([rng.choice(3, 3, replace=False) + (3 if p >= 10 else 0) for p in range(20)])
    y = 60 + np.array([8, -4, 0, 5, -6, 2])[juror] + rng.normal(0, 10, 20)[project] + rng.normal(0, 3, 60)
    result = fit(y, project, juror, n_projects=20, n_jurors=6, scales=False)
    assert result.components.count == 2
    assert result.project_component.tolist() == [0] * 10 + [1] * 10
    assert result.juror_component.tolist() == [0, 0, 0, 1, 1, 1]
    # Leniency is comparable only within a component: each component's leniencies sum to zero.
    assert result.leniency[:3].sum() == pytest.approx(0, abs=1e-9)
    assert result.leniency[3:].sum() == pytest.approx(0, abs=1e-9)
    assert np.all(np.isfinite(result.score))


def test_banded_plan_with_lenient_juror_calibrated_recovers_order_zscores_do_not():
    # Low panel (true 40, 45, 50) scored by juror 0 (neutral); high panel (70, 75, 80) by juror 1
    # (lenient, +10); juror 2 (neutral) scores all six and links the panels.
    truth = np.array([40.0, 45.0, 50.0, 70.0, 75.0, 80.0])
    leniency = np.array([0.0, 10.0, 0.0])
    project = np.array([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5])
    juror = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2])
    noise = np.array([0.5, -0.4, 0.3, -0.6, 0.2, 0.4, -0.3, 0.6, -0.5, 0.1, -0.2, 0.3])
    y = truth[project] + leniency[juror] + noise
    calibrated = fit(y, project, juror, n_projects=6, n_jurors=3, scales=False).score
    assert np.argsort(-calibrated).tolist() == [5, 4, 3, 2, 1, 0]
    z = zscores(y, project, juror, 6)
    # The z-scores put the best low-panel project (50) above the worst high-panel one (70).
    assert z[2] > z[3]
    assert np.argsort(-z).tolist() != [5, 4, 3, 2, 1, 0]


def test_juror_with_two_reviews_does_not_flip_order_like_zscores():
    # Jurors 0–2 score all six projects; juror 3 scores only projects 0 and 1: 71 and 70.
    regular = np.array(
        [
            [61.0, 64.0, 50.0, 55.0, 70.0, 45.0],
            [60.0, 63.0, 52.0, 54.0, 72.0, 44.0],
            [62.0, 65.0, 49.0, 57.0, 69.0, 46.0],
        ]
    )
    project = np.concatenate([np.tile(np.arange(6), 3), [0, 1]])
    juror = np.concatenate([np.repeat([0, 1, 2], 6), [3, 3]])
    y = np.concatenate([regular.ravel(), [71.0, 70.0]])
    z = zscores(y, project, juror, 6)
    assert z[0] > z[1]  # z-scores: juror 3's 71 vs 70 becomes +1 vs −1 and flips the pair
    result = fit(y, project, juror, n_projects=6, n_jurors=4, scales=False)
    assert result.score[1] > result.score[0]
    # The two-review juror's leniency is shrunk: smaller than the raw gap to the panel (≈ 8).
    assert 0 < result.leniency[3] < 8


def test_edge_cases_one_review_jurors_single_review_projects_unequal_counts():
    rng = np.random.default_rng(11)
    P, J = 40, 9
    # Jurors 0–7 score projects 1..P−1 three each; project 0 is an anchor scored by jurors 0–7;
    # project 5 keeps a single review; juror 8 scores only project 39; project P and juror
    # J (the last of each) have no reviews at all.
    pairs = [(0, j) for j in range(8)]
    for p in range(1, P):
        chosen = rng.choice(8, 1 if p == 5 else 3, replace=False)
        pairs += [(p, int(j)) for j in chosen]
    pairs.append((39, 8))
    project, juror = np.array(pairs).T
    y = np.clip(rng.normal(60, 12, len(project)), 0, 100)
    result = fit(y, project, juror, n_projects=P + 1, n_jurors=J + 1)
    assert np.isnan(result.score[P]) and result.project_component[P] == -1
    assert result.juror_component[J] == -1
    assert np.all(np.isfinite(result.score[:P])) and np.all(np.isfinite(result.score_se[:P]))
    assert result.n_reviews[5] == 1 and result.n_reviews[0] == 8
    assert result.juror_reviews[8] == 1
    assert abs(result.leniency[8]) < 3  # shrunk hard
    assert result.converged
    posterior = draw(result, n_draws=200, seed=0, top_n=5)
    assert np.isnan(posterior.p_top[P])
    assert np.nansum(posterior.p_top) == pytest.approx(5.0)


def test_round_without_reviews_and_with_one_review_do_not_crash():
    none = np.array([], dtype=np.int64)
    empty = fit(np.array([]), none, none, n_projects=3, n_jurors=2)
    assert np.isnan(empty.score).all() and empty.components.count == 0
    assert np.isnan(draw(empty, n_draws=10, seed=0).p_top).all()
    assert not diagnose(empty).leniency.tested.any()
    single = fit(np.array([55.0]), np.array([1]), np.array([0]), n_projects=3, n_jurors=2)
    assert single.score[1] == 55.0 and single.leniency.tolist() == [0.0, 0.0]
    assert draw(single, n_draws=10, seed=0).p_top[1] == 1.0


def test_all_equal_totals_give_the_total_and_no_leniency():
    project = np.repeat(np.arange(10), 3)
    juror = np.tile(np.arange(3), 10)
    result = fit(np.full(30, 72.5), project, juror, n_projects=10, n_jurors=3)
    assert result.score == pytest.approx(np.full(10, 72.5))
    assert result.leniency == pytest.approx(np.zeros(3), abs=1e-9)
    posterior = draw(result, n_draws=200, seed=1, top_n=2)
    assert posterior.p_top.sum() == pytest.approx(2.0)


def test_every_project_reviewed_once_is_not_identifiable_but_scores_are_the_totals():
    y = np.array([50.0, 60.0, 70.0])
    result = fit(y, np.array([0, 1, 2]), np.array([0, 1, 1]), n_projects=3, n_jurors=2)
    assert not result.identifiable
    assert result.score == pytest.approx(y)


def test_scale_recovered_for_a_juror_who_stretches():
    rng = np.random.default_rng(2)
    P, J, k = 300, 20, 5
    project = np.repeat(np.arange(P), k)
    juror = np.argsort(rng.random((P, J)), axis=1)[:, :k].ravel()
    truth = rng.normal(60, 10, P)
    scale = np.ones(J)
    scale[0], scale[1] = 1.5, 0.6
    y = 60 + scale[juror] * (truth[project] - 60) + rng.normal(0, 3, J)[juror] + rng.normal(0, 4, len(project))
    result = fit(y, project, juror, n_projects=P, n_jurors=J)
    assert result.converged
    assert result.scaled.all()
    assert result.scale[0] == pytest.approx(1.5, abs=0.15)
    assert result.scale[1] == pytest.approx(0.6, abs=0.15)
    assert np.all(result.scale_se[:2] > 0)
    assert np.corrcoef(result.score, truth)[0, 1] > 0.97


def test_no_scale_terms_when_projects_do_not_differ():
    # Pure noise: every juror scores every project, no project is better than another.
    rng = np.random.default_rng(0)
    project = np.repeat(np.arange(50), 5)
    juror = np.tile(np.arange(5), 50)
    result = fit(rng.normal(60, 8, 250), project, juror, n_projects=50, n_jurors=5)
    assert result.scale.tolist() == [1.0] * 5
    assert not result.scaled.any()
    assert result.iterations == 1


def test_posterior_draws_match_dense_posterior():
    result = fit(Y, PROJECT, JUROR, n_projects=3, n_jurors=2, scales=False)
    # Dense joint posterior of (μ, a°, b): flat μ, a° ~ N(0, σ_a²), b ~ N(0, σ_b²).
    s2e, s2a, s2b = result.sigma2_e, result.sigma2_a, result.sigma2_b
    design = np.zeros((5, 6))
    design[:, 0] = 1
    design[np.arange(5), 1 + PROJECT] = 1
    design[np.arange(5), 4 + JUROR] = 1
    precision = design.T @ design / s2e + np.diag([0, 1 / s2a, 1 / s2a, 1 / s2a, 1 / s2b, 1 / s2b])
    cov = np.linalg.inv(precision)
    mean = cov @ design.T @ Y / s2e
    to_a = np.hstack([np.ones((3, 1)), np.eye(3), np.zeros((3, 2))])
    draws = draw_effects(result, n_draws=40_000, rng=np.random.default_rng(0))
    assert draws.mean(axis=0) == pytest.approx(to_a @ mean, abs=0.15)
    assert np.cov(draws.T) == pytest.approx(to_a @ cov @ to_a.T, abs=0.6)
    # The documented widening multiplies all three variance components: the covariance doubles.
    wider = draw_effects(result, n_draws=40_000, rng=np.random.default_rng(0), inflation=2.0)
    assert wider.mean(axis=0) == pytest.approx(to_a @ mean, abs=0.2)
    assert np.cov(wider.T) == pytest.approx(2 * to_a @ cov @ to_a.T, abs=1.2)


def test_posterior_same_seed_same_probabilities():
    rng = np.random.default_rng(4)
    project = np.repeat(np.arange(60), 3)
    juror = np.argsort(rng.random((60, 10)), axis=1)[:, :3].ravel()
    y = rng.normal(60, 10, 60)[project] + rng.normal(0, 4, 10)[juror] + rng.normal(0, 6, 180)
    result = fit(y, project, juror, n_projects=60, n_jurors=10)
    groups = np.repeat([0, 1], 30)
    one = draw(result, n_draws=500, seed=42, groups=groups, top_n={0: 3, 1: 1})
    two = draw(result, n_draws=500, seed=42, groups=groups, top_n={0: 3, 1: 1})
    other = draw(result, n_draws=500, seed=43, groups=groups, top_n={0: 3, 1: 1})
    assert np.array_equal(one.p_top, two.p_top)
    assert np.array_equal(one.rank_low, two.rank_low) and np.array_equal(one.rank_high, two.rank_high)
    assert not np.array_equal(one.p_top, other.p_top)
    # Per group: P sums to N, ranks run within the group, the band and Σ(1 − P) of the selection.
    assert one.p_top[:30].sum() == pytest.approx(3.0)
    assert one.p_top[30:].sum() == pytest.approx(1.0)
    assert one.expected_rank[:30].mean() == pytest.approx(15.5)
    assert np.all(one.rank_low <= one.expected_rank) and np.all(one.expected_rank <= one.rank_high)
    summary = one.summaries[0]
    assert summary.selected.tolist() == np.argsort(-result.score[:30], kind="stable")[:3].tolist()
    assert summary.expected_wrong == pytest.approx(one.expected_wrong(summary.selected))
    assert summary.expected_wrong == pytest.approx(3 - one.p_top[summary.selected].sum())
    assert all(0.1 < one.p_top[i] < 0.9 for i in summary.band)
    inside = [i for i in range(30) if 0.1 < one.p_top[i] < 0.9]
    assert sorted(summary.band.tolist()) == inside


def test_posterior_calibrated_in_simulation():
    # Small version of bench/fairness.py: 40 rounds of 150 projects × 3 jurors (of 25), top 15.
    probabilities, truth = [], []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        P, J, k = 150, 25, 3
        quality = rng.normal(60, 10, P)
        project = np.repeat(np.arange(P), k)
        juror = np.argsort(rng.random((P, J)), axis=1)[:, :k].ravel()
        y = quality[project] + rng.normal(0, 6, J)[juror] + rng.normal(0, 8, len(project))
        result = fit(y, project, juror, n_projects=P, n_jurors=J, scales=False)
        probabilities.append(draw(result, n_draws=300, seed=seed, top_n=15).p_top)
        top = np.zeros(P, dtype=bool)
        top[np.argsort(-quality)[:15]] = True
        truth.append(top)
    p, t = np.concatenate(probabilities), np.concatenate(truth)
    bins = np.minimum((p * 5).astype(int), 4)
    for b in range(5):
        inside = bins == b
        if inside.sum() >= 100:
            assert abs(p[inside].mean() - t[inside].mean()) < 0.08
    assert np.mean((p - t) ** 2) < 0.07


def test_benjamini_hochberg_small_examples():
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005], 0.05).tolist() == [True, True, True, True]
    assert benjamini_hochberg([0.01, 0.02, 0.5], 0.05).tolist() == [True, True, False]
    # 0.02 > 0.05·1/3, 0.03 > 0.05·2/3... only 0.04 ≤ 0.05·3/3 would pass if it were the largest:
    assert benjamini_hochberg([0.02, 0.04, 0.06], 0.05).tolist() == [False, False, False]
    # NaN is not a test: m = 2, so 0.02 ≤ 0.05·1/2 is rejected.
    assert benjamini_hochberg([0.02, np.nan, 0.5], 0.05).tolist() == [True, False, False]


def simulated_round(seed, *, bias):
    rng = np.random.default_rng(seed)
    P, J, k = 400, 60, 5
    project = np.repeat(np.arange(P), k)
    juror = np.argsort(rng.random((P, J)), axis=1)[:, :k].ravel()
    project_country = rng.integers(0, 4, P)
    juror_country = rng.integers(0, 4, J)
    own = project_country[project] == juror_country[juror]
    leniency = rng.normal(0, 6, J)
    leniency[0] = 15.0
    y = rng.normal(60, 10, P)[project] + leniency[juror] + rng.normal(0, 8, len(project))
    y = y + bias * own * (juror == 1)
    # No scale terms: one evaluation instead of a few dozen keeps the test fast; the tests here
    # are about leniency and favouritism, and the scale test needs no fitted scales.
    result = fit(y, project, juror, n_projects=P, n_jurors=J, scales=False)
    return result, project_country, juror_country


def test_favouritism_flagged_when_planted_and_not_when_absent():
    for seed in range(3):
        clean, pc, jc = simulated_round(seed, bias=0.0)
        assert not favouritism_test(clean, pc, jc).flagged.any()
        biased, pc, jc = simulated_round(seed, bias=20.0)
        flagged = favouritism_test(biased, pc, jc)
        assert np.flatnonzero(flagged.flagged).tolist() == [1]
        assert flagged.adjusted_low[1] > 0 and flagged.low[1] > 0
        assert flagged.estimate[1] == pytest.approx(20.0, abs=7)


def test_diagnostics_flag_the_lenient_juror_and_intervals_agree_with_flags():
    result, pc, jc = simulated_round(0, bias=0.0)
    diagnostics = diagnose(result, project_country=pc, juror_country=jc)
    leniency = diagnostics.leniency
    assert leniency.flagged[0]
    assert leniency.estimate[0] == pytest.approx(15.0, abs=4)
    # Flagged exactly where the corrected interval excludes 0.
    excludes = (leniency.adjusted_low > 0) | (leniency.adjusted_high < 0)
    assert np.array_equal(leniency.flagged, excludes & leniency.tested)
    assert not diagnostics.scale.flagged.any()
    assert not diagnostics.favouritism.flagged.any()


def test_leniency_test_on_the_small_example():
    result = fit(Y, PROJECT, JUROR, n_projects=3, n_jurors=2, scales=False)
    test = leniency_test(result)
    # Fixed-effect leniencies: ±6 (half the mean difference of 12 on the shared projects), with
    # variance σ_e² · 1/4 (the pseudo-inverse of [[1, −1], [−1, 1]] has 1/4 on its diagonal).
    assert test.estimate == pytest.approx([-6.0, 6.0], rel=1e-6)
    assert test.se == pytest.approx([1.0, 1.0], rel=1e-4)
    assert test.df == 1
