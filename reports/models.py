import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from award.enums import Language
from award.limits import MEDIUM_TEXT
from award.models import Category, Edition
from reports.enums import CertificateKind, ExportKind, JobFailure, JobStatus
from submissions.models import Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def certificate_code_new() -> str:
    # 16 random bytes = 128 bits: far beyond guessing, short enough for a QR code and a URL.
    return secrets.token_urlsafe(16)


class Job(models.Model):
    """Shared fields of a background job that produces a file and reports its progress."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+", verbose_name=_("edition"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(_("items"), default=0)
    done = models.PositiveIntegerField(_("items done"), default=0)
    error = models.TextField(_("error"), blank=True)
    failure = models.CharField(_("reason of failure"), max_length=20, choices=JobFailure.choices, blank=True)
    # The lease (reports/jobs.py): the worker holding `lease_token` runs the job until
    # `lease_expires_at`, which its heartbeat keeps pushing forward; `attempts` counts the starts.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_token = models.CharField(_("lease"), max_length=32, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}

    @property
    def retry_attempt(self) -> int | None:
        """The number of the start under way or awaited, when an earlier worker stopped; else None."""
        if self.status == JobStatus.QUEUED and self.attempts:
            return self.attempts + 1
        if self.status == JobStatus.RUNNING and self.attempts > 1:
            return self.attempts
        return None


class ExportJob(Job):
    kind = models.CharField(_("kind"), max_length=30, choices=ExportKind.choices)
    # Only a dossier is of one category; every other export covers the whole edition.
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    file = models.FileField(_("file"), upload_to="exports/", blank=True)

    class Meta(Job.Meta):
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=ExportKind.DOSSIER) & Q(category__isnull=False))
                | (~Q(kind=ExportKind.DOSSIER) & Q(category__isnull=True)),
                name="exportjob_category_iff_dossier",
            ),
        ]

    @property
    def is_pdf(self) -> bool:
        return self.kind == ExportKind.DOSSIER

    @property
    def content_type(self) -> str:
        return "application/pdf" if self.is_pdf else XLSX

    def __str__(self) -> str:
        if self.category_id:
            return f"{self.get_kind_display()}: {self.category} ({self.edition})"
        return f"{self.get_kind_display()} ({self.edition})"


class CertificateBatch(Job):
    kinds = models.JSONField(_("kinds"), default=list)
    # The site's address as the organiser saw it: QR codes must point at it, and a worker has no request.
    base_url = models.URLField(_("site address"), blank=True)
    merged_pdf = models.FileField(_("merged PDF"), upload_to="certificates/", blank=True)
    zip_file = models.FileField(_("zip of single PDFs"), upload_to="certificates/", blank=True)
    # A winner gets the winner's certificate only and a finalist the finalist's, unless the
    # organisers ask for every certificate a project earned (winner, finalist and participant).
    every_level = models.BooleanField(_("also the lower certificates of winners and finalists"), default=False)
    emails_queued_at = models.DateTimeField(_("emails queued at"), null=True, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")

    def __str__(self) -> str:
        return f"{self.edition} #{self.pk}"


class Certificate(models.Model):
    """What a printed certificate states, frozen when it is issued: the verification page shows
    exactly this, even if the project is renamed later. Reprinting reuses the code."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("edition")
    )
    code = models.CharField(
        _("verification code"), max_length=40, unique=True, default=certificate_code_new, editable=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CertificateKind.choices)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="certificates", verbose_name=_("project")
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("juror"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    award_title = models.CharField(_("award"), max_length=200, blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=200)
    project_title = models.CharField(_("project title"), max_length=200, blank=True)
    reference = models.CharField(_("reference number"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    # When its email was queued (reports.services.certificates_email): a second press, or the API
    # while the page's emails are still on their way, does not queue it again.
    email_queued_at = models.DateTimeField(_("email queued at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), max_length=MEDIUM_TEXT, blank=True)

    class Meta:
        ordering = ["edition", "kind", "reference", "recipient_name", "id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=(Q(project__isnull=False) & Q(juror__isnull=True))
                | (Q(project__isnull=True) & Q(juror__isnull=False)),
                name="certificate_for_project_xor_juror",
            ),
            # One valid certificate per recipient and award; a revoked one may be reissued.
            models.UniqueConstraint(
                fields=["edition", "kind", "project", "award_title"],
                condition=Q(revoked_at__isnull=True, project__isnull=False),
                name="certificate_unique_valid_per_project_award",
            ),
            models.UniqueConstraint(
                fields=["edition", "kind", "juror"],
                condition=Q(revoked_at__isnull=True, juror__isnull=False),
                name="certificate_unique_valid_per_juror",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.recipient_name}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
