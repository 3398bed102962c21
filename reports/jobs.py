"""The lease on a background job's row: which worker runs the job now, and what happens when that
worker dies.

django-tasks has no recovery of its own: a `db_worker` killed in the middle of a task leaves the
task RUNNING for good and nothing ever runs it again. So the job rows carry a lease:

- a worker starts a job by claiming it: a compare-and-set, under the row's lock, that writes a
  fresh token, an expiry time (now + JOB_LEASE_SECONDS) and one more attempt;
- while it works, a heartbeat thread pushes the expiry forward every third of the lease (and
  writes the progress with it: one small UPDATE per beat, never one per item), so a slow but live
  worker keeps its job however long a step takes;
- every write of the outcome is a compare-and-set on the token: a worker that lost its job to
  another writes nothing;
- the sweep (`jobs_recover`: every `db_worker` runs it, so do the job pages and
  `manage.py recover_jobs`) finds running jobs whose lease has expired, queues them again as a new
  task for any worker, and after JOB_MAX_ATTEMPTS starts marks them failed with the reason.

A rerun issues no new certificate codes: `certificates_issue` returns the certificates that exist.
"""

import logging
import secrets
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from reports.enums import JobFailure, JobStatus
from reports.models import CertificateBatch, ExportJob, Job

logger = logging.getLogger(__name__)

JOB_MODELS: tuple[type[Job], ...] = (CertificateBatch, ExportJob)
# The progress bar moves at most this often: one UPDATE a second, whatever the number of items.
PROGRESS_SECONDS = 1.0


class LeaseLost(Exception):
    """Another worker has taken the job over: this one stops and writes nothing more."""


def lease_seconds() -> float:
    return float(settings.JOB_LEASE_SECONDS)


def max_attempts() -> int:
    return max(1, int(settings.JOB_MAX_ATTEMPTS))


