"""Benchmark: write a 200,000-row score matrix with openpyxl in write-only mode.

    python bench/excel.py            # on a temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/excel.py   # a fresh PostgreSQL DB

The data is loaded by a child process, so that the memory figure is the export's own growth
(peak resident set during the export minus the resident set before it). Last line:
rows_per_second=<x> peak_rss_growth_mb=<x>
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _support import ROOT, django_setup, temporary_database

ROWS = int(os.environ.get("BENCH_ROWS", "200000"))
CRITERIA = 8
JURORS = 20
JURORS_PER_PROJECT = 10


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def seed() -> None:
    django_setup()
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from award.enums import Role
    from award.models import Category, Criterion, Edition, EditionRole, Round, User
    from scoring.enums import AssignmentStatus
    from scoring.models import Assignment, Score
    from submissions.enums import ProjectStatus
    from submissions.models import Project

    call_command("migrate", verbosity=0)
    unusable = make_password(None)
    now = timezone.now()
    edition = Edition.objects.create(
        name="Bench Award",
        slug="bench",
        year=2026,
        submissions_open_at=now - timedelta(days=60),
        submissions_close_at=now - timedelta(days=30),
    )
    category = Category.objects.create(edition=edition, name="Smart City", slug="smart-city")
    criteria = [Criterion.objects.create(edition=edition, name=f"Criterion {i}", position=i) for i in range(CRITERIA)]
    rnd = Round.objects.create(
        edition=edition,
        number=1,
        name="Round 1",
        scoring_opens_at=now - timedelta(days=20),
        scoring_closes_at=now + timedelta(days=10),
    )
    jurors = User.objects.bulk_create(
        [
            User(email=f"juror{i}@bench.example", first_name="Juror", last_name=f"Nováková {i}", password=unusable)
            for i in range(JURORS)
        ]
    )
    jurors = list(User.objects.filter(email__endswith="@bench.example").order_by("id"))
    EditionRole.objects.bulk_create([EditionRole(edition=edition, user=j, role=Role.JUROR) for j in jurors])
    owner = User.objects.create(email="team@bench.example", password=unusable)
    n_projects = -(-ROWS // (CRITERIA * JURORS_PER_PROJECT))
    Project.objects.bulk_create(
        [
            Project(
                edition=edition,
                category=category,
                owner=owner,
                reference=f"V4A-2026-{i:05d}",
                status=ProjectStatus.ELIGIBLE,
                title=f"=Smart project {i} in Žilina",
                organisation_name=f"Mesto {i}",
            )
            for i in range(n_projects)
        ],
        batch_size=2000,
    )
    projects = list(Project.objects.filter(edition=edition).order_by("id"))
    Assignment.objects.bulk_create(
        [
            Assignment(
                round=rnd,
                project=p,
                juror=jurors[(k + i) % JURORS],
                status=AssignmentStatus.COMPLETED,
                finalised_at=now,
            )
            for i, p in enumerate(projects)
            for k in range(JURORS_PER_PROJECT)
        ],
        batch_size=5000,
    )
    batch, written = [], 0
    for a_id in (
        Assignment.objects.filter(round=rnd).order_by("id").values_list("id", flat=True).iterator(chunk_size=5000)
    ):
        for c in criteria:
            if written >= ROWS:
                break
            batch.append(
                Score(
                    assignment_id=a_id, criterion=c, value=Decimal((a_id + c.pk) % 11), comment="Good; clear evidence."
                )
            )
            written += 1
        if len(batch) >= 10000:
            Score.objects.bulk_create(batch)
            batch = []
    Score.objects.bulk_create(batch)


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="bench-excel-")
    with temporary_database("excel"):
        env = dict(os.environ, BENCH_SEED="1", PYTHONPATH=str(ROOT))
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__], env=env, check=True)
        print(f"seeded {ROWS} scores in {time.perf_counter() - started:.1f} s")
        django_setup()
        from award.models import Edition
        from reports.excel import workbook_score_matrix

        edition = Edition.objects.get(slug="bench")
        out_path = Path(tmp) / "scores.xlsx"
        rss_before = _rss_kb("VmRSS")
        started = time.perf_counter()
        with out_path.open("wb") as out:
            rows = workbook_score_matrix(out, edition=edition)
        elapsed = time.perf_counter() - started
        growth_mb = (_rss_kb("VmHWM") - rss_before) / 1024
        size_mb = out_path.stat().st_size / 1024 / 1024
        print(f"rows={rows} seconds={elapsed:.2f} file_mb={size_mb:.1f}")
        print(f"rows_per_second={rows / elapsed:.0f} peak_rss_growth_mb={growth_mb:.1f}")


if __name__ == "__main__":
    if os.environ.get("BENCH_SEED"):
        seed()
    else:
        main()
