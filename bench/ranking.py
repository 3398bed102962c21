"""Benchmark: the ranking of a round of 5,000 projects × 5 reviews × 8 criteria (200,000 scores).

    .venv/bin/python bench/ranking.py                      # a temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/ranking.py
                                                           # a fresh PostgreSQL database, dropped afterwards
    BENCH_PROJECTS=2000 .venv/bin/python bench/ranking.py  # the issue's 2,000 × 5 figures

The round (``populate``; this is the one plan the ranking benches build): PROJECTS eligible
projects in one category, JURORS = PROJECTS × 5 / 100 jurors (250; about 100 reviews each), every
project reviewed by 5 distinct jurors drawn at random, all reviews completed; projects and jurors
from the four V4 countries. Eight criteria with weights 1, 2, 3, … and two ranges (0–10, and
1–5 for every fourth criterion, so the normalisation matters). A project's true quality q ~ U(0.2,
0.8) on the 0–1 scale of a criterion, a juror's leniency ~ U(−0.15, 0.15), a review's impression
~ N(0, 0.08) and each criterion's noise ~ N(0, 0.12); a value is min + span × (q + leniency +
impression + noise), rounded to the step and clipped to the range.

Printed, with numpy on one BLAS thread (as scoring/ranking/analysis.py runs it), each figure the
median of 3 runs:

- ``loader_seconds``: ``round_inputs`` (the queries to arrays);
- ``methods_fit_seconds``: from the arrays, every method's score and ranking: mean, median,
  trimmed mean, the calibrated score (``scoring.calibration.model.fit``) and the old z-scores as
  the reference (``bench/_methods.py``); ``ranking_seconds`` is the two together, the goal being
  "every method and the fit under 2 s";
- ``fit_draws_seconds``: the fit plus 1,000 posterior draws (P(finalist), expected rank, interval,
  decision band): goal under 3 s;
- ``analysis_seconds``: the whole ``analyse`` of the round (fit, draws, rater diagnostics,
  agreement, descriptives, weight sensitivity); ``cached_miss_seconds`` / ``cached_hit_seconds``:
  ``round_analysis_cached`` computing and storing, then reading the stored analysis.

Then the ranking's top 10 by every method, the top-10 overlap of each method with the calibrated
one and every method's Spearman correlation with the true quality. The last line holds the
figures as key=value pairs.
"""

import os
import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

import numpy as np
from _methods import plain_methods, z_score
from _support import django_setup, temporary_database

