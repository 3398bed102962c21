"""Bulk screening in a real browser (issue 17): tick with the keyboard shortcut, choose "not eligible"
by key, type a reason that contains shortcut letters without setting them off, apply; then walk to
the next application with "n" and open the shortcut help with "?"."""

import re

import pytest
from playwright.sync_api import expect

from submissions.enums import ProjectStatus
from submissions.models import Project
from tests.factories import TEST_PASSWORD, CategoryFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bulk_screening_with_keyboard_shortcuts(page, login_as, organiser, edition):
    category = CategoryFactory(edition=edition, name="Smart City", slug="smart-city")
    projects = []
    for n in (1, 2, 3):
        project = ProjectFactory(
            edition=edition, category=category, status=ProjectStatus.SUBMITTED, reference=f"V4A-2026-{n:04d}"
        )
        project.submitted_at = project.created_at
        project.save(update_fields=["submitted_at"])
        projects.append(project)
    login_as(organiser.email, TEST_PASSWORD)
    page.goto(f"/screening/{edition.slug}/")
    ticked = page.locator("[data-ticked-count]")
    expect(ticked).to_have_text("0")
    page.locator("body").press("a")
    expect(ticked).to_have_text("3", timeout=15_000)
    page.locator("body").press("i")
    reason = page.locator('textarea[name="reason"]')
    expect(reason).to_be_focused()
    expect(page.locator('input[name="decision"][value="ineligible"]')).to_be_checked()
    # Letters typed in the reason are text, not shortcuts: the ticks stay as they are.
    reason.press_sequentially("Late and incomplete")
    expect(ticked).to_have_text("3")
    expect(reason).to_have_value("Late and incomplete")
    page.get_by_role("button", name=re.compile(r"^Apply to the ticked applications")).click()
    expect(page.get_by_text("3 applications were marked not eligible")).to_be_visible(timeout=20_000)
    assert set(Project.objects.values_list("status", "ineligibility_reason")) == {
        (ProjectStatus.INELIGIBLE, "Late and incomplete")
    }

    page.goto(f"/screening/{edition.slug}/{projects[0].pk}/?sort=reference")
    page.locator("body").press("n")
    page.wait_for_url(re.compile(rf"/screening/{edition.slug}/{projects[1].pk}/\?sort=reference$"), timeout=20_000)
    help_box = page.get_by_test_id("shortcuts")
    expect(help_box).not_to_have_attribute("open", "")
    page.locator("body").press("?")
    expect(help_box).to_have_attribute("open", "")
