"""A separate process on the database of tests/reports/test_job_recovery.py, run as
`python tests/reports/job_worker.py COMMAND ...` with SQLITE_PATH or DATABASE_URL set:

    migrate LABEL:N ...    the tables, and for each LABEL an edition with N eligible projects
    worker NAME [--start LABEL] [--item-delay S] [--render-delay S]
                           a real `manage.py db_worker` (the project's command); --start first
                           starts a certificate batch of edition LABEL (as its organiser does on
                           the page); it may be slowed down per certificate cut into the zip, or
                           once before the PDF is drawn

`migrate` prints one JSON object on its last line."""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def seed(label: str, count: int) -> None:
    from django.contrib.auth.hashers import make_password

    from award.enums import Role
    from submissions.enums import ProjectStatus
    from tests.factories import CategoryFactory, EditionFactory, EditionRoleFactory, ProjectFactory, UserFactory

    # Every call is a new process (factory sequences start again): names come from the label.
    unusable = make_password(None)
    edition = EditionFactory(name=f"Recovery Award {label}", slug=label)
    category = CategoryFactory(edition=edition, name="Smart City", slug=f"{label}-city", position=0)
    organiser = UserFactory(email=f"{label}-organiser@example.org", password=unusable)
    EditionRoleFactory(edition=edition, user=organiser, role=Role.ORGANISER)
    for i in range(count):
        ProjectFactory(
            edition=edition,
            category=category,
            owner=UserFactory(email=f"{label}-team{i}@example.org", password=unusable),
            title=f"Project {i + 1}",
            reference=f"V4A-2026-{i + 1:04d}",
            status=ProjectStatus.ELIGIBLE,
            organisation_name=f"Town {i + 1}",
        )


def batch_start(label: str) -> None:
    from django.db import transaction

    from award.models import Edition
    from reports.services import certificate_batch_start

    edition = Edition.objects.get(slug=label)
    organiser = edition.roles.get(role="organiser").user
    with transaction.atomic():
        certificate_batch_start(
            edition=edition, kinds=["participant"], actor=organiser, base_url="https://award.example.org"
        )


def worker(name: str, start: str | None, item_delay: float, render_delay: float) -> None:
    from django.core.management import call_command

    import reports.certificates
    import reports.tasks

    if item_delay:
        # Each certificate cut into the zip takes a while, so a kill lands in the middle.
        original = reports.certificates.certificate_filename

        def slow_filename(certificate):
            time.sleep(item_delay)
            return original(certificate)

        for module in (reports.certificates, reports.tasks):
            if hasattr(module, "certificate_filename"):
                module.certificate_filename = slow_filename
    if render_delay:
        # A long step that reports no progress (as WeasyPrint laying out a large dossier).
        document = reports.tasks.certificates_document

        def slow_document(*args, **kwargs):
            time.sleep(render_delay)
            return document(*args, **kwargs)

        reports.tasks.certificates_document = slow_document
    if start:
        batch_start(start)
    print(f"worker {name} pid {os.getpid()}", flush=True)
    call_command(
        "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload", "--worker-id", name, verbosity=1
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["migrate", "worker"])
    parser.add_argument("args", nargs="*")
    parser.add_argument("--start")
    parser.add_argument("--item-delay", type=float, default=0)
    parser.add_argument("--render-delay", type=float, default=0)
    args = parser.parse_args()
    os.chdir(ROOT)
    from _support import django_setup

    django_setup(migrate=args.command == "migrate")
    if args.command == "worker":
        worker(args.args[0], args.start, args.item_delay, args.render_delay)
        return
    for spec in args.args:
        label, count = spec.split(":")
        seed(label, int(count))
    print(json.dumps({"editions": args.args}))


if __name__ == "__main__":
    main()
