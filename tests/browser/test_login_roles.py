import re

import pytest
from django.core.management import call_command
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from demo.seeding import APPLICANT_EMAIL, DEMO_PASSWORD, JUROR_EMAIL, ORGANISER_EMAIL

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
    expect(page.get_by_role("heading", name=marker)).to_be_visible()


def test_language_switcher_in_the_browser(page, login_as):
    call_command("seed_demo", verbosity=0)
    login_as(JUROR_EMAIL, DEMO_PASSWORD)
    page.get_by_label("Language").select_option("sk")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "sk")
    expect(page.get_by_role("heading", name="Moje pridelené hodnotenia")).to_be_visible()


def test_wrong_password_shows_message(page):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert").first).to_have_text(
        re.compile(r"^The email address or the password is not right"), use_inner_text=True
    )


def test_login_as_does_not_return_while_the_browser_is_still_on_the_login_page(page, login_as, applicant):
    # A refused login stays on /accounts/login/, which a "**/" glob matched: the helper returned
    # as if logged in. It waits for the landing page, so here it times out instead.
    page.set_default_navigation_timeout(2_000)
    with pytest.raises(PlaywrightTimeoutError):
        login_as(applicant.email, "not-the-password")
    expect(page.get_by_role("alert").first).to_be_visible()
