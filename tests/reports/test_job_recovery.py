"""Jobs of workers that die: the lease, the sweep, the bounded retries and "Run again".

The first two tests run real `db_worker` processes (tests/reports/job_worker.py) on a database of
their own that every process opens: a SQLite file, or a PostgreSQL database when the suite runs
on PostgreSQL. They wait on conditions with generous deadlines, never on fixed sleeps."""

import io
import json
import sqlite3
import subprocess
import sys
import time
import uuid
import zipfile
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reports.enums import ExportKind, JobFailure, JobStatus
from reports.models import Certificate, CertificateBatch, ExportJob
from reports.services import certificates_issue
from tests.reports.conftest import pdf_text

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "reports" / "job_worker.py"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
SKIP_ENV = {"DATABASE_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "MEDIA_ROOT"}


class JobDatabase:
    """A database that the test and its worker processes share, read here with plain SQL."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        default = django_settings.DATABASES["default"]
        self.postgres = default["ENGINE"].endswith("postgresql")
        if self.postgres:
            self.params = {
                "host": default["HOST"] or "127.0.0.1",
                "port": default["PORT"] or 5432,
                "user": default["USER"],
                "password": default["PASSWORD"] or None,
            }
            self.name = f"{default['NAME']}_jobs_{uuid.uuid4().hex[:8]}"[:63]
            self._admin(f'CREATE DATABASE "{self.name}"')
            password = f":{self.params['password']}" if self.params["password"] else ""
            self.variables = {
                "DATABASE_URL": f"postgres://{self.params['user']}{password}@{self.params['host']}:{self.params['port']}/{self.name}"
            }
        else:
            self.variables = {"SQLITE_PATH": str(tmp / "jobs.sqlite3")}

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **self.params) as conn:
            conn.execute(sql)

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def env(self, **extra: str) -> dict:
        import os

        env = {k: v for k, v in os.environ.items() if k not in SKIP_ENV}
        env.update(DJANGO_SETTINGS_MODULE="award.settings", MEDIA_ROOT=str(self.tmp / "media"), **self.variables)
        env.update(extra)
        return env

    def rows(self, sql: str, params: tuple) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(dbname=self.name, **self.params) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(self.variables["SQLITE_PATH"], timeout=30) as conn:
            return conn.execute(sql, params).fetchall()

    def batch(self, label: str) -> dict | None:
        """The edition's latest certificate batch, or None before there is one."""
        rows = self.rows(
            "SELECT b.id, b.status, b.done, b.total, b.attempts, b.merged_pdf, b.zip_file "
            "FROM reports_certificatebatch b JOIN award_edition e ON e.id = b.edition_id "
            "WHERE e.slug = ? ORDER BY b.id DESC",
            (label,),
        )
        if not rows:
            return None
        return dict(zip(["id", "status", "done", "total", "attempts", "merged_pdf", "zip_file"], rows[0], strict=True))

    def codes(self, label: str) -> list[list]:
        rows = self.rows(
            "SELECT c.id, c.code FROM reports_certificate c JOIN award_edition e ON e.id = c.edition_id "
            "WHERE e.slug = ? ORDER BY c.id",
            (label,),
        )
        return [list(row) for row in rows]

    def tasks(self, batch: int) -> list[dict]:
        """django-tasks' rows of the batch's tasks, oldest first: status and worker ids."""
        rows = self.rows(
            "SELECT status, worker_ids, args_kwargs FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE ? ORDER BY enqueued_at",
            ("%certificate_batch_run",),
        )
        # JSON columns: text on SQLite, decoded by psycopg on PostgreSQL.
        loaded = [(status, *(json.loads(v) if isinstance(v, str) else v for v in rest)) for status, *rest in rows]
        return [
            {"status": status, "workers": workers}
            for status, workers, call in loaded
            if call["kwargs"].get("batch_id") == batch
        ]

    def media(self, name: str) -> bytes:
        return (self.tmp / "media" / name).read_bytes()


def _script(*args: str, env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _wait(condition, *, timeout: float, what: str, workers=None):
    """Poll `condition` until it returns something true; fail with the workers' logs if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    logs = workers.logs() if workers else ""
    pytest.fail(f"timed out after {timeout} s waiting for {what}\n{logs}")


class Workers:
    """Real `db_worker` processes; whatever is left is stopped at the end of the test."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, env: dict, *options: str) -> subprocess.Popen:
        log = open(self.tmp / f"worker-{name}.log", "w")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [sys.executable, str(SCRIPT), "worker", name, *options],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs[name] = proc
        return proc

    def started(self, name: str) -> bool:
        """True once the worker process has set Django up and is about to enter its loop."""
        return f"worker {name} pid" in (self.tmp / f"worker-{name}.log").read_text()

    def logs(self) -> str:
        return "\n".join(
            f"--- worker {name} ---\n{(self.tmp / f'worker-{name}.log').read_text()[-3000:]}" for name in self.procs
        )

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def job_db(tmp_path_factory, migrated_sqlite):
    database = JobDatabase(tmp_path_factory.mktemp("jobs"))
    if not database.postgres:  # start from a migrated copy: the script's migrate then has nothing to do
        migrated_sqlite(database.variables["SQLITE_PATH"])
    try:
        _script("migrate", "killed:52", "slow:12", env=database.env())
        yield database
    finally:
        database.drop()


@pytest.fixture
def workers(tmp_path):
    running = Workers(tmp_path)
    yield running
    running.stop_all()


def _pdf_codes(pdf: bytes, codes: list[str]) -> list[str]:
    """The verification code printed on each page (the address may wrap: compared without spaces)."""
    pages = ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    return [next((code for code in codes if code in text), "") for text in pages]


@pytest.mark.slow
def test_killed_worker_batch_finishes_on_another_worker_with_the_same_codes(job_db, workers):
    env = job_db.env(JOB_LEASE_SECONDS="6", JOB_MAX_ATTEMPTS="3")
    # Worker A starts the batch as the organiser's page does and takes it; it is slowed down per
    # certificate cut into the zip, so that it is still half-way when it is killed.
    first = workers.start("A", env, "--start", "killed", "--item-delay", "2")
    _wait(
        lambda: (job_db.batch("killed") or {}).get("status") == "running",
        timeout=300,
        what="A to take the batch",
        workers=workers,
    )
    # B runs beside A meanwhile, sweeping every 3 s: it must leave A's live job alone.
    workers.start("B", env)
    halfway = _wait(
        lambda: workers.started("B") and (row := job_db.batch("killed")) and 0 < row["done"] < row["total"] and row,
        timeout=300,
        what="B up and A half-way through the batch",
        workers=workers,
    )
    issued = job_db.codes("killed")
    first.kill()  # SIGKILL: no goodbye, the task stays RUNNING in django-tasks' table
    first.wait(timeout=60)
    assert (halfway["total"], len(issued), halfway["attempts"]) == (52, 52, 1)

    final = _wait(
        lambda: (row := job_db.batch("killed"))["status"] in {"done", "failed"} and row,
        timeout=300,
        what="B to finish the batch",
        workers=workers,
    )
    assert (final["id"], final["status"], final["done"], final["total"], final["attempts"]) == (
        halfway["id"],
        "done",
        52,
        52,
        2,
    )
    # The certificates issued before the kill, unchanged, and no new ones: the codes an
    # uninterrupted run prints.
    assert job_db.codes("killed") == issued
    codes = [code for _, code in issued]
    assert len(set(codes)) == 52
    assert sorted(_pdf_codes(job_db.media(final["merged_pdf"]), codes)) == sorted(codes)
    assert len(zipfile.ZipFile(io.BytesIO(job_db.media(final["zip_file"]))).namelist()) == 52
    # The dead worker's task stays RUNNING in the library's table; the sweep queued a new one.
    # django-tasks marks B's task only after the job row is done: wait for that write too.
    tasks = _wait(
        lambda: (rows := job_db.tasks(final["id"]))[-1:] and rows[-1]["status"] != "RUNNING" and rows,
        timeout=120,
        what="the library to record B's task as finished",
        workers=workers,
    )
    assert tasks == [
        {"status": "RUNNING", "workers": ["A"]},
        {"status": "SUCCESSFUL", "workers": ["B"]},
    ]


@pytest.mark.slow
def test_slow_live_worker_keeps_its_job(job_db, workers):
    env = job_db.env(JOB_LEASE_SECONDS="5", JOB_MAX_ATTEMPTS="3")
    # Both workers are slow (16 s without any progress before the PDF is drawn: three leases and
    # more): whichever takes the batch holds it by its heartbeat while the other sweeps every 2.5 s.
    workers.start("B", env, "--render-delay", "16")
    _wait(lambda: workers.started("B"), timeout=300, what="B up", workers=workers)
    workers.start("A", env, "--start", "slow", "--render-delay", "16")
    final = _wait(
        lambda: (row := job_db.batch("slow")) and row["status"] in {"done", "failed"} and row,
        timeout=300,
        what="the batch to finish",
        workers=workers,
    )
    assert (final["status"], final["attempts"], final["done"]) == ("done", 1, 12)
    # django-tasks marks its task only after the job row is done: wait for that write too.
    (task,) = _wait(
        lambda: (rows := job_db.tasks(final["id"])) and rows[-1]["status"] != "RUNNING" and rows,
        timeout=120,
        what="the library to record the task as finished",
        workers=workers,
    )
    assert task["status"] == "SUCCESSFUL" and len(task["workers"]) == 1
    assert len(job_db.codes("slow")) == 12


def _stale(model, **fields):
    """A job whose worker vanished: running, with a lease that expired a minute ago."""
    return model.objects.create(
        status=JobStatus.RUNNING,
        lease_token="dead-worker",
        lease_expires_at=timezone.now() - timedelta(minutes=1),
        **fields,
    )


@pytest.mark.django_db(transaction=True)
def test_recover_jobs_queues_a_dead_workers_batch_again_and_a_worker_finishes_it(
    settings, client_for, edition, scored, organiser
):
    settings.TASKS = DB_TASKS
    settings.JOB_MAX_ATTEMPTS = 3
    batch = _stale(CertificateBatch, edition=edition, created_by=organiser, kinds=["winner"], attempts=1, total=1)
    out = StringIO()
    call_command("recover_jobs", stdout=out)
    assert out.getvalue().strip() == "retried=1 failed=0"
    batch.refresh_from_db()
    assert (batch.status, batch.lease_token, batch.attempts) == (JobStatus.QUEUED, "", 1)

    page = client_for(organiser).get(reverse("reports:batch", args=[edition.slug, batch.pk])).content.decode()
    assert "Retrying after the worker stopped (attempt 2 of 3)." in page

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.done, batch.total) == (JobStatus.DONE, 2, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_job_page_queues_a_dead_workers_export_again(settings, client_for, edition, scored, organiser):
    settings.TASKS = DB_TASKS
    job = _stale(ExportJob, edition=edition, created_by=organiser, kind=ExportKind.SCORE_MATRIX, attempts=1, total=8)
    page = client_for(organiser).get(reverse("reports:export", args=[edition.slug, job.pk])).content.decode()
    assert "Retrying after the worker stopped (attempt 2 of 3)." in page
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.done) == (JobStatus.DONE, 2, 8)


@pytest.mark.django_db
def test_recover_jobs_leaves_a_live_lease_alone(client_for, edition, organiser):
    batch = CertificateBatch.objects.create(
        edition=edition,
        kinds=["winner"],
        status=JobStatus.RUNNING,
        attempts=1,
        lease_token="live-worker",
        lease_expires_at=timezone.now() + timedelta(seconds=30),
    )
    out = StringIO()
    call_command("recover_jobs", stdout=out)
    assert out.getvalue().strip() == "retried=0 failed=0"
    page = client_for(organiser).get(reverse("reports:batch", args=[edition.slug, batch.pk])).content.decode()
    assert "Retrying" not in page and "Running" in page
    batch.refresh_from_db()
    assert (batch.status, batch.lease_token, batch.attempts) == (JobStatus.RUNNING, "live-worker", 1)


@pytest.mark.django_db
def test_batch_after_the_last_attempt_fails_with_the_reason_and_runs_again_with_the_same_codes(
    settings, client_for, edition, scored, organiser, django_capture_on_commit_callbacks
):
    settings.JOB_MAX_ATTEMPTS = 3
    kinds = ["winner", "finalist"]
    codes = sorted(c.code for c in certificates_issue(edition=edition, kinds=kinds, actor=organiser))
    batch = _stale(
        CertificateBatch,
        edition=edition,
        created_by=organiser,
        kinds=kinds,
        base_url="https://a.example",
        attempts=3,
        total=3,
        done=1,
    )
    client = client_for(organiser)
    url = reverse("reports:batch", args=[edition.slug, batch.pk])
    page = client.get(url).content.decode()
    assert "Failed: the worker stopped responding." in page and "It was started 3 times." in page
    assert 'data-testid="job-rerun"' in page and "Run again" in page
    batch.refresh_from_db()
    assert (batch.status, batch.failure) == (JobStatus.FAILED, JobFailure.WORKER_LOST)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:batch_rerun", args=[edition.slug, batch.pk]))
    rerun = CertificateBatch.objects.exclude(pk=batch.pk).get()
    assert response.status_code == 302
    assert response.url == reverse("reports:batch", args=[edition.slug, rerun.pk])
    rerun.refresh_from_db()
    assert (rerun.status, rerun.kinds, rerun.attempts) == (JobStatus.DONE, kinds, 1)
    assert sorted(Certificate.objects.filter(edition=edition).values_list("code", flat=True)) == codes
    with rerun.merged_pdf.open("rb") as fh:
        text = "".join(pdf_text(fh.read()).split())
    assert all(code in text for code in codes)


@pytest.mark.django_db
def test_run_again_is_refused_to_a_non_organiser(client_for, edition, organiser, juror):
    batch = CertificateBatch.objects.create(
        edition=edition, kinds=["winner"], status=JobStatus.FAILED, failure=JobFailure.WORKER_LOST
    )
    client = client_for(juror)
    assert client.get(reverse("reports:batch", args=[edition.slug, batch.pk])).status_code == 404
    response = client.post(reverse("reports:batch_rerun", args=[edition.slug, batch.pk]))
    assert response.status_code == 404
    assert CertificateBatch.objects.count() == 1
