"""FROZEN: the ranking engine as it was on main before issue 15 ("legacy-1": z-scores, a
per-project bootstrap, totals over each criterion's maximum), kept verbatim in its numbers so
that the rounds sealed by migration 0007 can be recomputed by the code that decided them
(``manage.py results_verify``). Do not change a number here: a new engine is a new module.

It works on any model registry (``apps``): the migration passes the historical models,
``results_verify`` passes ``django.apps.apps``. Choice values are literals (the enums change).
Also frozen here: the presenter's row shape of that day (``row_as_json``) and the canonical
hash of the score rows (``score_rows_hash``, format "scores-v1"), which every snapshot uses.

The original docstring of scoring/ranking/engine.py follows.

The ranking of a category in a round: totals, aggregates, tie rules, flags, agreement, bootstrap.

How it is computed, in order (this docstring is the documented rule the organisers can quote):

1. A juror's total for a project is computed in the database over the scores of a *completed*
   assignment: sum(weight × score) / sum(weight × criterion maximum) × 100, so 0–100 whatever
   the rubric.
2. A project's score by each method, from its jurors' totals:
   - ``mean``;
   - ``median``;
   - ``trimmed_mean``: the highest and the lowest total are dropped when there are at least 4,
     otherwise the mean;
   - ``standardised``: each juror's totals over *all* the projects that juror scored in the round
     become z-scores (population standard deviation; a juror whose totals do not vary gives 0),
     the z-scores are averaged per project and mapped back onto the 0–100 scale with the round's
     overall mean and population standard deviation of the totals (mean + sd × z). This corrects
     lenient and harsh jurors: two jurors with the same ordering land on the same scale.
3. Only a project whose every assigned (non-recused) review is finalised gets a rank. A project
   with missing reviews is flagged ``missing_reviews`` and listed after the ranked ones with its
   provisional scores; it is never ranked silently with fewer jurors.
4. The official rank uses the edition's official method. Equal official scores (to 6 decimals)
   are separated by the edition's tie-break rule: by default the median, then the mean score on
   the highest-weighted criterion (the first such criterion in rubric order); if still equal the
   projects share the rank and are flagged ``tie`` ("tie: organiser decides"). Projects are never
   separated by database order; within a shared rank they are *listed* by reference number.
5. Ranks under the other methods are plain competition ranks ("1, 2, 2, 4") of the score.
   ``method_sensitive`` flags a ranked project that another method puts on the other side of
   the finalist line, or three or more places away.
6. ``high_disagreement``: the population standard deviation of its jurors' totals is above the
   edition's disagreement threshold.
7. Agreement of the jury per category: ICC(1,k) (one-way random effects, reliability of the
   mean of the jurors' totals), over the projects with at least two finalised reviews.
8. Finalist probability: bootstrap. Each ranked project's jurors are resampled with replacement
   (the edition's number of resamples, at least 1,000, with a fixed seed), the official score is
   recomputed, and the share of resamples that put the project in the top N (the category's
   finalists count; 1 in a final round, where the question is who wins) is reported. Projects
   tied on the N-th score all count as in.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast

ENGINE_VERSION = "legacy-1"
SCORES_HASH_FORMAT = "scores-v1"


class AggregationMethod:
    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED_MEAN = "trimmed_mean"
    STANDARDISED = "standardised"


class RoundKind:
    FINAL = "final"


class TieBreakRule:
    MEDIAN_THEN_TOP_CRITERION = "median_then_top_criterion"
    TOP_CRITERION_THEN_MEDIAN = "top_criterion_then_median"


class AssignmentStatus:
    COMPLETED = "completed"
    RECUSED = "recused"


class ResultKind:
    FINALIST = "finalist"
    WINNER = "winner"


class ProjectStatus:
    WITHDRAWN = "withdrawn"
    INELIGIBLE = "ineligible"


def _(text: str) -> str:
    return text

METHODS_ORDER = [
    AggregationMethod.MEAN,
    AggregationMethod.MEDIAN,
    AggregationMethod.TRIMMED_MEAN,
    AggregationMethod.STANDARDISED,
]
AGREEMENT_METHOD = "ICC(1,k)"
MIN_BOOTSTRAP_SAMPLES = 1000
METHOD_SENSITIVE_PLACES = 3
_PRECISION = 6

FLAG_LABELS = {
    "missing_reviews": _("missing reviews: not ranked"),
    "high_disagreement": _("high disagreement"),
    "tie": _("tie: organiser decides"),
    "method_sensitive": _("place depends on the method"),
}


@dataclass
class RankRow:
    project: object
    rank: int | None = None
    tie: bool = False
    official_score: float | None = None
    scores: dict[str, float | None] = field(default_factory=dict)
    ranks: dict[str, int | None] = field(default_factory=dict)
    criterion_means: dict[int, float | None] = field(default_factory=dict)
    reviews_done: int = 0
    reviews_assigned: int = 0
    spread_sd: float | None = None
    spread_min: float | None = None
    spread_max: float | None = None
    flags: list[str] = field(default_factory=list)
    finalist_probability: float | None = None
    juror_totals: list[float] = field(default_factory=list)
    result: str | None = None
    override_reason: str = ""
    # A finalist taken off the list against the ranking (override_reason says why).
    removed: bool = False
    # How an equal official score was separated: "" (it was not equal), "median" or "criterion".
    tie_break: str = ""
    # Internal: the juror z-scores (round-wide) behind the standardised score, for the bootstrap.
    z_scores: list[float] = field(default_factory=list, repr=False)

    @property
    def is_ranked(self) -> bool:
        return self.rank is not None

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS[f]) for f in self.flags]


@dataclass
class Ranking:
    category: object
    round: object
    method: str
    methods: list[str]
    rows: list[RankRow]
    agreement: float | None
    agreement_method: str
    criteria: list
    top_n: int = 0
    tie_break_rule: str = ""
    bootstrap_samples: int = 0
    seed: int = 0
    round_mean: float | None = None
    round_sd: float | None = None
    # Every finalised review total of the round, read once and handed to juror_table by the page.
    round_totals: list[tuple[int, int, int, float]] = field(default_factory=list, repr=False)

    @property
    def other_methods(self) -> list[str]:
        return [m for m in self.methods if m != self.method]

    @property
    def ranked_rows(self) -> list[RankRow]:
        return [row for row in self.rows if row.rank is not None]


# --- Plain statistics (population standard deviation throughout) ------------------------------


def _mean(values: list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _sd(values: list[float]) -> float | None:
    return statistics.pstdev(values) if values else None


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _trimmed_mean(values: list[float]) -> float | None:
    if len(values) >= 4:
        ordered = sorted(values)[1:-1]
        return math.fsum(ordered) / len(ordered)
    return _mean(values)


def icc_1k(groups: list[list[float]]) -> float | None:
    """ICC(1,k) = (MSB − MSW) / MSB of a one-way random-effects model; groups with fewer than
    two ratings are left out. None when it is undefined (fewer than two groups, no variance)."""
    groups = [g for g in groups if len(g) >= 2]
    n = len(groups)
    total = sum(len(g) for g in groups)
    if n < 2 or total - n < 1:
        return None
    grand = math.fsum(x for g in groups for x in g) / total
    means = [math.fsum(g) / len(g) for g in groups]
    ssb = math.fsum(len(g) * (m - grand) ** 2 for g, m in zip(groups, means, strict=True))
    ssw = math.fsum((x - m) ** 2 for g, m in zip(groups, means, strict=True) for x in g)
    msb = ssb / (n - 1)
    msw = ssw / (total - n)
    if msb <= 0:
        return None
    return (msb - msw) / msb


def _competition_ranks(items: list[tuple[int, float]]) -> dict[int, int]:
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


# --- Database reads ----------------------------------------------------------------------------


def round_totals(apps, round) -> list[tuple[int, int, int, float]]:
    """(project_id, category_id, juror_id, total 0–100) for every finalised review of the round,
    in one aggregate query."""
    Score = apps.get_model("scoring", "Score")
    rows = (
        Score.objects.filter(assignment__round=round, assignment__status=AssignmentStatus.COMPLETED)
        .values("assignment_id")
        .annotate(
            num=Cast(Sum(F("criterion__weight") * F("value")), FloatField()),
            den=Cast(Sum(F("criterion__weight") * F("criterion__max_value")), FloatField()),
        )
        .values_list("assignment__project_id", "assignment__project__category_id", "assignment__juror_id", "num", "den")
        .order_by()
    )
    return [(p, c, j, 100.0 * num / den) for p, c, j, num, den in rows if den]


def _juror_z(
    totals: list[tuple[int, int, int, float]],
) -> tuple[dict[tuple[int, int], float], float | None, float | None]:
    by_juror: dict[int, list[float]] = defaultdict(list)
    for _p, _c, juror_id, total in totals:
        by_juror[juror_id].append(total)
    stats = {j: (_mean(v), _sd(v)) for j, v in by_juror.items()}
    z: dict[tuple[int, int], float] = {}
    for project_id, _c, juror_id, total in totals:
        mean, sd = stats[juror_id]
        z[(project_id, juror_id)] = (total - mean) / sd if sd else 0.0
    everything = [t[3] for t in totals]
    return z, _mean(everything), _sd(everything)


def _method_scores(values: list[float], z_values: list[float], round_mean, round_sd) -> dict[str, float | None]:
    standardised = None
    if z_values and round_mean is not None:
        standardised = round_mean + (round_sd or 0.0) * math.fsum(z_values) / len(z_values)
    return {
        AggregationMethod.MEAN: _mean(values),
        AggregationMethod.MEDIAN: _median(values),
        AggregationMethod.TRIMMED_MEAN: _trimmed_mean(values),
        AggregationMethod.STANDARDISED: standardised,
    }


def top_criterion(criteria: list):
    best = None
    for criterion in criteria:
        if best is None or criterion.weight > best.weight:
            best = criterion
    return best


def ranking_for(
    *, apps, category, round, edition, bootstrap: bool = False, seed: int = 0, method: str | None = None
) -> Ranking:
    """The ranking of one category in one round, in a fixed number of queries (models from
    ``apps``; ``edition`` is the round's edition, passed so historical models need no lookup;
    ``method`` the official method, by default the edition's: a sealed snapshot passes its own,
    as the edition's may have moved to a method this engine does not know)."""
    Assignment = apps.get_model("scoring", "Assignment")
    Score = apps.get_model("scoring", "Score")
    Result = apps.get_model("scoring", "Result")
    FinalistRemoval = apps.get_model("scoring", "FinalistRemoval")
    Project = apps.get_model("submissions", "Project")
    Criterion = apps.get_model("award", "Criterion")
    method = method or edition.aggregation_method
    criteria = list(Criterion.objects.filter(edition_id=edition.pk).order_by("position", "id"))
    top = top_criterion(criteria)
    top_n = 1 if round.kind == RoundKind.FINAL else category.finalists_count

    totals = round_totals(apps, round)
    z, round_mean, round_sd = _juror_z(totals)

    counts = {
        row["project_id"]: row
        for row in Assignment.objects.filter(round=round, project__category=category)
        .exclude(status=AssignmentStatus.RECUSED)
        .values("project_id")
        .annotate(assigned=Count("id"), done=Count("id", filter=Q(status=AssignmentStatus.COMPLETED)))
        .order_by()
    }
    criterion_means: dict[int, dict[int, float]] = defaultdict(dict)
    for project_id, criterion_id, avg in (
        Score.objects.filter(
            assignment__round=round,
            assignment__status=AssignmentStatus.COMPLETED,
            assignment__project__category=category,
        )
        .values("assignment__project_id", "criterion_id")
        .annotate(avg=Cast(Sum("value"), FloatField()) / Cast(Count("id"), FloatField()))
        .values_list("assignment__project_id", "criterion_id", "avg")
        .order_by()
    ):
        criterion_means[project_id][criterion_id] = avg
    projects = list(
        Project.objects.filter(
            category=category,
            id__in=Assignment.objects.filter(round=round).exclude(status=AssignmentStatus.RECUSED).values("project_id"),
        )
        .exclude(status__in=[ProjectStatus.WITHDRAWN, ProjectStatus.INELIGIBLE])
        .order_by("reference", "id")
    )
    results: dict[int, Result] = {}
    for result in Result.objects.filter(category=category, kind__in=[ResultKind.FINALIST, ResultKind.WINNER]).order_by(
        "id"
    ):
        # A winner outranks a finalist entry of the same project.
        if result.project_id not in results or result.kind == ResultKind.WINNER:
            results[result.project_id] = result

    # A finalist removed against the ranking: its Result row is gone, the decision is kept.
    removed: dict[int, str] = dict(
        FinalistRemoval.objects.filter(category=category, round=round)
        .order_by("removed_at", "id")
        .values_list("project_id", "reason")
    )

    per_project: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for project_id, category_id, juror_id, total in totals:
        if category_id == category.pk:
            per_project[project_id].append((juror_id, total))

    rows: list[RankRow] = []
    threshold = float(edition.disagreement_threshold)
    for project in projects:
        count = counts.get(project.pk, {"assigned": 0, "done": 0})
        entries = sorted(per_project.get(project.pk, []))
        values = [total for _j, total in entries]
        z_values = [z[(project.pk, j)] for j, _t in entries]
        scores = _method_scores(values, z_values, round_mean, round_sd)
        row = RankRow(
            project=project,
            official_score=scores[method],
            scores=scores,
            criterion_means={c.pk: criterion_means[project.pk].get(c.pk) for c in criteria},
            reviews_done=count["done"],
            reviews_assigned=count["assigned"],
            spread_sd=_sd(values),
            spread_min=min(values) if values else None,
            spread_max=max(values) if values else None,
            juror_totals=values,
            z_scores=z_values,
        )
        if not values or count["done"] < count["assigned"] or count["assigned"] == 0:
            row.flags.append("missing_reviews")
        if row.spread_sd is not None and len(values) >= 2 and row.spread_sd > threshold:
            row.flags.append("high_disagreement")
        result = results.get(project.pk)
        if result is not None:
            row.result = result.kind
            row.override_reason = result.override_reason
        elif project.pk in removed:
            row.override_reason = removed[project.pk]
            row.removed = True
        rows.append(row)

    ranked = [row for row in rows if "missing_reviews" not in row.flags]
    _rank_official(ranked, method, edition.tie_break_rule, top)
    for other in METHODS_ORDER:
        ranks = _competition_ranks([(i, row.scores[other]) for i, row in enumerate(ranked)])
        for i, row in enumerate(ranked):
            row.ranks[other] = ranks[i]
    for row in ranked:
        row.ranks[method] = row.rank
        if any(
            (row.ranks[m] <= top_n) != (row.rank <= top_n) or abs(row.ranks[m] - row.rank) >= METHOD_SENSITIVE_PLACES
            for m in METHODS_ORDER
            if m != method
        ):
            row.flags.append("method_sensitive")
    unranked = [row for row in rows if "missing_reviews" in row.flags]
    for row in unranked:
        row.ranks = dict.fromkeys(METHODS_ORDER)
    unranked.sort(key=lambda r: (r.official_score is None, -(r.official_score or 0), r.project.reference, r.project.pk))
    ranked.sort(key=lambda r: (r.rank, r.project.reference, r.project.pk))

    samples = max(MIN_BOOTSTRAP_SAMPLES, edition.bootstrap_samples or 0)
    if bootstrap and ranked:
        probabilities = bootstrap_top_n(
            [
                np.asarray(row.z_scores if method == AggregationMethod.STANDARDISED else row.juror_totals)
                for row in ranked
            ],
            method=method,
            top_n=top_n,
            samples=samples,
            seed=seed,
        )
        for row, probability in zip(ranked, probabilities, strict=True):
            row.finalist_probability = float(probability)

    agreement = icc_1k([row.juror_totals for row in rows])
    return Ranking(
        category=category,
        round=round,
        method=method,
        methods=[method, *[m for m in METHODS_ORDER if m != method]],
        rows=ranked + unranked,
        agreement=agreement,
        agreement_method=AGREEMENT_METHOD,
        criteria=criteria,
        top_n=top_n,
        tie_break_rule=edition.tie_break_rule,
        bootstrap_samples=samples if bootstrap else 0,
        seed=seed,
        round_mean=round_mean,
        round_sd=round_sd,
        round_totals=totals,
    )


def _rank_official(rows: list[RankRow], method: str, rule: str, top) -> None:
    def crit(row: RankRow) -> float:
        value = row.criterion_means.get(top.pk) if top is not None else None
        return round(value, _PRECISION) if value is not None else -math.inf

    def med(row: RankRow) -> float:
        return round(row.scores[AggregationMethod.MEDIAN], _PRECISION)

    if rule == TieBreakRule.MEDIAN_THEN_TOP_CRITERION:
        breakers = [("median", med), ("criterion", crit)]
    elif rule == TieBreakRule.TOP_CRITERION_THEN_MEDIAN:
        breakers = [("criterion", crit), ("median", med)]
    else:
        breakers = []

    def key(row: RankRow) -> tuple:
        return (round(row.official_score, _PRECISION), *[fn(row) for _name, fn in breakers])

    rows.sort(key=lambda r: tuple(-v for v in key(r)))
    previous_key = None
    rank = 0
    for position, row in enumerate(rows, start=1):
        k = key(row)
        if k != previous_key:
            rank = position
            previous_key = k
        row.rank = rank
    by_rank: dict[int, list[RankRow]] = defaultdict(list)
    by_score: dict[float, list[RankRow]] = defaultdict(list)
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


def bootstrap_top_n(values: list[np.ndarray], *, method: str, top_n: int, samples: int, seed: int) -> np.ndarray:
    """For each project, the share of `samples` resamples of its jurors (with replacement) in
    which its recomputed score is among the top `top_n`. For the standardised method pass the
    jurors' z-scores: the mapping back to 0–100 is monotonic and does not change the order."""
    count = len(values)
    if count == 0:
        return np.zeros(0)
    rng = np.random.default_rng(seed)
    scores = np.empty((samples, count))
    groups: dict[int, list[int]] = defaultdict(list)
    for index, row in enumerate(values):
        groups[len(row)].append(index)
    for k in sorted(groups):
        indices = np.asarray(groups[k])
        matrix = np.vstack([values[i] for i in indices]).astype(float)  # (P_k, k)
        chunk = max(1, 2_000_000 // max(1, len(indices) * k))
        rows_index = np.arange(len(indices))[None, :, None]
        for start in range(0, samples, chunk):
            stop = min(samples, start + chunk)
            picks = rng.integers(0, k, size=(stop - start, len(indices), k), dtype=np.int16)
            sample = matrix[rows_index, picks]  # (b, P_k, k)
            scores[start:stop, indices] = _aggregate(sample, method)
    n = min(top_n, count)
    if n <= 0:
        return np.zeros(count)
    threshold = np.partition(scores, count - n, axis=1)[:, count - n]
    inside = scores >= (threshold[:, None] - 10**-_PRECISION)
    return inside.mean(axis=0)


def _aggregate(sample: np.ndarray, method: str) -> np.ndarray:
    k = sample.shape[-1]
    if method == AggregationMethod.MEDIAN:
        return np.median(sample, axis=-1)
    if method == AggregationMethod.TRIMMED_MEAN and k >= 4:
        ordered = np.sort(sample, axis=-1)
        return ordered[..., 1:-1].mean(axis=-1)
    return sample.mean(axis=-1)


# --- The presenter's rows of that day (scoring/ranking/presenter.py, ranking_rows + row_as_json) --


def row_as_json(row: RankRow, ranking: Ranking) -> dict:
    """One row in the API's shape of that day, with the finalist probability when computed."""
    project = row.project
    return {
        "project": project.pk,
        "reference": project.reference,
        "title": project.title,
        "rank": row.rank,
        "tie": row.tie,
        "official_score": row.official_score,
        "scores": dict(row.scores),
        "ranks": dict(row.ranks),
        "flags": list(row.flags),
        "flag_labels": [str(FLAG_LABELS.get(f, f)) for f in row.flags],
        "reviews_done": row.reviews_done,
        "reviews_assigned": row.reviews_assigned,
        "spread_sd": row.spread_sd,
        "result": row.result,
        "finalist_probability": row.finalist_probability,
    }


# --- The canonical hash of the score rows (format "scores-v1") ---------------------------------


def counted_score_rows(apps, round_ids: list[int]) -> list[list]:
    """Every counted review of the rounds (completed, of a project neither withdrawn nor
    ineligible), ordered by round, assignment: [round id, assignment id, project id, category id,
    juror id, [[criterion id, value as "0.00"], ...] ordered by criterion id]. One query."""
    Score = apps.get_model("scoring", "Score")
    reviews: dict[int, list] = {}
    for round_id, assignment_id, project_id, category_id, juror_id, criterion_id, value in (
        Score.objects.filter(assignment__round_id__in=round_ids, assignment__status=AssignmentStatus.COMPLETED)
        .exclude(assignment__project__status__in=[ProjectStatus.WITHDRAWN, ProjectStatus.INELIGIBLE])
        .order_by("assignment__round_id", "assignment_id", "criterion_id")
        .values_list(
            "assignment__round_id",
            "assignment_id",
            "assignment__project_id",
            "assignment__project__category_id",
            "assignment__juror_id",
            "criterion_id",
            "value",
        )
    ):
        entry = reviews.get(assignment_id)
        if entry is None:
            entry = reviews[assignment_id] = [round_id, assignment_id, project_id, category_id, juror_id, []]
        entry[5].append([criterion_id, f"{value:.2f}"])
    return list(reviews.values())


def canonical_json(data) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same data always gives the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def sha256_of(data) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def score_rows_hash(apps, round_ids: list[int]) -> str:
    return sha256_of({"format": SCORES_HASH_FORMAT, "reviews": counted_score_rows(apps, sorted(round_ids))})
