"""In Chromium: two tabs editing the same draft application (the older tab's save is refused and
shows what changed); the character counter shows the server's limit; a juror's comment stored
over its limit does not stop the autosave of the scores."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring.models import Assignment, Score
from submissions.models import Project
from tests.factories import TEST_PASSWORD, CategoryFactory, ProjectFactory
from tests.scoring.jury_setup import assignment, rubric

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(edition, applicant):
    applicant.email_confirmed_at = timezone.now()
    applicant.save(update_fields=["email_confirmed_at"])
    category = CategoryFactory(edition=edition, name="Smart City")
    return ProjectFactory(
        edition=edition, category=category, owner=applicant, title="Smart benches", problem="The first problem text."
    )


def test_older_tab_save_of_the_application_is_refused_and_shows_what_changed(page, login_as, draft):
    login_as(draft.owner.email, TEST_PASSWORD)
    url = f"/applications/{draft.pk}/edit/"
    page.goto(url)
    older = page.context.new_page()
    older.goto(url)

    page.get_by_label("Problem", exact=True).fill("Newer text typed in the first tab.")
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    older.get_by_label("Short summary").fill("Summary typed in the older tab.")
    older.get_by_role("button", name="Save draft").last.click()
    errors = older.get_by_test_id("form-errors")
    expect(errors).to_contain_text("changed in another window or tab")
    expect(errors).to_contain_text("differs from the stored application in: Short summary, Problem.")
    older.get_by_test_id("stored-now").locator("summary").click()
    expect(older.get_by_test_id("stored-now")).to_contain_text("Newer text typed in the first tab.")
    # The older tab keeps what was typed there, to copy.
    expect(older.get_by_label("Short summary")).to_have_value("Summary typed in the older tab.")
    draft.refresh_from_db()
    assert draft.problem == "Newer text typed in the first tab." and draft.summary == ""

    # Opening the latest version shows the newer text.
    older.get_by_test_id("load-latest").click()
    expect(older.get_by_label("Problem", exact=True)).to_have_value("Newer text typed in the first tab.")


def test_character_counter_shows_the_server_limit(page, login_as, draft):
    login_as(draft.owner.email, TEST_PASSWORD)
    page.goto(f"/applications/{draft.pk}/edit/")
    limit = Project._meta.get_field("partners").max_length
    page.get_by_label("Partners").fill("ab\ncd")
    expect(page.locator("[data-counter-for=partners]")).to_have_text(f"5 of {limit} characters")
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    draft.refresh_from_db()
    assert draft.partners == "ab\ncd"


def test_legacy_over_limit_comment_is_flagged_and_scores_still_autosave(page, login_as, open_round, juror):
    criteria = rubric(open_round.edition, 2)
    mine = assignment(open_round, juror)
    legacy = "L" * 8000
    Assignment.objects.filter(pk=mine.pk).update(overall_comment=legacy)
    login_as(juror.email, TEST_PASSWORD)
    page.goto(f"/jury/assignments/{mine.pk}/")
    expect(page.get_by_test_id("over-limit")).to_contain_text("characters: 8000, limit: 5000")
    expect(page.get_by_label("Overall comment")).to_have_value(legacy)  # shown whole
    expect(page.locator("[data-counter-for=overall_comment]")).to_have_text("8000 of 5000 characters")

    page.get_by_label(criteria[0].name, exact=True).fill("7")
    status = page.get_by_test_id("autosave-status")
    expect(status).to_contain_text("Saved at")
    expect(status).to_contain_text("shorten it")
    expect(page.locator(".autosave-field-error")).to_contain_text("at most 5000 characters (it has 8000)")
    assert Score.objects.get(assignment=mine, criterion=criteria[0]).value == Decimal("7")
    mine.refresh_from_db()
    assert mine.overall_comment == legacy

    page.get_by_label("Overall comment").fill("Shortened.")
    expect(status).not_to_contain_text("shorten")
    expect(status).to_contain_text("Saved at")
    mine.refresh_from_db()
    assert mine.overall_comment == "Shortened."
