"""A failed email is tried again with back-off through the task queue, then gives up; the
organisers may send it again while its data is kept, and the data is cleared afterwards."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from award.emails import RESEND_KEEP, RETRY_DELAYS, email_payload_expire, email_send
from award.enums import EmailStatus
from award.models import AuditEntry, EmailLog

pytestmark = pytest.mark.django_db


class FlakyBackend(EmailBackend):
    """The locmem backend behind a mail server that refuses the next `failures` messages."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.award.test_email_retries.FlakyBackend"
    # A queue that keeps what is enqueued, with its run_after, like the database's.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    FlakyBackend.failures = 0
    yield FlakyBackend
    FlakyBackend.failures = 0


def _queued():
    from django_tasks import default_task_backend

    results = list(default_task_backend.results)
    default_task_backend.clear()
    return results


def _run(result):
    result.task.call(*result.args, **result.kwargs)  # what the worker does


def _invite(edition, to="petr@example.org"):
    with pytest.raises(smtplib.SMTPException):
        email_send(
            kind="jury_invitation",
            edition=edition,
            to=to,
            language="en",
            values={"juror_name": "Petr", "edition_name": edition.name, "link": "https://x.test/accept/"},
        )
    return EmailLog.objects.get(recipient=to)


def _log_table(client, edition) -> str:
    return (
        client.get(reverse("setup:email_log", args=[edition.slug])).content.decode().split('data-testid="email-log"')[1]
    )


def test_email_that_fails_twice_then_succeeds_ends_sent_after_three_attempts(
    flaky, edition, client_for, organiser, django_capture_on_commit_callbacks
):
    flaky.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        entry = _invite(edition)
    assert (entry.status, entry.attempts) == (EmailStatus.FAILED, 1)
    assert entry.payload["to"] == "petr@example.org" and entry.payload["values"]["link"] == "https://x.test/accept/"
    (retry,) = _queued()
    assert retry.kwargs == {"log_id": entry.pk}  # the queue never holds the address
    assert retry.task.run_after == entry.retry_at
    assert timedelta(0) < entry.retry_at - timezone.now() <= RETRY_DELAYS[0]
    assert "Next try:" in _log_table(client_for(organiser), edition)

    with django_capture_on_commit_callbacks(execute=True):
        _run(retry)
    entry.refresh_from_db()
    assert (entry.status, entry.attempts) == (EmailStatus.FAILED, 2)
    assert RETRY_DELAYS[0] < entry.retry_at - timezone.now() <= RETRY_DELAYS[1]
    (retry,) = _queued()
    with django_capture_on_commit_callbacks(execute=True):
        _run(retry)
        _run(retry)  # run twice (a requeued task): sent once
    entry.refresh_from_db()
    assert (entry.status, entry.attempts, entry.error, entry.retry_at) == (EmailStatus.SENT, 3, "", None)
    assert entry.payload is None  # the retained data is cleared once sent
    assert _queued() == []
    assert [m.to for m in mail.outbox] == [["petr@example.org"]]
    assert "https://x.test/accept/" in mail.outbox[0].body
    row = _log_table(client_for(organiser), edition).split("petr@example.org")[1]
    assert "Sent" in row and "<td>3</td>" in row and "Send again" not in row


def test_finally_failed_email_can_be_sent_again_by_organisers_only(
    flaky, edition, client_for, organiser, juror, django_capture_on_commit_callbacks
):
    flaky.failures = len(RETRY_DELAYS) + 1
    with django_capture_on_commit_callbacks(execute=True):
        entry = _invite(edition)
    for _i in RETRY_DELAYS:
        (retry,) = _queued()
        with django_capture_on_commit_callbacks(execute=True):
            _run(retry)
    entry.refresh_from_db()
    assert (entry.status, entry.attempts, entry.retry_at) == (EmailStatus.FAILED, 4, None)
    assert entry.payload is not None and entry.payload_expires_at > timezone.now() + RESEND_KEEP - timedelta(minutes=1)
    (expiry,) = _queued()
    assert expiry.task.run_after == entry.payload_expires_at and expiry.kwargs == {"log_id": entry.pk}

    resend = reverse("setup:email_log_resend", args=[edition.slug, entry.pk])
    table = _log_table(client_for(organiser), edition)
    assert "Gave up" in table and 'data-testid="resend"' in table and resend in table
    # A juror of the edition sees neither the log nor the button, and cannot send it.
    client = client_for(juror)
    assert client.get(reverse("setup:email_log", args=[edition.slug])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(resend).status_code == 404
    assert _queued() == [] and not AuditEntry.objects.filter(action="email.resend").exists()

    client = client_for(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend, follow=True)
    assert "The email is on its way again to petr@example.org." in response.content.decode()
    audit = AuditEntry.objects.get(action="email.resend")
    assert (audit.actor, audit.edition) == (organiser, edition)
    (retry,) = _queued()
    _run(retry)
    entry.refresh_from_db()
    assert (entry.status, entry.attempts, entry.payload) == (EmailStatus.SENT, 5, None)
    assert [m.to for m in mail.outbox] == [["petr@example.org"]]
    # Sent: a second "Send again" is refused with a message, not sent twice.
    response = client.post(resend, follow=True)
    assert "It was sent." in response.content.decode() and len(mail.outbox) == 1


def test_data_of_a_failed_email_is_cleared_when_the_window_to_send_it_again_ends(
    flaky, edition, client_for, organiser, django_capture_on_commit_callbacks
):
    flaky.failures = 1
    entry = _invite(edition)
    EmailLog.objects.filter(pk=entry.pk).update(
        attempts=4, retry_at=None, payload_expires_at=timezone.now() - timedelta(seconds=1)
    )
    table = _log_table(client_for(organiser), edition)
    assert "Gave up" in table and "is no longer kept" in table and 'data-testid="resend"' not in table
    email_payload_expire.call(log_id=entry.pk)
    entry.refresh_from_db()
    assert (entry.payload, entry.payload_expires_at) == (None, None)
    response = client_for(organiser).post(reverse("setup:email_log_resend", args=[edition.slug, entry.pk]), follow=True)
    assert "is no longer kept" in response.content.decode() and mail.outbox == []
