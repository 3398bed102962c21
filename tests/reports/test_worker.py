"""The real queue: django_tasks_db's database backend and its `db_worker` process loop."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import views
from reports.enums import ExportKind, JobStatus
from reports.models import CertificateBatch, ExportJob
from reports.services import certificate_batch_start, export_start

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_certificate_batch_runs_through_the_worker(settings, edition, scored, organiser):
    settings.TASKS = DB_TASKS
    with transaction.atomic():
        batch = certificate_batch_start(
            edition=edition,
            kinds=["winner", "finalist", "participant", "juror"],
            actor=organiser,
            base_url="https://a.example",
        )
    batch.refresh_from_db()
    assert batch.status == JobStatus.QUEUED and batch.percent == 0
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    batch.refresh_from_db()
    assert batch.status == JobStatus.DONE
    # The winner (also a finalist) gets the winner's certificate only: winner, finalist, two jurors.
    assert batch.done == batch.total == 4
    assert batch.percent == 100
    with batch.merged_pdf.open("rb") as fh:
        assert len(PdfReader(fh).pages) == 4


@pytest.mark.django_db(transaction=True)
def test_large_export_runs_in_the_background(settings, client_for, edition, scored, organiser, monkeypatch):
    settings.TASKS = DB_TASKS
    monkeypatch.setattr(views, "EXPORT_SYNC_MAX_ROWS", 3)  # the fixture has 8 scores
    client = client_for(organiser)
    response = client.get(reverse("reports:excel", args=[edition.slug, "score_matrix"]))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:export", args=[edition.slug, job.pk])
    page = client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' in page and "0 of 8 done" in page
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.percent == 100
    page = client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' not in page and "Download the workbook" in page
    download = client.get(reverse("reports:export_file", args=[edition.slug, job.pk]))
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert wb["Scores"].max_row == 9


@pytest.mark.django_db(transaction=True)
def test_failed_export_is_reported(settings, edition, organiser, monkeypatch):
    settings.TASKS = DB_TASKS
    import reports.tasks

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reports.tasks, "workbook_juror_progress", boom)
    with transaction.atomic():
        job = export_start(edition=edition, kind=ExportKind.JUROR_PROGRESS, actor=organiser)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "disk full" in job.error
    assert CertificateBatch.objects.count() == 0
