"""The ranking of a category in a round: the rule the organisers can quote.

1. **Inputs.** A category's ranking reads the round's *completed* (finalised) reviews of eligible
   projects; withdrawn and ineligible projects and recused, pending or unfinished reviews never
   count (``loader.py``). A review's total is on 0–100 with every criterion first normalised as
   (value − min) / (max − min), then weighted: total = Σ w·(v − min)/(max − min) / Σ w × 100, so
   each criterion counts with exactly its weight whatever its range.
2. **Scores.** A project's score by each method, from its reviews' totals:
   - ``calibrated`` (the default official method): a model of each review's total as the
     project's quality + the juror's leniency (+ the juror's scale, for a juror with at least 8
     reviews) + error, fitted over *all* the categories of the round together, so a juror's
     leniency is learned from all their reviews (``scoring/calibration/model.py``). The
     calibrated score is what a juror of average leniency and ordinary scale would give the
     project. Leniencies are shrunk towards zero (a juror with few reviews is corrected little);
     the projects' scores are not (a project's place does not depend on how many reviews it
     got). Unlike the plain mean it corrects lenient and harsh jurors even when the jurors saw
     sets of projects of different quality, as long as the judging plan is connected (every
     juror linked to every other through projects they both reviewed). The categories of a
     round are fitted, and sealed, together.
   - ``mean``; ``median``; ``trimmed_mean`` (the highest and the lowest total dropped when there
     are at least 4, otherwise the mean).
   An edition still storing the former ``standardised`` (z-score) method is ranked as calibrated.
3. **Who is ranked.** Only a project whose every assigned (non-recused) review is finalised gets
   a rank. A project with missing reviews is flagged ``missing_reviews`` and listed after the
   ranked ones with its provisional scores; it is never ranked silently with fewer jurors.
4. **Official rank** by the edition's official method. Equal official scores (to 6 decimals) are
   separated by the edition's tie-break rule: by default the median, then the mean score on the
   highest-weighted criterion (the first such criterion in rubric order); if still equal the
   projects share the rank and are flagged ``tie`` ("tie: organiser decides"). Projects are never
   separated by database order; within a shared rank they are *listed* by reference number.
   Ranks by the other methods are plain competition ranks ("1, 2, 2, 4").
5. **Probabilities** from the model, never a resampling of a project's own jurors: 1,000 draws
   (seed 0) from the model's posterior, jurors' leniencies first and then the projects given the
   jurors, with the projects treated as drawn from the field (``calibration/posterior.py``). For
   each project: P(finalist), the share of draws in which it is among the category's N best (N =
   the category's finalists; 1 in a final round, giving P(winner)); its expected rank; its 80 %
   rank interval (the 10th to the 90th percentile of its rank over the draws). The **decision
   band** is the projects with 0.1 < P < 0.9. The probabilities are computed among the
   category's projects with at least one completed review.
6. **Flags** on a row:
   - ``missing_reviews``: see 3; ``tie``: see 4;
   - ``method_sensitive``: another method puts the ranked project on the other side of the
     finalist line, or three or more places away;
   - ``contested``: the project is in the decision band;
   - ``disagreement``: in the decision band and its reviews disagree more than the model's error
     explains for all but 5 % of projects with as many reviews (``calibration/agreement.py``);
   - ``outlier_review``: one of its reviews lies more than 3 standard errors from what the model
     expects of that juror for that project.
7. **Agreement** per category: Krippendorff's alpha (interval metric) on the leniency-adjusted
   totals c + (y − c − b_j) / s_j, with a verdict: very good ≥ 0.800, good ≥ 0.667, fair ≥ 0.400,
   poor below; in a final round a level below good reads "close finalists: low agreement on their
   order is expected, read the decision band".

``ranking_for`` reads the round's fingerprint (one aggregate statement, ``cache.round_fingerprint``)
and, keyed on it, the round's stored analysis and the category's stored rows: a page view never
refits and, while nothing changed, never reads a score row.
"""

from __future__ import annotations

import base64
import copy
import gc
import hashlib
import itertools
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np
from django.utils.translation import gettext_lazy as _

