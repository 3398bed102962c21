"""The application's texts: one limit per field (the model field's), which the page's form, its
character counter (the rendered maxlength) and the API all use; texts stored over a limit are
kept and flagged; an older copy of the form never overwrites newer text (the version check)."""

import re

import pytest
from django.urls import reverse

from submissions.models import Project
from submissions.services import TEXT_FIELDS
from tests.submissions.test_views import edit_url, form_data

pytestmark = pytest.mark.django_db

LIMITED = [name for name in TEXT_FIELDS if name != "website"]


def limit_of(name: str) -> int:
    return Project._meta.get_field(name).max_length


def test_application_page_maxlength_of_every_text_equals_the_server_limit(client_for, draft):
    body = client_for(draft.owner).get(edit_url(draft)).content.decode()
    for name in LIMITED:
        match = re.search(rf'<(?:textarea|input)[^>]*name="{name}"[^>]*>', body)
        assert match, name
        assert f'maxlength="{limit_of(name)}"' in match.group(0), name
    for name in ("team-0-name", "team-0-role"):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*maxlength="200"', body), name
    # The counter script reads that maxlength; the template gives it the wording.
    assert "data-counter-template" in body and "js/counters.js" in body
    assert "At most 600 characters" in body


@pytest.mark.parametrize("name", LIMITED)
def test_application_page_refuses_over_limit_text_with_the_counters_number(client_for, draft, name):
    limit = limit_of(name)
    before = getattr(draft, name)
    other = "title" if name != "title" else "city_region"
    response = client_for(draft.owner).post(
        edit_url(draft), form_data(draft, **{name: "z" * (limit + 1), "version": draft.version, other: "Changed"})
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert f"at most {limit} characters (it has {limit + 1})" in body
    draft.refresh_from_db()
    assert getattr(draft, name) == before
    assert getattr(draft, other) == "Changed"  # the rest was saved
    # The page keeps the refused text, and the version the next save needs.
    assert "z" * (limit + 1) in body
    assert f'name="version" value="{draft.version}"' in body


def test_application_text_at_the_limit_with_line_breaks_is_accepted(client_for, draft):
    limit = limit_of("problem")
    typed = ("p" * 49 + "\n") * (limit // 50)
    response = client_for(draft.owner).post(
        edit_url(draft), form_data(draft, problem=typed.replace("\n", "\r\n"), version=draft.version)
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.problem == typed.strip()


def test_team_member_name_over_limit_is_refused_on_the_page(client_for, draft):
    response = client_for(draft.owner).post(
        edit_url(draft), form_data(draft, **{"team-0-name": "n" * 201, "version": draft.version})
    )
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    assert draft.team.count() == 0


def test_legacy_over_limit_text_is_shown_flagged_kept_and_blocks_only_itself(client_for, draft):
    legacy = "Q" * 6000
    Project.objects.filter(pk=draft.pk).update(problem=legacy)  # stored before the limit applied
    client = client_for(draft.owner)
    body = client.get(edit_url(draft)).content.decode()
    assert "longer than it (characters: 6000, limit: 5000)" in body
    assert legacy in body

    # Saving the page as it is: the other fields save, the long text is kept and must be shortened.
    draft.refresh_from_db()
    response = client.post(edit_url(draft), form_data(draft, title="Renamed", version=draft.version))
    assert response.status_code == 400
    assert "at most 5000 characters (it has 6000)" in response.content.decode()
    draft.refresh_from_db()
    assert draft.problem == legacy and draft.title == "Renamed"

    # Submitting asks for it to be shortened too.
    response = client.post(edit_url(draft), form_data(draft, problem=legacy, version=draft.version, action="submit"))
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.problem == legacy


def test_stale_copy_of_the_application_form_is_refused_and_lists_the_changed_field(client_for, draft):
    client = client_for(draft.owner)
    loaded = client.get(edit_url(draft)).content.decode()
    version = int(re.search(r'name="version" value="(\d+)"', loaded).group(1))
    # Tab 1 saves newer text.
    first = client.post(edit_url(draft), form_data(draft, problem="Newer problem text.", version=version))
    assert first.status_code == 302
    # Tab 2 (or the back button) posts its older copy, with its own edit of another field.
    stale = client.post(edit_url(draft), form_data(draft, summary="My summary typed in the old tab.", version=version))
    body = stale.content.decode()
    assert stale.status_code == 409
    assert "changed in another window or tab" in body and "nothing was saved" in body
    listed = re.search(r"differs from the stored application in: ([^<]*)\.", body).group(1)
    assert listed == "Short summary, Problem"
    assert "Newer problem text." in body  # what is stored now, to compare
    assert "My summary typed in the old tab." in body  # the typed text, to copy
    draft.refresh_from_db()
    assert draft.problem == "Newer problem text."
    assert draft.summary == "Solar benches that count passers-by."
    # Pressing Save again on that page is refused again: nothing is overwritten by mistake.
    again = client.post(edit_url(draft), form_data(draft, problem="Old again.", version=version))
    assert again.status_code == 409
    draft.refresh_from_db()
    assert draft.problem == "Newer problem text."


def test_stale_copy_does_not_replace_the_team_either(client_for, draft):
    client = client_for(draft.owner)
    version = draft.version
    assert (
        client.post(edit_url(draft), form_data(draft, **{"team-0-name": "Ada", "version": version})).status_code == 302
    )
    stale = client.post(edit_url(draft), form_data(draft, **{"team-0-name": "Bob", "version": version}))
    assert stale.status_code == 409
    assert "Team" in re.search(r"differs from the stored application in: ([^<]*)\.", stale.content.decode()).group(1)
    assert list(draft.team.values_list("name", flat=True)) == ["Ada"]


def test_form_without_a_version_saves_as_before(client_for, draft):
    response = client_for(draft.owner).post(edit_url(draft), form_data(draft, problem="No version."))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.problem == "No version."


def test_screening_reason_over_limit_is_refused_on_the_page(client_for, organiser, draft):
    Project.objects.filter(pk=draft.pk).update(status="submitted")
    url = reverse("submissions:screening_eligibility", args=[draft.edition.slug, draft.pk])
    response = client_for(organiser).post(url, {"decision": "ineligible", "reason": "r" * 2001})
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_team_member_email_longer_than_the_column_is_refused_not_a_server_error(client_for, draft):
    email = "a" * 250 + "@example.org"  # a valid address, longer than the 254 characters stored
    response = client_for(draft.owner).post(
        edit_url(draft), form_data(draft, **{"team-0-name": "Ada", "team-0-email": email, "version": draft.version})
    )
    assert response.status_code == 400
    assert "at most 254 characters" in response.content.decode()
    assert draft.team.count() == 0
