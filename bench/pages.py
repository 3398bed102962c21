"""In-process timings of the juror's two busiest pages, the dashboard and the scoring page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py

Seeds the same data as bench/load.py (50 jurors x 8 assignments, 5 criteria, DEBUG=0) into a
temporary database, gives one juror some saved scores, then requests each page BENCH_REPEAT times
(default 50) through django.test.Client and prints the median and p95 wall time and the number of
queries. Less noisy than the load test on a shared machine: no network, no other processes.
"""

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import django_setup, temporary_database  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", 50))


def main() -> None:
    os.environ.update(DEBUG="0", SECRET_KEY="bench-" + "x" * 50, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")
    with temporary_database("pages"):
        django_setup(migrate=True)
        from django.conf import settings

        # No collectstatic here: plain static URLs instead of the manifest (a dict lookup either way).
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        import load
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from award.models import User
        from scoring.jury.briefing import briefing_acknowledge
        from scoring.jury.scores import ScoreInput, score_save
        from scoring.models import Assignment

        plan = load.seed(users=50, per_user=8)
        email, ids = plan["jurors"][0]
        juror = User.objects.get(email=email)
        briefing_acknowledge(actor=juror, edition=Assignment.objects.get(pk=ids[0]).round.edition)
        for aid in ids[:4]:
            assignment = Assignment.objects.get(pk=aid)
            values = {cid: ScoreInput(Decimal(lo), "Clear evidence.") for cid, lo, _hi in plan["criteria"]}
            score_save(actor=juror, assignment=assignment, expected_version=assignment.version, values=values)
        client = Client()
        client.force_login(juror)
        pages = {"dashboard": reverse("scoring:dashboard"), "assignment": reverse("scoring:score", args=[ids[0]])}
        for name, url in pages.items():
            for _ in range(5):  # warm caches (templates, translations, connection)
                assert client.get(url).status_code == 200
            timings = []
            for _ in range(REPEAT):
                started = time.perf_counter()
                client.get(url)
                timings.append(time.perf_counter() - started)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            timings.sort()
            p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
            print(
                f"{name}: median_ms={statistics.median(timings) * 1000:.2f} p95_ms={p95 * 1000:.2f} "
                f"queries={len(queries)}",
                flush=True,
            )
        # The autosave: the whole form posted with the version the page was loaded at.
        assignment = Assignment.objects.get(pk=ids[0])
        version, timings = assignment.version, []
        for n in range(REPEAT + 1):
            data = {"version": version, "overall_comment": ""}
            for cid, lo, hi in plan["criteria"]:
                data[f"value_{cid}"] = str(int(lo) + (n + cid) % (int(hi) - int(lo) + 1))
                data[f"comment_{cid}"] = "Clear evidence."
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.post(pages["assignment"], data, HTTP_X_AUTOSAVE="1")
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content
            version = response.json()["version"]
        timings = sorted(timings[1:])
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        print(
            f"save: median_ms={statistics.median(timings) * 1000:.2f} p95_ms={p95 * 1000:.2f} queries={len(queries)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