from award.enums import LEGACY_STANDARDISED, AggregationMethod, RoundKind
from award.models import Category, Criterion, Round
from scoring.calibration.posterior import DEFAULT_DRAWS
from scoring.enums import ResultKind
from scoring.models import FinalistRemoval, Result
from scoring.ranking.analysis import DEFAULT_SEED, RoundAnalysis, round_analysis
from scoring.ranking.cache import analysis_key, payload_parameters, round_fingerprint, store_payload, stored_payloads
from scoring.ranking.jurors import JurorDiagnostic, JurorRow, juror_diagnostics, juror_table  # noqa: F401
from scoring.ranking.loader import RoundInputs, raw_rows, round_assignments, round_inputs
from scoring.ranking.methods import competition_ranks, median_of, rank_official, top_criterion, trimmed_mean_of
from submissions.models import Project

# Plain strings (the enum's values): rows key their scores and ranks by them, and hashing an enum
# member is a Python call, a third of the presenter's time at 2,000 rows.
CALIBRATED, MEAN, MEDIAN, TRIMMED_MEAN = (
    AggregationMethod.CALIBRATED.value,
    AggregationMethod.MEAN.value,
    AggregationMethod.MEDIAN.value,
    AggregationMethod.TRIMMED_MEAN.value,
)
METHODS_ORDER = [CALIBRATED, MEAN, MEDIAN, TRIMMED_MEAN]
AGREEMENT_METHOD = _("Krippendorff's alpha (interval)")
METHOD_SENSITIVE_PLACES = 3

FLAG_LABELS = {
    "missing_reviews": _("missing reviews: not ranked"),
    "tie": _("tie: organiser decides"),
    "method_sensitive": _("place depends on the method"),
    "contested": _("contested place"),
    "disagreement": _("contested, jurors disagree"),
    "outlier_review": _("a review stands out"),
}

# What the page needs of each project; the long texts of an application are not read.
_PROJECT_FIELDS = ("id", "reference", "title", "organisation_name", "country", "category_id", "edition_id", "status")


def official_method(value: str) -> str:
    """The edition's stored method as the engine reads it: the former z-score method is calibrated."""
    if value == LEGACY_STANDARDISED or value not in METHODS_ORDER:
        return CALIBRATED
    return str(value)


class ReviewLine(NamedTuple):
    """One review behind a project's place ("why here"): the juror's normalised total, the
    leniency and scale the model found for that juror, and the total adjusted for them,
    c + (total − c − leniency) / scale (c: the round's mean total)."""

    juror_id: int
    total: float
    leniency: float | None
    scale: float | None
    adjusted_total: float | None
    outlier: bool


@dataclass
class RankRow:
    project: Project
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
    juror_totals: list[float] = field(default_factory=list)
    result: str | None = None
    override_reason: str = ""
    # A finalist taken off the list against the ranking (override_reason says why).
    removed: bool = False
    # How an equal official score was separated: "" (it was not equal), "median" or "criterion".
    tie_break: str = ""
    # From the model (None for a project without completed reviews).
    score_se: float | None = None
    component: int | None = None
    # From the posterior, for ranked projects only (None otherwise).
    p_top: float | None = None
    expected_rank: float | None = None
    rank_low: int | None = None
    rank_high: int | None = None
    in_band: bool = False
    reviews: list[ReviewLine] = field(default_factory=list)

    @property
    def finalist_probability(self) -> float | None:
        """P(finalist); P(winner) in a final round (the same number as ``p_top``)."""
        return self.p_top

    @property
    def calibrated_score(self) -> float | None:
        return self.scores.get(CALIBRATED)

    @property
    def is_ranked(self) -> bool:
        return self.rank is not None

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS[f]) for f in self.flags]


