import pytest
from django.core.management import call_command

from scoring.demo import APPLICANT_EMAIL, DEMO_PASSWORD, JUROR_EMAIL, ORGANISER_EMAIL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "email,marker",
    [
        (ORGANISER_EMAIL, "Edition dashboard: V4 Smart Project Award 2026"),
        (JUROR_EMAIL, "My assignments"),
        (APPLICANT_EMAIL, "My applications"),
    ],
)
def test_each_demo_role_logs_in_and_sees_its_home(page, login_as, email, marker):
    call_command("seed_demo", verbosity=0)
    login_as(email, DEMO_PASSWORD)
    heading = page.get_by_role("heading", name=marker)
    heading.wait_for()
    assert heading.is_visible()


def test_language_switcher_in_the_browser(page, login_as):
    call_command("seed_demo", verbosity=0)
    login_as(JUROR_EMAIL, DEMO_PASSWORD)
    page.get_by_label("Language").select_option("sk")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sk"
    assert page.get_by_role("heading", name="Moje pridelené hodnotenia").is_visible()


def test_wrong_password_shows_message(page):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").first.inner_text().startswith("The email address or the password is not right")
