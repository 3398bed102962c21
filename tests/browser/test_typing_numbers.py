"""Numbers typed in Chromium the way Slovak writes them reach the database exactly: Chromium's
number input once turned "125 000,50" into 12500050 (README, "Typing numbers")."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring.models import Score
from submissions.models import Project
from tests.factories import TEST_PASSWORD, CategoryFactory, ProjectFactory
from tests.scoring.jury_setup import assignment, rubric

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NBSP = "\xa0"


def test_slovak_budget_typed_with_spaces_and_a_comma_is_saved_exactly(page, login_as, edition, applicant):
    applicant.language = "sk"
    applicant.email_confirmed_at = timezone.now()
    applicant.save()
    category = CategoryFactory(edition=edition)
    draft = ProjectFactory(edition=edition, category=category, owner=applicant, title="Smart benches")
    login_as(applicant.email, TEST_PASSWORD)
    page.goto(f"/applications/{draft.pk}/edit/")
    budget = page.locator("#id_budget_eur")
    expect(budget).to_have_attribute("inputmode", "decimal")
    budget.fill("")
    budget.press_sequentially("125 000,50")  # key by key, as a person types
    with page.expect_navigation():
        page.locator("button.secondary[name=action][value=save]").click()
    assert Project.objects.get(pk=draft.pk).budget_eur == Decimal("125000.50")
    # Shown back the Slovak way, and saving again keeps it.
    expect(page.locator("#id_budget_eur")).to_have_value(f"125{NBSP}000,50")
    with page.expect_navigation():
        page.locator("button.secondary[name=action][value=save]").click()
    expect(page.locator("#id_budget_eur")).to_have_value(f"125{NBSP}000,50")
    assert Project.objects.get(pk=draft.pk).budget_eur == Decimal("125000.50")


def test_slovak_score_with_a_decimal_comma_is_autosaved(page, login_as, open_round, juror):
    juror.language = "sk"
    juror.save()
    criteria = rubric(open_round.edition, 2)
    mine = assignment(open_round, juror)
    login_as(juror.email, TEST_PASSWORD)
    page.goto(f"/jury/assignments/{mine.pk}/")
    field = page.locator(f"#id_value_{criteria[0].pk}")
    field.press_sequentially("7,5")
    expect(page.get_by_test_id("autosave-status")).to_have_class("autosave-ok")
    assert Score.objects.get(assignment=mine, criterion=criteria[0]).value == Decimal("7.5")
    page.reload()
    field = page.locator(f"#id_value_{criteria[0].pk}")
    expect(field).to_have_value("7,5")
    # The arrow keys step it as a number field would, in the Slovak format, and autosave.
    field.press("ArrowUp")
    expect(field).to_have_value("8")
    field.press("ArrowDown")
    field.press("ArrowDown")
    expect(field).to_have_value("7")
    for _ in range(100):  # the autosave after the keys: at most 5 s
        if Score.objects.get(assignment=mine, criterion=criteria[0]).value == Decimal(7):
            break
        page.wait_for_timeout(50)
    assert Score.objects.get(assignment=mine, criterion=criteria[0]).value == Decimal(7)
