"""Jobs of workers that die: the lease, the sweep, the bounded retries and "Run again".

The first two tests run real `db_worker` processes (tests/reports/job_worker.py) on a database of
their own that every process opens: a SQLite file, or a PostgreSQL database when the suite runs
on PostgreSQL. They wait on conditions with generous deadlines, never on fixed sleeps."""

import json
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

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

    def batch(self, pk: int) -> dict:
        (row,) = self.rows("SELECT status, done, total, attempts FROM reports_certificatebatch WHERE id = ?", (pk,))
        return dict(zip(["status", "done", "total", "attempts"], row, strict=True))

    def codes(self, batch: int) -> list[list]:
        rows = self.rows(
            "SELECT id, code FROM reports_certificate WHERE edition_id = "
            "(SELECT edition_id FROM reports_certificatebatch WHERE id = ?) ORDER BY id",
            (batch,),
        )
        return [list(row) for row in rows]


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
        return "pid" in (self.tmp / f"worker-{name}.log").read_text()

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
def job_db(tmp_path_factory):
    database = JobDatabase(tmp_path_factory.mktemp("jobs"))
    try:
        _script("migrate", env=database.env())
        yield database
    finally:
        database.drop()


@pytest.fixture
def workers(tmp_path):
    running = Workers(tmp_path)
    yield running
    running.stop_all()


def test_killed_worker_batch_finishes_on_another_worker_with_the_same_codes(job_db, workers):
    env = job_db.env(JOB_LEASE_SECONDS="3", JOB_MAX_ATTEMPTS="3")
    batch = _script("seed", "killed", "52", env=env)["batch"]
    # Worker A is slowed down per certificate cut into the zip, so that the kill lands mid-batch.
    first = workers.start("A", env, "--item-delay", "0.3")
    halfway = _wait(
        lambda: (row := job_db.batch(batch))["status"] == "running" and 0 < row["done"] < row["total"] and row,
        timeout=300,
        what="worker A half-way through the batch",
        workers=workers,
    )
    issued = job_db.codes(batch)
    first.kill()  # SIGKILL: no goodbye, the task stays RUNNING in django-tasks' table
    first.wait(timeout=60)
    assert halfway["total"] == len(issued) == 52
    assert job_db.batch(batch)["status"] == "running"

    workers.start("B", env)
    _wait(
        lambda: job_db.batch(batch)["status"] in {"done", "failed"},
        timeout=300,
        what="worker B to finish the batch",
        workers=workers,
    )

    state = _script("state", str(batch), env=env)
    assert (state["status"], state["done"], state["total"], state["attempts"]) == ("done", 52, 52, 2)
    # The certificates issued before the kill, unchanged, and no new ones: the same codes an
    # uninterrupted run prints.
    assert state["codes"] == issued
    codes = [code for _, code in issued]
    assert len(set(codes)) == 52
    assert sorted(state["pdf_codes"]) == sorted(codes)
    assert state["zip_entries"] == 52
    # The dead worker's task stays RUNNING in the library's table; the sweep queued a new one.
    assert state["tasks"] == [
        {"status": "RUNNING", "workers": ["A"]},
        {"status": "SUCCESSFUL", "workers": ["B"]},
    ]


def test_slow_live_worker_keeps_its_job(job_db, workers):
    env = job_db.env(JOB_LEASE_SECONDS="4", JOB_MAX_ATTEMPTS="3")
    # Both workers are slow (14 s without progress before the PDF, 3.5 leases): whichever takes
    # the batch holds it by its heartbeat, and the other one sweeps every 2 s meanwhile.
    for name in ("A", "B"):
        workers.start(name, env, "--render-delay", "14")
    _wait(lambda: workers.started("A") and workers.started("B"), timeout=300, what="both workers up", workers=workers)
    batch = _script("seed", "slow", "12", env=env)["batch"]
    _wait(lambda: job_db.batch(batch)["status"] == "running", timeout=120, what="a worker to claim", workers=workers)
    assert _script("recover", env=env) == {"retried": "0", "failed": "0"}
    _wait(
        lambda: job_db.batch(batch)["status"] in {"done", "failed"},
        timeout=300,
        what="the batch to finish",
        workers=workers,
    )

    state = _script("state", str(batch), env=env)
    assert (state["status"], state["attempts"]) == ("done", 1)
    assert len(state["tasks"]) == 1 and state["tasks"][0]["status"] == "SUCCESSFUL"
    assert len(state["codes"]) == 12


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
