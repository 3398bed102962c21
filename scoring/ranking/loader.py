"""The ranking's inputs, defined once (issue 15, items 1 and 2): from a round's rows to arrays.

What counts, for every category of the round together (the model learns a juror's leniency from
all their reviews in the round):

- the **completed** (finalised) assignments of the round; recused, pending and in-progress ones
  never count;
- of projects that are not withdrawn and not ineligible (``EXCLUDED_PROJECT_STATUSES``);
- anchor projects' extra reviews count like any other (the model weighs unequal numbers);
- a completed review that lacks a value for some criterion of the rubric (a criterion added after
  it was finalised) is left out: its total would not be comparable.

A review's total on 0–100 normalises each criterion before weighting, so that each criterion
counts with exactly its weight whatever its range::

    total = Σ_c w_c · (v_c − min_c) / (max_c − min_c) / Σ_c w_c × 100

Projects: the eligible projects with at least one non-recused assignment in the round, so a
project whose reviews are all still open is known (``project_assigned`` > 0, no review) and the
presenter can list it as "missing reviews". Jurors: those with at least one counted review.

A fixed number of queries whatever the size of the round (``LOADER_QUERIES``): assignments with
their project's category and country and the juror's country; the score rows of the counted
reviews; the rubric; the categories. No Django object is built per row (the two large reads go
straight to the driver, ``raw_rows``). The stored analysis is keyed on ``cache.round_fingerprint``
(one aggregate statement), so a page whose round did not change never calls this loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db import connections
from django.db.models import F, FloatField, Func
from django.db.models.functions import Cast

from award.enums import RoundKind
from award.models import Category, Criterion, Round
from scoring.enums import AssignmentStatus
from scoring.models import Assignment, Score
from submissions.enums import ProjectStatus

EXCLUDED_PROJECT_STATUSES = (ProjectStatus.WITHDRAWN, ProjectStatus.INELIGIBLE)
LOADER_QUERIES = 4
NO_CATEGORY = -1


@dataclass
class RoundInputs:
    """Arrays over the round's counted reviews (n), projects (P), jurors (J) and criteria (C)."""

    round_id: int
    edition_id: int
    final_round: bool
    # Per review (n,)
    total: np.ndarray  # 0–100, normalised criteria (see the module docstring)
    values: np.ndarray  # (n, C) each criterion normalised to 0–1, in rubric order
    project: np.ndarray  # index into project_ids
    juror: np.ndarray  # index into juror_ids
    assignment_ids: np.ndarray
    review_keys: list[tuple[int, int]]  # (assignment id, version): what a cached result depends on
    duration: np.ndarray  # seconds from the first save to finalising; NaN when unknown
    # Per project (P,)
    project_ids: np.ndarray
    project_category: np.ndarray  # category id, NO_CATEGORY without one
    project_country: np.ndarray  # object array of ISO codes, "" when unknown
    project_assigned: np.ndarray  # non-recused assignments in the round (completed or not)
    # Per juror (J,)
    juror_ids: np.ndarray
    juror_country: np.ndarray
    # Rubric (C,)
    criterion_ids: np.ndarray
    weights: np.ndarray
    # Category id -> number of finalists (the edition's categories, in their order)
    finalists: dict[int, int]
    # The rubric's Criterion objects in order, and each one's minimum and range (max − min), so a
    # normalised value v reads back as low + v × span on the criterion's own scale.
    criteria: list = field(default_factory=list)
    criterion_low: np.ndarray | None = None
    criterion_span: np.ndarray | None = None

    @property
    def n_projects(self) -> int:
        return len(self.project_ids)

    @property
    def n_jurors(self) -> int:
        return len(self.juror_ids)

    @property
    def project_index(self) -> dict[int, int]:
        return {int(pk): i for i, pk in enumerate(self.project_ids)}

    @property
    def juror_index(self) -> dict[int, int]:
        return {int(pk): i for i, pk in enumerate(self.juror_ids)}

    def top_n(self, category_id: int) -> int:
        """Finalists of the category; 1 in a final round, where the question is who wins."""
        return 1 if self.final_round else int(self.finalists.get(int(category_id), 1))


def round_assignments(round: Round):
    """The assignments that count or may count: not recused, of projects neither withdrawn nor
    ineligible."""
    return (
        Assignment.objects.filter(round_id=round.pk)
        .exclude(status=AssignmentStatus.RECUSED)
        .exclude(project__status__in=EXCLUDED_PROJECT_STATUSES)
    )