@dataclass
class Ranking:
    category: Category
    round: Round
    method: str
    methods: list[str]
    rows: list[RankRow]
    agreement: float | None
    agreement_method: str
    criteria: list[Criterion]
    top_n: int = 0
    tie_break_rule: str = ""
    seed: int = 0
    # The whole round's analysis (every category, jurors, components, outliers) and this
    # category's part of it (None when the edition has no such category in the round).
    analysis: RoundAnalysis | None = field(default=None, repr=False)
    category_analysis: dict | None = field(default=None, repr=False)
    agreement_verdict: str = ""
    # The category's projects lie in one connected component of the judging plan.
    connected: bool = True
    inputs: RoundInputs | None = field(default=None, repr=False)
    # The jurors read so far by juror_table / juror_diagnostics (by id), so that both on one page
    # read them once.
    users: dict = field(default_factory=dict, repr=False)

    @property
    def n_draws(self) -> int:
        return self.analysis.n_draws if self.analysis is not None else 0

    @property
    def bootstrap_samples(self) -> int:
        """Kept for older callers: the number of posterior draws (there is no bootstrap)."""
        return self.n_draws

    @property
    def other_methods(self) -> list[str]:
        return [m for m in self.methods if m != self.method]

    @property
    def ranked_rows(self) -> list[RankRow]:
        return [row for row in self.rows if row.rank is not None]

    @cached_property
    def round_totals(self) -> list[tuple[int, int, int, float]]:
        """(project_id, category_id, juror_id, total) of every counted review of the round."""
        if self.inputs is None:  # a ranking read from the stored rows: the inputs when first asked
            self.inputs = round_inputs(self.round)
        i = self.inputs
        category = i.project_category[i.project]
        return list(
            zip(
                i.project_ids[i.project].tolist(),
                category.tolist(),
                i.juror_ids[i.juror].tolist(),
                i.total.tolist(),
                strict=True,
            )
        )


def _int_or_none(value) -> int | None:
    return None if value is None else int(round(value))


# --- The ranking -------------------------------------------------------------------------------


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a ranking is built and shown. At 2,000
    projects a page allocates some 10⁵ small objects (rows, review lines, the analysis read back
    from JSON), none of them in a reference cycle; each allocation burst set off full collections
    that walked every live object: about 140 ms of a 450 ms page (measured with
    bench/ranking_page.py). Reference counting still frees everything as usual; the collector
    resumes afterwards (nested pauses leave it to the outermost)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class ProjectRef(NamedTuple):
    """The project fields a ranking shows, read as plain values (``ranking_for(light=True)``): the
    organisers' page needs no model instance per row."""

    id: int
    reference: str
    title: str
    organisation_name: str
    country: str
    category_id: int | None
    edition_id: int
    status: str

    @property
    def pk(self) -> int:
        return self.id


