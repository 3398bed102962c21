"""The round's analysis, computed once per state of its data (issue 15, item 5).

``round_fingerprint(round)`` describes the state of everything a round's ranking depends on in
ONE aggregate statement (checksums over the round's assignments, the finalised reviews' score
values, the rubric and the categories' finalists counts; see its docstring), without reading a
score row into Python. ``round_analysis_cached(round)`` returns the stored analysis when the key
(the fingerprint with the engine version and the parameters: seed, draws) matches and recomputes
otherwise; ``ranking_for`` keys a category's computed rows on it the same way
(``stored_payloads`` / ``store_payload``), and the cross-category award its numbers per choice
of criteria (``cross.py``, through ``cached_payload``). Invalidation is automatic: a score
changed, a review finalised or reopened, a recusal, a project withdrawn or made (in)eligible, a
rubric or finalists change all give another key; nothing has to remember to clear the cache.

Stored in the database (``RankingAnalysisCache``, one row per round and parameters), not in
Django's cache framework: that is per process here, and each gunicorn worker would refit. (The
engine keeps its last few decoded payloads in memory by the same content keys, which can never
be stale: ``engine.PAYLOAD_MEMORY``.)

Two workers that miss at the same time both compute (the fit is not run under a lock: it takes
up to a second and a lock would hold a transaction open that long); the write is serialised by
``select_for_update`` on the row and by the unique constraint on (round, parameters), so the row
is written once per key, and the second worker returns what the first stored.
"""

from __future__ import annotations

import builtins
import hashlib
from collections.abc import Callable

from django.db import IntegrityError, connections, router, transaction
from django.db.models import Case, Count, ExpressionWrapper, F, FloatField, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Ord, Substr
from django.utils import timezone

from award.models import Category, Criterion, Round
from scoring.calibration.posterior import DEFAULT_DRAWS
from scoring.enums import AssignmentStatus
from scoring.models import Assignment, RankingAnalysisCache, Score
from scoring.ranking.analysis import DEFAULT_SEED, ENGINE_VERSION, RoundAnalysis, round_analysis
from scoring.ranking.loader import EXCLUDED_PROJECT_STATUSES, RoundInputs, SecondsBetween, round_inputs


def _weight(column: str, modulus: int = 9973):
    """A position weight for a checksum, (column mod m) + 1: a value moved from one row to another
    changes the sum."""
    return F(column) % modulus + 1


def _country_code(column: str):
    """A two-letter code as one integer (0 for none), in the database: Ord of each letter."""
    return Coalesce(Ord(column), 0) * 1000 + Coalesce(Ord(Substr(column, 2, 1)), 0)


def _plain_sum(expression):
    """Σ expression as the database computes it: a decimal column's products are not cast per row
    (SQLite wraps decimals in CAST … AS NUMERIC, a third of the statement's time)."""
    return Sum(ExpressionWrapper(expression, output_field=FloatField()), output_field=FloatField())


def _aggregate_sql(queryset, aggregates: dict) -> tuple[str, tuple]:
    sql, params = queryset.order_by().annotate(**aggregates).values_list(*aggregates).query.sql_with_params()
    return sql, params


FINGERPRINT_QUERIES = 1


def round_fingerprint(round: Round) -> str:
    """What the round's ranking depends on, in ONE aggregate statement, without reading a score row
    into Python: checksums over the round's assignments (status, version of the counted ones,
    project, juror, duration, the project's eligibility or withdrawal, category and country, the
    juror's country), over the finalised reviews' score values (Σ value × ((score id mod 9973) + 1)
    and their number), over the edition's rubric (ids, weights, ranges,
    order) and its categories' finalists counts, with the round's kind. A score changed (even
    behind the services' back), a review finalised or reopened, a recusal (a conflict recuses), an
    eligibility change or a withdrawal, a rubric or finalists change: each changes the text. A
    score saved with the value it had does not (the analysis would be the same).

    Sums of products can in principle collide: one changed value always changes its sum (every
    weight is ≥ 1), but two changes made between two page views could cancel exactly (Δ₁·w₁ =
    −Δ₂·w₂), which ordinary editing practically never produces; the next change heals it. The
    score sum is the statement's dearest part (16 ms of CPU at 80,000 score rows on SQLite; 30 ms
    for the whole statement)."""
    completed = Q(status=AssignmentStatus.COMPLETED)
    w = _weight("id")
    counts = Case(
        When(status=AssignmentStatus.RECUSED, then=Value(2)), When(completed, then=Value(1)), default=Value(3)
    )
    excluded = Case(When(project__status__in=EXCLUDED_PROJECT_STATUSES, then=Value(1)), default=Value(0))
    assignments = Assignment.objects.filter(round_id=round.pk)
    parts = [
        _aggregate_sql(
            assignments.values("round_id"),
            {
                "a_n": Count("id"),
                "a_status": Sum(w * counts),
                "a_version": Sum(Case(When(completed, then=w * F("version")), default=Value(0))),
                "a_project": Sum(w * F("project_id")),
                "a_juror": Sum(w * F("juror_id")),
                "a_excluded": Sum(w * excluded),
                "a_category": Sum(w * Coalesce(F("project__category_id"), Value(0), output_field=IntegerField())),
                "a_pcountry": Sum(w * _country_code("project__country")),
                "a_jcountry": Sum(w * _country_code("juror__country")),
                "a_seconds": Sum(
                    Case(
                        When(completed, then=w * SecondsBetween(F("finalised_at"), F("started_at"))),
                        default=None,
                        output_field=FloatField(),
                    )
                ),
            },
        ),
        _aggregate_sql(
            Score.objects.filter(assignment__round_id=round.pk, assignment__status=AssignmentStatus.COMPLETED).values(
                "assignment__round_id"
            ),
            {
                "s_n": Count("id"),
                "s_value": _plain_sum(_weight("id") * F("value")),
            },
        ),
        _aggregate_sql(
            Criterion.objects.filter(edition_id=round.edition_id).values("edition_id"),
            {
                "c_n": Count("id"),
                "c_id": Sum(_weight("position", 997) * F("id")),
                "c_weight": _plain_sum(_weight("id") * F("weight")),
                "c_min": _plain_sum(_weight("id") * F("min_value")),
                "c_max": _plain_sum(_weight("id") * F("max_value")),
                "c_position": Sum(_weight("id") * F("position")),
            },
        ),
        _aggregate_sql(
            Category.objects.filter(edition_id=round.edition_id).values("edition_id"),
            {"k_n": Count("id"), "k_finalists": Sum(_weight("id") * F("finalists_count"))},
        ),
    ]
    sql = "SELECT * FROM (SELECT 1 AS one) base" + "".join(  # noqa: S608 (the ORM's own SQL, parameters apart)
        f" LEFT JOIN ({part}) p{n} ON 1 = 1" for n, (part, _params) in enumerate(parts)
    )
    params = tuple(p for _part, part_params in parts for p in part_params)
    with connections[router.db_for_read(Assignment)].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    values = [builtins.round(v, 3) if isinstance(v, float) else v for v in row]
    return f"round={round.pk};kind={round.kind};" + ";".join(str(v) for v in values)


