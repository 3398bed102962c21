import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from award.enums import Country, OrganisationType, Role
from award.models import AuditEntry, EditionRole
from reports.applications import application_dossier_pdf
from reports.models import ExportJob
from submissions.enums import ProjectStatus
from submissions.selectors import projects_for_dossier
from submissions.services import attachment_add
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.submissions.conftest import PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def submitted(edition, category, n, **fields):
    defaults = {"status": ProjectStatus.SUBMITTED, "reference": f"V4A-2026-{n:04d}"}
    defaults.update(fields)
    project = ProjectFactory(edition=edition, category=category, **defaults)
    project.submitted_at = project.created_at
    project.save(update_fields=["submitted_at"])
    return project


def screening_url(edition, **query):
    from urllib.parse import urlencode

    return reverse("submissions:screening", args=[edition.slug]) + ("?" + urlencode(query) if query else "")


@pytest.mark.parametrize("rows", [1, 30])
def test_screening_list_query_count_does_not_grow(
    client_for, organiser, edition, category, rows, django_assert_num_queries
):
    for n in range(rows):
        project = submitted(edition, category, n + 1)
        if n % 3 == 0:
            attachment_add_direct(project)
    client = client_for(organiser)
    client.get(screening_url(edition))  # warm up the session
    with django_assert_num_queries(10):
        response = client.get(screening_url(edition))
    assert response.status_code == 200
    assert response.content.decode().count('class="badge badge-submitted"') == min(rows, 25)


def attachment_add_direct(project):
    from submissions.models import Attachment

    Attachment.objects.create(
        project=project, file="attachments/x.pdf", original_name="x.pdf", content_type="application/pdf", size=3
    )


def test_screening_list_search_filters_sort_and_counts(client_for, organiser, edition, category):
    other_category = CategoryFactory(edition=edition, name="Smart Region", slug="smart-region")
    submitted(edition, category, 1, title="Smart benches", organisation_name="Trnava", country=Country.SLOVAKIA)
    submitted(
        edition,
        other_category,
        2,
        title="Open data",
        organisation_name="Brno",
        country=Country.CZECHIA,
        organisation_type=OrganisationType.UNIVERSITY,
    )
    submitted(
        edition,
        other_category,
        3,
        title="Bike sharing",
        organisation_name="Győr",
        country=Country.HUNGARY,
        status=ProjectStatus.ELIGIBLE,
    )
    ProjectFactory(edition=edition, category=category, title="Secret draft")  # never shown to organisers
    ProjectFactory(edition=EditionFactory(), title="Another edition", status=ProjectStatus.SUBMITTED)
    client = client_for(organiser)

    body = client.get(screening_url(edition)).content.decode()
    assert "Smart benches" in body and "Open data" in body and "Bike sharing" in body
    assert "Secret draft" not in body and "Another edition" not in body
    assert "CZ: 1" in body and "HU: 1" in body and "SK: 1" in body

    body = client.get(screening_url(edition, q="brno")).content.decode()
    assert "Open data" in body and "Smart benches" not in body
    body = client.get(screening_url(edition, q="0003")).content.decode()
    assert "Bike sharing" in body and "Open data" not in body
    body = client.get(screening_url(edition, category=other_category.pk)).content.decode()
    assert "Open data" in body and "Smart benches" not in body
    body = client.get(screening_url(edition, country="HU")).content.decode()
    assert "Bike sharing" in body and "Open data" not in body
    body = client.get(screening_url(edition, organisation_type="university")).content.decode()
    assert "Open data" in body and "Bike sharing" not in body
    body = client.get(screening_url(edition, status="eligible")).content.decode()
    assert "Bike sharing" in body and "Open data" not in body
    body = client.get(screening_url(edition, sort="title")).content.decode()
    assert body.index("Bike sharing") < body.index("Open data") < body.index("Smart benches")
    body = client.get(screening_url(edition, sort="-title")).content.decode()
    assert body.index("Smart benches") < body.index("Open data") < body.index("Bike sharing")
    response = client.get(screening_url(edition, sort="owner__password"))
    assert response.status_code == 400


def test_screening_pagination(client_for, organiser, edition, category):
    for n in range(30):
        submitted(edition, category, n + 1, title=f"Project number {n + 1:02d}")
    client = client_for(organiser)
    page2 = client.get(screening_url(edition, page=2)).content.decode()
    assert "Project number 26" in page2 and "Project number 01" not in page2
    assert "Page 2 of 2" in page2