class _Memory:
    """This process's last few decoded payloads by their content key (the analysis as its JSON
    data, a category's rows as RankRow templates). The database row is the shared store; this
    only saves decoding it again on every page view. The keys are hashes of the round's
    fingerprint and parameters, so an entry can never be stale: a changed round has other keys,
    and the old entries fall out (least recently used first). At 2,000 projects an entry holds a
    few MB (the analysis's JSON data, or 2,000 rows with their reviews); 8 entries per process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key: str, value):
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


PAYLOAD_MEMORY = _Memory(8)

# Bump when the cached rows' content or shape changes (with ENGINE_VERSION, which is in the key).
ROWS_VERSION = "rows-2"


def _rows_parameters(seed: int, category_id: int) -> str:
    return f"seed={int(seed)};draws={DEFAULT_DRAWS};category={int(category_id)};rows"


def ranking_for(
    *, category: Category, round: Round, bootstrap: bool = True, seed: int = DEFAULT_SEED, light: bool = False
) -> Ranking:
    """The ranking of one category in one round (see the module docstring), in a fixed number of
    queries: the round's fingerprint (``cache.round_fingerprint``, one aggregate), the stored
    analysis and the category's stored rows (one query), the rubric, the category's projects, its
    results and its finalist removals. When the round's data changed since they were stored
    (another fingerprint), the round's inputs are loaded (``LOADER_QUERIES``), the analysis is
    refitted if needed, and the rows are computed and stored. The rows' numbers depend only on the
    fingerprinted data, the method, the tie-break rule and the number of finalists (all in the
    rows' key); the projects' texts and references, the results and the removals are read live.
    With ``light`` the projects are ``ProjectRef`` tuples instead of model instances.
    ``bootstrap`` is accepted for older callers and ignored: the probabilities come from the
    cached posterior at no extra cost."""
    edition = round.edition
    method = official_method(edition.aggregation_method)
    top_n = 1 if round.kind == RoundKind.FINAL else category.finalists_count
    fingerprint = round_fingerprint(round)
    analysis_parameters = payload_parameters(seed, DEFAULT_DRAWS)
    a_key = analysis_key(fingerprint, seed=seed, n_draws=DEFAULT_DRAWS)
    rows_parameters = _rows_parameters(seed, category.pk)
    rows_key = hashlib.sha256(
        f"{ROWS_VERSION}|{a_key}|{category.pk}|{method}|{edition.tie_break_rule}|{top_n}".encode()
    ).hexdigest()
    analysis_payload, templates = PAYLOAD_MEMORY.get(a_key), PAYLOAD_MEMORY.get(rows_key)
    missing = {
        k: v for k, v in ((analysis_parameters, a_key), (rows_parameters, rows_key)) if PAYLOAD_MEMORY.get(v) is None
    }
    stored = stored_payloads(round, missing)

    inputs = None
    if analysis_payload is None and analysis_parameters in stored:
        analysis_payload = PAYLOAD_MEMORY.put(a_key, stored[analysis_parameters])
    if analysis_payload is None:
        inputs = round_inputs(round)
        analysis = round_analysis(round, seed=seed, n_draws=DEFAULT_DRAWS, inputs=inputs)
        analysis_payload = PAYLOAD_MEMORY.put(
            a_key, store_payload(round, analysis_parameters, a_key, analysis.to_payload())
        )
    analysis = RoundAnalysis.from_payload(analysis_payload)
    criteria = None
    if templates is None:
        payload = stored.get(rows_parameters)
        if payload is None:
            inputs = round_inputs(round) if inputs is None else inputs
            criteria = list(inputs.criteria)
            rows_payload = _rows_payload(inputs, analysis, category, method, edition, top_n, criteria)
            payload = store_payload(round, rows_parameters, rows_key, rows_payload)
        templates = PAYLOAD_MEMORY.put(rows_key, _rows_from_payload(payload))
    if criteria is None:
        criteria = list(Criterion.objects.filter(edition_id=round.edition_id).order_by("position", "id"))
    category_analysis = analysis.categories.get(category.pk)

    # The category's projects by the loader's own rule (a subquery, not a list of ids, which
    # would outgrow SQLite's limit on parameters), kept to those the stored rows hold.
    project_query = (
        Project.objects.filter(category=category, id__in=round_assignments(round).values("project_id"))
        .only(*_PROJECT_FIELDS)
        .order_by()
    )
    if light:
        projects = {r[0]: ProjectRef(*r) for r in raw_rows(project_query.values_list(*_PROJECT_FIELDS))}
    else:
        projects = {p.pk: p for p in project_query}
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

    rows = []
    for template in templates:
        project = projects.get(template.project)
        if project is None:  # moved to another category since the rows were stored
            continue
        # A shallow copy: the per-request fields (project, result, removal) are set on the copy;
        # the lists and dicts of the stored row are shared and never changed after it was built.
        row = copy.copy(template)
        row.project = project
        rows.append(row)
    for row in rows:
        result = results.get(row.project.pk)
        if result is not None:
            row.result = result.kind
            row.override_reason = result.override_reason
        elif row.project.pk in removed:
            row.override_reason = removed[row.project.pk]
            row.removed = True
    ranked = [row for row in rows if row.rank is not None]
    unranked = [row for row in rows if row.rank is None]
    # Within a shared rank (and among the unranked) rows are listed by reference number.
    unranked.sort(key=lambda r: (r.official_score is None, -(r.official_score or 0), r.project.reference, r.project.pk))
    ranked.sort(key=lambda r: (r.rank, r.project.reference, r.project.pk))

    components = category_analysis["components"] if category_analysis else []
    return Ranking(
        category=category,
        round=round,
        method=method,
        methods=[method, *[m for m in METHODS_ORDER if m != method]],
        rows=ranked + unranked,
        agreement=category_analysis["alpha"] if category_analysis else None,
        agreement_method=AGREEMENT_METHOD,
        agreement_verdict=category_analysis["agreement"] if category_analysis else "",
        criteria=criteria,
        top_n=top_n,
        tie_break_rule=edition.tie_break_rule,
        seed=seed,
        analysis=analysis,
        category_analysis=category_analysis,
        connected=len(components) <= 1,
        inputs=inputs,
    )


# The rows' payload is stored by column: as one JSON object per row it was 2.5 MB at 2,000
# projects × 5 reviews, and reading and decoding it cost a fresh process (a new or another worker)
# some 45 ms of CPU per page view; by column it is 0.53 MB and about 17 ms (bench/ranking_page.py,
# ``fresh_ms``). Whole numbers, flags and strings are plain JSON lists; every float column is its
# doubles packed (``_pack``), None as NaN (the rows hold no NaN: ``_rows`` turns NaN into None):
# exact, and decoded by numpy instead of parsed digit by digit. The reviews' lines are one column
# each over all the category's reviews, row after row (a row has ``reviews_done`` lines); a row's
# ``juror_totals`` are its lines' totals.
_PLAIN_FIELDS = (
    "rank", "tie", "reviews_done", "reviews_assigned", "flags", "tie_break", "component", "rank_low", "rank_high",
    "in_band",
)  # fmt: skip
_FLOAT_FIELDS = ("official_score", "spread_sd", "spread_min", "spread_max", "score_se", "p_top", "expected_rank")
_REVIEW_FLOATS = ("total", "leniency", "scale", "adjusted_total")


def _pack(values) -> str:
    """Floats (None as NaN) as base64 of zlib-compressed little-endian doubles: exact, and read
    back by numpy. (A column compresses to a third: a juror's leniency repeats on each of their
    reviews, and means of a few whole-number scores repeat too.)"""
    array = np.array([np.nan if v is None else v for v in values], dtype="<f8")
    return base64.b64encode(zlib.compress(array.tobytes(), 6)).decode("ascii")


def _unpack(text: str) -> list[float | None]:
    values = np.frombuffer(zlib.decompress(base64.b64decode(text)), dtype="<f8")
    missing = np.isnan(values)
    if not missing.any():
        return values.tolist()
    out = values.astype(object)
    out[missing] = None
    return out.tolist()


def _rows_payload(inputs: RoundInputs, analysis: RoundAnalysis, category: Category, method: str, edition, top_n: int,
                  criteria) -> dict:  # fmt: skip
    """The category's rows with every number, rank and flag (not the projects' texts, results or
    removals), as JSON data: what ``ranking_for`` stores under the rows' key."""
    top = top_criterion(criteria)
    in_category = np.flatnonzero(inputs.project_category == category.pk)
    rows = _rows(inputs, analysis, in_category, criteria)
    for row in rows:
        # Provisional for a project with missing reviews: shown, not ranked.
        row.official_score = row.scores[method]
    ranked = [row for row in rows if "missing_reviews" not in row.flags]
    rank_official(ranked, method, edition.tie_break_rule, top)
    for other in METHODS_ORDER:
        ranks = competition_ranks([(i, row.scores[other]) for i, row in enumerate(ranked)])
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
        entry = analysis.projects.get(row.project) or {}
        row.p_top = entry.get("p_top")
        row.expected_rank = entry.get("expected_rank")
        row.rank_low = _int_or_none(entry.get("rank_low"))
        row.rank_high = _int_or_none(entry.get("rank_high"))
        row.in_band = bool(entry.get("in_band"))
        if row.in_band:
            row.flags.append("contested")
        if entry.get("disagreement"):
            row.flags.append("disagreement")
    for row in rows:
        if any(line.outlier for line in row.reviews):
            row.flags.append("outlier_review")
        if "missing_reviews" in row.flags:
            row.ranks = dict.fromkeys(METHODS_ORDER)
    return _rows_encode(rows, [c.pk for c in criteria])


