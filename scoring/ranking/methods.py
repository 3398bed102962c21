"""The plain methods and the ranking rules of scoring/ranking/engine.py (its docstring is the
documented rule): mean, median and trimmed mean of a project's totals, competition ranks, and the
official rank with the edition's tie-break rule."""

from __future__ import annotations

import math
from collections import defaultdict

from award.enums import AggregationMethod, TieBreakRule
from award.models import Criterion

_PRECISION = 6
MEDIAN = AggregationMethod.MEDIAN.value


def mean_of(values: list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def median_of(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = len(ordered)
    return ordered[k // 2] if k % 2 else (ordered[k // 2 - 1] + ordered[k // 2]) / 2


def trimmed_mean_of(values: list[float]) -> float | None:
    if len(values) >= 4:
        ordered = sorted(values)[1:-1]
        return math.fsum(ordered) / len(ordered)
    return mean_of(values)


def competition_ranks(items: list[tuple[int, float]]) -> dict[int, int]:
    """(key, score) pairs -> key: rank, best first; equal scores share the better rank."""
    ordered = sorted(items, key=lambda item: -round(item[1], _PRECISION))
    ranks: dict[int, int] = {}
    previous = None
    for position, (key, score) in enumerate(ordered, start=1):
        value = round(score, _PRECISION)
        if previous is None or value != previous[0]:
            previous = (value, position)
        ranks[key] = previous[1]
    return ranks


def top_criterion(criteria: list[Criterion]) -> Criterion | None:
    best = None
    for criterion in criteria:
        if best is None or criterion.weight > best.weight:
            best = criterion
    return best


def rank_official(rows: list, method: str, rule: str, top: Criterion | None) -> None:
    """Sort ranked rows by the official score and give each its rank (``rank``, ``tie``,
    ``tie_break``, the ``tie`` flag) by the edition's tie-break rule (engine docstring, item 4)."""

    def crit(row) -> float:
        value = row.criterion_means.get(top.pk) if top is not None else None
        return round(value, _PRECISION) if value is not None else -math.inf

    def med(row) -> float:
        return round(row.scores[MEDIAN], _PRECISION)

    if rule == TieBreakRule.MEDIAN_THEN_TOP_CRITERION:
        breakers = [("median", med), ("criterion", crit)]
    elif rule == TieBreakRule.TOP_CRITERION_THEN_MEDIAN:
        breakers = [("criterion", crit), ("median", med)]
    else:
        breakers = []

    keys = {id(row): (round(row.official_score, _PRECISION), *[fn(row) for _name, fn in breakers]) for row in rows}

    def key(row) -> tuple:
        return keys[id(row)]

    rows.sort(key=lambda r: tuple(-v for v in key(r)))
    previous_key = None
    rank = 0
    for position, row in enumerate(rows, start=1):
        k = key(row)
        if k != previous_key:
            rank = position
            previous_key = k
        row.rank = rank
    by_rank: dict[int, list] = defaultdict(list)
    by_score: dict[float, list] = defaultdict(list)
    for row in rows:
        by_rank[row.rank].append(row)
        by_score[key(row)[0]].append(row)
    for row in rows:
        if len(by_rank[row.rank]) > 1:
            row.tie = True
            row.flags.append("tie")
        elif len(by_score[key(row)[0]]) > 1:
            # Equal official score, separated by the first breaker that differs within the group.
            group = by_score[key(row)[0]]
            for index, (name, _fn) in enumerate(breakers, start=1):
                if len({key(other)[: index + 1] for other in group}) > 1:
                    row.tie_break = name
                    break
