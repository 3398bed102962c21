"""Issue 18: the juror's whole path in a real browser. On a 390 × 844 phone in Polish and in
Hungarian: open the briefing, acknowledge it, score every criterion with the tap targets, lose the
network for one save and recover, finalise, go to the next project (screenshots under
test-artifacts/screenshots/). The same path with the keyboard alone on a 1366 × 768 laptop.

The catalogues are compiled by the lead; until then the pages read in English, so these tests
find things by test id, role, name attribute and state (the status's class), never by the
translated words, and check the language by <html lang>."""

import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import formats, translation
from playwright.sync_api import expect

from award.rubric import review_total
from scoring.enums import AssignmentStatus
from scoring.models import Assignment, BriefingAcknowledgement, Score
from tests.factories import TEST_PASSWORD, CategoryFactory, CriterionFactory
from tests.scoring.jury_setup import assignment, eligible_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def path_setup(open_round, juror):
    edition = open_round.edition
    levels = "0–3: weak\n4–6: fair\n7–10: strong"
    criteria = [
        CriterionFactory(edition=edition, name="Impact", position=0, weight=2, level_descriptors=levels),
        CriterionFactory(edition=edition, name="Innovation", position=1, weight=1, step=Decimal("0.5")),
        CriterionFactory(edition=edition, name="Cost", position=2, weight=1, min_value=1, max_value=5),
    ]
    edition.juror_briefing_en = "Read every application in full."
    edition.save()
    long_text = "The stops show live departures and count waiting passengers. " * 40
    category = CategoryFactory(edition=edition)
    first = assignment(
        open_round,
        juror,
        eligible_project(edition, category, title="Smart bus stops", problem=long_text, reference="V4A-2026-0001"),
        acknowledged=False,
    )
    second = assignment(
        open_round,
        juror,
        eligible_project(edition, category, title="Open data portal", reference="V4A-2026-0002"),
        acknowledged=False,
    )
    return criteria, first, second


def _log_in(page, email):
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("/")


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def _expected_total(criteria, numbers, language):
    total = review_total(criteria, {c.pk: Decimal(n) for c, n in zip(criteria, numbers, strict=True)})
    with translation.override(language):
        return formats.number_format(Decimal(total).quantize(Decimal("0.1")), 1)


