import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from award.downloads import stored_file_response
from award.limits import length_errors, max_length_of, normalize_newlines
from award.models import Round
from award.selectors import edition_current
from award.views_helpers import site_base_url
from reports.ceremony_sheets import envelope_cards_pdf, run_of_show_pdf
from reports.certificates import (
    certificate_filename,
    certificates_render,
    printed_award,
)
from reports.enums import CertificateKind, ExportKind, JobStatus
from reports.excel import EXPORT_ROW_COUNTS, workbook_ranking
from reports.jobs import job_recover_if_stale
from reports.models import Certificate, CertificateBatch
from reports.rules import can_rerun_job
from reports.selectors import (
    batches_of,
    certificate_recipient_counts,
    certificates_of,
    certificates_owned_by,
    certificates_visible_to,
    edition_for_organiser,
    exports_of,
)
from reports.services import (
    CertificateEmailError,
    CertificateEmailing,
    certificate_batch_start,
    certificate_revoke,
    certificates_email,
    export_start,
    job_rerun,
)
from reports.tasks import export_write

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Above this many rows an export runs in the background with a progress bar.
EXPORT_SYNC_MAX_ROWS = 5000


@login_required
def reports_home(request, slug: str):
    edition = edition_for_organiser(request.user, slug)
    counts = certificate_recipient_counts(edition)
    kinds = [(value, label, counts.get(value, 0)) for value, label in CertificateKind.choices]
    return render(
        request,
        "reports/home.html",
        {
            "edition": edition,
            "rounds": list(Round.objects.filter(edition=edition).order_by("number")),
            "exports": [(k.value, k.label) for k in ExportKind if k not in {ExportKind.RANKING, ExportKind.DOSSIER}],
            "kinds": kinds,
            "batches": list(batches_of(edition)[:5]),
            "jobs": list(exports_of(edition)[:5]),
            "certificates": list(certificates_of(edition)[:500]),
            "revoke_reason_max": max_length_of(Certificate, "revoked_reason"),
        },
    )


@login_required
def reports_current(request):
    edition = edition_current()
    if edition is None:
        raise Http404
    return redirect("reports:home", slug=edition_for_organiser(request.user, edition.slug).slug)


@login_required
def excel_download(request, slug: str, kind: str):
    edition = edition_for_organiser(request.user, slug)
    # A dossier is a PDF of one category, started from the screening page.
    if kind not in ExportKind.values or kind == ExportKind.DOSSIER:
        raise Http404
    stamp = timezone.localtime(timezone.now(), edition.tz).strftime("%Y%m%d-%H%M")
    filename = f"{slugify(kind)}-{edition.slug}-{stamp}.xlsx"
    if kind == ExportKind.RANKING:
        number = request.GET.get("round", "")
        if not number.isdigit():
            messages.error(request, _("Choose a round for the ranking workbook."))
            return redirect("reports:home", slug=edition.slug)
        round_ = get_object_or_404(Round, edition=edition, number=int(number))
        # Each round's workbook under its own name: two downloads never overwrite each other.
        filename = f"ranking-{edition.slug}-round-{round_.number}-{stamp}.xlsx"
        buffer = io.BytesIO()
        workbook_ranking(buffer, edition=edition, round=round_)
        return _xlsx_response(buffer, filename)
    rows = EXPORT_ROW_COUNTS.get(kind, lambda e: 0)(edition)
    if rows > EXPORT_SYNC_MAX_ROWS:
        job = export_start(edition=edition, kind=kind, actor=request.user, total=rows)
        messages.info(request, _("This export is large: it is being prepared in the background."))
        return redirect("reports:export", slug=edition.slug, pk=job.pk)
    buffer = io.BytesIO()
    export_write(buffer, kind=kind, edition=edition)
    return _xlsx_response(buffer, filename)


def _xlsx_response(buffer: io.BytesIO, filename: str) -> HttpResponse:
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export_detail(request, slug: str, pk: int):
    edition = edition_for_organiser(request.user, slug)
    job = get_object_or_404(exports_of(edition), pk=pk)
    return _job_page(request, edition, job, "export")


def _job_page(request, edition, job, kind: str):
    # The page is where a stuck job shows: if its worker is gone, requeue or fail it now.
    job = job_recover_if_stale(job)
    context = {
        "edition": edition,
        "job": job,
        "kind": kind,
        "max_attempts": settings.JOB_MAX_ATTEMPTS,
        "can_rerun": can_rerun_job(request.user, job),
    }
    return render(request, "reports/job.html", context)


def _job_rerun(request, edition, job):
    if not can_rerun_job(request.user, job):
        raise Http404
    new = job_rerun(job=job, actor=request.user)
    messages.success(request, _("The job runs again; this page shows the progress."))
    if isinstance(new, CertificateBatch):
        return redirect("reports:batch", slug=edition.slug, pk=new.pk)
    return redirect("reports:export", slug=edition.slug, pk=new.pk)


@login_required
@require_POST
def export_rerun(request, slug: str, pk: int):
    edition = edition_for_organiser(request.user, slug)
    return _job_rerun(request, edition, get_object_or_404(exports_of(edition), pk=pk))


@login_required
def export_file(request, slug: str, pk: int):
    edition = edition_for_organiser(request.user, slug)
    job = get_object_or_404(exports_of(edition), pk=pk, status=JobStatus.DONE)
    if not job.file:
        raise Http404
    return stored_file_response(job.file, content_type=job.content_type)


