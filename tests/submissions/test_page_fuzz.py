"""Hypothesis fuzz of the applicants' and the screening page forms: no number gives a 5xx, and
a budget that is not a number gets a message (the API is fuzzed by tests/api/test_schema_fuzz.py)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from award.numbers import NumberError, parse_decimal
from submissions.models import Project
from tests.fuzz import number_text, page_fuzz
from tests.submissions.test_screening import submitted
from tests.submissions.test_views import edit_url, form_data

pytestmark = pytest.mark.django_db


def _parses(text: str, language: str) -> bool:
    try:
        parse_decimal(text, language)
    except NumberError:
        return False
    return True


@settings(page_fuzz, max_examples=12)  # the application page is the heaviest form: ~0.5 s a request
@given(text=number_text, language=st.sampled_from(["en", "sk", "hu"]))
def test_application_budget_fuzz_never_5xx_and_bad_numbers_get_a_message(
    client_for, draft, confirmed_applicant, text, language
):
    if confirmed_applicant.language != language:
        confirmed_applicant.language = language
        confirmed_applicant.save()
    before = Project.objects.get(pk=draft.pk).budget_eur
    response = client_for(confirmed_applicant).post(edit_url(draft), form_data(draft, budget_eur=text))
    assert response.status_code < 500
    if text.strip(" \xa0\u202f\t\r\n") and not _parses(text, language):
        assert response.status_code == 400
        assert 'id="id_budget_eur_error"' in response.content.decode()
        assert Project.objects.get(pk=draft.pk).budget_eur == before
    elif response.status_code == 302 and text.strip():
        assert Project.objects.get(pk=draft.pk).budget_eur == parse_decimal(text, language)


@pytest.fixture
def screening(client_for, organiser, edition, category):
    return client_for(organiser), edition, submitted(edition, category, 1)


@page_fuzz
@given(text=number_text, field=st.sampled_from(["days", "category", "page", "sort", "status", "decision"]))
def test_screening_forms_fuzz_never_5xx(screening, text, field):
    client, edition, project = screening
    if field == "days":
        response = client.post(
            reverse("submissions:screening_reopen", args=[edition.slug, project.pk]), {"days": text, "reason": "r"}
        )
        if response.status_code == 400:
            assert 'id="id_days_error"' in response.content.decode()
    elif field == "decision":
        response = client.post(
            reverse("submissions:screening_eligibility", args=[edition.slug, project.pk]),
            {"decision": text, "reason": "r"},
        )
    else:
        response = client.get(reverse("submissions:screening", args=[edition.slug]), {field: text})
    assert response.status_code < 500
    # Keep the project submitted for the next example.
    Project.objects.filter(pk=project.pk).update(status="submitted", budget_eur=Decimal(1))
