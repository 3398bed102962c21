"""The rule table for typed numbers (README, "Typing numbers"), row by row, and the form field
that applies it to the active language."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from award.forms import LocalizedDecimalField
from award.numbers import NumberError, parse_decimal

NBSP, NNBSP = "\xa0", "\u202f"
COMMA_LANGUAGES = ["sk", "cs", "pl", "hu"]

# (typed, number) for every comma language
COMMA_ACCEPTED = [
    ("125 000,50", "125000.50"),
    (f"125{NBSP}000,50", "125000.50"),
    (f"125{NNBSP}000,50", "125000.50"),
    ("125000,50", "125000.50"),
    ("1 234 567", "1234567"),
    ("7,5", "7.5"),
    ("7.5", "7.5"),  # a lone dot not followed by three digits: the decimal separator
    ("0.25", "0.25"),
    ("1.5000", "1.5000"),
    (",5", "0.5"),
    ("  7,5  ", "7.5"),
    ("-2,5", "-2.5"),
    ("\u22122,5", "-2.5"),
    ("10", "10"),
]
# (typed, code)
COMMA_REFUSED = [
    ("1.500", "ambiguous"),  # 1500 or 1.5?
    ("125 000.500", "ambiguous"),
    ("1.250,50", "invalid"),  # German grouping
    ("1,250.50", "invalid"),  # English
    ("1.000.000", "invalid"),
    ("12 50", "invalid"),  # a group of two is a typo, not thousands
    ("1 2345", "invalid"),
    ("7,", "invalid"),
    ("7,5,0", "invalid"),
    ("1e309", "invalid"),
    ("1E5", "invalid"),
    ("nan", "invalid"),
    ("inf", "invalid"),
    ("Infinity", "invalid"),
    ("0x10", "invalid"),
    ("", "invalid"),
    ("   ", "invalid"),
    ("-", "invalid"),
    ("٣", "invalid"),  # Arabic-Indic digit
    ("1" * 65, "invalid"),
]
EN_ACCEPTED = [
    ("125,000.50", "125000.50"),
    ("125000.50", "125000.50"),
    ("125 000.50", "125000.50"),
    ("1,500", "1500"),
    ("1,234,567.5", "1234567.5"),
    ("7.5", "7.5"),
    (".5", "0.5"),
    ("-7.5", "-7.5"),
    ("10", "10"),
]
EN_REFUSED = [
    ("1,5", "ambiguous"),  # a decimal comma: refused, never 15
    ("7,50", "ambiguous"),
    ("125 000,50", "ambiguous"),
    ("1,50,000", "invalid"),
    ("1.2.3", "invalid"),
    ("1,000 000", "invalid"),
    ("1e309", "invalid"),
    ("nan", "invalid"),
    ("", "invalid"),
]


@pytest.mark.parametrize("language", COMMA_LANGUAGES)
@pytest.mark.parametrize(("typed", "expected"), COMMA_ACCEPTED)
def test_parse_decimal_comma_languages_accept(language, typed, expected):
    assert parse_decimal(typed, language) == Decimal(expected)


@pytest.mark.parametrize("language", COMMA_LANGUAGES)
@pytest.mark.parametrize(("typed", "code"), COMMA_REFUSED)
def test_parse_decimal_comma_languages_refuse(language, typed, code):
    with pytest.raises(NumberError) as caught:
        parse_decimal(typed, language)
    assert caught.value.code == code


@pytest.mark.parametrize(("typed", "expected"), EN_ACCEPTED)
def test_parse_decimal_english_accepts(typed, expected):
    assert parse_decimal(typed, "en") == Decimal(expected)


@pytest.mark.parametrize(("typed", "code"), EN_REFUSED)
def test_parse_decimal_english_refuses(typed, code):
    with pytest.raises(NumberError) as caught:
        parse_decimal(typed, "en")
    assert caught.value.code == code


def test_parse_decimal_ambiguous_gives_both_readings():
    with pytest.raises(NumberError) as caught:
        parse_decimal("1.500", "sk")
    assert caught.value.readings == (Decimal("1500"), Decimal("1.500"))


def test_parse_decimal_regional_and_unknown_languages():
    assert parse_decimal("7,5", "pl-PL") == Decimal("7.5")
    assert parse_decimal("1,500", "de") == Decimal("1500")  # any other language: English rules


def _score_field():
    return LocalizedDecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.00"),
        max_value=Decimal("10.00"),
        step_size=Decimal("0.5"),
        required=False,
    )


def _message(field, typed, language):
    with translation.override(language):
        with pytest.raises(Exception) as caught:
            field.clean(typed)
        return " ".join(caught.value.messages)


def test_localized_field_polish_limits_in_polish_format():
    message = _message(_score_field(), "11", "pl")
    assert "10,00" in message and "10.00" not in message


@pytest.mark.parametrize("typed", ["1e309", "99999999999999999999", "nan", "inf", "-1e309", "1" * 200])
@pytest.mark.parametrize("language", ["en", "sk"])
def test_localized_field_huge_or_infinite_refused_with_a_message(typed, language):
    assert _message(_score_field(), typed, language)


def test_localized_field_ambiguous_message_shows_both_readings():
    message = _message(_score_field(), "1.500", "sk")
    assert f"1{NBSP}500" in message and "1,5" in message


def test_localized_field_renders_a_text_input_in_the_readers_format():
    field = LocalizedDecimalField(max_digits=14, decimal_places=2, example=Decimal("125000.50"))
    with translation.override("sk"):
        html = field.widget.render("budget", Decimal("125000.50"))
    assert 'type="text"' in html and 'inputmode="decimal"' in html
    assert f'value="125{NBSP}000,50"' in html.replace("&nbsp;", NBSP)


@pytest.mark.django_db
def test_admin_criterion_weight_is_typed_the_readers_way(client, organiser, edition):
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import reverse

    from award.models import Criterion
    from tests.factories import CriterionFactory

    organiser.is_staff = organiser.is_superuser = True
    organiser.language = "sk"
    organiser.save()
    criterion = CriterionFactory(edition=edition, weight=Decimal("1.5"))
    client.force_login(organiser)
    body = client.get(reverse("admin:award_criterion_change", args=[criterion.pk])).content.decode()
    field = body[body.index('name="weight"') - 120 : body.index('name="weight"') + 120]
    assert 'type="text"' in field and 'inputmode="decimal"' in field and 'value="1,50"' in field
    request = RequestFactory().get("/")
    request.user = organiser
    form_class = admin.site._registry[Criterion].get_form(request, criterion)
    with translation.override("sk"):
        assert form_class.base_fields["weight"].clean("2,5") == Decimal("2.5")
        with pytest.raises(ValidationError) as caught:
            form_class.base_fields["step"].clean("1.500")
    assert f"1{NBSP}500" in caught.value.messages[0]
