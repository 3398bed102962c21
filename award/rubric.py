"""The rubric's arithmetic, written once for every page that shows it and for the ranking.

A review's total on 0–100 normalises each criterion to 0–1 before weighting::

    total = 100 × Σ wᵢ (vᵢ − minᵢ) / (maxᵢ − minᵢ) / Σ wᵢ

so a criterion counts with exactly its weight whatever its range: its *effective weight* is
wᵢ / Σ w. ``scoring.ranking.loader.normalised_total`` is the vectorised form of ``review_total``
used by the ranking; a test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal


def effective_weights(criteria: Iterable) -> dict[int, Decimal]:
    """Each criterion's share of the total in percent, one decimal, summing to exactly 100.0
    (largest remainder), keyed by criterion id. Criteria need ``pk`` and ``weight``; an empty or
    weightless rubric gives {}."""
    items = [(c.pk, Decimal(c.weight)) for c in criteria]
    whole = sum((w for _pk, w in items), Decimal(0))
    if not items or whole <= 0:
        return {}
    tenths = [(pk, w * 1000 / whole) for pk, w in items]
    floors = {pk: int(t) for pk, t in tenths}
    left = 1000 - sum(floors.values())
    # Hand the remaining tenths to the largest remainders (ties: rubric order).
    for pk, _t in sorted(tenths, key=lambda item: -(item[1] - int(item[1])))[:left]:
        floors[pk] += 1
    return {pk: (Decimal(floors[pk]) / 10).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) for pk, _w in items}


def review_total(criteria: Iterable, values: Mapping[int, Decimal | float | None]) -> float | None:
    """One review's total on 0–100 by the ranking's formula (module docstring), from the values
    keyed by criterion id; None until every criterion has a value."""
    numerator = denominator = 0.0
    for c in criteria:
        value = values.get(c.pk)
        if value is None:
            return None
        weight = float(c.weight)
        span = float(c.max_value) - float(c.min_value)
        numerator += weight * (float(value) - float(c.min_value)) / span
        denominator += weight
    if denominator <= 0:
        return None
    return 100.0 * numerator / denominator