def job_claim(model: type[Job], pk: int) -> str | None:
    """Start the job on this worker; the lease's token, or None when there is nothing to run
    (finished, or a live worker holds it: a task queued twice runs the job once)."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            model.objects.select_for_update()
            .filter(pk=pk)
            .values("status", "lease_token", "lease_expires_at", "attempts")
            .first()
        )
        if row is None or row["status"] in {JobStatus.DONE, JobStatus.FAILED}:
            return None
        if row["status"] == JobStatus.RUNNING and not _expired(row["lease_expires_at"], now):
            return None
        if row["status"] == JobStatus.RUNNING and row["attempts"] >= max_attempts():
            _fail_lost(model, pk, row["lease_token"], now)
            return None
        token = secrets.token_hex(16)
        claimed = model.objects.filter(pk=pk, status=row["status"], lease_token=row["lease_token"]).update(
            status=JobStatus.RUNNING,
            lease_token=token,
            lease_expires_at=now + timedelta(seconds=lease_seconds()),
            attempts=F("attempts") + 1,
            done=0,
        )
    return token if claimed else None


def _expired(expires_at: datetime | None, now: datetime) -> bool:
    # A running job without a lease was started before leases existed: its worker is long gone.
    return expires_at is None or expires_at < now


def _fail_lost(model: type[Job], pk: int, token: str, now: datetime) -> int:
    return model.objects.filter(pk=pk, status=JobStatus.RUNNING, lease_token=token).update(
        status=JobStatus.FAILED,
        failure=JobFailure.WORKER_LOST,
        error=f"The worker stopped responding (attempt {max_attempts()} of {max_attempts()}).",
        finished_at=now,
        lease_token="",
        lease_expires_at=None,
    )


class JobLease:
    """Holds a claimed job while the task works: `lease = JobLease(...).start()` ... `lease.stop()`.

    `progress()` writes the progress with a renewal at most once a PROGRESS_SECONDS; a daemon
    thread renews the lease every third of JOB_LEASE_SECONDS however long a step without
    progress takes (WeasyPrint laying out a dossier). If a renewal finds the token gone (the job
    was taken over while this worker was frozen beyond its lease), `progress()` and `check()`
    raise LeaseLost."""

    def __init__(self, model: type[Job], pk: int, token: str):
        self.model, self.pk, self.token = model, pk, token
        self.lost = False
        self._done: int | None = None
        self._written_at = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{model.__name__}-{pk}", daemon=True)

    def start(self) -> "JobLease":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def __enter__(self) -> "JobLease":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def progress(self, done: int) -> None:
        """Called per item; writes (with a renewal) only once a PROGRESS_SECONDS."""
        self.check()
        self._done = done
        if time.monotonic() - self._written_at >= PROGRESS_SECONDS and not self._beat():
            self.lost = True
            self.check()

    def check(self) -> None:
        if self.lost:
            raise LeaseLost(f"{self.model.__name__} {self.pk}")

    def _run(self) -> None:
        interval = lease_seconds() / 3
        try:
            while not self._stop.wait(interval):
                if not self._beat():
                    self.lost = True
                    return
        finally:
            # The thread's own connection (connections are per thread).
            connection.close()

    def _beat(self) -> bool:
        self._written_at = time.monotonic()
        fields = {"lease_expires_at": timezone.now() + timedelta(seconds=lease_seconds())}
        if self._done is not None:
            fields["done"] = self._done
        try:
            return (
                self.model.objects.filter(pk=self.pk, status=JobStatus.RUNNING, lease_token=self.token).update(**fields)
                == 1
            )
        except DatabaseError:
            # A missed beat (a busy database) is not a lost lease: the next one may get through.
            logger.warning("Heartbeat of %s %s failed", self.model.__name__, self.pk, exc_info=True)
            return True


def job_finish(job: Job, *, token: str, fields: list[str]) -> None:
    """Mark `job` done with its `fields` as set on the instance, if this worker still holds it;
    otherwise delete the files it stored and raise LeaseLost."""
    now = timezone.now()
    values = {name: getattr(job, name) for name in fields}
    values.update(status=JobStatus.DONE, finished_at=now, lease_token="", lease_expires_at=None)
    updated = type(job).objects.filter(pk=job.pk, status=JobStatus.RUNNING, lease_token=token).update(**values)
    if not updated:
        for name in fields:
            value = getattr(job, name)
            if hasattr(value, "storage") and value:
                value.delete(save=False)
        raise LeaseLost(f"{type(job).__name__} {job.pk}")
    job.status, job.finished_at, job.lease_token, job.lease_expires_at = JobStatus.DONE, now, "", None


def job_fail(model: type[Job], pk: int, *, token: str, error: str) -> None:
    """The task raised: the job failed with that error (not retried, it would fail again)."""
    model.objects.filter(pk=pk, status=JobStatus.RUNNING, lease_token=token).update(
        status=JobStatus.FAILED,
        failure=JobFailure.ERROR,
        error=error[:2000],
        finished_at=timezone.now(),
        lease_token="",
        lease_expires_at=None,
    )


def job_enqueue(job: Job) -> None:
    from reports.tasks import certificate_batch_run, export_run

    if isinstance(job, CertificateBatch):
        certificate_batch_run.enqueue(batch_id=job.pk)
    else:
        export_run.enqueue(job_id=job.pk)


def job_recover(model: type[Job], pk: int, *, now: datetime | None = None) -> str | None:
    """If the job's worker stopped renewing its lease: queue it again ("retried") or, after the
    last attempt, fail it ("failed"). None when its worker is alive or it is not running."""
    now = now or timezone.now()
    with transaction.atomic():
        # The row's lock (SQLite: the IMMEDIATE transaction's write lock) keeps a heartbeat from
        # landing between the check and the takeover; the token in the UPDATE is the compare-and-set.
        job = model.objects.select_for_update().filter(pk=pk).first()
        if job is None or job.status != JobStatus.RUNNING or not _expired(job.lease_expires_at, now):
            return None
        if job.attempts >= max_attempts():
            failed = _fail_lost(model, pk, job.lease_token, now)
            if failed:
                logger.warning("%s %s failed: its worker stopped responding", model.__name__, pk)
            return "failed" if failed else None
        stale = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
        requeued = model.objects.filter(stale, pk=pk, status=JobStatus.RUNNING, lease_token=job.lease_token).update(
            status=JobStatus.QUEUED, lease_token="", lease_expires_at=None, done=0
        )
        if not requeued:
            return None
        logger.warning(
            "%s %s queued again: its worker stopped responding (attempt %s)", model.__name__, pk, job.attempts
        )
        # A task queued twice is harmless: the second finds the job claimed or done.
        transaction.on_commit(lambda: job_enqueue(job))
    return "retried"


def jobs_recover(*, now: datetime | None = None) -> dict[str, int]:
    """Sweep every running job whose lease has expired; how many were retried and failed."""
    now = now or timezone.now()
    counts = {"retried": 0, "failed": 0}
    for model in JOB_MODELS:
        stale = model.objects.filter(
            Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now), status=JobStatus.RUNNING
        )
        for pk in stale.values_list("pk", flat=True):
            outcome = job_recover(model, pk, now=now)
            if outcome:
                counts[outcome] += 1
    return counts


def job_recover_if_stale(job: Job) -> Job:
    """For a job page: recover the job if its worker is gone, so the page tells the truth."""
    if job.status == JobStatus.RUNNING and _expired(job.lease_expires_at, timezone.now()):
        if job_recover(type(job), job.pk):
            job.refresh_from_db()
    return job


class Sweeper:
    """Runs `jobs_recover` every half lease in a daemon thread of a worker process, so that a
    job of a dead worker is picked up by a live one without anybody looking at its page."""

    def __init__(self, interval: float | None = None):
        self.interval = interval if interval is not None else lease_seconds() / 2
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-sweeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                jobs_recover()
            except Exception:
                logger.exception("Sweep for jobs of stopped workers failed")
            finally:
                connection.close()
