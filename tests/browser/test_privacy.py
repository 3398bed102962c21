import pytest
from playwright.sync_api import expect

from award.models import User
from submissions.enums import ProjectStatus
from tests.factories import TEST_PASSWORD, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_applicant_deletes_account_on_a_phone(page, login_as, applicant, edition):
    ProjectFactory(edition=edition, owner=applicant, status=ProjectStatus.SUBMITTED, reference="V4A-2026-042")
    page.set_viewport_size({"width": 390, "height": 844})
    login_as("applicant@example.org", TEST_PASSWORD)
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Delete my account").click()
    page.wait_for_url("**/account/delete/")
    expect(page.get_by_text("V4A-2026-042")).to_be_visible()
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alert").filter(has_text="The password is not correct.")).to_be_visible()

    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url("/")
    expect(page.get_by_text("Your account was deleted")).to_be_visible()
    user = User.objects.get(pk=applicant.pk)
    assert user.email == f"deleted-{user.pk}@invalid" and not user.is_active
