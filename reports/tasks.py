"""Background work of the reports app, through Django's Tasks API (django-tasks on 5.2).

Run workers with `manage.py db_worker`; any number of them, on any machines sharing the
database, take tasks from the same queue and each task runs once."""

import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django_tasks import task

from award.models import Round
from reports.applications import application_dossier_pdf
from reports.certificates import certificates_document, certificates_zip
from reports.enums import ExportKind, JobStatus
from reports.excel import (
    workbook_applications,
    workbook_juror_progress,
    workbook_ranking,
    workbook_score_matrix,
)
from reports.models import CertificateBatch, ExportJob
from submissions.selectors import projects_for_dossier

logger = logging.getLogger(__name__)

# The progress bar moves as the batch's pages are cut into single files.
PROGRESS_EVERY = 100


def _fail(model, pk: int, exc: Exception) -> None:
    logger.exception("Report job %s %s failed", model.__name__, pk)
    model.objects.filter(pk=pk).update(status=JobStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())


@task()
def certificate_batch_run(batch_id: int) -> int:
    from reports.services import certificates_issue

    batch = CertificateBatch.objects.select_related("edition", "created_by").get(pk=batch_id)
    try:
        certificates = certificates_issue(edition=batch.edition, kinds=batch.kinds, actor=batch.created_by)
        CertificateBatch.objects.filter(pk=batch_id).update(status=JobStatus.RUNNING, total=len(certificates), done=0)
        # One document for the whole batch: the artwork is rendered once and the fonts are
        # subset once; it is the merged PDF, and the zip holds its pages one by one
        # (the same objects, so no second parse).
        document = certificates_document(certificates, base_url=batch.base_url)
        merged = document.merged()

        def progress(done: int) -> None:
            if done % PROGRESS_EVERY == 0:
                CertificateBatch.objects.filter(pk=batch_id).update(done=done)

        archive = certificates_zip(certificates, document, progress=progress)
        batch.refresh_from_db()
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        batch.merged_pdf.save(f"certificates-{batch.edition.slug}-{stamp}.pdf", ContentFile(merged), save=False)
        batch.zip_file.save(f"certificates-{batch.edition.slug}-{stamp}.zip", ContentFile(archive), save=False)
        batch.status = JobStatus.DONE
        batch.done = batch.total
        batch.finished_at = timezone.now()
        batch.save(update_fields=["merged_pdf", "zip_file", "status", "done", "finished_at"])
        return len(certificates)
    except Exception as exc:
        _fail(CertificateBatch, batch_id, exc)
        raise


@task()
def export_run(job_id: int) -> int:
    job = ExportJob.objects.select_related("edition", "created_by", "category").get(pk=job_id)
    ExportJob.objects.filter(pk=job_id).update(status=JobStatus.RUNNING)
    # The worker has no request: the workbook speaks the language of the organiser who asked.
    language = (job.created_by.language if job.created_by else None) or settings.LANGUAGE_CODE

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(done=done)

    try:
        buffer = io.BytesIO()
        with translation.override(language):
            if job.kind == ExportKind.DOSSIER:
                rows = dossier_write(buffer, edition=job.edition, category=job.category, language=language)
            else:
                rows = export_write(buffer, kind=job.kind, edition=job.edition, progress=progress)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        job.refresh_from_db()
        if job.kind == ExportKind.DOSSIER:
            name = f"{job.edition.slug}-{job.category.slug}-dossier-{stamp}.pdf"
        else:
            name = f"{job.kind}-{job.edition.slug}-{stamp}.xlsx"
        job.file.save(name, ContentFile(buffer.getvalue()), save=False)
        job.status = JobStatus.DONE
        job.done = job.total = max(rows, job.total)
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "status", "done", "total", "finished_at"])
        return rows
    except Exception as exc:
        _fail(ExportJob, job_id, exc)
        raise


def dossier_write(out, *, edition, category, language: str) -> int:
    """The category's dossier PDF to `out`; returns the number of projects in it."""
    projects = list(projects_for_dossier(edition, category.pk))
    out.write(application_dossier_pdf(edition=edition, category=category, projects=projects, language=language))
    return len(projects)


def export_write(out, *, kind: str, edition, progress=None) -> int:
    """Write the workbook of `kind` to `out`; the same code serves direct downloads and jobs."""
    if kind == ExportKind.SCORE_MATRIX:
        return workbook_score_matrix(out, edition=edition, progress=progress)
    if kind == ExportKind.SCORE_MATRIX_BLIND:
        return workbook_score_matrix(out, edition=edition, anonymise=True, progress=progress)
    if kind == ExportKind.JUROR_PROGRESS:
        return workbook_juror_progress(out, edition=edition)
    if kind == ExportKind.APPLICATIONS:
        return workbook_applications(out, edition=edition, progress=progress)
    if kind == ExportKind.RANKING:
        round_ = Round.objects.filter(edition=edition).order_by("-number").first()
        rounds = [r for r in Round.objects.filter(edition=edition).order_by("number")]
        # The ranking of the latest round that has any finalised review.
        for candidate in reversed(rounds):
            if candidate.assignments.filter(finalised_at__isnull=False).exists():
                round_ = candidate
                break
        if round_ is None:
            raise ValueError("no round")
        return workbook_ranking(out, edition=edition, round=round_)
    raise ValueError(kind)
