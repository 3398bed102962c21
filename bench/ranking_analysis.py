"""Timing: the round analysis (scoring/ranking/analysis.py) at 2,000 projects × 5 reviews × 8 criteria.

Run from the repository root: ``python bench/ranking_analysis.py`` (SQLite in a temporary file;
``DATABASE_URL=postgres://…`` for PostgreSQL). 60 jurors, each project's 5 drawn at random,
all reviews completed. Prints the median of 3 runs of: the loader (queries to arrays), the
analysis of the arrays (fit, 1,000 draws, diagnostics, agreement, descriptives, weight
sensitivity), round_analysis (both), and round_analysis_cached on a miss and on a hit.
Not a test: a figure for the integrator and the issue's "fit plus 1,000 draws ≤ 1 s".
"""

import os
import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from _support import django_setup, temporary_database

PROJECTS = int(os.environ.get("BENCH_PROJECTS", 2000))
REVIEWS = 5
JURORS = 60
CRITERIA = 8


def _populate():
    from django.utils import timezone

    from award.models import Category, Criterion, Edition, Round, User
    from scoring.enums import AssignmentStatus
    from scoring.models import Assignment, Score
    from submissions.enums import ProjectStatus
    from submissions.models import Project

    rng = random.Random(7)
    now = timezone.now()
    edition = Edition.objects.create(
        name="Benchmark", slug="benchmark", year=2026,
        submissions_open_at=now - timedelta(days=60), submissions_close_at=now - timedelta(days=30),
    )  # fmt: skip
    category = Category.objects.create(edition=edition, name="Everything", slug="everything", finalists_count=10)
    criteria = [
        Criterion.objects.create(edition=edition, name=f"C{i}", weight=Decimal(1 + i % 3), position=i)
        for i in range(CRITERIA)
    ]
    rnd = Round.objects.create(
        edition=edition, number=1, name="R1", scoring_opens_at=now - timedelta(days=20), scoring_closes_at=now
    )
    owner = User.objects.create(email="owner@bench.example")
    countries = ["SK", "CZ", "PL", "HU"]
    jurors = User.objects.bulk_create(
        [User(email=f"juror{i}@bench.example", country=countries[i % 4]) for i in range(JURORS)]
    )
    Project.objects.bulk_create(
        [
            Project(edition=edition, category=category, owner=owner, reference=f"B-{i:05d}", title=f"Project {i}",
                    status=ProjectStatus.ELIGIBLE, country=rng.choice(countries))
            for i in range(PROJECTS)
        ],
        batch_size=1000,
    )  # fmt: skip
    project_ids = list(Project.objects.filter(edition=edition).order_by("id").values_list("id", flat=True))
    Assignment.objects.bulk_create(
        [
            Assignment(round=rnd, project_id=p, juror=j, status=AssignmentStatus.COMPLETED,
                       started_at=now - timedelta(minutes=rng.randint(5, 90)), finalised_at=now)
            for p in project_ids
            for j in rng.sample(jurors, REVIEWS)
        ],
        batch_size=2000,
    )  # fmt: skip
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
    return rnd


def _median_seconds(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    with temporary_database("ranking_analysis"):
        django_setup()
        from django.core.management import call_command
        from django.db import connection
        from threadpoolctl import threadpool_limits

        call_command("migrate", verbosity=0)
        rnd = _populate()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        rnd = type(rnd).objects.select_related("edition").get(pk=rnd.pk)

        from scoring.models import RankingAnalysisCache
        from scoring.ranking.analysis import analyse, round_analysis
        from scoring.ranking.cache import round_analysis_cached
        from scoring.ranking.loader import round_inputs

        inputs = round_inputs(rnd)

        def analyse_arrays():
            with threadpool_limits(limits=1):
                analyse(inputs)

        loader_s = _median_seconds(lambda: round_inputs(rnd))
        analyse_s = _median_seconds(analyse_arrays)
        total_s = _median_seconds(lambda: round_analysis(rnd))
        RankingAnalysisCache.objects.all().delete()
        started = time.perf_counter()
        round_analysis_cached(rnd)
        miss_s = time.perf_counter() - started
        hit_s = _median_seconds(lambda: round_analysis_cached(rnd))
        print(f"{PROJECTS} projects × {REVIEWS} reviews × {CRITERIA} criteria, {JURORS} jurors on {connection.vendor}")
        print(
            f"loader_s={loader_s:.3f} analyse_s={analyse_s:.3f} round_analysis_s={total_s:.3f} "
            f"cached_miss_s={miss_s:.3f} cached_hit_s={hit_s:.3f}"
        )


if __name__ == "__main__":
    main()
