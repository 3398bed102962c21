"""Huge, infinite and not-a-number values are a 400 with a message in the API (plain JSON numbers)."""

import pytest

from scoring.models import Score
from submissions.models import Project

pytestmark = pytest.mark.django_db

# Raw JSON text: json.dumps would write inf as "Infinity", not as a number a client may send.
BAD_NUMBERS = ["1e309", "-1e309", "99999999999999999999", '"NaN"', '"Infinity"', '"1e309"', '"99999999999999999999"']


def _send(client, method, url, raw_body):
    return getattr(client, method)(url, raw_body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_api_score_value_huge_or_infinite_is_400_with_a_message(world, client, bad):
    w = world
    client.force_login(w.personas["juror"])
    scores = ", ".join(f'{{"criterion": {c.pk}, "value": {bad}}}' for c in w.criteria)
    body = f'{{"version": {w.assignment.version}, "scores": [{scores}]}}'
    response = _send(client, "put", f"/api/v1/assignments/{w.assignment.pk}/scores/", body)
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["scores"]["0"]["value"][0]  # a message, not an empty body
    assert not Score.objects.filter(assignment=w.assignment).exists()


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_api_project_budget_huge_or_infinite_is_400_with_a_message(world, client, bad):
    w = world
    client.force_login(w.personas["applicant"])
    before = Project.objects.count()
    body = f'{{"edition": {w.edition.pk}, "category": {w.category.pk}, "title": "Smart benches", "budget_eur": {bad}}}'
    response = _send(client, "post", "/api/v1/projects/", body)
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["budget_eur"][0]
    assert Project.objects.count() == before
