"""The budget as people type it on the application page (README, "Typing numbers")."""

from decimal import Decimal

import pytest

from submissions.models import Project
from tests.submissions.test_views import edit_url, form_data

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


def _post(client_for, user, project, language, **fields):
    user.language = language
    user.save()
    return client_for(user).post(edit_url(project), form_data(project, **fields))


@pytest.mark.parametrize("typed", ["125 000,50", f"125{NBSP}000,50", "125000,50"])
def test_budget_slovak_format_saves_exactly(client_for, draft, confirmed_applicant, typed):
    draft.budget_eur = None
    draft.save()
    response = _post(client_for, confirmed_applicant, draft, "sk", budget_eur=typed)
    assert response.status_code == 302, response.content.decode()[:500]
    draft.refresh_from_db()
    assert draft.budget_eur == Decimal("125000.50")


def test_budget_english_format_saves_exactly(client_for, draft, confirmed_applicant):
    draft.budget_eur = None
    draft.save()
    assert _post(client_for, confirmed_applicant, draft, "en", budget_eur="125,000.50").status_code == 302
    draft.refresh_from_db()
    assert draft.budget_eur == Decimal("125000.50")


def test_budget_ambiguous_dot_refused_in_slovak_with_a_message(client_for, draft, confirmed_applicant):
    response = _post(client_for, confirmed_applicant, draft, "sk", budget_eur="1.500")
    assert response.status_code == 400
    body = response.content.decode().replace("&nbsp;", NBSP)
    assert f"1{NBSP}500" in body and "1,5" in body and 'value="1.500"' in body
    draft.refresh_from_db()
    assert draft.budget_eur == Decimal("125000.50")


def test_budget_decimal_comma_refused_in_english_with_a_message(client_for, draft, confirmed_applicant):
    response = _post(client_for, confirmed_applicant, draft, "en", budget_eur="1,5")
    assert response.status_code == 400
    assert "Write 1.5: in English the decimal separator is a dot" in response.content.decode()
    draft.refresh_from_db()
    assert draft.budget_eur == Decimal("125000.50")


def test_budget_field_is_text_with_the_slovak_hint_and_value(client_for, draft, confirmed_applicant):
    confirmed_applicant.language = "sk"
    confirmed_applicant.save()
    body = client_for(confirmed_applicant).get(edit_url(draft)).content.decode().replace("&nbsp;", NBSP)
    field = body[body.index('name="budget_eur"') - 200 : body.index('name="budget_eur"') + 300]
    assert 'type="text"' in field and 'inputmode="decimal"' in field and 'type="number"' not in field
    assert f'value="125{NBSP}000,50"' in field
    assert f"Celkový rozpočet v eurách, napr. 125{NBSP}000,50" in body  # the hint under the field
    assert "125000.50" not in body


def test_budget_not_a_number_message_in_slovak_with_a_slovak_example(client_for, draft, confirmed_applicant):
    response = _post(client_for, confirmed_applicant, draft, "sk", budget_eur="12,5 EUR")
    assert response.status_code == 400
    assert f"Zadajte číslo, napr. 125{NBSP}000,50." in response.content.decode().replace("&nbsp;", NBSP)


@pytest.mark.parametrize("bad", ["1e309", "99999999999999999999", "nan", "inf", "-inf", "Infinity", "1" * 300])
@pytest.mark.parametrize("language", ["en", "sk"])
def test_budget_huge_or_infinite_is_400_with_a_message(client_for, draft, confirmed_applicant, bad, language):
    response = _post(client_for, confirmed_applicant, draft, language, budget_eur=bad)
    assert response.status_code == 400
    assert 'id="id_budget_eur_error"' in response.content.decode()
    assert Project.objects.get(pk=draft.pk).budget_eur == Decimal("125000.50")
