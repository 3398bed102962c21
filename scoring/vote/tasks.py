"""The vote's confirmation email, sent by the task worker after the vote request is committed."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def vote_confirmation_email_send(*, email: str, url: str, language: str, edition: str, project: str) -> None:
    with translation.override(language or "en"):
        context = {"url": url, "edition": edition, "project": project}
        subject = render_to_string("scoring/vote/email/confirm_subject.txt", context).strip()
        body = render_to_string("scoring/vote/email/confirm_body.txt", context)
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[email]).send()
