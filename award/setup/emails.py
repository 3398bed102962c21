"""The organisers' emails of an edition: the list of kinds per language, the editor with its
preview and test send, and the email log."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from award.emails import (
    email_languages,
    email_render,
    email_resend,
    email_template_check,
    email_template_reset,
    email_template_save,
    email_test_send,
    email_texts,
    kind_get,
    kinds_all,
    resend_refusal,
    sample_values,
)
from award.enums import EmailStatus
from award.models import EmailLog, EmailTemplate
from award.selectors import edition_for_organiser
from award.views_helpers import run_service, site_base_url

LOG_PAGE_SIZE = 50


class EmailTemplateForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 16}), max_length=20000)

    def __init__(self, *args, kind, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if "subject" in data and "body" in data:
            try:
                email_template_check(kind=self.kind, subject=data["subject"], body=data["body"])
            except ValidationError as error:
                for field, errors in error.error_dict.items():
                    for e in errors:
                        self.add_error(field, e)
        return data


def _edition(request, slug: str):
    if not request.user.is_authenticated:
        raise Http404
    return edition_for_organiser(request.user, slug=slug)


@login_required
def emails(request, slug: str):
    edition = _edition(request, slug)
    languages = email_languages()
    own = set(EmailTemplate.objects.filter(edition=edition).values_list("kind", "language"))
    rows = [
        {
            "kind": kind,
            "cells": [{"code": code, "name": name, "own": (kind.key, code) in own} for code, name in languages],
        }
        for kind in kinds_all()
    ]
    failed = EmailLog.objects.filter(edition=edition, status=EmailStatus.FAILED).count()
    context = {"edition": edition, "rows": rows, "languages": languages, "failed": failed}
    return render(request, "award/setup/emails.html", context)


@login_required
def email_edit(request, slug: str, kind: str, language: str):
    edition = _edition(request, slug)
    email_kind = kind_get(kind)
    if email_kind is None or language not in dict(email_languages()):
        raise Http404
    subject, body, customised = email_texts(kind=email_kind, edition=edition, language=language)
    form = EmailTemplateForm(request.POST or None, kind=email_kind, initial={"subject": subject, "body": body})
    preview = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "reset":
            email_template_reset(actor=request.user, edition=edition, kind=email_kind, language=language)
            messages.success(request, _("The default text is back."))
            return redirect("setup:email_edit", slug=edition.slug, kind=kind, language=language)
        if form.is_valid():
            data = form.cleaned_data
            if action == "save":
                email_template_save(
                    actor=request.user,
                    edition=edition,
                    kind=email_kind,
                    language=language,
                    subject=data["subject"],
                    body=data["body"],
                )
                messages.success(request, _("Saved."))
                return redirect("setup:email_edit", slug=edition.slug, kind=kind, language=language)
            if action == "test":
                params = {
                    "edition_id": edition.pk,
                    "kind": kind,
                    "language": language,
                    "user_id": request.user.pk,
                    "subject": data["subject"],
                    "body": data["body"],
                    "site_url": site_base_url(request),
                }
                transaction.on_commit(lambda: email_test_send.enqueue(**params))
                messages.success(request, _("A test email is on its way to %(email)s.") % {"email": request.user.email})
            preview = email_render(
                kind=email_kind,
                edition=edition,
                language=language,
                values=sample_values(email_kind, edition, site_base_url(request)),
                subject=data["subject"],
                body=data["body"],
                site_url=site_base_url(request),
            )
        else:
            status = 400
    context = {
        "edition": edition,
        "kind": email_kind,
        "language": language,
        "language_name": dict(email_languages())[language],
        "form": form,
        "customised": customised,
        "preview": preview,
        "placeholders": [("{" + name + "}", label) for name, label in email_kind.placeholders.items()],
    }
    return render(request, "award/setup/email_edit.html", context, status=status)


@login_required
def email_log(request, slug: str):
    edition = _edition(request, slug)
    failed_only = request.GET.get("status") == EmailStatus.FAILED
    entries = EmailLog.objects.filter(edition=edition).only(
        "at",
        "recipient",
        "kind",
        "language",
        "subject",
        "status",
        "error",
        "is_test",
        "attempts",
        "retry_at",
        "payload_expires_at",
    )
    # Whether the data to send it again is kept, without loading it.
    entries = entries.annotate(payload_kept=Q(payload__isnull=False))
    if failed_only:
        entries = entries.filter(status=EmailStatus.FAILED)
    page = Paginator(entries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {kind.key: kind.label for kind in kinds_all()}
    now = timezone.now()
    rows = []
    for entry in page.object_list:
        gave_up = entry.status == EmailStatus.FAILED and entry.retry_at is None
        rows.append(
            {
                "entry": entry,
                "kind": labels.get(entry.kind, entry.kind),
                "gave_up": gave_up,
                "refusal": resend_refusal(entry, payload_kept=entry.payload_kept, now=now) if gave_up else "",
            }
        )
    context = {"edition": edition, "page": page, "rows": rows, "failed_only": failed_only}
    return render(request, "award/setup/email_log.html", context)


@login_required
@require_POST
def email_log_resend(request, slug: str, pk: int):
    edition = _edition(request, slug)
    entry = get_object_or_404(EmailLog, edition=edition, pk=pk)
    return run_service(
        request,
        lambda: email_resend(actor=request.user, entry=entry),
        success_url=reverse("setup:email_log", args=[edition.slug]),
        success_message=_("The email is on its way again to %(email)s.") % {"email": entry.recipient},
    )
