"""Dates, numbers and money as each language writes them; years and references never grouped."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, translation

from award.formatting import money, number
from scoring.enums import AssignmentStatus
from submissions.enums import ProjectStatus
from tests.factories import AssignmentFactory, ProjectFactory

NBSP = "\xa0"

EXPECTED = {
    # language: (short date, grouped number with two decimals, money)
    "en": ("11/23/2026", "1,234,567.50", "€1,234.50"),
    "sk": ("23. 11. 2026", f"1{NBSP}234{NBSP}567,50", f"1{NBSP}234,50{NBSP}€"),
    "cs": ("23. 11. 2026", f"1{NBSP}234{NBSP}567,50", f"1{NBSP}234,50{NBSP}€"),
    "pl": ("23.11.2026", f"1{NBSP}234{NBSP}567,50", f"1{NBSP}234,50{NBSP}€"),
    "hu": ("2026. 11. 23.", f"1{NBSP}234{NBSP}567,50", f"1{NBSP}234,50{NBSP}€"),
}


@pytest.mark.parametrize("language", EXPECTED)
def test_short_date_number_and_money_follow_the_language(language):
    short_date, grouped, amount = EXPECTED[language]
    with translation.override(language):
        assert formats.date_format(date(2026, 11, 23), "SHORT_DATE_FORMAT") == short_date
        assert number(Decimal("1234567.5"), 2) == grouped
        assert money(Decimal("1234.5")) == amount
        assert money(None) == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "11/23/2026 6:30 p.m."),
        ("sk", "23. 11. 2026 18:30"),
        ("pl", "23.11.2026 18:30"),
        ("hu", "2026. 11. 23. 18:30"),
    ],
)
def test_short_datetime_follows_the_language(language, expected):
    with translation.override(language):
        assert formats.date_format(datetime(2026, 11, 23, 18, 30), "SHORT_DATETIME_FORMAT") == expected


def test_money_of_a_negative_amount_and_of_zero():
    with translation.override("sk"):
        assert money(Decimal("-1234.5")) == f"-1{NBSP}234,50{NBSP}€"
        assert money(0) == f"0,00{NBSP}€"
    with translation.override("en"):
        assert money(Decimal("-1234.5")) == "-€1,234.50"


@pytest.mark.parametrize("language", EXPECTED)
def test_templates_group_money_but_never_years_ids_or_references(language):
    template = Template(
        "{% load award_format %}{{ year }}|{{ pk }}|{{ reference }}|{{ budget|money }}|{{ score|floatformat:2 }}|{{ big|number }}"
    )
    context = Context(
        {
            "year": 2026,
            "pk": 12345,
            "reference": "V4A-2026-0042",
            "budget": Decimal("1234.5"),
            "score": 87.5,
            "big": 1234567,
        }
    )
    with translation.override(language):
        year, pk, reference, budget, score, big = template.render(context).split("|")
    assert (year, pk, reference) == ("2026", "12345", "V4A-2026-0042")
    assert budget == EXPECTED[language][2]
    assert score == ("87.50" if language == "en" else "87,50")
    assert big == ("1,234,567" if language == "en" else f"1{NBSP}234{NBSP}567")


@pytest.mark.parametrize(("language", "typed"), [("sk", "23. 11. 2026"), ("cs", "23.11.2026"), ("hu", "2026. 11. 23.")])
def test_date_fields_accept_the_languages_way_of_writing_a_date(language, typed):
    field = forms.DateField(localize=True)
    with translation.override(language):
        assert field.clean(typed) == date(2026, 11, 23)


def test_budget_and_dates_on_the_scoring_page_follow_the_jurors_language(client_for, juror, open_round):
    project = ProjectFactory(
        edition=open_round.edition,
        status=ProjectStatus.ELIGIBLE,
        reference="V4A-2026-1042",
        budget_eur=Decimal("1234567.5"),
        start_date=date(2026, 11, 23),
    )
    assignment = AssignmentFactory(round=open_round, project=project, juror=juror, status=AssignmentStatus.PENDING)
    juror.language = "sk"
    juror.save()
    html = client_for(juror).get(reverse("scoring:score", args=[assignment.pk])).content.decode()
    assert f"1{NBSP}234{NBSP}567,50{NBSP}€" in html
    assert "V4A-2026-1042" in html
    assert "23. novembra 2026" in html  # the start date, its year not grouped


def test_application_pdf_prints_the_budget_in_the_readers_language(client_for, applicant, edition):
    from tests.reports.conftest import pdf_text

    project = ProjectFactory(edition=edition, owner=applicant, budget_eur=Decimal("1234.5"))
    applicant.language = "pl"
    applicant.save()
    response = client_for(applicant).get(reverse("submissions:summary_pdf", args=[project.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content).replace(NBSP, " ")
    assert "1 234,50 €" in text
