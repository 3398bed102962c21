"""Background work of the reports app, through Django's Tasks API (django-tasks on 5.2).

Run workers with `manage.py db_worker`; any number of them, on any machines sharing the
database, take tasks from the same queue and each task runs once. A job whose worker dies is
started again on another worker (reports/jobs.py)."""

import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django_tasks import task

from award.emails import email_hook, email_send
from award.models import Round
from reports.applications import application_dossier_pdf
from reports.certificates import (
    certificate_award_title,
    certificate_filename,
    certificate_language,
    certificates_document,
    certificates_render,
    certificates_zip,
    verify_url,
)
from reports.emails import CERTIFICATE
from reports.enums import ExportKind
from reports.excel import (
    workbook_applications,
    workbook_juror_progress,
    workbook_ranking,
    workbook_score_matrix,
)
from reports.jobs import JobLease, LeaseLost, job_claim, job_fail, job_finish
from reports.models import Certificate, CertificateBatch, ExportJob
from scoring.ballot.selectors import is_ranked
from submissions.selectors import projects_for_dossier

logger = logging.getLogger(__name__)


def _fail(model, pk: int, token: str, exc: Exception) -> None:
    logger.exception("Report job %s %s failed", model.__name__, pk)
    job_fail(model, pk, token=token, error=str(exc))


@task()
def certificate_batch_run(batch_id: int) -> int:
    from reports.services import certificates_issue

    token = job_claim(CertificateBatch, batch_id)
    if token is None:
        return 0  # done, failed, or a live worker holds it
    batch = CertificateBatch.objects.select_related("edition", "created_by").get(pk=batch_id)
    lease = JobLease(CertificateBatch, batch_id, token).start()
    try:
        # Codes are issued once: a rerun after a dead worker gets the same certificates back.
        certificates = certificates_issue(
            edition=batch.edition, kinds=batch.kinds, actor=batch.created_by, every_level=batch.every_level
        )
        CertificateBatch.objects.filter(pk=batch_id, lease_token=token).update(total=len(certificates), done=0)
        # One document for the whole batch: the artwork is rendered once and the fonts are
        # subset once; it is the merged PDF, and the zip holds its pages one by one
        # (the same objects, so no second parse).
        document = certificates_document(certificates, base_url=batch.base_url)
        merged = document.merged()
        archive = certificates_zip(certificates, document, progress=lease.progress)
        batch.refresh_from_db()
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        batch.merged_pdf.save(f"certificates-{batch.edition.slug}-{stamp}.pdf", ContentFile(merged), save=False)
        batch.zip_file.save(f"certificates-{batch.edition.slug}-{stamp}.zip", ContentFile(archive), save=False)
        batch.done = batch.total
        job_finish(batch, token=token, fields=["merged_pdf", "zip_file", "done"])
        return len(certificates)
    except LeaseLost:
        logger.warning("Certificate batch %s was taken over by another worker", batch_id)
        return 0
    except Exception as exc:
        _fail(CertificateBatch, batch_id, token, exc)
        raise
    finally:
        lease.stop()


@task()
def certificate_email_send(*, certificate_id: int, base_url: str) -> None:
    """One certificate to its recipient (the team's owner or the juror), in the certificate's
    language, with its PDF attached (about 60 KB) and its verification link."""
    certificate = (
        Certificate.objects.select_related("edition", "category", "project__owner", "juror")
        .filter(pk=certificate_id, revoked_at__isnull=True, emailed_at__isnull=True)
        .first()
    )
    if certificate is None:
        return  # revoked or already sent since it was queued
    recipient = certificate.project.owner if certificate.project_id else certificate.juror
    if not recipient.email:
        return
    language = certificate_language(certificate)
    with translation.override(language):
        award = certificate_award_title(certificate, language) or str(certificate.get_kind_display())
    email_send(
        kind=CERTIFICATE.key,
        edition=certificate.edition,
        to=recipient.email,
        language=language,
        values={
            "recipient_name": recipient.display_name,
            "edition_name": certificate.edition.name,
            "award": award,
            "project_title": certificate.project_title if certificate.project_id else "",
            "link": verify_url(certificate, base_url),
        },
        # Rendered for each try, so a failed email's row keeps no PDF.
        attachments_from=(
            "reports.tasks.certificate_attachment",
            {"certificate_id": certificate.pk, "base_url": base_url},
        ),
        site_url=base_url,
        # Marked emailed when it goes out, now or on a later try (award/emails.py retries a refused
        # one for about half an hour); one still not sent an hour after it was queued is queued
        # again by the next press of "email the certificates".
        after_sent=("reports.tasks.certificate_emailed", {"certificate_id": certificate.pk}),
    )


@email_hook
def certificate_attachment(*, certificate_id: int, base_url: str) -> list[tuple[str, bytes, str]] | None:
    """The certificate's PDF; None once it is revoked (a later try of its email then stops)."""
    certificate = (
        Certificate.objects.select_related("edition", "category", "project", "juror")
        .filter(pk=certificate_id, revoked_at__isnull=True)
        .first()
    )
    if certificate is None:
        return None
    pdf = certificates_render([certificate], base_url=base_url)
    return [(certificate_filename(certificate), pdf, "application/pdf")]


@email_hook
def certificate_emailed(*, certificate_id: int) -> None:
    Certificate.objects.filter(pk=certificate_id).update(emailed_at=timezone.now())


@task()
def export_run(job_id: int) -> int:
    token = job_claim(ExportJob, job_id)
    if token is None:
        return 0  # done, failed, or a live worker holds it
    job = ExportJob.objects.select_related("edition", "created_by", "category").get(pk=job_id)
    lease = JobLease(ExportJob, job_id, token).start()
    # The worker has no request: the workbook speaks the language of the organiser who asked.
    language = (job.created_by.language if job.created_by else None) or settings.LANGUAGE_CODE

    try:
        buffer = io.BytesIO()
        with translation.override(language):
            if job.kind == ExportKind.DOSSIER:
                rows = dossier_write(buffer, edition=job.edition, category=job.category, language=language)
            else:
                rows = export_write(buffer, kind=job.kind, edition=job.edition, progress=lease.progress)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        job.refresh_from_db()
        if job.kind == ExportKind.DOSSIER:
            name = f"{job.edition.slug}-{job.category.slug}-dossier-{stamp}.pdf"
        else:
            name = f"{job.kind}-{job.edition.slug}-{stamp}.xlsx"
        job.file.save(name, ContentFile(buffer.getvalue()), save=False)
        job.done = job.total = max(rows, job.total)
        job_finish(job, token=token, fields=["file", "done", "total"])
        return rows
    except LeaseLost:
        logger.warning("Export %s was taken over by another worker", job_id)
        return 0
    except Exception as exc:
        _fail(ExportJob, job_id, token, exc)
        raise
    finally:
        lease.stop()


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
        # The ranking of the latest round that has any finalised review (a ranked round: a ballot).
        for candidate in reversed(rounds):
            if candidate.assignments.filter(finalised_at__isnull=False).exists() or (
                is_ranked(candidate) and candidate.ballots.exists()
            ):
                round_ = candidate
                break
        if round_ is None:
            raise ValueError("no round")
        return workbook_ranking(out, edition=edition, round=round_)
    raise ValueError(kind)
