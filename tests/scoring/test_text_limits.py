"""Jurors' comments: one limit (the model field's), the same on the scoring page and in the API;
a comment stored over it (legacy data) is never cut and never costs the juror the scores."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import Assignment, Score
from tests.scoring.jury_setup import assignment, rubric

pytestmark = pytest.mark.django_db

LIMIT = Assignment._meta.get_field("overall_comment").max_length


@pytest.fixture
def criteria(edition):
    return rubric(edition)


@pytest.fixture
def mine(open_round, juror, criteria):
    return assignment(open_round, juror)


def page_data(criteria, version, *numbers, overall="", comments=None):
    data = {"version": version, "overall_comment": overall}
    for c, n in zip(criteria, numbers, strict=False):
        data[f"value_{c.pk}"] = "" if n is None else str(n)
        data[f"comment_{c.pk}"] = (comments or {}).get(c.pk, "")
    return data


def test_comment_limit_is_the_model_fields_on_page_and_counter(client_for, juror, mine, criteria):
    assert LIMIT == Score._meta.get_field("comment").max_length == 5000
    body = client_for(juror).get(reverse("scoring:score", args=[mine.pk])).content.decode()
    textareas = re.findall(r'<textarea name="(overall_comment|comment_\d+)"[^>]*maxlength="(\d+)"', body)
    assert len(textareas) == len(criteria) + 1
    assert {int(limit) for _name, limit in textareas} == {LIMIT}
    assert "data-counter-template" in body and "js/counters.js" in body


def test_page_refuses_the_same_over_limit_comment_as_the_api(client_for, juror, mine, criteria):
    url = reverse("scoring:score", args=[mine.pk])
    response = client_for(juror).post(url, page_data(criteria, 0, 5, 5, 5, overall="x" * (LIMIT + 1)))
    # A comment typed over the limit on the page (e.g. maxlength bypassed) is not saved, and is
    # not cut: the scores are saved and the page asks to shorten it.
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    mine.refresh_from_db()
    assert mine.overall_comment == ""
    assert Score.objects.filter(assignment=mine).count() == 3


def test_legacy_over_limit_comment_is_shown_with_a_message_and_autosave_still_saves_scores(
    client_for, juror, mine, criteria
):
    legacy = "L" * 8000
    Assignment.objects.filter(pk=mine.pk).update(overall_comment=legacy)  # written before the limit
    client = client_for(juror)
    url = reverse("scoring:score", args=[mine.pk])
    body = client.get(url).content.decode()
    assert "longer than it (characters: 8000, limit: 5000)" in body
    assert legacy in body  # shown whole, not cut

    # The page's autosave sends the untouched comment back with a new score.
    response = client.post(url, page_data(criteria, 0, 7, None, None, overall=legacy), headers={"X-Autosave": "1"})
    assert response.status_code == 200
    payload = response.json()
    assert payload["ok"] is True and payload["version"] == 1
    assert "shorten" in payload["message"]
    assert "5000" in " ".join(payload["warnings"]["overall_comment"])
    assert Score.objects.get(assignment=mine, criterion=criteria[0]).value == Decimal("7")
    mine.refresh_from_db()
    assert mine.overall_comment == legacy  # kept exactly as stored

    # Shortened: it saves.
    response = client.post(
        url, page_data(criteria, 1, 7, None, None, overall="Short now."), headers={"X-Autosave": "1"}
    )
    assert response.json()["ok"] is True and response.json()["warnings"] == {}
    mine.refresh_from_db()
    assert mine.overall_comment == "Short now." and mine.version == 2


def test_legacy_over_limit_criterion_comment_keeps_the_comment_and_saves_the_new_score(
    client_for, juror, mine, criteria
):
    legacy = "C" * 6000
    Score.objects.create(assignment=mine, criterion=criteria[0], value=Decimal("3"), comment=legacy)
    client = client_for(juror)
    url = reverse("scoring:score", args=[mine.pk])
    response = client.post(
        url, page_data(criteria, 0, 9, 4, None, comments={criteria[0].pk: legacy}), headers={"X-Autosave": "1"}
    )
    assert response.status_code == 200 and response.json()["ok"] is True
    assert list(response.json()["warnings"]) == [f"comment_{criteria[0].pk}"]
    assert Score.objects.get(assignment=mine, criterion=criteria[0]).comment == legacy
    assert Score.objects.get(assignment=mine, criterion=criteria[0]).value == Decimal("9")
    assert Score.objects.get(assignment=mine, criterion=criteria[1]).value == Decimal("4")


def test_legacy_over_limit_comment_without_js_saves_scores_and_asks_to_shorten(client_for, juror, mine, criteria):
    legacy = "L" * 8000
    Assignment.objects.filter(pk=mine.pk).update(overall_comment=legacy)
    url = reverse("scoring:score", args=[mine.pk])
    response = client_for(juror).post(url, page_data(criteria, 0, 6, 6, 6, overall=legacy))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Your scores are saved. A comment that is too long was not saved" in body
    assert "at most 5000 characters (it has 8000)" in body
    assert 'name="version" value="1"' in body  # the next save from this page is not "stale"
    assert Score.objects.filter(assignment=mine).count() == 3
    mine.refresh_from_db()
    assert mine.overall_comment == legacy


def test_finalise_with_a_legacy_over_limit_comment_is_refused_until_shortened(client_for, juror, mine, criteria):
    legacy = "L" * 8000
    Assignment.objects.filter(pk=mine.pk).update(overall_comment=legacy)
    url = reverse("scoring:score", args=[mine.pk])
    response = client_for(juror).post(url, {**page_data(criteria, 0, 6, 6, 6, overall=legacy), "finalise": "1"})
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status != "completed" and mine.overall_comment == legacy


def test_comment_at_the_limit_with_line_breaks_is_accepted_as_the_browser_counts_it(client_for, juror, mine, criteria):
    # The browser counts "\n" as one character but posts "\r\n": the server counts as the browser does.
    typed = ("a" * 99 + "\n") * (LIMIT // 100)
    assert len(typed) == LIMIT
    url = reverse("scoring:score", args=[mine.pk])
    posted = typed.replace("\n", "\r\n")
    response = client_for(juror).post(url, page_data(criteria, 0, 5, overall=posted), headers={"X-Autosave": "1"})
    assert response.status_code == 200 and response.json()["warnings"] == {}
    mine.refresh_from_db()
    assert mine.overall_comment == typed.strip()
