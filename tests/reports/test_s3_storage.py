"""Generated files (certificate batches, background exports, backups) on an S3-compatible bucket."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import views
from reports.backup import edition_export
from reports.enums import JobStatus
from reports.models import CertificateBatch, ExportJob
from submissions.models import Attachment

pytestmark = pytest.mark.django_db


def test_certificate_batch_is_written_to_the_bucket_and_downloaded(
    s3_media, client_for, edition, scored, organiser, juror, django_capture_on_commit_callbacks
):
    client = client_for(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:batch_start", args=[edition.slug]), {"kinds": ["winner", "finalist"]})
    batch = CertificateBatch.objects.get()
    assert batch.status == JobStatus.DONE
    objects = s3_media.objects()
    assert sorted(objects) == sorted([f"media/{batch.merged_pdf.name}", f"media/{batch.zip_file.name}"])
    pdf_url = reverse("reports:batch_file", args=[edition.slug, batch.pk, "pdf"])
    pdf = b"".join(client.get(pdf_url).streaming_content)
    assert pdf == objects[f"media/{batch.merged_pdf.name}"]
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2  # the winner's certificate and the other finalist's
    archive = b"".join(
        client.get(reverse("reports:batch_file", args=[edition.slug, batch.pk, "zip"])).streaming_content
    )
    assert len(zipfile.ZipFile(io.BytesIO(archive)).namelist()) == 2
    assert client_for(juror).get(pdf_url).status_code == 404


def test_background_export_is_written_to_the_bucket_and_downloaded(
    s3_media, client_for, edition, scored, organiser, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(views, "EXPORT_SYNC_MAX_ROWS", 3)  # the fixture has 8 scores: goes to the queue
    client = client_for(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("reports:excel", args=[edition.slug, "score_matrix"]))
    job = ExportJob.objects.get()
    assert response.url == reverse("reports:export", args=[edition.slug, job.pk])
    assert job.status == JobStatus.DONE
    assert list(s3_media.objects()) == [f"media/{job.file.name}"]
    download = client.get(reverse("reports:export_file", args=[edition.slug, job.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook["Scores"].max_row == 9


def test_edition_backup_takes_files_from_the_bucket(s3_media, edition, scored):
    project = scored["projects"][0]
    stored = default_storage.save("attachments/backup-test.pdf", ContentFile(b"%PDF-1.4 from the bucket"))
    Attachment.objects.create(
        project=project, file=stored, original_name="plan.pdf", content_type="application/pdf", size=24
    )
    assert list(s3_media.objects()) == [f"media/{stored}"]
    with zipfile.ZipFile(io.BytesIO(edition_export(edition=edition))) as bundle:
        assert bundle.read(f"files/{stored}") == b"%PDF-1.4 from the bucket"
