"""Benchmark: assign 2,000 projects to 60 jurors with k=5 and realistic conflicts.

    python bench/assignment.py            # on a temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/assignment.py   # a fresh PostgreSQL DB

Realistic conflicts: jurors sit on two of four category panels; about 2 % of projects come
from a juror's own organisation or declare a conflict, a few share the juror's email domain,
and 5 % of the pairs are declared conflicts. The timed step is `assignments_generate`
(loading, conflict detection, the solver and writing 10,000 assignments). Last line:
assignment_seconds=<s> load_spread=<n> uncovered=<n>
"""

import os
import random
import time

from _support import django_setup, temporary_database

PROJECTS = int(os.environ.get("BENCH_PROJECTS", "2000"))
JURORS = int(os.environ.get("BENCH_JURORS", "60"))
K = 5
UNUSABLE = "!"  # an unusable password hash: nobody logs in as these users


def main() -> None:
    with temporary_database("assignment"):
        django_setup()
        run()


def run() -> None:
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from award.enums import Country, Role
    from award.models import Category, Edition, EditionRole, Round, User
    from scoring.enums import ConflictSource
    from scoring.jury.assignments import assignments_generate
    from scoring.models import ConflictOfInterest
    from submissions.enums import ProjectStatus
    from submissions.models import Project, TeamMember

    call_command("migrate", verbosity=0)
    rng = random.Random(60)
    now = timezone.now()
    edition = Edition.objects.create(
        name="Bench",
        slug="bench",
        year=2026,
        submissions_open_at=now - timedelta(days=60),
        submissions_close_at=now - timedelta(days=30),
        jurors_per_project=K,
    )
    rnd = Round.objects.create(
        edition=edition,
        number=1,
        name="Round 1",
        scoring_opens_at=now - timedelta(days=1),
        scoring_closes_at=now + timedelta(days=20),
    )
    categories = [Category.objects.create(edition=edition, name=f"C{i}", slug=f"c{i}", position=i) for i in range(4)]
    countries = [c.value for c in Country]
    organisations = [f"Organisation {i}" for i in range(400)]
    users = User.objects.bulk_create(
        [
            User(
                email=f"juror{i}@org{i % 50}.eu",
                organisation=organisations[i * 3],
                country=countries[i % 4],
                password=UNUSABLE,
            )
            for i in range(JURORS)
        ]
    )
    roles = EditionRole.objects.bulk_create([EditionRole(edition=edition, user=u, role=Role.JUROR) for u in users])
    through = EditionRole.panels.through
    through.objects.bulk_create(
        [
            through(editionrole_id=r.pk, category_id=categories[(i + d) % 4].pk)
            for i, r in enumerate(roles)
            for d in (0, 1)
        ]
    )
    owners = User.objects.bulk_create([User(email=f"team{i}@city{i}.eu", password=UNUSABLE) for i in range(PROJECTS)])
    projects = Project.objects.bulk_create(
        [
            Project(
                edition=edition,
                category=categories[i % 4],
                owner=owners[i],
                status=ProjectStatus.ELIGIBLE,
                reference=f"B-{i:05d}",
                title=f"Project {i}",
                country=countries[i % 4],
                organisation_name=rng.choice(organisations),  # now and then a juror's own organisation
                partners="\n".join(rng.sample(organisations, 2)),
            )
            for i in range(PROJECTS)
        ]
    )
    TeamMember.objects.bulk_create(
        [TeamMember(project=p, name="Lead", email=f"lead@org{rng.randrange(400)}.eu") for p in projects]
    )
    pairs = {(rng.choice(users).pk, p.pk) for p in projects for _ in range(3) if rng.random() < 0.1}
    ConflictOfInterest.objects.bulk_create(
        [
            ConflictOfInterest(edition=edition, juror_id=j, project_id=p, source=ConflictSource.DECLARED)
            for j, p in pairs
        ]
    )

    started = time.perf_counter()
    report = assignments_generate(actor=None, round=rnd)
    seconds = time.perf_counter() - started

    from scoring.selectors import round_overview

    overview = round_overview(rnd)
    assert report.created == PROJECTS * K - sum(K - a for _p, a, _n in report.uncovered) or report.uncovered
    print(
        f"projects={PROJECTS} jurors={JURORS} k={K} declared_conflicts={len(pairs)} created={report.created} "
        f"warnings={len(report.warnings)}"
    )
    print(f"assignment_seconds={seconds:.2f} load_spread={overview['load_spread']} uncovered={overview['uncovered']}")


if __name__ == "__main__":
    main()
