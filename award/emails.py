"""Every email the system sends, as one registry of kinds.

Each kind has a fixed list of placeholders (``{applicant_name}``, ``{link}`` …) and a default
subject and text per language, made from the translated texts. The organisers of an edition may
replace the subject and text per kind and language (EmailTemplate). Their text is never given
to the template engine: a plain formatter puts in the placeholders, a text that names any other
placeholder is refused when saved, and in the HTML part everything is escaped.

The apps register their kinds at start-up (``<app>/emails.py``, imported from ``ready()``); the
task that sends builds the placeholders' values and calls ``email_send``, which renders the
text and HTML parts in the edition's branding, sends, and writes the email log. A send that fails
is tried again by the task queue (RETRY_DELAYS, `email_retry`), from data kept on the log's row
only until it is sent or the organisers' window to send it again has passed.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from award.enums import EmailStatus, Language
from award.models import Edition, EmailLog, EmailTemplate, User

PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
# Anything in braces counts as a placeholder when a text is checked, so that template syntax
# ({{ user.email }}, {% if %}) is refused, not sent as it was written.
BRACED = re.compile(r"\{([^{}\n]*)\}")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_PRIMARY = "#0b5394"
DEFAULT_SECONDARY = "#eef3f8"
ERROR_MAX = 500
# A failed email is tried again after these delays (from the try before), so four tries in
# about 36 minutes ride out a mail server's restart or a short outage. After the last one the
# row "gave up"; its data is kept RESEND_KEEP for the organisers' "Send again", then cleared.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
RESEND_KEEP = timedelta(days=7)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmailKind:
    key: str
    label: str  # lazy
    placeholders: dict[str, str]  # name -> what it stands for (lazy)
    # Called with the recipient's language active; returns (subject, text) with {placeholders}.
    # `count` picks the plural form where the subject counts something.
    defaults: Callable[[int], tuple[str, str]]
    sample: dict[str, str] = field(default_factory=dict)
    position: int = 100
    # False for an email whose address must not outlive its sending (the public vote's): the
    # log keeps only the domain, and its retry data is cleared when the retries end.
    keeps_address: bool = True


KINDS: dict[str, EmailKind] = {}


def kind_register(kind: EmailKind) -> EmailKind:
    KINDS[kind.key] = kind
    return kind


def kinds_all() -> list[EmailKind]:
    return sorted(KINDS.values(), key=lambda k: (k.position, k.key))


def kind_get(key: str) -> EmailKind | None:
    return KINDS.get(key)


def email_languages() -> list[tuple[str, str]]:
    return list(Language.choices)


# --- Pieces of the default texts (the msgids of the former email templates) -----------------


def hello(placeholder: str) -> str:
    return _("Hello %(name)s,") % {"name": "{" + placeholder + "}"}


def signature() -> str:
    return _("The V4 Smart Project Award team")


def paragraphs(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


# --- The formatter ---------------------------------------------------------------------------


def placeholders_unknown(text: str, allowed: Iterable[str]) -> list[str]:
    allowed = set(allowed)
    seen: list[str] = []
    for inner in BRACED.findall(text or ""):
        name = inner.strip()
        if name not in allowed and name not in seen:
            seen.append(name)
    return seen


def fill(text: str, values: dict[str, str]) -> str:
    """Put the values in for the placeholders; anything else in braces stays as written. A line
    whose placeholders are all empty is left out (a status link the sender does not know, no
    reason on an eligible application), so that no "here:" points at nothing."""
    lines = []
    for line in text.split("\n"):
        names = PLACEHOLDER.findall(line)
        if names and all(name in values and not str(values[name]).strip() for name in names):
            continue
        lines.append(PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), line))
    return "\n".join(lines)


def html_from_text(text: str) -> str:
    """Paragraphs at blank lines, line breaks kept, lines starting with "- " as a list, links
    clickable; every character of the text escaped."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in block.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{urlize(line.lstrip()[2:], autoescape=True)}</li>" for line in lines)
            blocks.append(f'<ul style="margin:0 0 16px 0;padding-left:20px">{items}</ul>')
        else:
            inner = "<br>\n".join(urlize(line, autoescape=True) for line in lines)
            blocks.append(f'<p style="margin:0 0 16px 0">{inner}</p>')
    return "\n".join(blocks)


