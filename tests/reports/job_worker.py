"""A separate process on the database of tests/reports/test_job_recovery.py, run as
`python tests/reports/job_worker.py COMMAND ...` with SQLITE_PATH or DATABASE_URL set:

    migrate                the tables
    seed LABEL N           an edition LABEL with N eligible projects and a certificate batch
                           started; prints the batch's id
    worker NAME [--item-delay S] [--render-delay S]
                           a real `manage.py db_worker` (the project's command), optionally slowed
                           down per certificate cut into the zip, or once before the PDF is drawn
    state BATCH            the batch's row, its certificates, the codes in its merged PDF, the tasks
    recover                `manage.py recover_jobs`

Everything but `worker` prints one JSON object on its last line."""

import argparse
import io
import json
import os
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def seed(label: str, count: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from award.enums import Role
    from reports.services import certificate_batch_start
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
    with transaction.atomic():
        batch = certificate_batch_start(
            edition=edition, kinds=["participant"], actor=organiser, base_url="https://award.example.org"
        )
    return {"batch": batch.pk}


def state(batch_id: int) -> dict:
    from django_tasks_db.models import DBTaskResult
    from pypdf import PdfReader

    from reports.models import Certificate, CertificateBatch

    batch = CertificateBatch.objects.get(pk=batch_id)
    codes = list(Certificate.objects.filter(edition=batch.edition).order_by("id").values_list("id", "code"))
    pdf_codes: list[str] = []
    zip_entries = 0
    if batch.merged_pdf:
        with batch.merged_pdf.open("rb") as fh:
            reader = PdfReader(io.BytesIO(fh.read()))
        for page in reader.pages:
            # The verification address may wrap: compare without white space.
            text = "".join(page.extract_text().split())
            pdf_codes.append(next((code for _, code in codes if code in text), ""))
        with batch.zip_file.open("rb") as fh:
            zip_entries = len(zipfile.ZipFile(io.BytesIO(fh.read())).namelist())
    tasks = [
        {"status": t.status, "workers": t.worker_ids}
        for t in DBTaskResult.objects.filter(task_path__endswith="certificate_batch_run").order_by("enqueued_at")
        if t.args_kwargs["kwargs"].get("batch_id") == batch_id
    ]
    return {
        "status": batch.status,
        "done": batch.done,
        "total": batch.total,
        "attempts": batch.attempts,
        "failure": batch.failure,
        "error": batch.error,
        "codes": codes,
        "pdf_codes": pdf_codes,
        "zip_entries": zip_entries,
        "tasks": tasks,
    }


def worker(name: str, item_delay: float, render_delay: float) -> None:
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
    print(f"worker {name} pid {os.getpid()}", flush=True)
    call_command(
        "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload", "--worker-id", name, verbosity=1
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["migrate", "seed", "worker", "state", "recover"])
    parser.add_argument("arg", nargs="?")
    parser.add_argument("count", nargs="?", type=int)
    parser.add_argument("--item-delay", type=float, default=0)
    parser.add_argument("--render-delay", type=float, default=0)
    args = parser.parse_args()
    os.chdir(ROOT)
    from _support import django_setup

    django_setup(migrate=args.command == "migrate")
    if args.command == "migrate":
        result = {"migrated": True}
    elif args.command == "worker":
        worker(args.arg, args.item_delay, args.render_delay)
        return
    elif args.command == "seed":
        result = seed(args.arg, args.count)
    elif args.command == "state":
        result = state(int(args.arg))
    else:
        from django.core.management import call_command

        out = io.StringIO()
        call_command("recover_jobs", stdout=out)
        result = dict(pair.split("=") for pair in out.getvalue().split())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
