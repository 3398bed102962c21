import pytest
from django.core import mail

from reports.applications import application_dossier_pdf, application_summary_html, application_summary_pdf
from reports.pdf import SafeURLFetcher
from reports.receivers import submission_confirmation_send
from submissions.enums import ProjectStatus
from tests.factories import CategoryFactory, ProjectFactory, TeamMemberFactory, UserFactory
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(edition):
    category = CategoryFactory(edition=edition, name="Smart City")
    owner = UserFactory(email="team@example.org", first_name="Ľubica", last_name="Šťastná", language="hu")
    project = ProjectFactory(
        edition=edition,
        category=category,
        owner=owner,
        reference="V4A-2026-0007",
        status=ProjectStatus.SUBMITTED,
        title="Inteligentné lavičky v Győri",
        organisation_name="Miasto Łódź",
        problem="Żółć <b>bold</b>",
        solution='<img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1/x.css">',
    )
    TeamMemberFactory(project=project, name="Zsófia Győri", role="IT")
    return project


def test_summary_pdf_has_the_application_with_diacritics(project):
    text = pdf_text(application_summary_pdf(project))
    for expected in [
        "Inteligentné lavičky v Győri",
        "Miasto Łódź",
        "V4A-2026-0007",
        "Smart City",
        "Zsófia Győri",
        "Żółć",
    ]:
        assert expected in text


def test_summary_escapes_user_markup_and_fetches_nothing_outside(project):
    html = application_summary_html(project)
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert '<img src="file:///etc/passwd">' not in html
    fetcher = SafeURLFetcher()
    from reports.pdf import pdf_render

    pdf_render(html, fetcher=fetcher)
    assert not any("passwd" in url or "127.0.0.1" in url for url in fetcher.requested)


def test_summary_in_the_requested_language(project):
    text = pdf_text(application_summary_pdf(project, language="sk"))
    assert "Krátke zhrnutie" in text and "Riešenie" in text


def test_dossier_has_a_cover_and_a_page_per_project(edition, project):
    second = ProjectFactory(
        edition=edition, category=project.category, title="Open data Brno", reference="V4A-2026-0008"
    )
    pdf = application_dossier_pdf(edition=edition, category=project.category, projects=[project, second])
    text = pdf_text(pdf)
    assert "2 applications" in text
    assert text.index("Inteligentné lavičky") < text.index("Open data Brno")


def test_confirmation_email_in_the_team_language_with_pdf(project):
    submission_confirmation_send.enqueue(project_id=project.pk, status_url="http://testserver/applications/1/")
    message = mail.outbox[-1]
    assert message.to == ["team@example.org"]
    assert message.subject == "A(z) V4A-2026-0007 pályázat beérkezett"
    assert "http://testserver/applications/1/" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "V4A-2026-0007.pdf" and mimetype == "application/pdf"
    assert "Inteligentné lavičky v Győri" in pdf_text(content)
