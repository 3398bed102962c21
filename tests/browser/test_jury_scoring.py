"""A juror scores two projects in a real browser: autosave, reload, finalise; a second tab
gets a clear stale-version message; blind review hides names."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from scoring.enums import AssignmentStatus
from scoring.models import Assignment, Score
from tests.factories import TEST_PASSWORD, TeamMemberFactory
from tests.scoring.jury_setup import assignment, rubric

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_assignments(open_round, juror):
    criteria = rubric(open_round.edition, 2)
    first = assignment(open_round, juror)
    second = assignment(open_round, juror)
    return criteria, [first, second]


def score_one(page, a, criteria, values, comment):
    page.goto("/jury/")
    page.get_by_role("link", name=a.project.title).click()
    page.wait_for_url(f"**/jury/assignments/{a.pk}/")
    status = page.get_by_test_id("autosave-status")
    page.get_by_label(criteria[0].name, exact=True).fill(values[0])
    expect(status).to_contain_text("Saved at")
    assert Score.objects.get(assignment=a, criterion=criteria[0]).value == Decimal(values[0])
    # Coming back shows exactly what was saved.
    page.reload()
    expect(page.get_by_label(criteria[0].name, exact=True)).to_have_value(values[0])
    page.get_by_label(criteria[1].name, exact=True).fill(values[1])
    page.get_by_label("Overall comment").fill(comment)
    expect(status).to_contain_text("Saved at")
    page.get_by_test_id("finalise-open").click()
    page.get_by_test_id("finalise").click()
    expect(page.get_by_text("Your review is finalised")).to_be_visible()


@pytest.mark.slow
def test_juror_scores_two_projects_with_autosave_and_finalises(page, login_as, juror, two_assignments):
    criteria, (first, second) = two_assignments
    login_as(juror.email, TEST_PASSWORD)
    score_one(page, first, criteria, ["7.5", "6"], "Clear results.")
    score_one(page, second, criteria, ["4", "9"], "Innovative but young.")
    for a, values in ((first, ["7.5", "6"]), (second, ["4", "9"])):
        a.refresh_from_db()
        assert a.status == AssignmentStatus.COMPLETED
        assert [
            str(s.value.normalize()) for s in Score.objects.filter(assignment=a).order_by("criterion__position")
        ] == values
    page.goto("/jury/")
    expect(page.get_by_text("2 of 2 reviews completed")).to_be_visible()
    # A finalised review is read-only.
    page.goto(f"/jury/assignments/{first.pk}/")
    expect(page.get_by_label(criteria[0].name, exact=True)).to_be_disabled()


def test_out_of_range_value_is_flagged_and_not_saved(page, login_as, juror, two_assignments):
    criteria, (first, _second) = two_assignments
    login_as(juror.email, TEST_PASSWORD)
    page.goto(f"/jury/assignments/{first.pk}/")
    page.get_by_label(criteria[0].name, exact=True).fill("12")
    expect(page.get_by_test_id("autosave-status")).to_contain_text("Not saved")
    expect(page.get_by_text("Ensure this value is less than or equal to 10")).to_be_visible()
    assert Score.objects.filter(assignment=first).count() == 0


def test_second_tab_gets_a_stale_version_message(page, login_as, juror, two_assignments):
    criteria, (first, _second) = two_assignments
    login_as(juror.email, TEST_PASSWORD)
    url = f"/jury/assignments/{first.pk}/"
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)
    page.get_by_label(criteria[0].name, exact=True).fill("8")
    expect(page.get_by_test_id("autosave-status")).to_contain_text("Saved at")
    other.get_by_label(criteria[0].name, exact=True).fill("2")
    expect(other.get_by_test_id("autosave-status")).to_contain_text("changed in another window or tab")
    assert Score.objects.get(assignment=first, criterion=criteria[0]).value == Decimal(8)
    assert Assignment.objects.get(pk=first.pk).version == 1


def test_blind_review_hides_names_in_the_browser(page, login_as, juror, two_assignments, edition):
    _criteria, (first, _second) = two_assignments
    TeamMemberFactory(project=first.project, name="Zora Teamleader", is_contact=True)
    first.project.organisation_name = "City of Secretville"
    first.project.save()
    login_as(juror.email, TEST_PASSWORD)
    page.goto(f"/jury/assignments/{first.pk}/")
    expect(page.get_by_text("Zora Teamleader")).to_be_visible()
    edition.blind_review = True
    edition.save()
    page.reload()
    expect(page.get_by_test_id("blind-notice")).to_be_visible()
    content = page.content()
    assert "Zora Teamleader" not in content and "Secretville" not in content


def test_autosave_retries_after_a_lost_connection_and_says_so(page, login_as, juror, two_assignments):
    """The server answered 503 (its database connection was cut) and then the network failed: the
    value stays on the page, the status says so, and the save goes through on a later retry."""
    criteria, (first, _second) = two_assignments
    failures = ["503", "network"]

    def flaky(route):
        if route.request.method != "POST" or not failures:
            route.fallback()
        elif failures.pop(0) == "503":
            route.fulfill(
                status=503,
                headers={"Retry-After": "1"},
                content_type="application/json",
                body='{"ok": false, "detail": "The service is briefly unavailable."}',
            )
        else:
            route.abort()

    login_as(juror.email, TEST_PASSWORD)
    page.route(f"**/jury/assignments/{first.pk}/", flaky)
    page.goto(f"/jury/assignments/{first.pk}/")
    page.get_by_label(criteria[0].name, exact=True).fill("6")
    status = page.get_by_test_id("autosave-status")
    expect(status).to_contain_text("Connection lost — retrying…")
    expect(page.get_by_label(criteria[0].name, exact=True)).to_have_value("6")
    expect(status).to_contain_text("Saved at", timeout=20000)
    assert failures == []
    assert Score.objects.get(assignment=first, criterion=criteria[0]).value == Decimal(6)
