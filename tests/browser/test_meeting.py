"""The jury meeting in a real browser (issue 19): the chair opens a category's meeting, sees the
discussion order (contested places first), runs the timer and records a decision, which is
audited in the database."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from award.models import AuditEntry
from scoring.enums import ResultKind
from scoring.models import Result
from scoring.ranking.cache import round_analysis_cached
from tests.factories import TEST_PASSWORD
from tests.scoring.test_meeting import _board

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chair_runs_a_meeting_for_a_category(page, login_as, edition, open_round):
    board = _board(edition, open_round)
    category, chair = board["category"], board["chair"]
    band = round_analysis_cached(open_round).categories[category.pk]["band"]
    assert band
    login_as(chair.email, TEST_PASSWORD)
    page.goto(reverse("results:meeting", args=[edition.slug, open_round.number, category.slug]))

    items = page.get_by_test_id("order-item")
    expect(items).to_have_count(len(board["projects"]))
    # The contested places of the decision band come first, marked as such.
    for index in range(len(band)):
        expect(items.nth(index)).to_contain_text("contested")
    first = int(items.first.get_attribute("data-project"))
    assert first in band
    project = next(p for p in board["projects"] if p.pk == first)
    expect(page.get_by_test_id("meeting-project").get_by_role("heading", level=2)).to_contain_text(project.title)
    expect(page.get_by_test_id("juror-column")).to_have_count(3)

    page.locator("[data-timer-start]").click()
    expect(page.locator("[data-timer-display]")).not_to_have_text("0:00", timeout=15_000)

    page.get_by_test_id("decision-kind").select_option("finalist")
    page.get_by_test_id("decision-reason").fill("Contested, but the jury agrees on its impact")
    page.get_by_test_id("record-decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    expect(page.get_by_test_id("decision")).to_contain_text("Finalist")

    result = Result.objects.get(project=project, kind=ResultKind.FINALIST)
    assert result.created_by == chair
    entry = AuditEntry.objects.get(action="meeting.decision_recorded")
    assert entry.actor == chair and entry.data["reason"] == "Contested, but the jury agrees on its impact"
