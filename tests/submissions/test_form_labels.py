"""Labels that read as a native speaker expects (issue 21): a team member's name is a person's name, not a
thing's (sk "Meno", not "Názov"), and the website label starts with a capital like every other label."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _label(body: str, field_id: str) -> str:
    return re.search(rf'<label for="{field_id}">([^<]*)', body).group(1).strip()


def test_application_form_labels_the_website_and_a_team_member_name(client_for, draft, confirmed_applicant):
    client = client_for(confirmed_applicant)
    url = reverse("submissions:edit", args=[draft.pk])
    english = client.get(url).content.decode()
    assert _label(english, "id_website") == "Website"
    assert _label(english, "id_team-0-name") == "Name"
    confirmed_applicant.language = "sk"
    confirmed_applicant.save()
    slovak = client.get(url).content.decode()
    assert _label(slovak, "id_website") == "Webová stránka"
    assert _label(slovak, "id_team-0-name") == "Meno"
    confirmed_applicant.language = "pl"
    confirmed_applicant.save()
    polish = client.get(url).content.decode()
    assert _label(polish, "id_team-0-name") == "Imię i nazwisko"
