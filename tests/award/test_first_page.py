"""Issue 17 item 7: the anonymous home page invites teams to apply, with the deadline, and the
country lists open on a prompt instead of "---------"."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from submissions.timefmt import edition_datetime
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def test_home_invites_teams_to_the_open_call_with_its_deadline(client, edition):
    body = client.get(reverse("home")).content.decode()
    apply_link = (
        f'href="{reverse("submissions:call", args=[edition.slug])}" data-testid="apply">Apply with your project<'
    )
    assert apply_link in body
    deadline = edition_datetime(edition.submissions_close_at, edition)
    assert f"The call for projects is open. Applications close on {deadline}." in body
    assert f'href="{reverse("login")}">Log in<' in body


def test_home_without_an_open_call_offers_only_log_in(client):
    now = timezone.now()
    EditionFactory(submissions_open_at=now - timedelta(days=60), submissions_close_at=now - timedelta(days=1))
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="apply"' not in body
    assert "Applications close on" not in body
    assert f'href="{reverse("login")}">Log in<' in body


def test_country_lists_open_on_a_prompt(client_for, client, organiser, edition):
    signup = client.get(reverse("signup")).content.decode()
    assert "---------" not in signup
    assert '<option value="" selected>Choose a country</option>' in signup
    profile = client_for(organiser).get(reverse("profile")).content.decode()
    assert "---------" not in profile
    assert re.search(r'<option value=""( selected)?>Choose a country</option>', profile)


def test_juror_form_country_opens_on_a_prompt():
    from scoring.jury.forms import JurorForm

    assert JurorForm.base_fields["country"].choices[0] == ("", "Choose a country")
