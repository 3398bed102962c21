"""The ranked final ballot on a phone (390×844): a juror ranks the finalists by keyboard, with a
tie, then drags one by its handle; the count page reads on the same phone; both pages pass axe
and do not scroll sideways."""

import pytest
from playwright.sync_api import expect

from award.enums import FinalMode, Role, RoundKind
from scoring.ballot.models import BallotEntry
from tests.browser.test_accessibility import PHONE, axe_violations, sideways_overflow
from tests.factories import (
    TEST_PASSWORD,
    AssignmentFactory,
    CategoryFactory,
    EditionFactory,
    EditionRoleFactory,
    ProjectFactory,
    RoundFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_juror_ranks_the_finalists_by_keyboard_on_a_phone(page, login_as):
    edition = EditionFactory(name="Ballot Award 2026")
    category = CategoryFactory(edition=edition, name="Smart City", slug="smart-city")
    final = RoundFactory(edition=edition, number=2, kind=RoundKind.FINAL, final_mode=FinalMode.RANKED, name="Final")
    titles = ["Open data for every district of the region", "Smart parking", "Care at home"]
    projects = [
        ProjectFactory(edition=edition, category=category, status="eligible", reference=f"V4A-2026-000{i}", title=t)
        for i, t in enumerate(titles, start=1)
    ]
    juror = UserFactory(email="ballot.juror@example.org")
    organiser = UserFactory(email="ballot.organiser@example.org")
    EditionRoleFactory(edition=edition, user=juror, role=Role.JUROR).panels.set([category])
    EditionRoleFactory(edition=edition, user=organiser, role=Role.ORGANISER)
    for project in projects:
        AssignmentFactory(round=final, project=project, juror=juror)

    page.set_viewport_size(PHONE)
    login_as(juror.email, TEST_PASSWORD)
    page.get_by_test_id("ballot-link").click()
    page.get_by_role("heading", name="Your ballot: Smart City").wait_for()
    assert sideways_overflow(page) == ""
    assert axe_violations(page) == []

    # Keyboard only: move the first finalist down one place, then tie the third with the new first.
    down = page.get_by_role("button", name=f"Move down: {titles[0]}")
    down.focus()
    page.keyboard.press("Enter")
    expect(down).to_be_focused()
    expect(page.get_by_label(titles[1], exact=True)).to_have_value("1")
    expect(page.get_by_label(titles[0], exact=True)).to_have_value("2")
    expect(page.get_by_label(titles[2], exact=True)).to_have_value("3")
    page.get_by_label(titles[2], exact=True).focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    page.get_by_text("Your ballot is saved.").wait_for(timeout=30_000)
    ranks = dict(BallotEntry.objects.filter(ballot__juror=juror).values_list("project__title", "rank"))
    assert ranks == {titles[1]: 1, titles[0]: 2, titles[2]: 1}

    # By pointer: drag the last finalist (place 2) above the two tied first; they stay tied.
    items = page.get_by_test_id("ballot-item")
    expect(items.last).to_contain_text(titles[0])
    page.get_by_test_id("ballot-save").scroll_into_view_if_needed()
    handle = items.last.get_by_role("button", name=f"Drag to reorder: {titles[0]}").bounding_box()
    top = items.first.bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(top["x"] + 20, top["y"] + 5, steps=8)
    page.mouse.up()
    expect(items.first).to_contain_text(titles[0])
    expect(page.get_by_label(titles[0], exact=True)).to_have_value("1")
    expect(page.get_by_label(titles[1], exact=True)).to_have_value("2")
    expect(page.get_by_label(titles[2], exact=True)).to_have_value("2")

    # The count on the same phone: the tie for first place is named for the chair.
    page.context.clear_cookies()
    login_as(organiser.email, TEST_PASSWORD)
    page.goto(f"/results/{edition.slug}/ranking/2/smart-city/")
    expect(page.get_by_test_id("ballot-tie")).to_contain_text(titles[1])
    expect(page.get_by_test_id("ballot-matrix")).to_be_visible()
    assert sideways_overflow(page) == ""
    assert axe_violations(page) == []
