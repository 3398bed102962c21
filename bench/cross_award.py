"""In-process timing of the cross-category award page (issue 17, item 8) at 2,000 projects × 5
reviews: the round of bench/ranking.py (``populate``), every eligible project ranked on two of the
eight criteria by the calibrated fit (the plan is connected). The first request fits and stores
the numbers (``cross.py``, "Cached"); the timed requests read them (``first_ms``: the first one).

    python bench/cross_award.py

Last line: ``cross_ms=… cross_cpu_ms=… cross_kb=… queries=… first_ms=…`` (medians of BENCH_REPEAT, default 3).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import django_setup, temporary_database  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", 3))
PROJECTS = int(os.environ.get("BENCH_PROJECTS", 2000))


def main() -> None:
    os.environ.update(DEBUG="0", SECRET_KEY="bench-" + "x" * 50, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")
    with temporary_database("cross_award"):
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
        edition = rnd.edition
        organiser = User.objects.create(email="organiser@bench.example", first_name="Olga", last_name="Organiser")
        EditionRole.objects.create(edition=edition, user=organiser, role=Role.ORGANISER)
        criteria = list(edition.criteria.order_by("position", "id").values_list("pk", flat=True))[:2]
        url = reverse("results:cross_award", args=[edition.slug])
        query = {"round": rnd.number, "criteria": criteria}
        client = Client()
        client.force_login(organiser)
        started = time.perf_counter()
        assert client.get(url, query).status_code == 200
        first_ms = (time.perf_counter() - started) * 1000
        timings, cpu = [], []
        for _ in range(REPEAT):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url, query)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, query)
        assert 'data-method="calibrated"' in response.content.decode()
        print(
            f"cross_ms={statistics.median(timings) * 1000:.0f} cross_cpu_ms={statistics.median(cpu) * 1000:.0f} "
            f"cross_kb={len(response.content) / 1024:.0f} queries={len(queries.captured_queries)} first_ms={first_ms:.0f}"
        )


if __name__ == "__main__":
    main()