def normalised_total(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Totals on 0–100 from normalised values (n × C, 0–1) and weights (C,)."""
    weights = np.asarray(weights, dtype=float)
    if values.shape[0] == 0 or weights.sum() <= 0:
        return np.zeros(values.shape[0])
    return 100.0 * (values @ weights) / weights.sum()


class SecondsBetween(Func):
    """end − start in seconds as a float, computed by the database (SQLite: julianday; PostgreSQL:
    the epoch of the interval). Django's own datetime difference on SQLite is a Python function
    that parses both timestamps per row, a third of the loader's time at 10,000 reviews."""

    arity = 2
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # julianday's doubles resolve about 50 µs at today's dates: rounded to the millisecond.
        template = "(ROUND((julianday(%(end)s) - julianday(%(start)s)) * 86400000.0) / 1000.0)"
        return self._two(compiler, connection, template)

    def as_sql(self, compiler, connection, **extra_context):
        template = "CAST(EXTRACT(EPOCH FROM (%(end)s - %(start)s)) AS double precision)"
        return self._two(compiler, connection, template)

    def _two(self, compiler, connection, template):
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        return template % {"end": end_sql, "start": start_sql}, (*end_params, *start_params)


def raw_rows(queryset) -> list[tuple]:
    """The queryset's rows as the database driver returns them, without Django's per-value
    converters (a quarter of the loader's time at 80,000 score rows). Only for columns whose raw
    values are already plain ints, floats, strings or NULL."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def round_inputs(round: Round) -> RoundInputs:
    """The round's inputs as arrays (see the module docstring), in ``LOADER_QUERIES`` queries."""
    rows = raw_rows(
        round_assignments(round)
        .order_by("project_id", "juror_id")
        .annotate(duration=SecondsBetween(F("finalised_at"), F("started_at")))
        .values_list("id", "project_id", "juror_id", "status", "version", "duration", "project__category_id",
                     "project__country", "juror__country")
    )  # fmt: skip
    scores = raw_rows(
        Score.objects.filter(assignment__round_id=round.pk, assignment__status=AssignmentStatus.COMPLETED)
        .exclude(assignment__project__status__in=EXCLUDED_PROJECT_STATUSES)
        .order_by()
        .values_list("assignment_id", "criterion_id", Cast("value", FloatField()))
    )
    # Whole objects (a handful of rows): the ranking shows the rubric without reading it again.
    criteria = list(Criterion.objects.filter(edition_id=round.edition_id).order_by("position", "id"))
    finalists = dict(Category.objects.filter(edition_id=round.edition_id).values_list("id", "finalists_count"))

    criterion_ids = np.array([c.pk for c in criteria], dtype=np.int64)
    weights = np.array([float(c.weight) for c in criteria])
    low = np.array([float(c.min_value) for c in criteria])
    span = np.array([float(c.max_value - c.min_value) for c in criteria])

    project_ids = np.array(sorted({r[1] for r in rows}), dtype=np.int64)
    project_position = {int(pk): i for i, pk in enumerate(project_ids)}
    project_category = np.full(len(project_ids), NO_CATEGORY, dtype=np.int64)
    project_country = np.full(len(project_ids), "", dtype=object)
    project_assigned = np.zeros(len(project_ids), dtype=np.int64)
    completed = [r for r in rows if r[3] == AssignmentStatus.COMPLETED]
    for r in rows:
        i = project_position[r[1]]
        project_assigned[i] += 1
        project_category[i] = r[6] if r[6] is not None else NO_CATEGORY
        project_country[i] = r[7] or ""

    # Vectorised placement of the score rows (80,000 at 2,000 projects × 5 reviews × 8 criteria).
    values = np.full((len(completed), len(criteria)), np.nan)
    score_rows = np.array(scores, dtype=float).reshape(-1, 3)
    if len(completed) and len(criteria) and len(score_rows):
        review_ids = np.array([r[0] for r in completed], dtype=np.int64)
        order = np.argsort(review_ids)
        sorted_ids = review_ids[order]
        ids = score_rows[:, 0].astype(np.int64)
        at = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
        crit = score_rows[:, 1].astype(np.int64)
        at_c = np.minimum(np.searchsorted(criterion_ids[np.argsort(criterion_ids)], crit), len(criterion_ids) - 1)
        crit_order = np.argsort(criterion_ids)
        found = (sorted_ids[at] == ids) & (criterion_ids[crit_order][at_c] == crit)
        values[order[at[found]], crit_order[at_c[found]]] = score_rows[found, 2]
    values = (values - low) / span if len(criteria) else values
    whole = ~np.isnan(values).any(axis=1) if len(criteria) else np.zeros(len(completed), dtype=bool)
    completed = [r for r, ok in zip(completed, whole, strict=True) if ok]
    values = values[whole]

    juror_ids = np.array(sorted({r[2] for r in completed}), dtype=np.int64)
    juror_position = {int(pk): j for j, pk in enumerate(juror_ids)}
    juror_country = np.full(len(juror_ids), "", dtype=object)
    for r in completed:
        juror_country[juror_position[r[2]]] = r[8] or ""

    return RoundInputs(
        round_id=round.pk,
        edition_id=round.edition_id,
        final_round=round.kind == RoundKind.FINAL,
        total=normalised_total(values, weights),
        values=values,
        project=np.array([project_position[r[1]] for r in completed], dtype=np.int64),
        juror=np.array([juror_position[r[2]] for r in completed], dtype=np.int64),
        assignment_ids=np.array([r[0] for r in completed], dtype=np.int64),
        review_keys=[(r[0], r[4]) for r in completed],
        duration=np.array([r[5] for r in completed], dtype=float),
        project_ids=project_ids,
        project_category=project_category,
        project_country=project_country,
        project_assigned=project_assigned,
        juror_ids=juror_ids,
        juror_country=juror_country,
        criterion_ids=criterion_ids,
        weights=weights,
        finalists={int(k): int(v) for k, v in finalists.items()},
        criteria=criteria,
        criterion_low=low,
        criterion_span=span,
    )
