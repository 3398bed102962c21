"""Weight sensitivity: would the finalists or the winner change if a criterion's weight moved?

Pure numpy, no Django import.

Why it is cheap
---------------
A review's total is Σ_c w_c v_c / Σ_c w_c × 100 (v_c its normalised value of criterion c, 0–1).
When the aggregator from review totals to project scores is linear (the mean per project, or the
calibrated model's smoother with its variance components and scales held fixed), a project's
score under any weights is the same weighted combination of its *per-criterion* project scores:

    score_p(w) = Σ_c w_c S_pc / Σ_c w_c,     S_pc = aggregator applied to the column 100·v_c.

So the C per-criterion scores are computed once (one call of the aggregator with C columns) and
every weight vector costs a P × C product.

The question, exactly
---------------------
Each weight may move by ±``STEP`` (10 %) of its value, alone ("alone") or all at once in any
combination ("worst combination"). The decision about a category's finalists changes when a
project outside the reference set (the current selection, by default the top N at the base
weights) scores strictly above (by more than 1e-9 points) a project of the set. For one pair,
the sign of score_i(w) − score_o(w) is the sign of Δ·w with Δ = S_i − S_o (Σw > 0), a linear
function of w: over the box of moved weights its minimum is at the corner that lowers the
weights of the criteria where i is better (Δ_c > 0) and raises the others, and equals
Δ·w₀ − STEP · |Δ|·w₀. So the worst combination is found exactly, pair by pair, without trying
the 2^C corners; a criterion moved alone changes Δ·w₀ by ±STEP · Δ_c w₀_c. Pairs that the
selection already orders against the scores at the base weights (an organiser's override) are
not a weight sensitivity and are left out. The winner is checked the same way, with the
category's highest-scoring project at the base weights against every other project.

A flip is reported as: the decision ("finalists" or "winner"), the move of each criterion's
weight (+1 = raised by STEP, −1 = lowered, 0 = unchanged), the project that enters (scores
above the other at the moved weights), the project that leaves, and by how many points it
overtakes. Of all pairs a move reverses, the one reversed by the most points is named.
Cost: per category, (size of the reference set) × (projects) × C: at 5,000 projects, C = 10 and
10 finalists, a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

STEP = 0.10
DECISION_FINALISTS = "finalists"
DECISION_WINNER = "winner"
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Flip:
    """At the weights w₀ × (1 + STEP × moves), ``enters`` scores ``margin`` points above
    ``leaves``. In a worst combination a 0 move is a criterion on which the two projects are
    equal (its weight does not matter to them)."""

    decision: str
    moves: tuple[int, ...]
    enters: int
    leaves: int
    margin: float

    @property
    def alone(self) -> bool:
        return sum(1 for m in self.moves if m) == 1


@dataclass
class GroupSensitivity:
    group: object
    finalists_robust: bool = True
    winner_robust: bool = True
    # One flip per (criterion, direction, decision) that flips on its own.
    alone: list[Flip] = field(default_factory=list)
    # The worst combination per decision that flips (at most one per decision).
    worst: list[Flip] = field(default_factory=list)

    @property
    def robust(self) -> bool:
        """Neither the finalists nor the winner change under any combination of moves."""
        return self.finalists_robust and self.winner_robust

    @property
    def robust_alone(self) -> bool:
        return not self.alone


def criterion_scores(values, scores_for: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """The per-criterion project scores S (n_projects × C, on 0–100): the linear aggregator
    applied once to the C columns 100 × normalised value."""
    values = np.asarray(values, dtype=float)
    return np.asarray(scores_for(100.0 * values), dtype=float)


def scores_under(crit_scores, weights) -> np.ndarray:
    """Project scores under ``weights``: S w / Σw (equal to aggregating the weighted totals)."""
    w = np.asarray(weights, dtype=float)
    return np.asarray(crit_scores, dtype=float) @ w / w.sum()


def _top(members: np.ndarray, score: np.ndarray, n: int) -> np.ndarray:
    # Best first; equal scores by project index, so the reference is reproducible.
    order = np.lexsort((members, -score[members]))
    return members[order[:n]]


class _Worst:
    """Keeps, per key, the most negative perturbed difference and its pair and moves."""

    def __init__(self) -> None:
        self.best: dict[object, tuple[float, int, int, tuple[int, ...]]] = {}

    def offer(self, key, value: float, enters: int, leaves: int, moves: tuple[int, ...]) -> None:
        if key not in self.best or value < self.best[key][0]:
            self.best[key] = (value, enters, leaves, moves)


def _check(
    crit_scores: np.ndarray,
    w0: np.ndarray,
    insiders: np.ndarray,
    outsiders: np.ndarray,
    step: float,
    decision: str,
    result: GroupSensitivity,
) -> bool:
    """Adds the flips of one decision to ``result``; returns True when it is robust."""
    if insiders.size == 0 or outsiders.size == 0:
        return True
    n_crit = w0.size
    total_w = w0.sum()
    alone = _Worst()
    worst = _Worst()
    s_out = crit_scores[outsiders]
    for i in insiders:
        delta = crit_scores[i] - s_out  # (M, C)
        base = delta @ w0
        # Pairs the selection already orders against the scores are overrides, not sensitivity.
        keep = base / total_w >= -_TOLERANCE
        if not keep.any():
            continue
        delta, base, outs = delta[keep], base[keep], outsiders[keep]
        # Worst combination per pair: lower the weights where i is better, raise the others.
        corner = -np.sign(delta)  # (M, C)
        w_corner = w0 * (1.0 + step * corner)
        worst_diff = np.einsum("mc,mc->m", delta, w_corner) / w_corner.sum(axis=1)
        # A pair that the worst combination does not reverse is reversed by no move at all (the
        # single moves are points of the same box): only the others are looked at further.
        reversed_ = worst_diff < -_TOLERANCE
        if not reversed_.any():
            continue
        row = int(np.argmin(worst_diff))
        worst.offer(decision, float(worst_diff[row]), int(outs[row]), int(i), tuple(int(m) for m in corner[row]))
        delta, base, outs = delta[reversed_], base[reversed_], outs[reversed_]
        # Alone: criterion c moved by s ∈ {+1, −1}: Δ·w = base + s·step·Δ_c w0_c, Σw = total + s·step·w0_c.
        change = step * delta * w0  # (M, C)
        for sign in (1, -1):
            moved = (base[:, None] + sign * change) / (total_w + sign * step * w0)
            column_min = moved.min(axis=0)
            for c in np.flatnonzero(column_min < -_TOLERANCE):
                row = int(np.argmin(moved[:, c]))
                moves = tuple(sign if k == c else 0 for k in range(n_crit))
                alone.offer((c, sign), float(column_min[c]), int(outs[row]), int(i), moves)
    for _key, (value, enters, leaves, moves) in sorted(alone.best.items()):
        result.alone.append(Flip(decision, moves, enters, leaves, -value))
    for value, enters, leaves, moves in worst.best.values():
        result.worst.append(Flip(decision, moves, enters, leaves, -value))
    return not worst.best


def weight_sensitivity_from_scores(
    crit_scores,
    weights,
    groups,
    top_n: int | Mapping[object, int],
    *,
    selected=None,
    step: float = STEP,
) -> dict[object, GroupSensitivity]:
    """Per group (category): are its finalists and its winner robust to each weight moving by
    ±``step``, alone or in the worst combination? ``crit_scores``: n_projects × C from
    ``criterion_scores``; projects with a NaN score are left out. ``top_n``: the finalists'
    count, one for all groups or per group. ``selected``: bool per project, the current
    finalists; by default the top N of each group at the base weights."""
    crit_scores = np.asarray(crit_scores, dtype=float)
    w0 = np.asarray(weights, dtype=float)
    if w0.ndim != 1 or w0.size != crit_scores.shape[1] or not (w0 >= 0).all() or w0.sum() <= 0:
        raise ValueError("weights must be non-negative, one per criterion, not all zero")
    groups = np.asarray(groups)
    base = scores_under(crit_scores, w0)
    valid = np.isfinite(base)
    out: dict[object, GroupSensitivity] = {}
    for g in np.unique(groups[valid]):
        key = g.item() if hasattr(g, "item") else g
        members = np.flatnonzero((groups == g) & valid)
        n = top_n[key] if isinstance(top_n, Mapping) else top_n
        n = max(0, min(int(n), members.size))
        if selected is None:
            finalists = _top(members, base, n)
        else:
            finalists = members[np.asarray(selected, dtype=bool)[members]]
        result = GroupSensitivity(group=key)
        others = np.setdiff1d(members, finalists)
        result.finalists_robust = _check(crit_scores, w0, finalists, others, step, DECISION_FINALISTS, result)
        winner = _top(members, base, 1)
        result.winner_robust = _check(
            crit_scores, w0, winner, np.setdiff1d(members, winner), step, DECISION_WINNER, result
        )
        out[key] = result
    return out


def weight_sensitivity(
    values,
    weights,
    scores_for: Callable[[np.ndarray], np.ndarray],
    groups,
    top_n: int | Mapping[object, int],
    *,
    selected=None,
    step: float = STEP,
) -> dict[object, GroupSensitivity]:
    """``weight_sensitivity_from_scores`` from the reviews' normalised values (n_reviews × C,
    0–1) and the linear aggregator ``scores_for`` (n_reviews × m columns -> n_projects × m)."""
    crit_scores = criterion_scores(values, scores_for)
    return weight_sensitivity_from_scores(crit_scores, weights, groups, top_n, selected=selected, step=step)
