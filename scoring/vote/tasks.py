"""The vote's confirmation email, sent by the task worker after the vote request is committed.

The task gets the vote's id, not the address: the queue's table keeps a task's arguments after
it has run, so the address would outlive the vote request there. The vote holds the address
(email_pending) until this task has handed it to `email_send`, and the task blanks it; if the
email fails, the email log keeps the address only until its retries end (award/emails.py)."""

from django.utils import translation
from django_tasks import task

from award.emails import email_send


@task()
def vote_confirmation_email_send(*, vote_id: int, site_url: str, language: str) -> None:
    from scoring.vote.emails import VOTE_CONFIRMATION, confirmation_values
    from scoring.vote.models import Vote

    vote = Vote.objects.select_related("poll__edition", "project").filter(pk=vote_id).exclude(email_pending="").first()
    if vote is None:  # sent already, confirmed, or deleted (an unconfirmed request lives a day)
        return
    language = language or "en"
    with translation.override(language):
        values = confirmation_values(vote, site_url=site_url)
    try:
        email_send(
            kind=VOTE_CONFIRMATION.key,
            edition=vote.poll.edition,
            to=vote.email_pending,
            language=language,
            values=values,
            site_url=site_url,
        )
    finally:
        Vote.objects.filter(pk=vote.pk).update(email_pending="")
