"""Scores as people type them on the scoring page (autosave and the plain form)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import Score
from tests.scoring.jury_setup import assignment, rubric
from tests.scoring.test_jury_scoring import post_data

pytestmark = pytest.mark.django_db

AUTOSAVE = {"X-Autosave": "1"}
BAD_NUMBERS = ["1e309", "99999999999999999999", "nan", "inf", "-inf", "Infinity", "1E5", "1" * 300]


@pytest.fixture
def criteria(edition):
    return rubric(edition)


@pytest.fixture
def mine(open_round, juror, criteria):
    return assignment(open_round, juror)


def _client(client_for, juror, language):
    juror.language = language
    juror.save()
    return client_for(juror)


def _scores(a):
    return {s.criterion_id: s.value for s in Score.objects.filter(assignment=a)}


def test_autosave_slovak_decimal_comma_saves_seven_and_a_half(client_for, juror, mine, criteria):
    client = _client(client_for, juror, "sk")
    url = reverse("scoring:score", args=[mine.pk])
    response = client.post(url, post_data(criteria, 0, "7,5", "8"), headers=AUTOSAVE)
    assert response.status_code == 200, response.content
    assert _scores(mine) == {criteria[0].pk: Decimal("7.5"), criteria[1].pk: Decimal(8)}
    # The page shows it back as Slovak writes it, and saving it again changes nothing.
    body = client.get(url).content.decode()
    assert 'value="7,5"' in body and "0–10, krok 0,5" in body


def test_plain_form_slovak_decimal_comma_saves(client_for, juror, mine, criteria):
    client = _client(client_for, juror, "sk")
    url = reverse("scoring:score", args=[mine.pk])
    response = client.post(url, post_data(criteria, 0, "7,5", save="1"))
    assert response.status_code == 302
    assert _scores(mine) == {criteria[0].pk: Decimal("7.5")}


def test_autosave_english_decimal_comma_is_refused_with_a_message(client_for, juror, mine, criteria):
    client = _client(client_for, juror, "en")
    url = reverse("scoring:score", args=[mine.pk])
    response = client.post(url, post_data(criteria, 0, "7,5"), headers=AUTOSAVE)
    assert response.status_code == 400
    assert response.json()["errors"][f"value_{criteria[0].pk}"] == [
        "Write 7.5: in English the decimal separator is a dot and a comma groups thousands."
    ]
    assert _scores(mine) == {}


def test_autosave_polish_limit_printed_with_a_decimal_comma(client_for, juror, mine, criteria):
    client = _client(client_for, juror, "pl")
    url = reverse("scoring:score", args=[mine.pk])
    response = client.post(url, post_data(criteria, 0, "11"), headers=AUTOSAVE)
    assert response.status_code == 400
    message = " ".join(response.json()["errors"][f"value_{criteria[0].pk}"])
    assert "mniejsza lub równa 10,00" in message and "10.00" not in message


@pytest.mark.parametrize("bad", BAD_NUMBERS)
@pytest.mark.parametrize("language", ["en", "sk"])
def test_autosave_huge_or_infinite_is_400_with_a_message(client_for, juror, mine, criteria, bad, language):
    client = _client(client_for, juror, language)
    url = reverse("scoring:score", args=[mine.pk])
    response = client.post(url, post_data(criteria, 0, bad, bad), headers=AUTOSAVE)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[f"value_{criteria[0].pk}"] and errors[f"value_{criteria[1].pk}"]
    assert _scores(mine) == {}


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_plain_form_huge_or_infinite_is_400_with_a_message(client_for, juror, mine, criteria, bad):
    client = _client(client_for, juror, "sk")
    url = reverse("scoring:score", args=[mine.pk])
    response = client.post(url, post_data(criteria, 0, bad, save="1"))
    assert response.status_code == 400
    assert f'id="id_value_{criteria[0].pk}_error"' in response.content.decode()
    assert _scores(mine) == {}


def test_score_save_messages_print_limits_the_readers_way(juror, mine, criteria):
    from django.utils import translation

    from scoring.jury.errors import ScoringError
    from scoring.jury.scores import ScoreInput, score_save

    with translation.override("sk"), pytest.raises(ScoringError) as caught:
        score_save(
            actor=juror,
            assignment=mine,
            expected_version=0,
            values={criteria[0].pk: ScoreInput(value=Decimal("7.3"), comment="")},
        )
    message = " ".join(caught.value.message_dict[f"value_{criteria[0].pk}"])
    assert "0,5" in message and "0.5" not in message
