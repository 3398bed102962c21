"""The frame every page hangs in (templates/base.html, static/js/frame.js): on a 390 px phone the
header folds into one menu button and data tables become labelled cards; on a desktop the
navigation shows without the button and a wide table scrolls in its own labelled box.
Screenshots go to test-artifacts/screenshots/."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_accessibility import axe_violations
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def shoot(page, name, *, full_page=False):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"frame-{name}.png"), full_page=full_page)


def focused_testid_or_tag(page) -> str:
    return page.evaluate("() => document.activeElement.dataset.testid || document.activeElement.tagName.toLowerCase()")


def test_phone_header_folds_into_a_menu_button_that_works_with_the_keyboard(page, login_as, organiser):
    page.set_viewport_size(PHONE)
    login_as(organiser.email, TEST_PASSWORD)
    header = page.locator("header.site-header")
    button = page.get_by_role("button", name="Menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-menu")
    expect(page.get_by_test_id("nav-ranking")).to_be_hidden()
    expect(page.get_by_test_id("logout")).to_be_hidden()
    height = header.bounding_box()["height"]
    assert height <= 0.15 * PHONE["height"], f"the closed header takes {height:.0f} px of {PHONE['height']}"
    shoot(page, "phone-menu-closed")

    # Keyboard: the skip link, the brand, then the menu button; Enter opens it.
    for _ in range(3):
        page.keyboard.press("Tab")
    assert focused_testid_or_tag(page) == "menu-button"
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_test_id("nav-ranking")).to_be_visible()
    expect(page.get_by_test_id("nav-jury")).to_be_visible()
    expect(page.get_by_test_id("logout")).to_be_visible()
    expect(page.get_by_label("Language")).to_be_visible()
    # Every control of the open menu fits the phone's width.
    for control in [page.get_by_test_id("logout"), page.get_by_label("Language"), page.get_by_test_id("nav-ranking")]:
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    shoot(page, "phone-menu-open")
    assert axe_violations(page) == []  # the walk sees the phone menu closed; here it is open
    # The account links fold out inside the menu, within the phone's width.
    page.locator("#site-menu summary.nav-user").click()
    profile = page.get_by_role("link", name="My profile")
    expect(profile).to_be_visible()
    box = profile.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    shoot(page, "phone-menu-account")
    page.locator("#site-menu summary.nav-user").click()
    expect(profile).to_be_hidden()
    button.focus()

    # Tab moves into the menu's links; Escape closes it and returns to the button.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('site-menu').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(page.get_by_test_id("nav-ranking")).to_be_hidden()

    # The language switcher inside the menu switches the language.
    button.click()
    page.get_by_label("Language").select_option("sk")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "sk")
    # And the log-out button inside the menu logs out.
    page.locator("[aria-controls=site-menu]").click()
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("logout")).to_have_count(0)


def test_phone_menu_opens_without_script(browser, live_server, organiser):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(reverse("login"))
        toggle = page.locator("details[data-menu-toggle] > summary")
        expect(toggle).to_be_visible()
        expect(page.get_by_label("Language")).to_be_hidden()
        toggle.click()
        expect(page.get_by_label("Language")).to_be_visible()
        expect(page.get_by_role("link", name="Log in").first).to_be_visible()
        toggle.click()
        expect(page.get_by_label("Language")).to_be_hidden()
        # On a desktop the links show as they are, and the disclosure stays out of the way.
        page.set_viewport_size(DESKTOP)
        expect(page.get_by_label("Language")).to_be_visible()
        expect(toggle).to_be_hidden()
    finally:
        context.close()


def test_table_on_a_phone_shows_cards_with_each_value_labelled(page, login_as, organiser, juror, edition):
    page.set_viewport_size(PHONE)
    login_as(organiser.email, TEST_PASSWORD)
    page.goto(reverse("scoring:jurors", args=[edition.slug]))
    table = page.get_by_test_id("jurors-table")
    expect(table).to_have_attribute("data-cards", "")
    row = table.locator("tbody tr").first
    cell = row.locator("td", has_text="Jury University")
    expect(cell).to_have_attribute("data-label", "Organisation")
    # The label is drawn beside the value, and the row is a card: as wide as the table, no wider.
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") == '"Organisation"'
    assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
    expect(table.locator("thead")).to_have_css("position", "absolute")
    table_box, cell_box = table.bounding_box(), cell.bounding_box()
    assert cell_box["x"] + cell_box["width"] <= table_box["x"] + table_box["width"] + 1
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, "phone-table-cards", full_page=True)


def test_desktop_shows_the_navigation_without_the_button(page, login_as, organiser, juror, edition):
    page.set_viewport_size(DESKTOP)
    login_as(organiser.email, TEST_PASSWORD)
    expect(page.get_by_test_id("nav-ranking")).to_be_visible()
    expect(page.get_by_test_id("logout")).to_be_visible()
    expect(page.get_by_label("Language")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] <= 0.15 * DESKTOP["height"], header
    shoot(page, "desktop-home")
    # A data table sits in a labelled region that the keyboard can reach (to scroll it).
    page.goto(reverse("scoring:jurors", args=[edition.slug]))
    region = page.get_by_role("region", name="Jurors")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region.locator("thead")).to_be_visible()
    shoot(page, "desktop-table")
    # A tablet held upright would wrap the links onto three rows: it gets the menu button too.
    page.set_viewport_size({"width": 768, "height": 1024})
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    expect(page.get_by_test_id("nav-ranking")).to_be_hidden()
    expect(region.locator("thead")).to_be_visible()  # tables stay tables above 600 px