def _rows_encode(rows: list[RankRow], criterion_pks: list[int]) -> dict:
    """The rows by column (see ``_PLAIN_FIELDS``); ``project`` is each row's project id."""
    lines = [line for row in rows for line in row.reviews]
    if any(len(row.reviews) != row.reviews_done for row in rows):  # the layout _rows_from_payload reads
        raise ValueError("a row's reviews_done must be its number of review lines")
    return {
        "criteria": criterion_pks,
        "project": [row.project for row in rows],
        **{name: [getattr(row, name) for row in rows] for name in _PLAIN_FIELDS},
        "ranks": {m: [row.ranks.get(m) for row in rows] for m in METHODS_ORDER},
        "floats": {
            **{name: _pack([getattr(row, name) for row in rows]) for name in _FLOAT_FIELDS},
            **{f"scores.{m}": _pack([row.scores.get(m) for row in rows]) for m in METHODS_ORDER},
            "criterion_means": _pack([row.criterion_means.get(pk) for row in rows for pk in criterion_pks]),
            **{f"reviews.{name}": _pack([getattr(line, name) for line in lines]) for name in _REVIEW_FLOATS},
        },
        "reviews.juror_id": [line.juror_id for line in lines],
        # Positions of the few outlier reviews (a list of 10,000 booleans was 70 kB of JSON).
        "reviews.outliers": [k for k, line in enumerate(lines) if line.outlier],
    }


