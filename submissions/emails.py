"""The applicant's emails: their kinds (placeholders and default texts) and their values."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from award.emails import EmailKind, hello, kind_register, paragraphs, signature
from submissions.enums import ProjectStatus
from submissions.models import Project
from submissions.timefmt import edition_datetime

SAMPLE = {"applicant_name": "Jana Nováková", "project_title": "Smart benches", "project_reference": "V4A-2026-0042"}


def _application_placeholders(**extra) -> dict:
    return {
        "applicant_name": gettext_lazy("the applicant's name"),
        "project_title": gettext_lazy("the project's title"),
        "project_reference": gettext_lazy("the application's reference number"),
        "edition_name": gettext_lazy("the edition's name"),
        **extra,
        "link": gettext_lazy("the link to the application's status"),
    }


def _status_line() -> str:
    return _("You can see the status of your application here:") + " {link}"


def _submitted_defaults(count: int) -> tuple[str, str]:
    subject = _("Application %(reference)s received") % {"reference": "{project_reference}"}
    body = paragraphs(
        hello("applicant_name"),
        _(
            "Thank you for applying to %(edition)s. We received your application “%(title)s” "
            "and gave it the reference number %(reference)s."
        )
        % {"edition": "{edition_name}", "title": "{project_title}", "reference": "{project_reference}"},
        _("A PDF summary of the application is attached."),
        _(
            "Until %(deadline)s you can reopen the application, change it and submit it again. After that, "
            "the organisers check the eligibility of every application and tell you the result by email."
        )
        % {"deadline": "{deadline}"},
        _status_line(),
        signature(),
    )
    return subject, body


def _eligible_defaults(count: int) -> tuple[str, str]:
    subject = _("Your application %(reference)s: %(status)s") % {
        "reference": "{project_reference}",
        "status": str(ProjectStatus.ELIGIBLE.label),
    }
    body = paragraphs(
        hello("applicant_name"),
        _(
            "Your application “%(title)s” (%(reference)s) to %(edition)s has been checked and is eligible. "
            "It now goes to the jury."
        )
        % {"title": "{project_title}", "reference": "{project_reference}", "edition": "{edition_name}"},
        _status_line(),
        signature(),
    )
    return subject, body


def _ineligible_defaults(count: int) -> tuple[str, str]:
    subject = _("Your application %(reference)s: %(status)s") % {
        "reference": "{project_reference}",
        "status": str(ProjectStatus.INELIGIBLE.label),
    }
    body = paragraphs(
        hello("applicant_name"),
        _("Your application “%(title)s” (%(reference)s) to %(edition)s has been checked and is not eligible.")
        % {"title": "{project_title}", "reference": "{project_reference}", "edition": "{edition_name}"},
        _("Reason:") + " {reason}",
        _status_line(),
        signature(),
    )
    return subject, body


SUBMITTED = kind_register(
    EmailKind(
        key="application_received",
        label=gettext_lazy("Application received"),
        placeholders=_application_placeholders(
            deadline=gettext_lazy("until when the application can be changed"),
        ),
        defaults=_submitted_defaults,
        sample={**SAMPLE, "deadline": "15. 9. 2026 23:59 CEST (Europe/Bratislava)"},
        position=20,
    )
)
ELIGIBLE = kind_register(
    EmailKind(
        key="application_eligible",
        label=gettext_lazy("Application eligible"),
        placeholders=_application_placeholders(),
        defaults=_eligible_defaults,
        sample=SAMPLE,
        position=30,
    )
)
INELIGIBLE = kind_register(
    EmailKind(
        key="application_ineligible",
        label=gettext_lazy("Application not eligible"),
        placeholders=_application_placeholders(reason=gettext_lazy("the organisers' reason")),
        defaults=_ineligible_defaults,
        sample={**SAMPLE, "reason": "The organisation is not in a V4 country."},
        position=40,
    )
)


def application_values(project: Project, *, language: str, link: str = "") -> dict[str, str]:
    """The placeholders of the applicant's emails, in the recipient's language."""
    with translation.override(language):
        return {
            "applicant_name": project.owner.display_name,
            "project_title": project.title,
            "project_reference": project.reference,
            "edition_name": project.edition.name,
            "deadline": edition_datetime(project.deadline, project.edition),
            "reason": project.ineligibility_reason,
            "link": link,
        }
