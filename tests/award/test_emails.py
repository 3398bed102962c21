"""Editable emails (issue 17): the organisers' own texts, their preview and test send, the HTML
part in the edition's branding, and the email log."""

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from award.emails import email_send, fill, html_from_text, kinds_all, placeholders_unknown
from award.enums import EmailStatus
from award.models import AuditEntry, EmailLog, EmailTemplate
from submissions.enums import ProjectStatus
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory


def _submitted(edition, n=1, **fields):
    project = ProjectFactory(
        edition=edition,
        category=CategoryFactory(edition=edition),
        status=ProjectStatus.SUBMITTED,
        reference=f"V4A-2026-{n:04d}",
        **fields,
    )
    project.submitted_at = project.created_at
    project.save(update_fields=["submitted_at"])
    return project


def _edit_url(edition, kind="application_eligible", language="en"):
    return reverse("setup:email_edit", args=[edition.slug, kind, language])


def test_formatter_substitutes_only_allowed_names_and_escapes_html():
    assert placeholders_unknown(
        "Hi {name}, {password} and { link } {{ user.password }} {% if x %}", ["name", "link"]
    ) == [
        "password",
        "user.password",
        "% if x %",
    ]
    assert fill("Hi {name} {other} {{x}}", {"name": "<b>Ann</b>"}) == "Hi <b>Ann</b> {other} {{x}}"
    assert fill("A\nSee here: {link}\nB {name}", {"link": "", "name": "Ann"}) == "A\nB Ann"
    html = html_from_text("Hi <b>Ann</b>,\nline two\n\n- one https://example.org/a\n- two\n\nBye")
    assert "&lt;b&gt;Ann&lt;/b&gt;,<br>" in html and "<b>" not in html
    assert '<a href="https://example.org/a"' in html and html.count("<li>") == 2 and html.count("<p") == 2


def test_every_kind_has_defaults_in_every_language_with_only_its_placeholders():
    keys = {kind.key for kind in kinds_all()}
    assert {"account_confirmation", "application_received", "application_eligible", "application_ineligible"} <= keys
    assert {"jury_invitation", "jury_reminder"} <= keys
    for kind in kinds_all():
        for language in ("en", "sk", "cs", "pl", "hu"):
            with translation.override(language):
                subject, body = kind.defaults(2)
            assert placeholders_unknown(subject + body, kind.placeholders) == [], (kind.key, language)
            assert subject and "{" in body


def test_edited_email_template_is_what_the_applicant_receives(
    client_for, organiser, edition, django_capture_on_commit_callbacks
):
    edition.brand_primary = "#7b1fa2"
    edition.save()
    project = _submitted(edition, title="Smart <benches>")
    client = client_for(organiser)
    listing = client.get(reverse("setup:emails", args=[edition.slug])).content.decode()
    assert _edit_url(edition) in listing
    page = client.get(_edit_url(edition)).content.decode()
    assert "{project_title}" in page and "has been checked and is eligible" in page  # the default text
    body = "Dear {applicant_name},\n\ncongratulations: {project_title} is in!\n\nSee {link}"
    response = client.post(
        _edit_url(edition), {"action": "save", "subject": "Good news, {project_reference}", "body": body}
    )
    assert response.status_code == 302
    saved = EmailTemplate.objects.get(edition=edition, kind="application_eligible", language="en")
    assert saved.body == body and saved.updated_by == organiser
    assert AuditEntry.objects.filter(action="email_template.save", edition=edition).count() == 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("submissions:screening_eligibility", args=[edition.slug, project.pk]), {"decision": "eligible"}
        )
    message = mail.outbox[-1]
    assert message.to == [project.owner.email]
    assert message.subject == "Good news, V4A-2026-0001"
    assert message.body.startswith(f"Dear {project.owner.display_name},\n\ncongratulations: Smart <benches> is in!")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Smart &lt;benches&gt; is in!" in html and "<benches>" not in html
    assert "#7b1fa2" in html and "Test Award 2026" in html
    log = EmailLog.objects.get(edition=edition)
    assert (log.recipient, log.kind, log.status, log.subject) == (
        project.owner.email,
        "application_eligible",
        EmailStatus.SENT,
        "Good news, V4A-2026-0001",
    )
    # Other languages keep the default text.
    assert "Vaša prihláška" in client.get(_edit_url(edition, language="sk")).content.decode()


def test_unknown_placeholder_is_refused_with_a_translated_error(client_for, organiser, edition):
    client = client_for(organiser)
    data = {"action": "save", "subject": "Hi {secret}", "body": "Hello {applicant_name}, {password} {{ user }}"}
    response = client.post(_edit_url(edition), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Unknown placeholder {password}, {user}. You can use: {applicant_name}," in page
    assert "Unknown placeholder {secret}." in page
    organiser.language = "sk"
    organiser.save()
    page = client.post(_edit_url(edition), data).content.decode()
    assert "Neznámy zástupný symbol {secret}." in page
    assert not EmailTemplate.objects.exists()


def test_preview_and_test_send_to_the_organiser(client_for, organiser, edition, django_capture_on_commit_callbacks):
    client = client_for(organiser)
    data = {"subject": "About {project_reference}", "body": "Dear {applicant_name}, <script>x</script>"}
    page = client.post(_edit_url(edition), {**data, "action": "preview"}).content.decode()
    preview = page.split('data-testid="email-preview"')[1]
    assert "About V4A-2026-0042" in preview and "Dear Jana Nováková, &lt;script&gt;" in preview
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_edit_url(edition), {**data, "action": "test"})
    assert [m.to for m in mail.outbox] == [[organiser.email]]
    assert mail.outbox[0].subject == "About V4A-2026-0042"
    assert EmailLog.objects.get().is_test is True
    assert not EmailTemplate.objects.exists()  # a test send saves nothing