def _rows_from_payload(payload: dict) -> list[RankRow]:
    """RankRows from the stored columns; ``project`` is the project's id (``ranking_for`` copies
    each row with the project read live)."""
    criterion_pks = payload["criteria"]
    floats = {name: _unpack(text) for name, text in payload["floats"].items()}
    n_criteria = len(criterion_pks)
    means = floats["criterion_means"]
    outlier = [False] * len(payload["reviews.juror_id"])
    for k in payload["reviews.outliers"]:
        outlier[k] = True
    # tuple.__new__ in map: the named tuples built in C (ReviewLine(…) is a Python call per line).
    lines = list(
        map(
            tuple.__new__,
            itertools.repeat(ReviewLine),
            zip(
                payload["reviews.juror_id"],
                floats["reviews.total"],
                floats["reviews.leniency"],
                floats["reviews.scale"],
                floats["reviews.adjusted_total"],
                outlier,
                strict=True,
            ),
        )
    )
    totals = floats["reviews.total"]
    names = (*_PLAIN_FIELDS, *_FLOAT_FIELDS)
    columns = [payload[name] for name in _PLAIN_FIELDS] + [floats[name] for name in _FLOAT_FIELDS]
    scores = zip(*[floats[f"scores.{m}"] for m in METHODS_ORDER], strict=True)
    ranks = zip(*[payload["ranks"][m] for m in METHODS_ORDER], strict=True)
    by_row = zip(payload["project"], zip(*columns, strict=True), scores, ranks, strict=True)
    rows = []
    start = 0
    # Row by row over the transposed columns (zip, dict(zip(…))): the decoding is C loops, and the
    # Python work per row is the RankRow itself.
    for i, (project, values, row_scores, row_ranks) in enumerate(by_row):
        row = RankRow(project, **dict(zip(names, values, strict=True)))
        end = start + row.reviews_done
        row.scores = dict(zip(METHODS_ORDER, row_scores, strict=True))
        row.ranks = dict(zip(METHODS_ORDER, row_ranks, strict=True))
        row.criterion_means = dict(zip(criterion_pks, means[i * n_criteria : (i + 1) * n_criteria], strict=True))
        row.juror_totals = totals[start:end]
        row.reviews = lines[start:end]
        rows.append(row)
        start = end
    return rows


