"""Keyboard-only scoring with visible focus; the applicant form and the scoring page in every
language (with a screenshot kept under test-artifacts/screenshots/); the print stylesheet."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from scoring.enums import AssignmentStatus
from scoring.models import Score
from tests.factories import TEST_PASSWORD, ProjectFactory
from tests.scoring.jury_setup import assignment, rubric

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots"
LANGUAGES = ["en", "sk", "cs", "pl", "hu"]

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    id: el.id, name: el.getAttribute('name'), tag: el.tagName.toLowerCase(), testid: el.dataset.testid || '',
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def tab_to(page, predicate, *, limit=80, backwards=False):
    """Press Tab until the focused element matches; every element on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outline"], f"focus is not visible on {focused}"
        if predicate(focused):
            return focused
    raise AssertionError("never reached the element with the keyboard")


@pytest.fixture
def scoring_setup(open_round, juror):
    criteria = rubric(open_round.edition, 2)
    return criteria, assignment(open_round, juror)


def test_juror_scores_and_finalises_with_the_keyboard_only(page, login_as, juror, scoring_setup):
    criteria, a = scoring_setup
    login_as(juror.email, TEST_PASSWORD)
    page.goto(f"/jury/assignments/{a.pk}/")
    first_value = page.get_by_label(criteria[0].name, exact=True)
    first_id, second_id = (
        first_value.get_attribute("id"),
        page.get_by_label(criteria[1].name, exact=True).get_attribute("id"),
    )

    # The skip link is the first stop and leads into the main content.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["tag"] == "a" and page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")

    tab_to(page, lambda f: f["id"] == first_id)
    page.keyboard.type("7")
    page.keyboard.press("ArrowUp")  # a step of 0.5: 7.5
    page.keyboard.press("Tab")
    page.keyboard.type("Well measured results.")
    tab_to(page, lambda f: f["id"] == second_id)
    page.keyboard.type("6")
    tab_to(page, lambda f: f["name"] == "overall_comment")
    page.keyboard.type("A convincing project.")
    expect(page.get_by_test_id("autosave-status")).to_contain_text("Saved at")

    # Finalising asks first: Enter opens the confirmation, Space presses the real button.
    tab_to(page, lambda f: f["testid"] == "finalise-open")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("finalise")).to_be_visible()
    tab_to(page, lambda f: f["testid"] == "finalise")
    page.keyboard.press("Space")
    expect(page.get_by_text("Your review is finalised")).to_be_visible()

    a.refresh_from_db()
    assert a.status == AssignmentStatus.COMPLETED
    assert a.overall_comment == "A convincing project."
    scores = {s.criterion_id: s for s in Score.objects.filter(assignment=a)}
    assert scores[criteria[0].pk].value == Decimal("7.5")
    assert scores[criteria[0].pk].comment == "Well measured results."
    assert scores[criteria[1].pk].value == Decimal(6)


def test_finalise_needs_the_confirmation_step(page, login_as, juror, scoring_setup):
    criteria, a = scoring_setup
    login_as(juror.email, TEST_PASSWORD)
    page.goto(f"/jury/assignments/{a.pk}/")
    # Until the juror opens "Finalise…", the button that locks the review is not there to press.
    expect(page.get_by_test_id("finalise")).to_be_hidden()
    page.get_by_test_id("finalise-open").click()
    expect(page.get_by_text("only an organiser can reopen it")).to_be_visible()
    expect(page.get_by_test_id("finalise")).to_be_visible()


def _translated(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_applicant_form_and_scoring_page_in_each_language(page, login_as, language, open_round, juror, applicant):
    edition = open_round.edition
    criteria = rubric(edition, 2)
    a = assignment(open_round, juror)
    draft = ProjectFactory(edition=edition, owner=applicant, title="Smart bus stops")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    for user, url, page_name, texts in [
        (
            applicant,
            f"/applications/{draft.pk}/edit/",
            "applicant-form",
            ["Save draft", "Submit the application…", "Consent and submission"],
        ),
        (juror, f"/jury/assignments/{a.pk}/", "scoring", ["Your scores", "Save draft", "Finalise…", "Overall comment"]),
    ]:
        page.context.clear_cookies()
        login_as(user.email, TEST_PASSWORD)
        page.goto("/")
        page.get_by_label(_translated("en", "Language")).select_option(language)
        page.get_by_role("button", name="Switch").click()
        page.wait_for_load_state()
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", language)
        for text in texts:
            translated = _translated(language, text)
            if language != "en":
                assert translated != text, f"{text!r} has no {language} translation"
            expect(page.get_by_text(translated, exact=False).first).to_be_attached()
        if page_name == "scoring":
            expect(page.get_by_label(criteria[0].name, exact=True)).to_be_visible()
        path = SCREENSHOTS / f"{language}-{page_name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000


def test_print_stylesheet_hides_navigation_on_the_application_and_scoring_pages(
    page, login_as, open_round, juror, applicant
):
    edition = open_round.edition
    criteria = rubric(edition, 2)
    a = assignment(open_round, juror)
    draft = ProjectFactory(edition=edition, owner=applicant, title="Smart bus stops")
    for user, url, kept in [
        (applicant, f"/applications/{draft.pk}/edit/", "#project"),
        (juror, f"/jury/assignments/{a.pk}/", "#rubric-heading"),
    ]:
        page.context.clear_cookies()
        login_as(user.email, TEST_PASSWORD)
        page.goto(url)
        expect(page.locator("header.site-header nav")).to_be_visible()
        page.emulate_media(media="print")
        expect(page.locator("header.site-header")).to_be_hidden()
        expect(page.locator("footer.site-footer")).to_be_hidden()
        expect(page.locator(".form-actions").first).to_be_hidden()
        expect(page.locator(kept)).to_be_visible()
        page.emulate_media(media="screen")
        expect(page.locator("header.site-header")).to_be_visible()
    assert criteria