# --- Texts, rendering and sending ------------------------------------------------------------


@dataclass
class RenderedEmail:
    subject: str
    text: str
    html: str


def email_texts(*, kind: EmailKind, edition: Edition | None, language: str, count: int = 2) -> tuple[str, str, bool]:
    """(subject, text, customised) for the kind in the language: the organisers' own, or the default."""
    if edition is not None:
        own = EmailTemplate.objects.filter(edition=edition, kind=kind.key, language=language).first()
        if own is not None:
            return own.subject, own.body, True
    with translation.override(language):
        subject, body = kind.defaults(count)
    return subject, body, False


def _colour(value: str, fallback: str) -> str:
    return value if value and HEX_COLOUR.match(value) else fallback


def email_render(
    *,
    kind: EmailKind,
    edition: Edition | None,
    language: str,
    values: dict[str, str],
    subject: str | None = None,
    body: str | None = None,
    count: int = 2,
    site_url: str = "",
) -> RenderedEmail:
    if subject is None or body is None:
        subject, body, _customised = email_texts(kind=kind, edition=edition, language=language, count=count)
    values = {name: ("" if value is None else str(value)) for name, value in values.items()}
    subject_text = " ".join(fill(subject, values).split())
    text = fill(body, values).strip() + "\n"
    logo_url = ""
    origin = urlsplit(site_url or "")
    if edition is not None and edition.logo and edition.call_is_public and origin.scheme and origin.netloc:
        logo_url = f"{origin.scheme}://{origin.netloc}" + reverse("setup:logo", args=[edition.slug])
    primary = _colour(edition.brand_primary if edition else "", DEFAULT_PRIMARY)
    content = html_from_text(text).replace("<a href=", f'<a style="color:{primary}" href=')
    with translation.override(language):
        html = render_to_string(
            "award/email/layout.html",
            {
                "subject": subject_text,
                "content": mark_safe(content),  # noqa: S308 - built from escaped text above
                "edition": edition,
                "primary": primary,
                "secondary": _colour(edition.brand_secondary if edition else "", DEFAULT_SECONDARY),
                "logo_url": logo_url,
                "language": language,
            },
        )
    return RenderedEmail(subject=subject_text, text=text, html=html)


def recipient_for_log(kind: EmailKind, to: str) -> str:
    """What the log keeps of the address: all of it, or for a kind that keeps no address (the
    public vote's) only its domain."""
    if kind.keeps_address:
        return to
    return "*@" + to.rpartition("@")[2]


