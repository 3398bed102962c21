"""Benchmark: rank a round of 5,000 projects × 5 jurors × 8 criteria (200,000 scores).

    .venv/bin/python bench/ranking.py                      # a temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/ranking.py
                                                           # a fresh PostgreSQL database, dropped afterwards

Times the full ranking of the round (every method, the flags, the agreement and the juror table,
without bootstrap), then the ranking with the bootstrap (1,000 resamples). The last line is
`ranking_seconds=<s> bootstrap_seconds=<s> queries=<n>`.
"""

import os
import random
import time
from datetime import timedelta
from decimal import Decimal

from _support import django_setup, temporary_database

PROJECTS = int(os.environ.get("BENCH_PROJECTS", 5000))
JURORS = 5
CRITERIA = 8
SAMPLES = 1000


def _populate():
    from django.utils import timezone

    from award.enums import AggregationMethod
    from award.models import Category, Criterion, Edition, Round, User
    from scoring.enums import AssignmentStatus
    from scoring.models import Assignment, Score
    from submissions.enums import ProjectStatus
    from submissions.models import Project

    rng = random.Random(5)
    now = timezone.now()
    edition = Edition.objects.create(
        name="Benchmark",
        slug="benchmark",
        year=2026,
        submissions_open_at=now - timedelta(days=60),
        submissions_close_at=now - timedelta(days=30),
        aggregation_method=AggregationMethod.CALIBRATED,
        bootstrap_samples=SAMPLES,
    )
    category = Category.objects.create(edition=edition, name="Everything", slug="everything", finalists_count=10)
    criteria = [
        Criterion.objects.create(edition=edition, name=f"C{i}", weight=Decimal(1 + i % 3), position=i)
        for i in range(CRITERIA)
    ]
    rnd = Round.objects.create(
        edition=edition, number=1, name="R1", scoring_opens_at=now - timedelta(days=20), scoring_closes_at=now
    )
    owner = User.objects.create(email="owner@bench.example")
    jurors = User.objects.bulk_create([User(email=f"juror{i}@bench.example") for i in range(JURORS)])
    Project.objects.bulk_create(
        [
            Project(
                edition=edition,
                category=category,
                owner=owner,
                reference=f"B-{i:05d}",
                title=f"Project {i}",
                status=ProjectStatus.ELIGIBLE,
            )
            for i in range(PROJECTS)
        ],
        batch_size=1000,
    )
    project_ids = list(Project.objects.filter(edition=edition).order_by("id").values_list("id", flat=True))
    Assignment.objects.bulk_create(
        [
            Assignment(round=rnd, project_id=p, juror=j, status=AssignmentStatus.COMPLETED, finalised_at=now)
            for p in project_ids
            for j in jurors
        ],
        batch_size=2000,
    )
    quality = {p: rng.uniform(2, 8) for p in project_ids}
    leniency = {j.pk: rng.uniform(-1.5, 1.5) for j in jurors}
    scores = []
    for a_id, p_id, j_id in Assignment.objects.filter(round=rnd).values_list("id", "project_id", "juror_id"):
        for criterion in criteria:
            value = max(0, min(10, round(quality[p_id] + leniency[j_id] + rng.gauss(0, 1.2))))
            scores.append(Score(assignment_id=a_id, criterion=criterion, value=Decimal(value)))
        if len(scores) >= 20000:
            Score.objects.bulk_create(scores, batch_size=5000)
            scores = []
    Score.objects.bulk_create(scores, batch_size=5000)
    return category, rnd


def main() -> None:
    with temporary_database("ranking"):
        django_setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from scoring.ranking.engine import juror_table, ranking_for

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        category, rnd = _populate()
        # A live database has planner statistics (autovacuum); a freshly bulk-loaded one has none.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"populated {PROJECTS} projects in {time.perf_counter() - started:.1f}s on {connection.vendor}")

        # Warm the connection and the caches the way a running server has them.
        category = type(category).objects.select_related("edition").get(pk=category.pk)
        rnd = type(rnd).objects.select_related("edition").get(pk=rnd.pk)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            ranking = ranking_for(category=category, round=rnd)
            jurors = juror_table(round=rnd, category=category)
            ranking_seconds = time.perf_counter() - started
        started = time.perf_counter()
        with_bootstrap = ranking_for(category=category, round=rnd, bootstrap=True, seed=1)
        bootstrap_seconds = time.perf_counter() - started

        ranked = len(ranking.ranked_rows)
        sure = sum(1 for row in with_bootstrap.rows if row.finalist_probability == 1.0)
        print(
            f"ranked {ranked} projects, {len(jurors)} jurors, agreement {ranking.agreement:.3f} "
            f"{ranking.agreement_method}; {sure} certain finalists; {with_bootstrap.bootstrap_samples} resamples"
        )
        print(f"ranking_seconds={ranking_seconds:.3f} bootstrap_seconds={bootstrap_seconds:.3f} queries={len(queries)}")


if __name__ == "__main__":
    main()
