"""The category suggested from the population an applicant enters (issue 16, item 2)."""

import re

import pytest

from award.enums import OrganisationType, Role
from award.rubric_templates import categories_apply_template
from submissions.forms import ProjectForm
from tests.factories import EditionRoleFactory, ProjectFactory, UserFactory
from tests.submissions.test_views import edit_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def sizes(edition):
    organiser = UserFactory()
    EditionRoleFactory(edition=edition, user=organiser, role=Role.ORGANISER)
    return {c.slug: c for c in categories_apply_template(edition=edition, actor=organiser)}


@pytest.fixture
def draft(edition, applicant, sizes):
    return ProjectFactory(
        edition=edition, owner=applicant, category=None, organisation_type=OrganisationType.MUNICIPALITY
    )


def selected_category(html: str) -> str | None:
    select = re.search(r'<select name="category".*?</select>', html, re.S).group(0)
    match = re.search(r'<option value="(\d+)" selected>', select)
    return match.group(1) if match else None


def test_form_suggests_the_category_from_the_population(edition, draft, sizes):
    form = ProjectForm({"population": "32000", "organisation_type": "municipality"}, instance=draft, edition=edition)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["category"] == sizes["10000-50000"]
    assert form.valid_changes()["category"] == sizes["10000-50000"]
    assert form.category_suggested is True


def test_form_keeps_the_category_the_team_chose(edition, draft, sizes):
    chosen = sizes["national"]
    form = ProjectForm({"population": "32000", "category": str(chosen.pk)}, instance=draft, edition=edition)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["category"] == chosen
    assert form.category_suggested is False


def test_form_suggests_nothing_for_a_region_or_without_a_population(edition, draft, sizes):
    region = ProjectForm({"population": "600000", "organisation_type": "region"}, instance=draft, edition=edition)
    assert region.is_valid() and region.cleaned_data["category"] is None
    empty = ProjectForm({"population": ""}, instance=draft, edition=edition)
    assert empty.is_valid() and empty.cleaned_data["category"] is None


def test_form_of_an_edition_without_size_categories_does_not_ask_the_population(edition, applicant):
    project = ProjectFactory(edition=edition, owner=applicant, category=None, population=5000)
    form = ProjectForm({"population": "7000"}, instance=project, edition=edition)
    assert form.is_valid() and form.cleaned_data["category"] is None
    assert form.size_bands == [] and "population" not in form.fields
    assert "population" not in form.valid_changes()


def test_page_preselects_the_suggested_category_and_saves_it_without_script(client_for, applicant, draft, sizes):
    client = client_for(applicant)
    page = client.get(edit_url(draft)).content.decode()
    assert selected_category(page) is None
    assert 'id="size-bands"' in page and "category-suggest.js" in page

    response = client.post(edit_url(draft), form_data(draft, category="", population="4200"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.population, draft.category) == (4200, sizes["under-10000"])

    # Still changeable: the team picks another category and it stays, whatever the population.
    client.post(edit_url(draft), form_data(draft, category=str(sizes["international"].pk), population="250000"))
    draft.refresh_from_db()
    assert (draft.population, draft.category) == (250000, sizes["international"])


def test_page_shows_the_suggestion_for_a_saved_population(client_for, applicant, draft, sizes):
    draft.population = 75_000
    draft.save(update_fields=["population"])
    page = client_for(applicant).get(edit_url(draft)).content.decode()
    assert selected_category(page) == str(sizes["50000-200000"].pk)
    assert "Suggested from the population you entered; you may choose another category." in page
