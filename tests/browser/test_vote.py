"""The public vote in a real browser: a voter on a phone, in Hungarian, solves the bot check in
the page (static/js/vote.js, Web Crypto), votes, confirms from the emailed link; axe passes on
the voting page on a phone and on a desktop.

Until the lead compiles locale/pending/vote.json the page's own strings are English: the test
asserts on the lang attribute, roles, test ids and numbers, and finds labels through gettext in
Hungarian (so it keeps working once the catalogue has them)."""

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from scoring.vote.models import Vote
from scoring.vote.selectors import vote_counts
from tests.browser.test_accessibility import PHONE, axe_violations, sideways_overflow
from tests.scoring.vote_setup import open_vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def hu(text: str) -> str:
    with translation.override("hu"):
        return translation.gettext(text)


def test_voter_votes_on_a_phone_in_hungarian_and_axe_passes(page, live_server, edition):
    # Three seconds on the page at least: the vote below is pressed sooner, and the page holds it
    # until then rather than sending it to be refused as too fast.
    poll, (first, *_others) = open_vote(edition, projects=3, difficulty=10, min_seconds=3)
    page.set_viewport_size(PHONE)
    page.goto(f"/vote/{edition.slug}/")
    page.get_by_test_id("menu-button").click()  # below 600 px the language switcher is in the menu
    page.locator("#language-select").select_option("hu")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_url(f"**/vote/{edition.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", "hu")
    expect(page.get_by_test_id("vote-project")).to_have_count(3)
    assert sideways_overflow(page) == ""
    assert axe_violations(page) == []

    # Loaded again, so that the poll's three seconds start now and not before the checks above.
    page.reload()
    page.get_by_label(hu("Your email address")).fill("kovacs.anna@example.hu")
    # Pressed at once: the vote waits for the proof-of-work and the poll's three seconds, then goes.
    pressed = page.get_by_test_id("vote-project").filter(has_text=first.title).get_by_test_id("vote-button")
    pressed.click()
    expect(pressed).to_have_attribute("aria-busy", "true")  # what the voter sees meanwhile: a spinner
    page.wait_for_url(f"**/vote/{edition.slug}/sent/")
    expect(page.get_by_test_id("vote-sent")).to_be_visible()
    assert vote_counts(poll) == {}  # not before the confirmation

    (message,) = mail.outbox
    assert message.to == ["kovacs.anna@example.hu"]
    link = re.search(r"https?://[^/\s]+(/vote/\S+)", message.body).group(1)
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", "hu")
    page.get_by_test_id("vote-confirm").click()
    expect(page.get_by_test_id("vote-confirmed")).to_be_visible()
    assert vote_counts(poll) == {first.pk: 1}
    vote = Vote.objects.get()
    assert vote.page_seen is True and vote.email_domain == "example.hu"


def test_voting_page_with_an_error_passes_axe(page, live_server, edition):
    open_vote(edition, projects=2, difficulty=4, min_seconds=0)
    page.goto(f"/vote/{edition.slug}/")
    page.get_by_label("Your email address").fill("throwaway@mailinator.com")
    page.get_by_test_id("vote-button").first.click()
    expect(page.get_by_test_id("vote-error")).to_contain_text("disposable")
    assert axe_violations(page) == []
    page.set_viewport_size(PHONE)
    assert axe_violations(page) == []
    assert sideways_overflow(page) == ""


def test_voter_goes_back_and_votes_in_the_other_category(page, live_server, edition):
    """Back from the "sent" page to the voting page, a second vote (in the other category) goes
    through: the page is never shown again from the browser's cache with its spent bot check,
    also when the voter's first try was refused (the page then answered a POST)."""
    poll, projects = open_vote(edition, projects=1, categories=2, difficulty=4, min_seconds=0)
    response = page.goto(f"/vote/{edition.slug}/")
    assert "no-store" in response.headers["cache-control"]
    page.get_by_label("Your email address").fill("eva@")
    page.get_by_test_id("vote-project").filter(has_text=projects[0].title).get_by_test_id("vote-button").click()
    expect(page.locator("#id_email_error")).to_contain_text("Enter a valid email address.")
    page.get_by_label("Your email address").fill("eva@example.sk")
    page.get_by_test_id("vote-project").filter(has_text=projects[0].title).get_by_test_id("vote-button").click()
    page.wait_for_url(f"**/vote/{edition.slug}/sent/")
    page.go_back()
    page.get_by_label("Your email address").fill("eva@example.sk")
    page.get_by_test_id("vote-project").filter(has_text=projects[1].title).get_by_test_id("vote-button").click()
    page.wait_for_url(f"**/vote/{edition.slug}/sent/")
    assert sorted(Vote.objects.values_list("project_id", flat=True)) == sorted(p.pk for p in projects)