@login_required
@require_POST
def batch_start(request, slug: str):
    edition = edition_for_organiser(request.user, slug)
    kinds = [k for k in request.POST.getlist("kinds") if k in CertificateKind.values]
    if not kinds:
        messages.error(request, _("Choose at least one kind of certificate."))
        return redirect("reports:home", slug=edition.slug)
    batch = certificate_batch_start(
        edition=edition,
        kinds=kinds,
        actor=request.user,
        base_url=site_base_url(request),
        every_level=request.POST.get("every_level") == "on",
    )
    messages.success(request, _("The certificates are being generated; this page shows the progress."))
    return redirect("reports:batch", slug=edition.slug, pk=batch.pk)


@login_required
def batch_detail(request, slug: str, pk: int):
    edition = edition_for_organiser(request.user, slug)
    batch = get_object_or_404(batches_of(edition), pk=pk)
    return _job_page(request, edition, batch, "batch")


@login_required
@require_POST
def batch_rerun(request, slug: str, pk: int):
    edition = edition_for_organiser(request.user, slug)
    return _job_rerun(request, edition, get_object_or_404(batches_of(edition), pk=pk))


def certificates_email_message(emailing: CertificateEmailing) -> str:
    """What a press of "email the certificates" did, for the page and the API."""
    if emailing.queued:
        said = ngettext(
            "%(count)s certificate is being emailed to its recipient.",
            "%(count)s certificates are being emailed to their recipients.",
            emailing.queued,
        ) % {"count": emailing.queued}
    elif emailing.waiting:
        said = ngettext(
            "%(count)s certificate is already on its way to its recipient; it is not emailed twice.",
            "%(count)s certificates are already on their way to their recipients; none is emailed twice.",
            emailing.waiting,
        ) % {"count": emailing.waiting}
    elif emailing.no_address:
        said = ""
    else:
        return _("Every certificate of this batch has been emailed already.")
    if emailing.no_address:
        missing = ngettext(
            "%(count)s certificate has no email address to go to: print it instead.",
            "%(count)s certificates have no email address to go to: print them instead.",
            emailing.no_address,
        ) % {"count": emailing.no_address}
        said = f"{said} {missing}".strip()
    return said


@login_required
@require_POST
def batch_email(request, slug: str, pk: int):
    edition = edition_for_organiser(request.user, slug)
    batch = get_object_or_404(batches_of(edition), pk=pk)
    try:
        emailing = certificates_email(batch=batch, actor=request.user)
    except CertificateEmailError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, certificates_email_message(emailing))
    return redirect("reports:batch", slug=edition.slug, pk=batch.pk)


@login_required
def batch_file(request, slug: str, pk: int, part: str):
    edition = edition_for_organiser(request.user, slug)
    batch = get_object_or_404(batches_of(edition), pk=pk, status=JobStatus.DONE)
    field = {"pdf": batch.merged_pdf, "zip": batch.zip_file}.get(part)
    if not field:
        raise Http404
    content_type = "application/pdf" if part == "pdf" else "application/zip"
    return stored_file_response(field, content_type=content_type)


@login_required
def certificate_download(request, code: str):
    """A team's or a juror's own certificate (after the results are public), or any certificate
    of an edition the user organises."""
    certificate = get_object_or_404(certificates_visible_to(request.user), code=code)
    return certificate_pdf_response(request, certificate)


def certificate_pdf_response(request, certificate: Certificate) -> HttpResponse:
    """One certificate as a PDF download, for the page and the API (a revoked one is not printed)."""
    if certificate.is_revoked:
        raise Http404
    pdf = certificates_render([certificate], base_url=site_base_url(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(certificate)}"'
    return response


@login_required
def my_certificates(request):
    return render(request, "reports/my_certificates.html", {"certificates": list(certificates_owned_by(request.user))})


@login_required
@require_POST
def certificate_revoke_view(request, slug: str, code: str):
    edition = edition_for_organiser(request.user, slug)
    certificate = get_object_or_404(Certificate, edition=edition, code=code)
    reason = normalize_newlines(request.POST.get("reason", "")).strip()
    too_long = length_errors(Certificate, {"revoked_reason": reason})
    if not reason:
        messages.error(request, _("Give a reason for revoking the certificate."))
    elif too_long:
        # Refused, never cut: the organiser shortens it (the field's maxlength says the same limit).
        messages.error(request, " ".join(too_long["revoked_reason"]))
    else:
        certificate_revoke(certificate=certificate, actor=request.user, reason=reason)
        messages.success(request, _("The certificate has been revoked; its verification page says so."))
    return redirect(reverse("reports:home", kwargs={"slug": edition.slug}) + "#certificates")


def certificate_verify(request, code: str):
    """Public: what a certificate states, so anyone holding a printed copy can check it."""
    certificate = (
        Certificate.objects.filter(code=code).select_related("edition", "category").first() if len(code) <= 40 else None
    )
    status = 200 if certificate is not None else 404
    # The award's title as the certificate prints it (a special award's, in the recipient's language).
    # The audience prize's certificate is headed by its title, not by "Special award".
    award, audience = printed_award(certificate) if certificate is not None else ("", False)
    return render(
        request,
        "reports/verify.html",
        {"certificate": certificate, "code": code[:40], "award": award, "audience_prize": audience},
        status=status,
    )


def _ceremony_pdf(request, slug: str, render_pdf, name: str) -> HttpResponse:
    edition = edition_for_organiser(request.user, slug)
    response = HttpResponse(render_pdf(edition), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}-{edition.slug}.pdf"'
    response["Cache-Control"] = "private, no-store"  # the winners' names, perhaps before publication
    return response


@login_required
def ceremony_envelopes(request, slug: str):
    """One envelope card per category (the winner inside) and per special award."""
    return _ceremony_pdf(request, slug, envelope_cards_pdf, "envelope-cards")


@login_required
def ceremony_run_of_show(request, slug: str):
    return _ceremony_pdf(request, slug, run_of_show_pdf, "run-of-show")
