"""Issue 17, item 6: one certificate per winner, translated titles, emailed certificates."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from award.models import EmailLog
from reports.certificates import certificates_render, verify_url
from reports.enums import JobStatus
from reports.models import Certificate, CertificateBatch
from reports.services import certificate_batch_start, certificate_revoke, certificates_issue
from scoring.results.services import special_award_set, special_award_titles_set
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db
BASE = "https://award.example.org"
LADDER = ["winner", "finalist", "participant"]


def test_winners_batch_gives_one_certificate_unless_chosen_otherwise(edition, scored, organiser):
    p1, p2 = scored["projects"]  # p2 won (and is a finalist), p1 is a finalist
    certificates = certificates_issue(edition=edition, kinds=LADDER, actor=organiser)
    assert [(c.kind, c.project_id) for c in certificates] == [("winner", p2.pk), ("finalist", p1.pk)]
    # The organisers ask for every certificate earned: the lower ones join, the codes stay.
    every = certificates_issue(edition=edition, kinds=LADDER, actor=organiser, every_level=True)
    assert sorted((c.kind, c.project_id) for c in every) == sorted(
        [("winner", p2.pk), ("finalist", p2.pk), ("finalist", p1.pk), ("participant", p1.pk), ("participant", p2.pk)]
    )
    assert {c.code for c in certificates} <= {c.code for c in every}
    # A batch of participation certificates alone still reaches every eligible project.
    assert len(certificates_issue(edition=edition, kinds=["participant"], actor=organiser)) == 2


def test_slovak_certificate_prints_translated_signatory_and_award_titles(client, edition, scored, organiser):
    p1, _p2 = scored["projects"]  # its owner reads Slovak
    edition.signatories = [
        {
            "name": "Ľubomír Šťastný",
            "title": "Chair of the jury",
            "titles": {"en": "Chair of the jury", "sk": "Predseda poroty", "pl": "Przewodniczący jury"},
        },
        {"name": "Zsófia Győri", "title": "Director", "titles": {"en": "Director"}},
    ]
    edition.save()
    result = special_award_set(project=p1, title="Most innovative", citation="Bold.", actor=organiser)
    special_award_titles_set(
        result=result, titles={"sk": "Najinovatívnejší projekt", "pl": "Najbardziej innowacyjny"}, actor=organiser
    )
    certificate = next(
        c
        for c in certificates_issue(edition=edition, kinds=["special"], actor=organiser)
        if c.award_title == "Most innovative"
    )
    assert certificate.language == "sk"
    text = pdf_text(certificates_render([certificate], base_url=BASE))
    assert "Predseda poroty" in text and "Chair of the jury" not in text
    assert "Najinovatívnejší projekt" in text and "Most innovative" not in text
    assert "Director" in text  # no Slovak title given: the default
    assert "Osobitné ocenenie" in text  # the heading in Slovak too
    # The verification page states the title the certificate prints.
    assert "Najinovatívnejší projekt" in client.get(reverse("verify", args=[certificate.code])).text


def test_certificates_emailed_from_the_batch_in_each_recipients_language(
    client_for, edition, scored, organiser, django_capture_on_commit_callbacks
):
    p1, p2 = scored["projects"]
    p2.owner.language = "pl"
    p2.owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificate_batch_start(edition=edition, kinds=LADDER, actor=organiser, base_url=BASE)
    batch.refresh_from_db()
    assert batch.status == JobStatus.DONE and batch.total == 2
    client = client_for(organiser)
    url = reverse("reports:batch_email", args=[edition.slug, batch.pk])
    assert "Email the certificates" in client.get(reverse("reports:batch", args=[edition.slug, batch.pk])).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    slovak, polish = by_to[p1.owner.email], by_to[p2.owner.email]
    finalist = Certificate.objects.get(project=p1, kind="finalist")
    winner = Certificate.objects.get(project=p2, kind="winner")
    assert verify_url(finalist, BASE) in slovak.body
    assert verify_url(winner, BASE) in polish.body
    assert "Tím V4 Smart Project Award" in slovak.body  # the Slovak catalogue
    assert "Zespół V4 Smart Project Award" in polish.body
    ((name, pdf, mimetype),) = slovak.attachments
    assert mimetype == "application/pdf" and name.endswith(".pdf") and len(pdf) < 500_000
    page = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Finalista" in page and finalist.code in "".join(page.split())
    assert Certificate.objects.filter(emailed_at__isnull=False).count() == 2
    # Sent once: pressing again mails nobody.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert len(mail.outbox) == 2
    # A revoked certificate is never mailed; the one issued in its place is.
    certificate_revoke(certificate=winner, actor=organiser, reason="Typo")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert len(mail.outbox) == 3
    reissued = Certificate.objects.get(project=p2, kind="winner", revoked_at__isnull=True)
    assert verify_url(reissued, BASE) in mail.outbox[-1].body and winner.code not in mail.outbox[-1].body
    assert CertificateBatch.objects.get().emails_queued_at is not None


def test_certificates_are_emailed_only_from_a_finished_batch_of_the_organisers_edition(
    client_for, edition, scored, organiser, juror
):
    batch = CertificateBatch.objects.create(edition=edition, kinds=["winner"], base_url=BASE)
    response = client_for(organiser).post(reverse("reports:batch_email", args=[edition.slug, batch.pk]), follow=True)
    assert "once the batch is ready" in response.text
    assert response.status_code == 200 and mail.outbox == []
    response = client_for(juror).post(reverse("reports:batch_email", args=[edition.slug, batch.pk]))
    assert response.status_code == 404 and mail.outbox == []


def test_certificate_delivered_by_a_later_try_is_marked_emailed_so_it_is_not_sent_twice(
    settings, client_for, edition, scored, organiser, django_capture_on_commit_callbacks
):
    from tests.award.test_email_retries import FlakyBackend

    with django_capture_on_commit_callbacks(execute=True):
        batch = certificate_batch_start(edition=edition, kinds=LADDER, actor=organiser, base_url=BASE)
    settings.EMAIL_BACKEND = "tests.award.test_email_retries.FlakyBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    from django_tasks import default_task_backend

    FlakyBackend.failures = 1  # the mail server refuses the first certificate's email
    try:
        client = client_for(organiser)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("reports:batch_email", args=[edition.slug, batch.pk]))
        for result in list(default_task_backend.results):  # the worker sends the certificates
            if result.task.name == "certificate_email_send":
                with django_capture_on_commit_callbacks(execute=True):
                    try:
                        result.task.call(*result.args, **result.kwargs)
                    except Exception:  # noqa: BLE001, S110  (the refused one fails, as on the worker)
                        pass
        assert len(mail.outbox) == 1 and Certificate.objects.filter(emailed_at__isnull=False).count() == 1
        retries = [r for r in default_task_backend.results if r.task.name == "email_retry"]
        assert len(retries) == 1
        # The failed email's row keeps what makes its PDF again, not the PDF.
        failed = EmailLog.objects.get(status="failed")
        assert failed.payload["attachments"] == [] and failed.payload["attachments_from"][0].endswith(
            "certificate_attachment"
        )
        with django_capture_on_commit_callbacks(execute=True):
            retries[0].task.call(*retries[0].args, **retries[0].kwargs)  # the try a minute later goes out
    finally:
        FlakyBackend.failures = 0
    assert len(mail.outbox) == 2
    assert Certificate.objects.filter(emailed_at__isnull=False).count() == 2
    # Emailing the batch again sends nobody a second copy.
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:batch_email", args=[edition.slug, batch.pk]))
    assert not [r for r in default_task_backend.results if r.task.name == "certificate_email_send"]


def test_certificates_pressed_twice_before_the_worker_runs_are_queued_once(
    client_for, edition, scored, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificate_batch_start(edition=edition, kinds=LADDER, actor=organiser, base_url=BASE)
    client = client_for(organiser)
    url = reverse("reports:batch_email", args=[edition.slug, batch.pk])
    first = client.post(url, follow=True).text  # the worker has not run: nothing sent yet
    assert "2 certificates are being emailed to their recipients." in first
    second = client.post(url, follow=True).text
    assert "2 certificates are already on their way to their recipients; none is emailed twice." in second
    assert Certificate.objects.filter(email_queued_at__isnull=False).count() == 2 and mail.outbox == []


def test_a_certificate_revoked_before_its_emails_next_try_is_not_sent(
    settings, edition, scored, organiser, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    from reports.tasks import certificate_email_send
    from tests.award.test_email_retries import FlakyBackend

    (certificate, *_rest) = certificates_issue(edition=edition, kinds=LADDER, actor=organiser)
    settings.EMAIL_BACKEND = "tests.award.test_email_retries.FlakyBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    FlakyBackend.failures = 1
    try:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017, PT011
            certificate_email_send.call(certificate_id=certificate.pk, base_url=BASE)
    finally:
        FlakyBackend.failures = 0
    (retry,) = [r for r in default_task_backend.results if r.task.name == "email_retry"]
    certificate_revoke(certificate=certificate, reason="Issued by mistake.", actor=organiser)
    retry.task.call(*retry.args, **retry.kwargs)
    assert mail.outbox == []
    entry = EmailLog.objects.get()
    assert entry.payload is None and "no longer valid" in entry.error
    certificate.refresh_from_db()
    assert certificate.emailed_at is None


def test_certificates_of_recipients_without_an_address_are_counted_to_print_not_queued(
    client_for, edition, scored, organiser, django_capture_on_commit_callbacks
):
    p1, _p2 = scored["projects"]
    p1.owner.email = ""
    p1.owner.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificate_batch_start(edition=edition, kinds=LADDER, actor=organiser, base_url=BASE)
    client = client_for(organiser)
    url = reverse("reports:batch_email", args=[edition.slug, batch.pk])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, follow=True).text
    assert "1 certificate is being emailed to its recipient." in page
    assert "1 certificate has no email address to go to: print it instead." in page
    assert len(mail.outbox) == 1
    assert not Certificate.objects.filter(project=p1, email_queued_at__isnull=False).exists()
    # Pressed again: nothing is queued, and the page still says which cannot be emailed.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, follow=True).text
    assert "1 certificate has no email address to go to: print it instead." in again
    assert "emailed already" not in again and len(mail.outbox) == 1
