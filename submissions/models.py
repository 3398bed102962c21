import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from award.enums import Country, OrganisationType
from award.limits import LONG_TEXT, MEDIUM_TEXT, SHORT_TEXT, SUMMARY_TEXT
from award.models import Category, Edition
from submissions.enums import ProjectStatus


class Project(models.Model):
    """An application. Most fields may be blank while it is a draft; `project_submit`
    checks completeness, so a team can save half-typed work at any time."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="projects", verbose_name=_("edition"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="projects", verbose_name=_("category")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="projects", verbose_name=_("submitted by")
    )
    reference = models.CharField(_("reference number"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    ineligibility_reason = models.TextField(_("reason for ineligibility"), max_length=MEDIUM_TEXT, blank=True)

    organisation_name = models.CharField(_("organisation"), max_length=SHORT_TEXT, blank=True)
    organisation_type = models.CharField(
        _("organisation type"), max_length=20, choices=OrganisationType.choices, blank=True
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, blank=True)
    city_region = models.CharField(_("city or region"), max_length=SHORT_TEXT, blank=True)
    # Suggests the category where an edition has categories by the size of the municipality.
    population = models.PositiveIntegerField(_("population (inhabitants)"), null=True, blank=True)

    title = models.CharField(_("project title"), max_length=SHORT_TEXT, blank=True)
    summary = models.TextField(_("short summary"), max_length=SUMMARY_TEXT, blank=True)
    problem = models.TextField(_("problem"), max_length=LONG_TEXT, blank=True)
    solution = models.TextField(_("solution"), max_length=LONG_TEXT, blank=True)
    results = models.TextField(_("results and measurable impact"), max_length=LONG_TEXT, blank=True)
    innovation = models.TextField(_("innovation"), max_length=LONG_TEXT, blank=True)
    citizen_involvement = models.TextField(_("citizen involvement"), max_length=LONG_TEXT, blank=True)
    sustainability = models.TextField(_("sustainability and replicability"), max_length=LONG_TEXT, blank=True)
    budget_eur = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True)
    funding_sources = models.TextField(_("funding sources"), max_length=MEDIUM_TEXT, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    partners = models.TextField(_("partners"), max_length=MEDIUM_TEXT, blank=True)

    consent_rules = models.BooleanField(_("I accept the rules of the award"), default=False)
    consent_privacy = models.BooleanField(_("I consent to the processing of personal data"), default=False)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Set when an organiser reopens an application after the deadline: the team may edit
    # and submit again until this moment.
    reopened_until = models.DateTimeField(_("reopened until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Optimistic locking, as on a review's scores: every save of the team's fields bumps it, and a
    # save based on an older copy (the back button, a second tab) is refused instead of silently
    # overwriting newer text. See submissions.services.project_update.
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        ordering = ["edition", "reference", "id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "reference"],
                condition=~Q(reference=""),
                name="project_reference_unique_in_edition",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="project_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(budget_eur__isnull=True) | Q(budget_eur__gte=0), name="project_budget_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["edition", "status"])]

    def __str__(self) -> str:
        return self.title or str(_("Untitled project"))

    @property
    def is_editable(self) -> bool:
        return self.status == ProjectStatus.DRAFT

    @property
    def deadline(self):
        """The moment after which the team can no longer change or submit this application."""
        close = self.edition.submissions_close_at
        if self.reopened_until and self.reopened_until > close:
            return self.reopened_until
        return close


class TeamMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team", verbose_name=_("project"))
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    role = models.CharField(_("role in the project"), max_length=SHORT_TEXT, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_contact = models.BooleanField(_("contact person"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["project", "position", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return self.name


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    # Random names: the applicant's file name is kept only as metadata, never as a path.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"attachments/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("project")
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["project", "uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
