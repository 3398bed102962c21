"""In-process timing of the organiser's ranking page at 2,000 projects × 5 reviews in one category.

    python bench/ranking_page.py                       # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/ranking_page.py

Seeds the round of bench/ranking.py (``populate``: BENCH_PROJECTS projects, default 2,000, in
one category; 5 reviews each by jurors drawn at random, 8 criteria, all completed) into a
temporary database, makes an organiser, fills
the analysis cache with one request (the fit is not part of a page view: issue 15, item 5), then
requests the first page of the ranking BENCH_REPEAT times (default 7) through django.test.Client
after a warm-up and prints the median wall time, the size of the HTML and the number of queries
(and, on the line before, the median of ``ranking_for`` alone: the engine's share of the page).
The goal (issue 15, item 11): page_ms ≤ 300, page_kb ≤ 600, a query count that does not grow.
The line before the last times the page as a fresh process sees it (another gunicorn worker, or one
just restarted): the in-process cache of decoded payloads (``engine.PAYLOAD_MEMORY``) emptied before each
request, so the stored analysis and rows are read from the database and decoded again; with the
stored payloads' sizes (their JSON text): ``fresh_ms=… fresh_cpu_ms=… rows_bytes=… analysis_bytes=…``.
Last line: ``page_ms=… page_kb=… queries=… page_cpu_ms=…``.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import django_setup, temporary_database  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", 7))
PROJECTS = int(os.environ.get("BENCH_PROJECTS", 2000))


def main() -> None:
    os.environ.update(DEBUG="0", SECRET_KEY="bench-" + "x" * 50, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")
    with temporary_database("ranking_page"):
        django_setup(migrate=True)
        from django.conf import settings

        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        import ranking
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from award.enums import Role
        from award.models import EditionRole, User

        rnd, _quality = ranking.populate(
            projects=PROJECTS, jurors=max(ranking.REVIEWS, PROJECTS * ranking.REVIEWS // 100)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        edition = rnd.edition
        organiser = User.objects.create(email="organiser@bench.example", first_name="Olga", last_name="Organiser")
        EditionRole.objects.create(edition=edition, user=organiser, role=Role.ORGANISER)
        category = edition.categories.get()
        url = reverse("results:ranking", args=[edition.slug, rnd.number, category.slug])
        client = Client()
        client.force_login(organiser)
        started = time.perf_counter()
        first = client.get(url)
        assert first.status_code == 200, first.status_code
        cold_ms = (time.perf_counter() - started) * 1000
        client.get(url)  # warm-up with the analysis cached
        timings, cpu_timings = [], []
        for _ in range(REPEAT):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            cpu_timings.append(time.process_time() - cpu_started)
        # The share of the engine (one read of the round, rows over the cached analysis) in the page.
        from scoring.ranking.engine import ranking_for

        engine_timings = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            ranking_for(category=category, round=rnd)
            engine_timings.append(time.perf_counter() - started)
        # A fresh process: nothing decoded in memory, the stored payloads read and decoded again.
        from scoring.ranking.engine import PAYLOAD_MEMORY

        fresh, fresh_cpu = [], []
        for _ in range(REPEAT):
            PAYLOAD_MEMORY.clear()
            started, cpu_started = time.perf_counter(), time.process_time()
            client.get(url)
            fresh.append(time.perf_counter() - started)
            fresh_cpu.append(time.process_time() - cpu_started)
        sizes = {"rows": 0, "analysis": 0}
        from scoring.models import RankingAnalysisCache

        for parameters, payload in RankingAnalysisCache.objects.filter(round=rnd).values_list("parameters", "payload"):
            sizes["rows" if parameters.endswith(";rows") else "analysis"] += len(json.dumps(payload).encode())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        statements = [q["sql"] for q in queries.captured_queries]
        repeated = len(statements) - len(set(statements))
        html = response.content
        rows = html.count(b'data-testid="rank-row"')
        print(
            f"{category.projects.count()} projects × {ranking.REVIEWS} reviews × "
            f"{ranking.CRITERIA} criteria on {connection.vendor}; first request (fit) {cold_ms:.0f} ms; "
            f"{rows} rows on the first page; statements run twice: {repeated}; "
            f"ranking_for alone {statistics.median(engine_timings) * 1000:.0f} ms (median)"
        )
        print(
            f"fresh_ms={statistics.median(fresh) * 1000:.1f} fresh_cpu_ms={statistics.median(fresh_cpu) * 1000:.1f} "
            f"rows_bytes={sizes['rows']} analysis_bytes={sizes['analysis']}"
        )
        print(
            f"page_ms={statistics.median(timings) * 1000:.1f} page_kb={len(html) / 1024:.1f} queries={len(statements)} "
            # CPU time of this process (with SQLite: the database's work too): on a shared, busy
            # machine the wall time measures the queue for the cores as much as the page.
            f"page_cpu_ms={statistics.median(cpu_timings) * 1000:.1f}"
        )


if __name__ == "__main__":
    main()