def test_screening_is_404_for_applicants_jurors_and_other_organisers(client_for, applicant, juror, edition, category):
    project = submitted(edition, category, 1)
    stranger = UserFactory()
    from award.enums import Role
    from tests.factories import EditionRoleFactory

    EditionRoleFactory(edition=EditionFactory(), user=stranger, role=Role.ORGANISER)
    for user in [applicant, juror, stranger]:
        client = client_for(user)
        assert client.get(screening_url(edition)).status_code == 404
        assert client.get(reverse("submissions:screening_detail", args=[edition.slug, project.pk])).status_code == 404
        response = client.post(
            reverse("submissions:screening_eligibility", args=[edition.slug, project.pk]), {"decision": "eligible"}
        )
        assert response.status_code == 404
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_detail_shows_application_and_attachments(client_for, organiser, edition, category):
    project = submitted(edition, category, 1, title="Smart benches", problem="Nobody counts footfall")
    owner = project.owner
    project.status = ProjectStatus.DRAFT
    project.save()
    owner.email_confirmed_at = project.created_at
    owner.save()
    attachment = attachment_add(actor=owner, project=project, upload=upload("plan.pdf", PDF_BYTES))
    project.status = ProjectStatus.SUBMITTED
    project.save()
    client = client_for(organiser)
    body = client.get(reverse("submissions:screening_detail", args=[edition.slug, project.pk])).content.decode()
    assert "Nobody counts footfall" in body and "plan.pdf" in body
    response = client.get(reverse("submissions:attachment", args=[project.pk, attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES


def test_mark_eligible_and_ineligible_with_email(
    client_for, organiser, edition, category, django_capture_on_commit_callbacks
):
    project = submitted(edition, category, 1, title="Smart benches")
    client = client_for(organiser)
    url = reverse("submissions:screening_eligibility", args=[edition.slug, project.pk])
    response = client.post(url, {"decision": "ineligible", "reason": ""})
    assert response.status_code == 400
    assert "Give the reason why the application is not eligible." in response.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "ineligible", "reason": "Not in a V4 country"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.INELIGIBLE and project.ineligibility_reason == "Not in a V4 country"
    assert "Not in a V4 country" in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "eligible"})
    project.refresh_from_db()
    assert project.status == ProjectStatus.ELIGIBLE
    assert "is eligible" in mail.outbox[-1].body
    assert AuditEntry.objects.filter(action="project.eligibility", actor=organiser).count() == 2


def test_organiser_reopen_is_audited(client_for, organiser, edition, category):
    project = submitted(edition, category, 1)
    client = client_for(organiser)
    url = reverse("submissions:screening_reopen", args=[edition.slug, project.pk])
    assert client.post(url, {"days": "0"}).status_code == 400
    response = client.post(url, {"days": "5", "reason": "Missing budget page"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT and project.reopened_until is not None
    assert AuditEntry.objects.get(action="project.reopened").data["reason"] == "Missing budget page"


def _dossier_download(client, response) -> PdfReader:
    """Follow the dossier job page to its download link and read the PDF back."""
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reports:export", args=[job.edition.slug, job.pk])
    page = client.get(response["Location"])
    download_url = reverse("reports:export_file", args=[job.edition.slug, job.pk])
    assert download_url in page.content.decode()
    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert ".pdf" in download["Content-Disposition"]
    return PdfReader(io.BytesIO(b"".join(download.streaming_content)))


def test_dossier_pdf_has_one_section_per_project(
    client_for, organiser, edition, category, django_capture_on_commit_callbacks
):
    submitted(edition, category, 1, title="Smart benches", problem="Nobody counts footfall")
    submitted(edition, category, 2, title="Řízení dopravy", organisation_name="Győr Önkormányzat")
    ProjectFactory(edition=edition, category=category, title="Secret draft")
    client = client_for(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("submissions:screening_dossier", args=[edition.slug, category.slug]))
    job = ExportJob.objects.get()
    assert (job.kind, job.category, job.created_by, job.status) == ("dossier", category, organiser, "done")
    assert (job.done, job.total) == (2, 2)
    reader = _dossier_download(client, response)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Smart benches" in text and "Nobody counts footfall" in text
    assert "Řízení dopravy" in text and "Győr Önkormányzat" in text
    assert "Secret draft" not in text
    assert len(reader.pages) >= 3  # cover + one section per project


def test_dossier_is_not_rendered_in_the_request(client_for, organiser, edition, category):
    submitted(edition, category, 1, title="Smart benches")
    # Without running the on-commit callbacks the worker has not run yet: the request only queued the job.
    response = client_for(organiser).post(reverse("submissions:screening_dossier", args=[edition.slug, category.slug]))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.total, bool(job.file)) == ("queued", 1, False)
    page = client_for(organiser).get(response["Location"])
    assert "The dossier is being prepared in the background." in page.content.decode()
    assert "This page refreshes by itself until the files are ready." in page.content.decode()


def test_dossier_get_starts_nothing_and_leads_to_the_form(client_for, organiser, edition, category):
    submitted(edition, category, 1, title="Smart benches")
    client = client_for(organiser)
    response = client.get(reverse("submissions:screening_dossier", args=[edition.slug, category.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:screening", args=[edition.slug]) + "#dossiers"
    assert ExportJob.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert f'action="{reverse("submissions:screening_dossier", args=[edition.slug, category.slug])}"' in page


def test_dossier_in_the_organisers_language(
    client_for, organiser, edition, category, django_capture_on_commit_callbacks
):
    submitted(edition, category, 1, title="Smart benches")
    organiser.language = "sk"
    organiser.save(update_fields=["language"])
    client = client_for(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("submissions:screening_dossier", args=[edition.slug, category.slug]))
    job = ExportJob.objects.get()
    projects = list(projects_for_dossier(edition, category.pk))
    english = application_dossier_pdf(edition=edition, category=category, projects=projects, language="en")
    slovak = application_dossier_pdf(edition=edition, category=category, projects=projects, language="sk")
    cover = {
        lang: PdfReader(io.BytesIO(pdf)).pages[0].extract_text() for lang, pdf in (("en", english), ("sk", slovak))
    }
    assert cover["en"] != cover["sk"]
    reader = _dossier_download(client, response)
    assert reader.pages[0].extract_text() == cover["sk"]
    assert job.file.name.endswith(".pdf")


def test_screening_page_offers_a_dossier_form_per_category(client_for, organiser, edition, category):
    second = CategoryFactory(edition=edition, name="Mobility")
    html = client_for(organiser).get(reverse("submissions:screening", args=[edition.slug])).content.decode()
    for cat in (category, second):
        action = reverse("submissions:screening_dossier", args=[edition.slug, cat.slug])
        assert f'<form method="post" action="{action}"' in html
    assert html.count('data-testid="dossier-form"') == 2
    assert html.count("csrfmiddlewaretoken") >= 2
    assert "Prepare dossier (PDF): Mobility" in html


@pytest.mark.parametrize("persona", ["juror", "applicant", "other_organiser"])
def test_dossier_of_someone_elses_edition_is_404(client_for, edition, category, juror, applicant, persona):
    submitted(edition, category, 1, title="Smart benches")
    users = {"juror": juror, "applicant": applicant}
    if persona == "other_organiser":
        other = EditionFactory()
        users[persona] = UserFactory()
        EditionRole.objects.create(edition=other, user=users[persona], role=Role.ORGANISER)
    client = client_for(users[persona])
    url = reverse("submissions:screening_dossier", args=[edition.slug, category.slug])
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 404
    assert not ExportJob.objects.exists()


def test_dossier_of_another_editions_category_is_404(client_for, organiser, edition):
    foreign = CategoryFactory(edition=EditionFactory())
    response = client_for(organiser).post(reverse("submissions:screening_dossier", args=[edition.slug, foreign.slug]))
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def test_eligibility_email_in_polish_is_formal_and_gender_neutral(
    client_for, organiser, edition, category, django_capture_on_commit_callbacks
):
    # Issue 21: an official email addresses the team formally (Państwa), never "Twoje zgłoszenie".
    project = submitted(edition, category, 1, title="Smart benches")
    project.owner.language = "pl"
    project.owner.save()
    url = reverse("submissions:screening_eligibility", args=[edition.slug, project.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(organiser).post(url, {"decision": "eligible"})
    body = mail.outbox[-1].body
    assert "Państwa zgłoszenie „Smart benches”" in body and "spełnia warunki" in body
    assert "Twoje" not in body and "Status zgłoszenia można sprawdzić tutaj:" in body
