"""The certificates' email: its kind (placeholders and default texts) in the registry."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from award.emails import EmailKind, hello, kind_register, paragraphs, signature


def _certificate_defaults(count: int) -> tuple[str, str]:
    subject = _("Your certificate: %(edition)s") % {"edition": "{edition_name}"}
    body = paragraphs(
        hello("recipient_name"),
        _("Your certificate from %(edition)s is attached to this email as a PDF: %(award)s.")
        % {"edition": "{edition_name}", "award": "{award}"},
        _("Project: %(title)s") % {"title": "{project_title}"},
        _("Anyone can check that the certificate is genuine here:") + "\n{link}",
        signature(),
    )
    return subject, body


CERTIFICATE = kind_register(
    EmailKind(
        key="certificate",
        label=gettext_lazy("Certificate"),
        placeholders={
            "recipient_name": gettext_lazy("the recipient's name"),
            "edition_name": gettext_lazy("the edition's name"),
            "award": gettext_lazy("what the certificate is for, as it prints it"),
            "project_title": gettext_lazy("the project's title (empty on a juror's certificate)"),
            "link": gettext_lazy("the link that verifies the certificate"),
        },
        defaults=_certificate_defaults,
        sample={"recipient_name": "Jana Nováková", "award": "Winner", "project_title": "Smart benches"},
        position=80,
    )
)