def test_failed_email_is_logged_and_listed(client_for, organiser, edition, django_capture_on_commit_callbacks):
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP refused")):
        with pytest.raises(OSError):
            email_send(
                kind="jury_invitation",
                edition=edition,
                to="gone@example.org",
                language="en",
                values={"juror_name": "Gone", "edition_name": edition.name, "link": "https://x.test/"},
            )
    email_send(
        kind="jury_invitation",
        edition=edition,
        to="here@example.org",
        language="en",
        values={"juror_name": "Here", "edition_name": edition.name, "link": "https://x.test/"},
    )
    failed = EmailLog.objects.get(status=EmailStatus.FAILED)
    assert failed.recipient == "gone@example.org" and "SMTP refused" in failed.error
    assert EmailLog.objects.get(status=EmailStatus.SENT).recipient == "here@example.org"
    client = client_for(organiser)
    url = reverse("setup:email_log", args=[edition.slug])
    table = client.get(url).content.decode().split('data-testid="email-log"')[1]
    assert "gone@example.org" in table and "here@example.org" in table and "SMTP refused" in table
    table = client.get(url, {"status": "failed"}).content.decode().split('data-testid="email-log"')[1]
    assert "gone@example.org" in table and "here@example.org" not in table
    assert "1 email could not be sent." in client.get(reverse("setup:emails", args=[edition.slug])).content.decode()


def test_email_pages_are_404_for_other_editions_organisers(client_for, organiser, edition, applicant):
    other = EditionFactory(name="Other", slug="other")
    client = client_for(organiser)
    assert client.get(reverse("setup:emails", args=[other.slug])).status_code == 404
    assert client.get(reverse("setup:email_log", args=[other.slug])).status_code == 404
    assert client.get(_edit_url(other)).status_code == 404
    assert client.get(_edit_url(edition, kind="no_such_kind")).status_code == 404
    assert client.get(_edit_url(edition, language="de")).status_code == 404
    assert client_for(applicant).get(_edit_url(edition)).status_code == 404


@pytest.mark.parametrize("rows", [1, 12])
def test_email_log_and_list_query_counts_do_not_grow(
    client_for, organiser, edition, django_assert_max_num_queries, rows
):
    for i in range(rows):
        EmailLog.objects.create(
            edition=edition,
            recipient=f"p{i}@example.org",
            kind="jury_reminder",
            language="en",
            subject="s",
            status=EmailStatus.FAILED if i % 2 else EmailStatus.SENT,
        )
    for kind in kinds_all()[:rows]:
        EmailTemplate.objects.create(edition=edition, kind=kind.key, language="sk", subject="s", body="b")
    client = client_for(organiser)
    client.get(reverse("setup:emails", args=[edition.slug]))  # warm the session and role caches
    with django_assert_max_num_queries(8):
        page = client.get(reverse("setup:email_log", args=[edition.slug])).content.decode()
    assert page.count("@example.org</td>") == rows
    with django_assert_max_num_queries(8):
        page = client.get(reverse("setup:emails", args=[edition.slug])).content.decode()
    assert page.count('data-testid="own-text"') == min(rows, len(kinds_all()))


def test_password_reset_and_account_emails_go_through_the_registry(client, edition, applicant):
    applicant.language = "sk"
    applicant.save()
    mail.outbox.clear()
    client.post(reverse("password_reset"), {"email": applicant.email})
    message = mail.outbox[-1]
    assert message.to == [applicant.email]
    assert "/accounts/reset/" in message.body and "/accounts/reset/" in message.alternatives[0][0]
    log = EmailLog.objects.get(kind="password_reset")
    assert (log.recipient, log.language, log.status) == (applicant.email, "sk", EmailStatus.SENT)


def test_deleting_an_account_leaves_no_address_in_the_email_log(edition, applicant):
    from submissions.privacy import user_anonymise

    EmailLog.objects.create(
        edition=edition, recipient=applicant.email, kind="jury_reminder", language="en", subject="s", status="sent"
    )
    user_anonymise(user=applicant)
    assert list(EmailLog.objects.values_list("recipient", flat=True)) == [f"deleted-{applicant.pk}@invalid"]


def test_system_administrator_reads_the_email_log_in_the_admin(client, edition):
    from tests.factories import UserFactory

    admin_user = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    EmailLog.objects.create(
        edition=edition, recipient="x@example.org", kind="jury_reminder", language="en", subject="s", status="sent"
    )
    client.force_login(admin_user)
    page = client.get(reverse("admin:award_emaillog_changelist")).content.decode()
    assert "x@example.org" in page
