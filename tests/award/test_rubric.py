"""The rubric's arithmetic: effective weights and one review's total (award/rubric.py)."""

from decimal import Decimal
from types import SimpleNamespace

import numpy as np

from award.rubric import effective_weights, review_total
from scoring.ranking.loader import normalised_total


def _criterion(pk, weight, lo, hi):
    return SimpleNamespace(pk=pk, weight=Decimal(weight), min_value=Decimal(lo), max_value=Decimal(hi))


def test_effective_weights_are_the_weight_shares_and_sum_to_one_hundred():
    criteria = [_criterion(1, 1, 1, 5), _criterion(2, 1, 0, 10), _criterion(3, 1, 0, 10)]
    shares = effective_weights(criteria)
    # 33.33… each: the largest remainders take the last tenth (first in rubric order).
    assert shares == {1: Decimal("33.4"), 2: Decimal("33.3"), 3: Decimal("33.3")}
    assert sum(shares.values()) == Decimal("100.0")
    assert effective_weights([_criterion(1, 3, 0, 5), _criterion(2, 1, 0, 100)]) == {
        1: Decimal("75.0"),
        2: Decimal("25.0"),
    }
    assert effective_weights([]) == {}


def test_review_total_uses_each_criterions_minimum_the_issues_example():
    # Two criteria, 1–5 and 0–10, weight 1 each: lowest 0, highest 100, the mixed ones 50.
    criteria = [_criterion(1, 1, 1, 5), _criterion(2, 1, 0, 10)]
    assert review_total(criteria, {1: 1, 2: 0}) == 0
    assert review_total(criteria, {1: 5, 2: 10}) == 100
    assert review_total(criteria, {1: 5, 2: 0}) == 50
    assert review_total(criteria, {1: 1, 2: 10}) == 50
    assert review_total(criteria, {1: 3, 2: 7.5}) == 62.5
    assert review_total(criteria, {1: 3}) is None


def test_review_total_agrees_with_the_rankings_vectorised_formula():
    rng = np.random.default_rng(3)
    criteria = [_criterion(1, 2, 1, 5), _criterion(2, 1, 0, 10), _criterion(3, 3, 0, 4)]
    raw = np.column_stack([rng.integers(1, 6, 50), rng.integers(0, 11, 50), rng.integers(0, 5, 50)])
    lo = np.array([1, 0, 0])
    span = np.array([4, 10, 4])
    vectorised = normalised_total((raw - lo) / span, np.array([2.0, 1.0, 3.0]))
    for row, expected in zip(raw, vectorised, strict=True):
        assert abs(review_total(criteria, {1: row[0], 2: row[1], 3: row[2]}) - expected) < 1e-12