def payload_parameters(seed: int, n_draws: int) -> str:
    return f"seed={int(seed)};draws={int(n_draws)}"


def analysis_key(fingerprint: str, *, seed: int = DEFAULT_SEED, n_draws: int = DEFAULT_DRAWS) -> str:
    text = f"{ENGINE_VERSION}|{payload_parameters(seed, n_draws)}|{fingerprint}"
    return hashlib.sha256(text.encode()).hexdigest()


def stored_payloads(round: Round, wanted: dict[str, str]) -> dict[str, dict]:
    """The stored payloads of `wanted` ({parameters: key}) whose key is current, in one query."""
    if not wanted:
        return {}
    condition = Q()
    for parameters, key in wanted.items():
        condition |= Q(parameters=parameters, key=key)
    return dict(RankingAnalysisCache.objects.filter(condition, round_id=round.pk).values_list("parameters", "payload"))


def store_payload(round: Round, parameters: str, key: str, payload: dict) -> dict:
    """Store `payload` under (round, parameters) with `key`; return what is stored for that key
    (another worker's equal payload if it stored first)."""
    try:
        with transaction.atomic():
            row = (
                RankingAnalysisCache.objects.select_for_update()
                .filter(round_id=round.pk, parameters=parameters)
                .first()
            )
            if row is None:
                RankingAnalysisCache.objects.create(
                    round_id=round.pk, parameters=parameters, key=key, engine_version=ENGINE_VERSION,
                    computed_at=timezone.now(), payload=payload,
                )  # fmt: skip
            elif row.key == key:
                # Another worker stored this very state while we computed: keep its row.
                return row.payload
            else:
                row.key, row.engine_version, row.computed_at, row.payload = key, ENGINE_VERSION, timezone.now(), payload
                row.save(update_fields=["key", "engine_version", "computed_at", "payload"])
    except IntegrityError:
        # Another worker created the row between our read and our insert.
        stored = stored_payloads(round, {parameters: key})
        if parameters in stored:
            return stored[parameters]
    return payload


def round_analysis_cached(
    round: Round,
    *,
    seed: int = DEFAULT_SEED,
    n_draws: int = DEFAULT_DRAWS,
    inputs: RoundInputs | None = None,
    fingerprint: str | None = None,
    stored: dict | None = None,
) -> RoundAnalysis:
    """The round's analysis: from the stored row when its key is current, else computed (from
    `inputs` when given, else loaded) and stored (see the module docstring). Pass `fingerprint`
    (``round_fingerprint(round)``) when already read, and `stored` when the row was already read
    with ``stored_payloads``."""
    fingerprint = round_fingerprint(round) if fingerprint is None else fingerprint
    parameters = payload_parameters(seed, n_draws)
    key = analysis_key(fingerprint, seed=seed, n_draws=n_draws)
    if stored is None:
        stored = stored_payloads(round, {parameters: key}).get(parameters)
    if stored is not None:
        return RoundAnalysis.from_payload(stored)
    inputs = round_inputs(round) if inputs is None else inputs
    analysis = round_analysis(round, seed=seed, n_draws=n_draws, inputs=inputs)
    payload = analysis.to_payload()
    kept = store_payload(round, parameters, key, payload)
    return analysis if kept is payload else RoundAnalysis.from_payload(kept)


def cached_payload(
    round: Round, parameters: str, key: str, compute: Callable[[], dict], *, keep: tuple[str, int] | None = None
) -> dict:
    """A derived payload of the round (e.g. a category's ranked rows) under its own parameters.
    ``keep=(prefix, n)``: once a new payload is stored, only the n most recently computed rows of
    the round whose parameters start with prefix stay (a family of rows with open-ended
    parameters, such as the cross award's choices of criteria, does not grow without end)."""
    stored = stored_payloads(round, {parameters: key}).get(parameters)
    if stored is not None:
        return stored
    payload = store_payload(round, parameters, key, compute())
    if keep is not None:
        prefix, n = keep
        family = RankingAnalysisCache.objects.filter(round_id=round.pk, parameters__startswith=prefix)
        family.exclude(pk__in=family.order_by("-computed_at", "-pk").values("pk")[:n]).delete()
    return payload