def _rows(inputs: RoundInputs, analysis: RoundAnalysis, members: np.ndarray, criteria) -> list[RankRow]:
    """One row per project of the category (index into the inputs' projects; ``project`` is its id), with every
    method's score, the per-criterion means and the reviews' lines; not yet ranked. Per-review
    and per-project figures are computed over arrays: at 2,000 projects the row objects are the
    only per-project Python work."""
    n_reviews = len(inputs.total)
    # Reviews grouped by project (the loader already orders them by project, then juror).
    order = np.lexsort((inputs.juror_ids[inputs.juror] if n_reviews else inputs.juror, inputs.project))
    project_of = inputs.project[order]
    starts = np.searchsorted(project_of, np.arange(inputs.n_projects + 1))
    total = inputs.total[order]
    juror_ids = inputs.juror_ids[inputs.juror[order]] if n_reviews else np.zeros(0, dtype=np.int64)

    # Each juror's leniency and scale, and each review adjusted for them: c + (y − c − b) / s.
    centre = analysis.model.get("centre")
    leniency = np.full(inputs.n_jurors, np.nan)
    scale = np.full(inputs.n_jurors, np.nan)
    for j, pk in enumerate(inputs.juror_ids.tolist()):
        entry = analysis.jurors.get(pk) or {}
        leniency[j] = np.nan if entry.get("leniency") is None else entry["leniency"]
        scale[j] = np.nan if entry.get("scale") is None else entry["scale"]
    b = leniency[inputs.juror[order]] if n_reviews else np.zeros(0)
    s = scale[inputs.juror[order]] if n_reviews else np.zeros(0)
    c = np.nan if centre is None else centre
    with np.errstate(invalid="ignore", divide="ignore"):
        adjusted = c + (total - c - b) / s
    outlier = np.isin(inputs.assignment_ids[order], [entry["assignment_id"] for entry in analysis.outliers])

    # Per criterion, the mean value on the criterion's own scale.
    count = np.diff(starts)
    means = np.full((inputs.n_projects, len(criteria)), np.nan)
    if n_reviews and len(criteria):
        low = inputs.criterion_low if inputs.criterion_low is not None else np.zeros(len(criteria))
        span = inputs.criterion_span if inputs.criterion_span is not None else np.ones(len(criteria))
        sums = np.zeros((inputs.n_projects, len(criteria)))
        np.add.at(sums, project_of, inputs.values[order])
        with np.errstate(invalid="ignore", divide="ignore"):
            means = low + span * sums / count[:, None]

    # Per project: mean, population standard deviation, lowest and highest total.
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(project_of, weights=total, minlength=inputs.n_projects) / count
        sd = np.sqrt(
            np.bincount(project_of, weights=(total - mean[project_of]) ** 2, minlength=inputs.n_projects) / count
        )
    lowest = np.full(inputs.n_projects, np.nan)
    highest = np.full(inputs.n_projects, np.nan)
    if n_reviews:
        np.fmin.at(lowest, project_of, total)
        np.fmax.at(highest, project_of, total)

    def nan_to_none(values: list) -> list:
        return [None if v != v else v for v in values]

    mean_list, sd_list = nan_to_none(mean.tolist()), nan_to_none(sd.tolist())
    lowest_list, highest_list = nan_to_none(lowest.tolist()), nan_to_none(highest.tolist())

    total_list = total.tolist()
    juror_list = juror_ids.tolist()
    lenient_list, scale_list = nan_to_none(b.tolist()), nan_to_none(s.tolist())
    adjusted_list, outlier_list = nan_to_none(adjusted.tolist()), outlier.tolist()
    criterion_pks = [c.pk for c in criteria]
    rows = []
    for i in members.tolist():
        pk = int(inputs.project_ids[i])
        lo, hi = int(starts[i]), int(starts[i + 1])
        totals = total_list[lo:hi]
        entry = analysis.projects.get(pk) or {}
        lines = [
            ReviewLine(juror_list[r], total_list[r], lenient_list[r], scale_list[r], adjusted_list[r], outlier_list[r])
            for r in range(lo, hi)
        ]
        row = RankRow(
            project=pk,  # the id: the stored rows carry no model instance (see _rows_payload)
            scores={
                CALIBRATED: entry.get("score"),
                MEAN: mean_list[i],
                MEDIAN: median_of(totals),
                TRIMMED_MEAN: trimmed_mean_of(totals),
            },
            criterion_means=dict(zip(criterion_pks, nan_to_none(means[i].tolist()), strict=True)),
            reviews_done=hi - lo,
            reviews_assigned=int(inputs.project_assigned[i]),
            spread_sd=sd_list[i],
            spread_min=lowest_list[i],
            spread_max=highest_list[i],
            juror_totals=totals,
            score_se=entry.get("score_se"),
            component=entry.get("component") if totals else None,
            reviews=lines,
        )
        if not totals or row.reviews_done < row.reviews_assigned:
            row.flags.append("missing_reviews")
        rows.append(row)
    return rows