def _saved_after(page, action, timeout=20_000):
    """Do `action` and wait until the autosave has stored it: the form's version moves on (each
    save bumps it) and the status says saved. The status alone may still show the last save."""
    version = page.locator("input[name=version]")
    before = version.input_value()
    action()
    expect(version).not_to_have_value(before, timeout=timeout)
    expect(page.get_by_test_id("autosave-status")).to_have_class("autosave-ok")


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["pl", "hu"])
def test_phone_path_briefing_tap_scores_offline_finalise_next(browser, live_server, juror, path_setup, language):
    criteria, first, second = path_setup
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "award_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        _log_in(page, juror.email)
        page.goto("/jury/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        _no_sideways_scroll(page)
        _shot(page, f"juror-phone-{language}-1-list")

        # The briefing, from the list; acknowledging it leads back.
        page.get_by_test_id("briefing-link").click()
        expect(page.get_by_test_id("briefing-text")).to_have_text("Read every application in full.")
        _no_sideways_scroll(page)
        _shot(page, f"juror-phone-{language}-2-briefing")
        page.get_by_test_id("briefing-acknowledge").click()
        page.wait_for_url("**/jury/")
        assert BriefingAcknowledgement.objects.filter(juror=juror, edition=first.round.edition).count() == 1

        # "Start: <first project>" at the top of the list.
        expect(page.get_by_test_id("continue")).to_contain_text("Smart bus stops")
        page.get_by_test_id("continue").get_by_role("button").click()
        page.wait_for_url(f"**/jury/assignments/{first.pk}/")
        expect(page.locator("html")).to_have_attribute("lang", language)

        # The switch: the application first, then the scores; each keeps its place.
        switch = page.get_by_test_id("view-switch")
        expect(switch).to_be_visible()
        expect(page.locator("#rubric-pane")).to_be_hidden()
        page.evaluate("window.scrollTo(0, 600)")
        place = page.evaluate("window.scrollY")
        assert place > 300
        switch.locator("button[data-view=rubric]").click()
        expect(page.locator("#application-pane")).to_be_hidden()
        expect(page.locator("#rubric-pane")).to_be_visible()
        switch.locator("button[data-view=application]").click()
        # Polled from here: wait_for_function would evaluate a string, which the page's CSP forbids.
        deadline = time.monotonic() + 20
        while abs(page.evaluate("window.scrollY") - place) >= 2:
            assert time.monotonic() < deadline, "the application did not come back to its place"
            page.wait_for_timeout(50)
        switch.locator("button[data-view=rubric]").click()
        _shot(page, f"juror-phone-{language}-3-scores")
        _no_sideways_scroll(page)

        status = page.get_by_test_id("autosave-status")
        numbers = ["8", "6", "4"]
        for i, (criterion, number) in enumerate(zip(criteria, numbers, strict=True)):
            fieldset = page.locator(f"fieldset[data-criterion='{criterion.pk}']")
            tap = fieldset.locator("label.tap").filter(has=page.locator(f"input[value='{number}']"))
            box = tap.bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44, box
            typed = fieldset.locator("input[data-autosave][name^=value_]")
            if i == 1:
                # The network drops for this save: the status says so, the value stays (also in
                # the browser's copy), and the save goes through when the phone is back online.
                def offline_then_back(tap=tap, typed=typed, criterion=criterion, number=number):
                    context.set_offline(True)
                    tap.click()
                    expect(typed).to_have_value(number)
                    expect(status).to_have_class("autosave-retrying")
                    kept = page.evaluate(f"localStorage.getItem('award-autosave:/jury/assignments/{first.pk}/')")
                    assert f'"value_{criterion.pk}":"{number}"' in kept
                    _shot(page, f"juror-phone-{language}-4-offline")
                    context.set_offline(False)

                _saved_after(page, offline_then_back)
            else:
                _saved_after(page, tap.click)
            expect(typed).to_have_value(number)
            if i == 0:
                expect(fieldset.get_by_test_id("level")).to_have_text("7–10: strong")
        # Ten values wrap onto two rows rather than shrink.
        rows = page.evaluate(
            f"new Set([...document.querySelectorAll(\"fieldset[data-criterion='{criteria[0].pk}'] label.tap\")]"
            ".map(l => Math.round(l.getBoundingClientRect().top))).size"
        )
        assert rows >= 2
        expect(page.get_by_test_id("running-total")).to_have_text(_expected_total(criteria, numbers, language))
        _saved_after(page, lambda: page.locator("textarea[name=overall_comment]").fill("Convincing."))
        assert {s.criterion_id: s.value for s in Score.objects.filter(assignment=first)} == {
            c.pk: Decimal(n) for c, n in zip(criteria, numbers, strict=True)
        }

        page.get_by_test_id("finalise-open").click()
        page.get_by_test_id("finalise").click()
        expect(page.get_by_test_id("next-up")).to_be_visible()
        assert Assignment.objects.get(pk=first.pk).status == AssignmentStatus.COMPLETED
        expect(page.get_by_test_id("next-up-summary")).to_contain_text("1")
        _shot(page, f"juror-phone-{language}-5-finalised")
        page.get_by_test_id("next-project").click()
        page.wait_for_url(f"**/jury/assignments/{second.pk}/")
        expect(page.locator("html")).to_have_attribute("lang", language)
    finally:
        context.close()


@pytest.mark.slow
def test_keyboard_path_on_a_laptop(browser, live_server, juror, path_setup):
    criteria, first, second = path_setup
    context = browser.new_context(base_url=live_server.url, viewport=LAPTOP, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _log_in(page, juror.email)
        page.goto("/jury/")

        def focus(selector, limit=80):
            for _ in range(limit):
                page.keyboard.press("Tab")
                if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                    return
            raise AssertionError(f"never reached {selector} with the keyboard")

        focus("[data-testid=briefing-link]")
        page.keyboard.press("Enter")
        page.wait_for_url("**/jury/briefing/**")
        focus("[data-testid=briefing-acknowledge]")
        page.keyboard.press("Enter")
        page.wait_for_url("**/jury/")
        focus("[data-testid=continue] a")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/jury/assignments/{first.pk}/")

        # Side by side, each scrolling on its own; the phone switch is not shown.
        expect(page.get_by_test_id("view-switch")).to_be_hidden()
        _shot(page, "juror-laptop-1366-scores")
        application, rubric = (
            page.locator("#application-pane").bounding_box(),
            page.locator("#rubric-pane").bounding_box(),
        )
        assert application["x"] + application["width"] <= rubric["x"] and rubric["height"] <= LAPTOP["height"]

        status = page.get_by_test_id("autosave-status")
        # The tap targets are one radio group per criterion: arrows move between the values.
        focus(f"input[name=tap_{criteria[0].pk}]")
        _saved_after(page, lambda: [page.keyboard.press("ArrowRight") for _ in range(7)])  # 0 -> 7
        expect(page.locator(f"input[name=value_{criteria[0].pk}]")).to_have_value("7")
        expect(page.get_by_test_id("level").first).to_have_text("7–10: strong")
        # Finer steps are typed: 0.5 is not a tap target.
        focus(f"input[name=value_{criteria[1].pk}]")

        def offline_then_back():
            context.set_offline(True)
            page.keyboard.type("6.5")
            expect(status).to_have_class("autosave-retrying")
            context.set_offline(False)

        _saved_after(page, offline_then_back)
        focus(f"input[name=tap_{criteria[2].pk}]")
        _saved_after(page, lambda: [page.keyboard.press("ArrowRight") for _ in range(2)])  # 1 -> 3
        expect(page.locator(f"input[name=value_{criteria[2].pk}]")).to_have_value("3")
        expect(page.get_by_test_id("running-total")).to_have_text(_expected_total(criteria, ["7", "6.5", "3"], "en"))
        focus("textarea[name=overall_comment]")
        _saved_after(page, lambda: page.keyboard.type("Solid work."))

        focus("[data-testid=finalise-open]")
        page.keyboard.press("Enter")
        focus("[data-testid=finalise]")
        page.keyboard.press("Space")
        expect(page.get_by_test_id("next-up")).to_be_visible()
        focus("[data-testid=next-project]")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/jury/assignments/{second.pk}/")
        saved = {s.criterion_id: s.value for s in Score.objects.filter(assignment=first)}
        assert saved == {criteria[0].pk: Decimal(7), criteria[1].pk: Decimal("6.5"), criteria[2].pk: Decimal(3)}
        assert re.search("Solid work", Assignment.objects.get(pk=first.pk).overall_comment)
    finally:
        context.close()
