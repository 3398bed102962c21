from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The workflow: services refuse any status change that is not listed here.
PROJECT_TRANSITIONS: dict[str, set[str]] = {
    ProjectStatus.DRAFT: {ProjectStatus.SUBMITTED, ProjectStatus.WITHDRAWN},
    ProjectStatus.SUBMITTED: {
        ProjectStatus.DRAFT,
        ProjectStatus.ELIGIBLE,
        ProjectStatus.INELIGIBLE,
        ProjectStatus.WITHDRAWN,
    },
    ProjectStatus.ELIGIBLE: {ProjectStatus.INELIGIBLE, ProjectStatus.SUBMITTED, ProjectStatus.WITHDRAWN},
    ProjectStatus.INELIGIBLE: {ProjectStatus.ELIGIBLE, ProjectStatus.SUBMITTED},
    ProjectStatus.WITHDRAWN: set(),
}