def _deliver(
    *,
    email_kind: EmailKind,
    entry: EmailLog,
    to: str,
    values: dict[str, str],
    attachments: Iterable[tuple[str, bytes, str]],
    count: int,
    site_url: str,
    subject: str | None = None,
    body: str | None = None,
) -> Exception | None:
    """Render in the edition's branding and send; the error, or None when it went out."""
    rendered = email_render(
        kind=email_kind,
        edition=entry.edition,
        language=entry.language,
        values=values,
        subject=subject,
        body=body,
        count=count,
        site_url=site_url,
    )
    message = EmailMultiAlternatives(
        subject=rendered.subject, body=rendered.text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    message.attach_alternative(rendered.html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    entry.subject = rendered.subject[:255]
    try:
        message.send()
    except Exception as error:
        entry.status = EmailStatus.FAILED
        entry.error = (f"{type(error).__name__}: {error}")[:ERROR_MAX]
        return error
    entry.status = EmailStatus.SENT
    entry.error = ""
    return None


def email_send(
    *,
    kind: str,
    edition: Edition | None,
    to: str,
    language: str,
    values: dict[str, str],
    attachments: Iterable[tuple[str, bytes, str]] = (),
    count: int = 2,
    site_url: str = "",
    subject: str | None = None,
    body: str | None = None,
    is_test: bool = False,
    after_sent: tuple[str, dict] | None = None,
    attachments_from: tuple[str, dict] | None = None,
) -> EmailLog:
    """Render and send one email (HTML with a text part) and log it. A failure is logged,
    retried later (RETRY_DELAYS; not a test send, whose text is the organiser's draft) and
    raised again, so that the task is marked failed too.

    `after_sent` is (dotted path of a function, its keyword arguments): called once the email
    has gone out, now or on a later try (the certificate's "emailed" mark, so a batch emailed
    again does not send a certificate a retry already delivered). `attachments_from`, in the
    same form, makes the attachments instead of `attachments`: a later try makes them again, so
    the log's row keeps only that reference, not the files (a certificate's PDF is ~60 KB; a
    mail server down during a batch of 1,000 would otherwise keep 80 MB). Both must be
    registered with `email_hook`."""
    email_kind = KINDS[kind]
    for hook in (after_sent, attachments_from):
        if hook and hook[0] not in HOOKS:
            raise ValueError(f"{hook[0]} is not registered with email_hook")
    attachments = _call(attachments_from) if attachments_from else list(attachments)
    if attachments is None:
        raise ValueError(f"{attachments_from[0]} has nothing to attach")
    values = {name: ("" if value is None else str(value)) for name, value in values.items()}
    entry = EmailLog(
        edition=edition,
        recipient=recipient_for_log(email_kind, to),
        kind=kind,
        language=language,
        is_test=is_test,
    )
    error = _deliver(
        email_kind=email_kind,
        entry=entry,
        to=to,
        values=values,
        attachments=attachments,
        count=count,
        site_url=site_url,
        subject=subject,
        body=body,
    )
    if error is None:
        entry.save()
        _call(after_sent)
        return entry
    if not is_test:
        entry.payload = {
            "after_sent": list(after_sent) if after_sent else None,
            "attachments_from": list(attachments_from) if attachments_from else None,
            "to": to,
            "values": values,
            "count": count,
            "site_url": site_url,
            "attachments": []
            if attachments_from
            else [[name, base64.b64encode(content).decode(), mime] for name, content, mime in attachments],
        }
        entry.retry_at = timezone.now() + RETRY_DELAYS[0]
    entry.save()
    if entry.retry_at is not None:
        _later(email_retry, entry.retry_at, log_id=entry.pk)
    raise error


HOOKS: dict[str, Callable] = {}


def email_hook(function: Callable) -> Callable:
    """Let `function` be named as an email's `after_sent` or `attachments_from` (only registered
    ones are called: the name is read back from the log's row)."""
    HOOKS[f"{function.__module__}.{function.__qualname__}"] = function
    return function


def _call(hook):
    if hook:
        path, kwargs = hook
        return HOOKS[path](**kwargs)
    return None


def _later(job, when, **kwargs) -> None:
    """Enqueue a task to run at `when`, after the current transaction commits. A backend that
    cannot defer (the in-process one of the tests) gets nothing: the row keeps its time."""
    backend = job.get_backend()
    if not backend.supports_defer:
        logger.warning("Task backend %s cannot defer; %s not scheduled", job.backend, job.name)
        return
    transaction.on_commit(lambda: job.using(run_after=when).enqueue(**kwargs))


@task()
def email_retry(*, log_id: int) -> None:
    """One more try of an email that failed (automatic, or the organisers' "Send again"). The
    task gets the log's id, not the address: the queue's table keeps a task's arguments."""
    now = timezone.now()
    # Claim the try, so that two runs of it (a requeued task, a double click) send once.
    claimed = EmailLog.objects.filter(
        pk=log_id, status=EmailStatus.FAILED, retry_at__isnull=False, payload__isnull=False
    ).update(retry_at=None)
    if not claimed:
        return
    entry = EmailLog.objects.select_related("edition").get(pk=log_id)
    email_kind = KINDS.get(entry.kind)
    payload = entry.payload
    if email_kind is None:  # a kind no longer registered: nothing can render it
        entry.payload = None
        entry.save(update_fields=["payload"])
        return
    if payload.get("attachments_from"):
        attachments = _call(payload["attachments_from"])
        if attachments is None:  # what it carries is gone since (a certificate revoked): not sent
            entry.payload = None
            entry.error = "Not sent again: what it carries is no longer valid."
            entry.save(update_fields=["payload", "error"])
            return
    else:
        attachments = [(name, base64.b64decode(data), mime) for name, data, mime in payload["attachments"]]
    error = _deliver(
        email_kind=email_kind,
        entry=entry,
        to=payload["to"],
        values=payload["values"],
        attachments=attachments,
        count=payload["count"],
        site_url=payload["site_url"],
    )
    entry.attempts += 1
    entry.retry_at = None
    entry.payload_expires_at = None
    if error is None:
        entry.payload = None
    elif entry.attempts <= len(RETRY_DELAYS):
        entry.retry_at = now + RETRY_DELAYS[entry.attempts - 1]
    elif email_kind.keeps_address:
        entry.payload_expires_at = now + RESEND_KEEP
    else:
        entry.payload = None
    entry.save(update_fields=["subject", "status", "error", "attempts", "retry_at", "payload", "payload_expires_at"])
    if error is None:
        _call(payload.get("after_sent"))
    if entry.retry_at is not None:
        _later(email_retry, entry.retry_at, log_id=entry.pk)
    elif entry.payload_expires_at is not None:
        _later(email_payload_expire, entry.payload_expires_at, log_id=entry.pk)


@task()
def email_payload_expire(*, log_id: int) -> None:
    """The organisers' window to send a failed email again has passed: forget its data."""
    EmailLog.objects.filter(pk=log_id, retry_at__isnull=True, payload_expires_at__lte=timezone.now()).update(
        payload=None, payload_expires_at=None
    )


def resend_refusal(entry: EmailLog, *, payload_kept: bool, now: datetime | None = None) -> str:
    """Why a failed email cannot be sent again ("" when it can). `payload_kept`: whether its
    data is still there (the log's page asks the database, without loading it)."""
    now = now or timezone.now()
    if entry.status != EmailStatus.FAILED or entry.retry_at is not None:
        return _("It is still being tried.") if entry.retry_at is not None else _("It was sent.")
    if entry.is_test:
        return _("A test email is not sent again; send a new test from the editor.")
    kind = KINDS.get(entry.kind)
    if kind is not None and not kind.keeps_address:
        return _("Its address is not kept (privacy), so it cannot be sent again.")
    if not payload_kept or kind is None or (entry.payload_expires_at and entry.payload_expires_at <= now):
        return _("What it needs is no longer kept (privacy), so it cannot be sent again.")
    return ""


def email_resend(*, actor: User, entry: EmailLog) -> None:
    """The organisers' "Send again" of an email that finally failed, while its data is kept."""
    from award.rules import require_organiser
    from award.services import audit_log

    if entry.edition is None:
        raise PermissionDenied
    require_organiser(actor, entry.edition)
    with transaction.atomic():
        entry = EmailLog.objects.select_for_update().get(pk=entry.pk)
        refusal = resend_refusal(entry, payload_kept=entry.payload is not None)
        if refusal:
            raise ValidationError(refusal, code="resend")
        entry.retry_at = timezone.now()
        entry.payload_expires_at = None
        entry.save(update_fields=["retry_at", "payload_expires_at"])
        audit_log(
            actor=actor,
            action="email.resend",
            target=entry.edition,
            edition=entry.edition,
            data={"kind": entry.kind, "log_id": entry.pk, "attempts": entry.attempts},
        )
        log_id = entry.pk
        transaction.on_commit(lambda: email_retry.enqueue(log_id=log_id))


# --- The organisers' side --------------------------------------------------------------------


def email_template_check(*, kind: EmailKind, subject: str, body: str) -> None:
    errors = {}
    for name, text in (("subject", subject), ("body", body)):
        unknown = placeholders_unknown(text, kind.placeholders)
        if unknown:
            errors[name] = [
                ValidationError(
                    _("Unknown placeholder %(names)s. You can use: %(allowed)s."),
                    code="placeholder",
                    params={
                        "names": ", ".join("{" + n + "}" for n in unknown),
                        "allowed": ", ".join("{" + n + "}" for n in kind.placeholders),
                    },
                )
            ]
    if errors:
        raise ValidationError(errors)


def email_template_save(
    *, actor: User, edition: Edition, kind: EmailKind, language: str, subject: str, body: str
) -> EmailTemplate:
    from award.rules import require_organiser
    from award.services import audit_log

    require_organiser(actor, edition)
    email_template_check(kind=kind, subject=subject, body=body)
    with transaction.atomic():
        template, created = EmailTemplate.objects.update_or_create(
            edition=edition,
            kind=kind.key,
            language=language,
            defaults={"subject": subject.strip(), "body": body.strip(), "updated_by": actor},
        )
        audit_log(
            actor=actor,
            action="email_template.save",
            target=template,
            edition=edition,
            data={"kind": kind.key, "language": language, "created": created},
        )
    return template


def email_template_reset(*, actor: User, edition: Edition, kind: EmailKind, language: str) -> bool:
    """Go back to the default text; True if there was an own text."""
    from award.rules import require_organiser
    from award.services import audit_log

    require_organiser(actor, edition)
    with transaction.atomic():
        deleted, _rows = EmailTemplate.objects.filter(edition=edition, kind=kind.key, language=language).delete()
        if deleted:
            audit_log(
                actor=actor,
                action="email_template.reset",
                target=edition,
                edition=edition,
                data={"kind": kind.key, "language": language},
            )
    return bool(deleted)


def sample_values(kind: EmailKind, edition: Edition | None, site_url: str = "") -> dict[str, str]:
    values = {name: "{" + name + "}" for name in kind.placeholders}
    values.update(kind.sample)
    if "edition_name" in kind.placeholders and edition is not None:
        values["edition_name"] = edition.name
    if "link" in kind.placeholders:
        values["link"] = (site_url.rstrip("/") or "https://example.org") + "/"
    return values


@task()
def email_test_send(
    *, edition_id: int, kind: str, language: str, user_id: int, subject: str, body: str, site_url: str = ""
) -> None:
    """The organiser's test send of a text to themselves, with sample values."""
    edition = Edition.objects.get(pk=edition_id)
    user = User.objects.get(pk=user_id)
    email_kind = KINDS[kind]
    email_send(
        kind=kind,
        edition=edition,
        to=user.email,
        language=language,
        values=sample_values(email_kind, edition, site_url),
        subject=subject,
        body=body,
        site_url=site_url,
        is_test=True,
    )


# --- The account's own email (no edition of its own: the current one brands it) -------------


def _account_confirmation_defaults(count: int) -> tuple[str, str]:
    subject = _("Confirm your email address for the V4 Smart Project Award")
    body = paragraphs(
        hello("name"),
        _(
            "Thank you for creating an account at the V4 Smart Project Award. "
            "Open this link to confirm your email address:"
        ),
        "{link}",
        _("If you did not create an account, you can ignore this email."),
        signature(),
    )
    return subject, body


kind_register(
    EmailKind(
        key="account_confirmation",
        label=gettext_lazy("Email address confirmation"),
        placeholders={
            "name": gettext_lazy("the person's name"),
            "edition_name": gettext_lazy("the edition's name"),
            "link": gettext_lazy("the confirmation link"),
        },
        defaults=_account_confirmation_defaults,
        sample={"name": "Jana Nováková"},
        position=10,
    )
)


def _password_reset_defaults(count: int) -> tuple[str, str]:
    subject = _("Reset your password for the V4 Smart Project Award")
    body = paragraphs(
        _("Hello,"),
        _(
            "Someone (hopefully you) asked to reset the password of your account at the V4 Smart Project Award. "
            "Open this link to choose a new password:"
        ),
        "{link}",
        _("If you did not ask for this, you can ignore this email; your password stays unchanged."),
    )
    return subject, body


kind_register(
    EmailKind(
        key="password_reset",
        label=gettext_lazy("Password reset"),
        placeholders={
            "name": gettext_lazy("the person's name"),
            "edition_name": gettext_lazy("the edition's name"),
            "link": gettext_lazy("the link to choose a new password"),
        },
        defaults=_password_reset_defaults,
        sample={"name": "Jana Nováková"},
        position=15,
    )
)
