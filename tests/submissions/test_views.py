import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from award.models import User
from submissions.enums import ProjectStatus
from submissions.models import Attachment, Project
from submissions.services import attachment_add, project_submit
from tests.factories import CriterionFactory, ProjectFactory
from tests.submissions.conftest import HTML_BYTES, PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def form_data(project: Project, **overrides) -> dict:
    data = {
        "category": project.category_id or "",
        "organisation_name": project.organisation_name,
        "organisation_type": project.organisation_type,
        "country": project.country,
        "city_region": project.city_region,
        "title": project.title,
        "summary": project.summary,
        "problem": project.problem,
        "solution": project.solution,
        "results": project.results,
        "innovation": project.innovation,
        "citizen_involvement": project.citizen_involvement,
        "sustainability": project.sustainability,
        "budget_eur": str(project.budget_eur or ""),
        "funding_sources": project.funding_sources,
        "start_date": str(project.start_date or ""),
        "end_date": str(project.end_date or ""),
        "website": project.website,
        "partners": project.partners,
        "team-TOTAL_FORMS": "1",
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "1000",
        "team-0-name": "",
        "team-0-role": "",
        "team-0-email": "",
        "action": "save",
    }
    if project.consent_rules:
        data["consent_rules"] = "on"
    if project.consent_privacy:
        data["consent_privacy"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_url(project):
    return reverse("submissions:edit", args=[project.pk])


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- the public call ------------------------------------------------------------------------


def test_call_page_shows_categories_rubric_eligibility_and_deadline_in_edition_time(
    client, edition, category, criterion
):
    edition.timezone = "Europe/Warsaw"
    edition.save()
    body = client.get(reverse("submissions:call", args=[edition.slug])).content.decode()
    assert "Smart City" in body and "Cities and towns." in body
    assert "Impact on citizens" in body and "8–10: strong" in body and "weight 100 %" in body
    assert "Slovakia" in body and "Hungary" in body and "Municipality or city" in body
    local = edition.submissions_close_at.astimezone(edition.tz)
    assert "(Europe/Warsaw)" in body and local.strftime("%H:%M") in body
    assert 'id="countdown"' in body
    assert "Create an account to apply" in body


def _weight_badges(body: str) -> list[tuple[str, str]]:
    """(criterion name, its weight badge) per criterion of the call page's rubric, in order."""
    return re.findall(r'<h3>([^<]*) <small class="badge" data-testid="criterion-weight">([^<]*)</small>', body)


def test_call_page_shows_each_criterion_weight_in_percent(client, edition, criterion):
    """The rubric as applicants read it: each criterion's share of the total, whatever its range."""
    CriterionFactory(edition=edition, name="Replicability", weight=Decimal("1.5"), max_value=Decimal(5), position=1)
    CriterionFactory(edition=edition, name="Partnership", weight=Decimal("0.5"), max_value=Decimal(100), position=2)
    url = reverse("submissions:call", args=[edition.slug])
    assert _weight_badges(client.get(url).content.decode()) == [
        ("Impact on citizens", "weight 50 %"),
        ("Replicability", "weight 37.5 %"),
        ("Partnership", "weight 12.5 %"),
    ]
    # In the reader's number format (the words wait for the catalogues).
    client.cookies["award_language"] = "sk"
    badges = _weight_badges(client.get(url).content.decode())
    assert [badge.rsplit(" ", 2)[-2:] for _name, badge in badges] == [["50", "%"], ["37,5", "%"], ["12,5", "%"]]


def test_call_current_redirects_to_the_open_edition(client, edition):
    response = client.get(reverse("submissions:call_current"))
    assert response.status_code == 302 and response.url == reverse("submissions:call", args=[edition.slug])


@pytest.mark.parametrize(
    "language,marker", [("sk", "Kategórie"), ("cs", "Kategorie"), ("pl", "Kategorie"), ("hu", "Kategóriák")]
)
def test_call_page_in_every_language(client, edition, category, language, marker):
    client.cookies["award_language"] = language
    body = client.get(reverse("submissions:call", args=[edition.slug])).content.decode()
    assert f'<html lang="{language}"' in body
    assert marker in body


# --- sign-up, confirmation, profile ---------------------------------------------------------


def test_signup_confirm_and_profile(client, edition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("signup"),
            {
                "email": "New.Team@Example.org",
                "first_name": "Nora",
                "last_name": "Nováková",
                "organisation": "Mesto Nitra",
                "country": "SK",
                "language": "sk",
                "password1": "a-long-enough-passphrase",
                "password2": "a-long-enough-passphrase",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.team@example.org")
    assert user.language == "sk" and user.email_confirmed_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Potvrďte svoju e-mailovú adresu pre V4 Smart Project Award"
    link = next(line for line in message.body.splitlines() if "/accounts/confirm/" in line).strip()
    response = client.get(link)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed_at is not None

    response = client.post(
        reverse("profile"),
        {"first_name": "Nora", "last_name": "N", "organisation": "Nitra", "country": "SK", "language": "hu"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "hu" and user.organisation == "Nitra"
    assert response.cookies["award_language"].value == "hu"


def test_signup_refuses_a_taken_email_and_weak_password(client, applicant):
    response = client.post(
        reverse("signup"),
        {
            "email": "APPLICANT@example.org",
            "first_name": "A",
            "last_name": "B",
            "organisation": "C",
            "country": "SK",
            "language": "en",
            "password1": "123",
            "password2": "123",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "An account with this email address already exists" in body
    assert "This password is too short" in body
    assert User.objects.count() == 1


def test_confirmation_link_tampered_is_refused(client):
    response = client.get(reverse("account_confirm", args=["nonsense:token"]))
    assert response.status_code == 400
    assert "invalid or has expired" in response.content.decode()


# --- the application ------------------------------------------------------------------------


def test_start_application_from_the_call(client_for, confirmed_applicant, edition):
    client = client_for(confirmed_applicant)
    response = client.post(reverse("submissions:new", args=[edition.slug]))
    project = Project.objects.get(owner=confirmed_applicant)
    assert response.url == edit_url(project)
    assert client.get(edit_url(project)).status_code == 200


def test_start_application_unconfirmed_is_a_clear_400(client_for, applicant, edition):
    response = client_for(applicant).post(reverse("submissions:new", args=[edition.slug]))
    assert response.status_code == 400
    assert "Please confirm your email address" in response.content.decode()
    assert Project.objects.count() == 0


def test_save_draft_with_incomplete_form(client_for, confirmed_applicant, edition):
    project = ProjectFactory(edition=edition, owner=confirmed_applicant, category=None, title="")
    data = form_data(project, title="Half typed", **{"team-0-name": "Eva", "team-0-role": "Lead"})
    response = client_for(confirmed_applicant).post(edit_url(project), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Half typed" and project.status == ProjectStatus.DRAFT
    assert list(project.team.values_list("name", "role")) == [("Eva", "Lead")]


def test_budget_abc_is_refused_but_other_fields_saved_and_typed_text_kept(client_for, draft, confirmed_applicant):
    data = form_data(draft, budget_eur="abc", problem="Newly typed problem")
    response = client_for(confirmed_applicant).post(edit_url(draft), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a number, e.g. 125,000.50." in body
    assert 'value="abc"' in body
    draft.refresh_from_db()
    assert str(draft.budget_eur) == "125000.50"
    assert draft.problem == "Newly typed problem"


def test_end_before_start_is_refused_and_stored_dates_unchanged(client_for, draft, confirmed_applicant):
    data = form_data(draft, start_date="2025-06-01", end_date="2025-05-01")
    response = client_for(confirmed_applicant).post(edit_url(draft), data)
    assert response.status_code == 400
    assert "The end date cannot be before the start date." in response.content.decode()
    draft.refresh_from_db()
    assert (str(draft.start_date), str(draft.end_date)) == ("2025-01-01", "2025-12-31")


def test_error_message_in_the_users_language(client_for, draft, confirmed_applicant):
    confirmed_applicant.language = "sk"
    confirmed_applicant.save()
    response = client_for(confirmed_applicant).post(
        edit_url(draft), form_data(draft, start_date="2025-06-01", end_date="2025-05-01")
    )
    assert response.status_code == 400
    assert "Dátum ukončenia nemôže byť pred dátumom začiatku." in response.content.decode()


def test_submit_with_missing_fields_shows_every_problem(client_for, confirmed_applicant, edition):
    project = ProjectFactory(edition=edition, owner=confirmed_applicant, category=None, title="Only a title")
    response = client_for(confirmed_applicant).post(edit_url(project), form_data(project, action="submit"))
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("This field is required to submit.") >= 10
    assert "You must accept the rules of the award to submit." in body
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT and project.reference == "" and project.title == "Only a title"


def test_submit_sends_email_with_pdf_and_shows_status(
    client_for, draft, confirmed_applicant, django_capture_on_commit_callbacks
):
    client = client_for(confirmed_applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(draft), form_data(draft, action="submit"))
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.SUBMITTED and draft.reference == "V4A-2026-0001"
    assert response.url == reverse("submissions:status", args=[draft.pk])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "V4A-2026-0001" in message.subject
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("V4A-2026-0001.pdf", "application/pdf")
    text = pdf_text(content)
    assert "Smart benches" in text and "City of Trnava" in text and "V4A-2026-0001" in text
    body = client.get(response.url).content.decode()
    assert "V4A-2026-0001" in body and "Submitted" in body and "Reopen as a draft" in body


def test_submit_page_with_a_lagging_counter_gets_the_next_free_reference(
    client_for, draft, confirmed_applicant, other_applicant
):
    # Used to answer 500 (UNIQUE constraint failed) on every try when references existed beyond the counter.
    ProjectFactory(
        edition=draft.edition,
        category=draft.category,
        owner=other_applicant,
        status=ProjectStatus.SUBMITTED,
        reference="V4A-2026-0001",
    )
    response = client_for(confirmed_applicant).post(edit_url(draft), form_data(draft, action="submit"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.reference) == (ProjectStatus.SUBMITTED, "V4A-2026-0002")
    assert "V4A-2026-0002" in client_for(confirmed_applicant).get(response.url).content.decode()


def test_late_submission_is_refused_and_nothing_changes(client_for, draft, confirmed_applicant):
    edition = draft.edition
    edition.submissions_open_at = timezone.now() - timedelta(days=10)
    edition.submissions_close_at = timezone.now() - timedelta(seconds=1)
    edition.save()
    client = client_for(confirmed_applicant)
    response = client.post(edit_url(draft), form_data(draft, action="submit", title="Late change"))
    assert response.status_code == 302
    assert response.url == reverse("submissions:status", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT and draft.title == "Smart benches"
    body = client.get(response.url).content.decode()
    assert "The deadline has passed" in body


def test_deadline_passing_while_typing_keeps_the_typed_text(client_for, draft, confirmed_applicant, monkeypatch):
    from submissions import rules

    client = client_for(confirmed_applicant)
    real = rules.before_deadline
    calls = {"n": 0}

    def flaky(project, now=None):
        calls["n"] += 1
        return calls["n"] == 1  # open when the view checks, closed when the service checks

    monkeypatch.setattr(rules, "before_deadline", flaky)
    response = client.post(edit_url(draft), form_data(draft, problem="Typed just too late"))
    monkeypatch.setattr(rules, "before_deadline", real)
    assert response.status_code == 400
    body = response.content.decode()
    assert "has passed" in body and "Typed just too late" in body
    draft.refresh_from_db()
    assert draft.problem == "No data on footfall."


def test_upload_of_html_renamed_pdf_is_refused(client_for, draft, confirmed_applicant):
    data = form_data(draft, upload=upload("report.pdf", HTML_BYTES))
    response = client_for(confirmed_applicant).post(edit_url(draft), data)
    assert response.status_code == 400
    assert "is not a PDF, PNG or JPEG file" in response.content.decode()
    assert Attachment.objects.count() == 0


@override_settings(ATTACHMENT_MAX_BYTES=20 * 1024 * 1024)
def test_upload_of_25_mb_is_refused(client_for, draft, confirmed_applicant):
    big = upload("big.pdf", PDF_BYTES + b"0" * (25 * 1024 * 1024))
    response = client_for(confirmed_applicant).post(edit_url(draft), form_data(draft, upload=big))
    assert response.status_code == 400
    assert "is too large" in response.content.decode() and "20.0" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_eleventh_attachment_is_refused(client_for, draft, confirmed_applicant):
    for n in range(10):
        attachment_add(actor=confirmed_applicant, project=draft, upload=upload(f"{n}.pdf", PDF_BYTES))
    response = client_for(confirmed_applicant).post(
        edit_url(draft), form_data(draft, upload=upload("11.pdf", PDF_BYTES))
    )
    assert response.status_code == 400
    assert "at most 10 attachments" in response.content.decode()
    assert draft.attachments.count() == 10


def test_upload_and_download_own_attachment(client_for, draft, confirmed_applicant):
    client = client_for(confirmed_applicant)
    response = client.post(edit_url(draft), form_data(draft, upload=upload("plan.pdf", PDF_BYTES)))
    assert response.status_code == 302
    attachment = draft.attachments.get()
    response = client.get(reverse("submissions:attachment", args=[draft.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_remove_attachment_button(client_for, draft, confirmed_applicant):
    attachment = attachment_add(actor=confirmed_applicant, project=draft, upload=upload("a.pdf", PDF_BYTES))
    response = client_for(confirmed_applicant).post(
        edit_url(draft), form_data(draft, delete_attachment=str(attachment.pk))
    )
    assert response.status_code == 302
    assert draft.attachments.count() == 0


def test_other_teams_project_draft_and_attachment_are_404(
    client_for, confirmed_applicant, other_draft, other_applicant
):
    attachment = attachment_add(
        actor=_confirmed(other_applicant), project=other_draft, upload=upload("secret.pdf", PDF_BYTES)
    )
    client = client_for(confirmed_applicant)
    for url in [
        reverse("submissions:edit", args=[other_draft.pk]),
        reverse("submissions:status", args=[other_draft.pk]),
        reverse("submissions:withdraw", args=[other_draft.pk]),
        reverse("submissions:summary_pdf", args=[other_draft.pk]),
        reverse("submissions:attachment", args=[other_draft.pk, attachment.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Other team" not in response.content
    response = client.post(reverse("submissions:edit", args=[other_draft.pk]), form_data(other_draft, title="Hijack"))
    assert response.status_code == 404
    response = client.post(reverse("submissions:reopen", args=[other_draft.pk]))
    assert response.status_code == 404
    other_draft.refresh_from_db()
    assert other_draft.title == "Other team's secret"


def _confirmed(user):
    user.email_confirmed_at = timezone.now()
    user.save()
    return user


def test_reopen_and_withdraw_from_the_status_page(client_for, draft, confirmed_applicant):
    project_submit(actor=confirmed_applicant, project=draft)
    client = client_for(confirmed_applicant)
    response = client.post(reverse("submissions:reopen", args=[draft.pk]))
    assert response.url == edit_url(draft)
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT
    response = client.post(reverse("submissions:withdraw", args=[draft.pk]), {})
    assert response.status_code == 400
    response = client.post(reverse("submissions:withdraw", args=[draft.pk]), {"confirm": "yes"})
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.WITHDRAWN
    assert "You withdrew this application." in client.get(response.url).content.decode()


def test_home_panel_links_projects_and_offers_a_new_application(client_for, draft, confirmed_applicant):
    body = client_for(confirmed_applicant).get("/").content.decode()
    assert reverse("submissions:status", args=[draft.pk]) in body
    assert 'data-testid="new-application"' in body


def test_status_page_shows_reason_when_not_eligible(client_for, draft, confirmed_applicant, organiser):
    from submissions.services import project_eligibility_set

    project_submit(actor=confirmed_applicant, project=draft)
    project_eligibility_set(actor=organiser, project=draft, eligible=False, reason="Outside the V4 region")
    body = client_for(confirmed_applicant).get(reverse("submissions:status", args=[draft.pk])).content.decode()
    assert "Not eligible" in body and "Outside the V4 region" in body


def test_status_page_links_result_and_certificates_after_publication(client, applicant):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import ProjectFactory

    project = ProjectFactory(owner=applicant, status="eligible", reference="V4A-2026-0099")
    client.force_login(applicant)
    page = client.get(f"/applications/{project.pk}/").content.decode()
    assert 'data-testid="result-links"' not in page
    project.edition.results_published_at = timezone.now() - timedelta(minutes=1)
    project.edition.save()
    page = client.get(f"/applications/{project.pk}/").content.decode()
    assert f"/results/{project.edition.slug}/project/{project.pk}/" in page
    assert "/reports/certificates/mine/" in page