PROJECTS = int(os.environ.get("BENCH_PROJECTS", 5000))
REVIEWS = 5
JURORS = max(REVIEWS, PROJECTS * REVIEWS // 100)
CRITERIA = 8
DRAWS = 1000
TOP = 10
COUNTRIES = ["SK", "CZ", "PL", "HU"]
GOAL_RANKING_SECONDS = 2.0
GOAL_FIT_DRAWS_SECONDS = 3.0


def populate(*, projects: int = PROJECTS, reviews: int = REVIEWS, jurors: int = JURORS, seed: int = 5):
    """The benchmark round (see the module docstring); returns (round, true quality by project id)."""
    from django.utils import timezone

    from award.enums import AggregationMethod
    from award.models import Category, Criterion, Edition, Round, User
    from scoring.enums import AssignmentStatus
    from scoring.models import Assignment, Score
    from submissions.enums import ProjectStatus
    from submissions.models import Project

    rng = random.Random(seed)
    now = timezone.now()
    edition = Edition.objects.create(
        name="Benchmark", slug="benchmark", year=2026,
        submissions_open_at=now - timedelta(days=60), submissions_close_at=now - timedelta(days=30),
        aggregation_method=AggregationMethod.CALIBRATED,
    )  # fmt: skip
    category = Category.objects.create(edition=edition, name="Everything", slug="everything", finalists_count=TOP)
    criteria = [
        Criterion.objects.create(
            edition=edition,
            name=f"C{i}",
            weight=Decimal(1 + i % 3),
            position=i,
            min_value=1 if i % 4 == 3 else 0,
            max_value=5 if i % 4 == 3 else 10,
        )  # fmt: skip
        for i in range(CRITERIA)
    ]
    rnd = Round.objects.create(
        edition=edition, number=1, name="R1", scoring_opens_at=now - timedelta(days=20), scoring_closes_at=now
    )
    owner = User.objects.create(email="owner@bench.example")
    panel = User.objects.bulk_create(
        [User(email=f"juror{i}@bench.example", country=COUNTRIES[i % 4]) for i in range(jurors)]
    )
    Project.objects.bulk_create(
        [
            Project(edition=edition, category=category, owner=owner, reference=f"B-{i:05d}", title=f"Project {i}",
                    status=ProjectStatus.ELIGIBLE, country=rng.choice(COUNTRIES))
            for i in range(projects)
        ],
        batch_size=1000,
    )  # fmt: skip
    project_ids = list(Project.objects.filter(edition=edition).order_by("id").values_list("id", flat=True))
    Assignment.objects.bulk_create(
        [
            Assignment(round=rnd, project_id=p, juror=j, status=AssignmentStatus.COMPLETED, version=1,
                       started_at=now - timedelta(minutes=rng.randint(5, 90)), finalised_at=now)
            for p in project_ids
            for j in rng.sample(panel, reviews)
        ],
        batch_size=2000,
    )  # fmt: skip
    quality = {p: rng.uniform(0.2, 0.8) for p in project_ids}
    leniency = {j.pk: rng.uniform(-0.15, 0.15) for j in panel}
    scores = []
    for a_id, p_id, j_id in Assignment.objects.filter(round=rnd).values_list("id", "project_id", "juror_id"):
        impression = quality[p_id] + leniency[j_id] + rng.gauss(0, 0.08)
        for c in criteria:
            value = c.min_value + (c.max_value - c.min_value) * (impression + rng.gauss(0, 0.12))
            value = max(c.min_value, min(c.max_value, round(value)))
            scores.append(Score(assignment_id=a_id, criterion=c, value=Decimal(value)))
        if len(scores) >= 20000:
            Score.objects.bulk_create(scores, batch_size=5000)
            scores = []
    Score.objects.bulk_create(scores, batch_size=5000)
    return rnd, quality


def rank_every_method(inputs) -> dict[str, np.ndarray]:
    """Every method's score per project, from the loaded arrays."""
    from scoring.calibration.model import fit

    P, J = inputs.n_projects, inputs.n_jurors
    scores = plain_methods(inputs.total, inputs.project, n_projects=P)
    scores["calibrated"] = fit(inputs.total, inputs.project, inputs.juror, n_projects=P, n_jurors=J).score
    scores["z_score"] = z_score(inputs.total, inputs.project, inputs.juror, n_projects=P, n_jurors=J)
    return scores


def ranking_order(score: np.ndarray) -> np.ndarray:
    """Project positions best first; equal scores by position (the project id's order)."""
    return np.lexsort((np.arange(len(score)), -np.nan_to_num(score, nan=-np.inf)))


def fit_and_draws(inputs):
    from scoring.calibration.model import fit
    from scoring.calibration.posterior import draw

    result = fit(inputs.total, inputs.project, inputs.juror, n_projects=inputs.n_projects, n_jurors=inputs.n_jurors)
    return result, draw(result, n_draws=DRAWS, seed=0, top_n=TOP)


def median_seconds(fn, runs: int = 3) -> tuple[float, object]:
    times, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def main() -> None:
    with temporary_database("ranking"):
        django_setup(migrate=True)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from scipy.stats import spearmanr
        from threadpoolctl import threadpool_limits

        from scoring.models import RankingAnalysisCache
        from scoring.ranking.analysis import analyse
        from scoring.ranking.cache import round_analysis_cached
        from scoring.ranking.loader import round_inputs

        started = time.perf_counter()
        rnd, quality = populate()
        # A live database has planner statistics (autovacuum); a freshly bulk-loaded one has none.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"populated {PROJECTS} projects × {REVIEWS} reviews × {CRITERIA} criteria, {JURORS} jurors "
            f"in {time.perf_counter() - started:.1f}s on {connection.vendor}",
            flush=True,
        )
        rnd = type(rnd).objects.select_related("edition").get(pk=rnd.pk)

        with CaptureQueriesContext(connection) as queries:
            inputs = round_inputs(rnd)
        loader_s, inputs = median_seconds(lambda: round_inputs(rnd))
        with threadpool_limits(limits=1):
            methods_s, scores = median_seconds(lambda: rank_every_method(inputs))
            draws_s, (result, posterior) = median_seconds(lambda: fit_and_draws(inputs))
            analysis_s, _analysis = median_seconds(lambda: analyse(inputs))
        RankingAnalysisCache.objects.all().delete()
        started = time.perf_counter()
        round_analysis_cached(rnd)
        miss_s = time.perf_counter() - started
        hit_s, _cached = median_seconds(lambda: round_analysis_cached(rnd))

        methods = ["calibrated", "mean", "median", "trimmed_mean", "z_score"]
        orders = {m: ranking_order(scores[m]) for m in methods}
        rank_of = {}
        for m in methods:
            rank_of[m] = np.empty(inputs.n_projects, dtype=np.int64)
            rank_of[m][orders[m]] = np.arange(1, inputs.n_projects + 1)
        print(f"Top {TOP} by the calibrated score (score / rank by each method; P(top {TOP}), 80 % rank interval):")
        print(f"{'project':>9} " + " ".join(f"{m:>16}" for m in methods) + f" {'P':>6} {'interval':>9}")
        for i in orders["calibrated"][:TOP]:
            cells = " ".join(f"{scores[m][i]:9.2f} / {rank_of[m][i]:<4d}" for m in methods)
            interval = f"{posterior.rank_low[i]:.0f}–{posterior.rank_high[i]:.0f}"
            print(f"{int(inputs.project_ids[i]):>9} {cells} {posterior.p_top[i]:6.3f} {interval:>9}")
        truth = np.array([quality[int(pk)] for pk in inputs.project_ids])
        top_calibrated = set(orders["calibrated"][:TOP].tolist())
        print(
            f"top {TOP} shared with the calibrated one: "
            + " ".join(f"{m}={len(top_calibrated & set(orders[m][:TOP].tolist()))}" for m in methods[1:])
        )
        spearman = {m: spearmanr(scores[m], truth)[0] for m in methods}
        print("spearman with the true quality: " + " ".join(f"{m}={spearman[m]:.4f}" for m in methods))
        band = posterior.summaries[0].band
        print(
            f"model: sigma2_b={result.sigma2_b:.2f} sigma2_e={result.sigma2_e:.2f} sigma2_a={result.sigma2_a:.2f} "
            f"iterations={result.iterations} converged={result.converged} components={result.components.count}; "
            f"decision band {len(band)} projects, expected wrong finalists "
            f"{posterior.summaries[0].expected_wrong:.2f}; {inputs.n_projects} projects ranked"
        )
        ranking_s = loader_s + methods_s
        goals = (
            f"goals: every method and the fit {'met' if ranking_s < GOAL_RANKING_SECONDS else 'MISSED'} "
            f"({ranking_s:.2f} s < {GOAL_RANKING_SECONDS:.0f} s with the loader, {methods_s:.2f} s without), "
            f"fit plus {DRAWS} draws {'met' if draws_s < GOAL_FIT_DRAWS_SECONDS else 'MISSED'} "
            f"({draws_s:.2f} s < {GOAL_FIT_DRAWS_SECONDS:.0f} s)"
        )
        print(goals)
        print(
            f"ranking_seconds={ranking_s:.3f} fit_draws_seconds={draws_s:.3f} loader_seconds={loader_s:.3f} "
            f"methods_fit_seconds={methods_s:.3f} analysis_seconds={analysis_s:.3f} "
            f"cached_miss_seconds={miss_s:.3f} cached_hit_seconds={hit_s:.3f} loader_queries={len(queries)} "
            f"spearman_calibrated={spearman['calibrated']:.4f} spearman_mean={spearman['mean']:.4f} "
            f"spearman_z_score={spearman['z_score']:.4f}"
        )


if __name__ == "__main__":
    main()
