"""In-process timings of the juror's two busiest pages, the dashboard and the scoring page, and
of the organiser's two biggest, the assignments and the progress pages of a round of 2,000
projects x 5 reviews (issue 17: each page <= 300 KB and <= 300 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py

Seeds the same data as bench/load.py (50 jurors x 8 assignments, 5 criteria, DEBUG=0) into a
temporary database, gives one juror some saved scores, then requests each page BENCH_REPEAT times
(default 50) through django.test.Client and prints the median and p95 wall time and the number of
queries. Less noisy than the load test on a shared machine: no network, no other processes.
The last line repeats every figure on one line (medians), with the organiser's pages' sizes:
    dashboard_ms=... assignment_ms=... save_ms=... progress_kb=... progress_ms=... assignments_kb=...
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import django_setup, temporary_database  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", 50))
BIG_PROJECTS, BIG_REVIEWS, BIG_JURORS = 2000, 5, 100


def seed_big_round():
    """An edition of 2,000 eligible projects in 4 categories, 100 jurors (25 per panel) and a round
    where each project has 5 reviews, 40 % of them finalised, 20 % started. Returns (organiser, round)."""
    from django.db import transaction
    from django.utils import timezone

    from award.enums import Role
    from award.models import Category, Edition, EditionRole, Round, User
    from scoring.enums import AssignmentStatus
    from scoring.models import Assignment
    from submissions.enums import ProjectStatus
    from submissions.models import Project

    now = timezone.now()
    with transaction.atomic():
        edition = Edition.objects.create(
            name="Big round edition",
            slug="big-round",
            year=now.year + 2,
            submissions_open_at=now - timedelta(days=60),
            submissions_close_at=now - timedelta(days=30),
        )
        categories = [
            Category.objects.create(edition=edition, name=f"Category {i}", slug=f"category-{i}", position=i)
            for i in range(4)
        ]
        rnd = Round.objects.create(
            edition=edition,
            number=1,
            name="Round 1",
            scoring_opens_at=now - timedelta(days=1),
            scoring_closes_at=now + timedelta(days=10),
        )
        organiser = User.objects.create(email="big-organiser@example.org", first_name="Olga", last_name="Org")
        EditionRole.objects.create(edition=edition, user=organiser, role=Role.ORGANISER)
        owner = User.objects.create(email="big-owner@example.org")
        projects = Project.objects.bulk_create(
            Project(
                edition=edition,
                owner=owner,
                category=categories[i % 4],
                status=ProjectStatus.ELIGIBLE,
                title=f"Smart project number {i} for the citizens of a mid-sized town",
                reference=f"BIG-{i:05d}",
                organisation_name=f"Town {i}",
            )
            for i in range(BIG_PROJECTS)
        )
        jurors = User.objects.bulk_create(
            User(email=f"big-juror{i:03d}@example.org", first_name="Juror", last_name=f"Number {i}")
            for i in range(BIG_JURORS)
        )
        roles = EditionRole.objects.bulk_create(EditionRole(edition=edition, user=j, role=Role.JUROR) for j in jurors)
        for i, role in enumerate(roles):
            role.panels.add(categories[i % 4])
        panel = [[j for i, j in enumerate(jurors) if i % 4 == c] for c in range(4)]
        rows = []
        for i, project in enumerate(projects):
            members = panel[i % 4]
            for r in range(BIG_REVIEWS):
                kind = (i + r) % 5
                status = (
                    [AssignmentStatus.COMPLETED] * 2 + [AssignmentStatus.IN_PROGRESS] + [AssignmentStatus.PENDING] * 2
                )
                rows.append(
                    Assignment(
                        round=rnd,
                        project=project,
                        juror=members[(i // 4 + r * 5) % len(members)],
                        status=status[kind],
                        started_at=now if kind < 3 else None,
                        finalised_at=now if kind < 2 else None,
                    )
                )
        Assignment.objects.bulk_create(rows, batch_size=2000)
    return organiser, rnd


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
        medians = {}
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
            medians[f"{name}_ms"] = f"{statistics.median(timings) * 1000:.2f}"
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
        medians["save_ms"] = f"{statistics.median(timings) * 1000:.2f}"

        # The organiser's round pages at 2,000 projects x 5 reviews (first page, no filter).
        organiser, rnd = seed_big_round()
        client = Client()
        client.force_login(organiser)
        for name in ("progress", "assignments"):
            url = reverse(f"scoring:{name}", args=[rnd.pk])
            for _ in range(3):
                assert client.get(url).status_code == 200
            timings = []
            for _ in range(REPEAT):
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            timings.sort()
            p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
            kb = len(response.content) / 1024
            print(
                f"{name}: median_ms={statistics.median(timings) * 1000:.2f} p95_ms={p95 * 1000:.2f} "
                f"kb={kb:.1f} queries={len(queries)}",
                flush=True,
            )
            medians[f"{name}_kb"] = f"{kb:.1f}"
            medians[f"{name}_ms"] = f"{statistics.median(timings) * 1000:.2f}"
        print(" ".join(f"{key}={value}" for key, value in medians.items()), flush=True)


if __name__ == "__main__":
    main()
