"""The category suggested from the population, live in Chromium (static/js/category-suggest.js);
the same suggestion without script is tested in tests/submissions/test_category_suggestion.py."""

import pytest
from playwright.sync_api import expect

from award.enums import OrganisationType, Role
from award.rubric_templates import categories_apply_template
from tests.factories import TEST_PASSWORD, EditionFactory, EditionRoleFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_the_population_preselects_the_category_and_a_choice_stays(page, login_as):
    edition = EditionFactory(name="Chytrá města 2026", slug="chytra-2026")
    organiser = UserFactory()
    EditionRoleFactory(edition=edition, user=organiser, role=Role.ORGANISER)
    sizes = {c.slug: c for c in categories_apply_template(edition=edition, actor=organiser)}
    applicant = UserFactory(email="team@example.org")
    draft = ProjectFactory(
        edition=edition, owner=applicant, category=None, organisation_type=OrganisationType.MUNICIPALITY
    )
    login_as(applicant.email, TEST_PASSWORD)
    page.goto(f"/applications/{draft.pk}/edit/")
    category = page.get_by_label("Category", exact=True)
    population = page.get_by_label("Population (inhabitants)")
    expect(category).to_have_value("")

    population.fill("32000")
    expect(category).to_have_value(str(sizes["10000-50000"].pk))
    expect(page.get_by_test_id("category-suggestion")).to_have_text(
        "Suggested from the population you entered; you may choose another category."
    )
    population.fill("250000")
    expect(category).to_have_value(str(sizes["over-200000"].pk))

    # The team's own choice is kept when the population changes afterwards.
    category.select_option(str(sizes["international"].pk))
    population.fill("4000")
    expect(population).to_have_value("4000")
    expect(category).to_have_value(str(sizes["international"].pk))
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    expect(category).to_have_value(str(sizes["international"].pk))
    draft.refresh_from_db()
    assert (draft.population, draft.category_id) == (4000, sizes["international"].pk)
