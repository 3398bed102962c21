"""The applicant's whole path in Chromium: register, confirm, draft over two sessions, upload,
submit, receive the email with the PDF, see the status; the organiser marks it eligible."""

import io
import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from award.enums import Role
from submissions.enums import ProjectStatus
from submissions.models import Project
from tests.factories import (
    TEST_PASSWORD,
    CategoryFactory,
    CriterionFactory,
    EditionFactory,
    EditionRoleFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-passphrase"
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def call(db):
    edition = EditionFactory(name="V4 Award 2026", slug="v4-2026")
    CategoryFactory(edition=edition, name="Smart City", slug="smart-city", description="Cities and towns.")
    CriterionFactory(edition=edition, name="Impact on citizens", level_descriptors="0–3: none\n8–10: strong")
    organiser = UserFactory(email="organiser@example.org")
    EditionRoleFactory(edition=edition, user=organiser, role=Role.ORGANISER)
    return edition


def confirmation_link(email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    return re.search(r"https?://\S+/accounts/confirm/\S+", message.body).group(0)


@pytest.mark.slow
def test_applicant_registers_drafts_submits_and_organiser_screens(page, login_as, call, tmp_path):
    page.goto("/call/")
    expect(page.get_by_role("heading", name="V4 Award 2026")).to_be_visible()
    expect(page.get_by_text("8–10: strong")).to_be_visible()
    page.get_by_role("button", name="Create an account to apply").click()

    page.get_by_label("Email address").fill("team@trnava.sk")
    page.get_by_label("First name").fill("Tomáš")
    page.get_by_label("Last name").fill("Tímový")
    page.get_by_label("Organisation").fill("Mesto Trnava")
    page.get_by_label("Country").select_option("SK")
    page.get_by_label("Preferred language").select_option("en")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    page.get_by_role("heading", name="Check your email").wait_for()

    page.goto(confirmation_link("team@trnava.sk"))
    page.wait_for_url("**/call/v4-2026/")
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    page.get_by_role("button", name="Start a new application").click()
    page.wait_for_url(re.compile(r".*/applications/\d+/edit/$"))

    page.get_by_label("Organisation type").select_option("municipality")
    page.get_by_label("City or region").fill("Trnava")
    page.get_by_label("Category").select_option(label="Smart City")
    page.get_by_label("Project title").fill("Smart benches")
    page.get_by_label("Short summary").fill("Solar benches that count passers-by.")
    expect(page.locator("#id_summary + .char-counter")).to_contain_text("36 of 600 characters", use_inner_text=True)
    page.get_by_label("Start date").fill("2025-06-01")
    page.get_by_label("End date").fill("2025-05-01")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("The end date cannot be before the start date.")).to_be_visible()
    expect(page.get_by_label("Project title")).to_have_value("Smart benches")
    page.get_by_label("End date").fill("2025-12-31")
    page.get_by_label("Budget (EUR)").fill("125000")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()

    page.get_by_test_id("logout").click()
    page.wait_for_url("/")
    login_as("team@trnava.sk", PASSWORD)
    page.get_by_role("link", name="Smart benches").click()
    page.get_by_role("button", name="Continue the application").click()
    expect(page.get_by_label("Project title")).to_have_value("Smart benches")

    for label, text in [
        ("Problem", "Nobody knows how many people use the square."),
        ("Solution", "Benches with sensors."),
        ("Results and measurable impact", "30 % more visitors."),
        ("Innovation", "First in the region."),
        ("Citizen involvement", "Residents chose the places."),
        ("Sustainability and replicability", "Open hardware for other towns."),
        ("Funding sources", "City budget."),
    ]:
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("Start date").fill("2025-01-01")
    page.get_by_label("End date").fill("2025-12-31")
    page.locator("#id_team-0-name").fill("Eva Nová")
    page.locator("#id_team-0-role").fill("Project lead")
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(PDF_BYTES)
    page.get_by_label("Add an attachment").set_input_files(str(plan))
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("“plan.pdf” was attached.").wait_for()

    page.get_by_test_id("submit-open").click()
    page.get_by_role("button", name="Yes, submit the application").click()
    expect(page.get_by_text("You must accept the rules of the award to submit.")).to_be_visible()
    page.get_by_label("I accept the rules of the award").check()
    page.get_by_label("I consent to the processing of personal data").check()
    page.get_by_test_id("submit-open").click()
    page.get_by_role("button", name="Yes, submit the application").click()
    page.wait_for_url(re.compile(r".*/applications/\d+/$"))
    expect(page.get_by_test_id("reference")).to_have_text("V4A-2026-0001", use_inner_text=True)
    expect(page.get_by_test_id("status")).to_have_text("Submitted", use_inner_text=True)

    message = next(m for m in mail.outbox if "V4A-2026-0001" in m.subject)
    name, content, _ = message.attachments[0]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Smart benches" in text and "Eva Nová" in text and "plan.pdf" in text

    project = Project.objects.get()
    assert project.status == ProjectStatus.SUBMITTED and project.attachments.count() == 1

    page.get_by_test_id("logout").click()
    page.wait_for_url("/")
    login_as("organiser@example.org", TEST_PASSWORD)
    page.get_by_role("link", name="Applications").first.click()
    page.get_by_role("link", name="V4A-2026-0001").click()
    page.get_by_label("Eligible", exact=True).check()
    page.get_by_role("button", name="Save the decision").click()
    page.get_by_text("The decision was saved").wait_for()
    expect(page.get_by_test_id("status")).to_have_text("Eligible", use_inner_text=True)
    project.refresh_from_db()
    assert project.status == ProjectStatus.ELIGIBLE
    assert any("is eligible" in m.body for m in mail.outbox if m.to == ["team@trnava.sk"])


@pytest.mark.parametrize(
    "language,start,save",
    [
        ("sk", "Začať novú prihlášku", "Uložiť koncept"),
        ("cs", "Začít novou přihlášku", "Uložit koncept"),
        ("pl", "Rozpocznij nowe zgłoszenie", "Zapisz szkic"),
        ("hu", "Új pályázat indítása", "Piszkozat mentése"),
    ],
)
def test_application_in_each_language_on_a_phone(page, login_as, call, language, start, save):
    from django.utils import timezone

    UserFactory(email="team@example.org", language=language, email_confirmed_at=timezone.now())
    page.set_viewport_size({"width": 390, "height": 844})
    login_as("team@example.org", TEST_PASSWORD)
    page.goto("/call/v4-2026/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_role("button", name=start).click()
    page.locator("#id_title").fill("Projekt ÁČŻŐ")
    page.locator("#id_start_date").fill("2025-06-01")
    page.locator("#id_end_date").fill("2025-05-01")
    page.get_by_role("button", name=save).first.click()
    expect(page.locator(".field-error").first).to_be_visible()
    assert "The end date cannot be before the start date." not in page.content()
    expect(page.locator("#id_title")).to_have_value("Projekt ÁČŻŐ")
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
