"""The vote's confirmation email, sent by the task worker after the vote request is committed.

The task gets the vote's id, not the address: the queue's table keeps a task's arguments after
it has run, so the address would outlive the vote request there. The vote holds the address
(email_pending) until this task has sent the email, and the task blanks it."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


@task()
def vote_confirmation_email_send(*, vote_id: int, site_url: str, language: str) -> None:
    from scoring.vote.models import Vote
    from scoring.vote.services import confirmation_token

    vote = Vote.objects.select_related("poll__edition", "project").filter(pk=vote_id).exclude(email_pending="").first()
    if vote is None:  # sent already, confirmed, or deleted (an unconfirmed request lives a day)
        return
    with translation.override(language or "en"):
        path = reverse("vote:confirm", args=[vote.poll.edition.slug, confirmation_token(vote)])
        context = {"url": site_url.rstrip("/") + path, "edition": vote.poll.edition.name, "project": vote.project.title}
        subject = render_to_string("scoring/vote/email/confirm_subject.txt", context).strip()
        body = render_to_string("scoring/vote/email/confirm_body.txt", context)
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[vote.email_pending]).send()
    Vote.objects.filter(pk=vote.pk).update(email_pending="")
