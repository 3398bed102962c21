"""Hypothesis fuzz of the jury's and the organisers' page forms: no number gives a 5xx, and a
number that is not one gets a message (the API is fuzzed by tests/api/test_schema_fuzz.py)."""

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from award.numbers import NumberError, parse_decimal
from scoring.models import Assignment, Score
from tests.fuzz import number_text, page_fuzz
from tests.scoring.jury_setup import assignment, rubric
from tests.scoring.test_jury_scoring import post_data
from tests.scoring.test_results import review, setup  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _parses(text: str, language: str) -> bool:
    try:
        parse_decimal(text, language)
    except NumberError:
        return False
    return True


@pytest.fixture
def scoring(client_for, juror, open_round, edition):
    criteria = rubric(edition)
    return client_for(juror), assignment(open_round, juror), criteria, juror


@page_fuzz
@given(text=number_text, language=st.sampled_from(["en", "sk", "pl"]), autosave=st.booleans())
def test_scoring_page_fuzz_never_5xx_and_bad_numbers_get_a_message(scoring, text, language, autosave):
    client, mine, criteria, juror = scoring
    if juror.language != language:
        juror.language = language
        juror.save()
    version = Assignment.objects.get(pk=mine.pk).version
    data = post_data(criteria, version, text, **({} if autosave else {"save": "1"}))
    before = Score.objects.count()
    response = client.post(
        reverse("scoring:score", args=[mine.pk]), data, headers={"X-Autosave": "1"} if autosave else {}
    )
    assert response.status_code < 500
    if text.strip() and not _parses(text, language):
        assert response.status_code == 400
        if autosave:
            assert response.json()["errors"][f"value_{criteria[0].pk}"]
        else:
            assert f'id="id_value_{criteria[0].pk}_error"' in response.content.decode()
        assert Score.objects.count() == before


@pytest.fixture
def organiser_pages(setup, edition, open_round, organiser, client_for):  # noqa: F811
    client = client_for(organiser)
    kwargs = {"edition": edition.slug, "round": open_round.number, "category": setup["category"].slug}
    some_assignment = Assignment.objects.filter(round=open_round).first()
    role = organiser.edition_roles.first()
    juror_role = setup["panel"][0].edition_roles.get(edition=edition)
    return client, kwargs, some_assignment, edition, open_round, role, juror_role


@pytest.mark.parametrize("form", range(10))
@settings(page_fuzz, max_examples=15)  # ten forms: 150 requests in all
@given(text=number_text)
def test_organiser_forms_fuzz_never_5xx(organiser_pages, form, text):
    client, kwargs, some_assignment, edition, rnd, _, juror_role = organiser_pages
    posts = [
        (reverse("results:override", kwargs=kwargs), {"project": text, "reason": "r", "add": "1"}),
        (reverse("results:winner_override", kwargs=kwargs), {"project": text, "reason": "r"}),
        (reverse("results:final_round", kwargs=kwargs), {"final_round": text}),
        (
            reverse("results:special_award", kwargs={"edition": edition.slug}),
            {"project": text, "title": "t", "citation": "c"},
        ),
        (reverse("scoring:assignments", args=[rnd.pk]), {"action": "remove", "assignment": text}),
        (
            reverse("scoring:assignments", args=[rnd.pk]),
            {"action": "swap", "assignment": some_assignment.pk, "juror": text},
        ),
        (reverse("scoring:assignments", args=[rnd.pk]), {"action": "add", "add-project": text, "add-juror": text}),
        (
            reverse("scoring:assignments", args=[rnd.pk]),
            {"action": "conflict", "conflict-project": text, "conflict-juror": text, "conflict-reason": "r"},
        ),
        (
            reverse("scoring:juror_edit", args=[edition.slug, juror_role.pk]),
            {"email": "panel@example.org", "panels": text, "expertise": text},
        ),
        (reverse("results:publish", kwargs={"edition": edition.slug}), {"at": text}),
    ]
    url, data = posts[form]
    response = client.post(url, data)
    assert response.status_code < 500, (url, data)


@pytest.mark.parametrize("bad", ["99999999999999999999", "9" * 5000, "1e309", "-1"])
def test_juror_edit_huge_panel_id_is_400_with_a_message(organiser_pages, bad):
    client, _, _, edition, _, _, juror_role = organiser_pages
    response = client.post(
        reverse("scoring:juror_edit", args=[edition.slug, juror_role.pk]),
        {"email": juror_role.user.email, "panels": bad},
    )
    assert response.status_code == 400
    assert "is not a valid value." in response.content.decode()


@pytest.mark.parametrize("bad", ["99999999999999999999", "9" * 5000, "1e309", "abc"])
def test_assignment_remove_with_a_bad_id_is_404_not_500(organiser_pages, bad):
    client, _, _, _, rnd, _, _ = organiser_pages
    response = client.post(reverse("scoring:assignments", args=[rnd.pk]), {"action": "remove", "assignment": bad})
    assert response.status_code == 404
    assert Assignment.objects.filter(round=rnd).count() == 10


@pytest.mark.parametrize("bad", ["abc", "99999999999999999999", "-1", ""])
def test_this_rounds_new_organiser_forms_never_5xx(organiser_pages, bad):
    """The forms that came with the meeting, the cross-category award, the ceremony script, bulk
    screening and the editable emails, given junk where an id, a choice or a placeholder goes."""
    client, kwargs, some_assignment, edition, rnd, _, _ = organiser_pages
    project = some_assignment.project_id
    meeting = {**kwargs, "project": project}
    posts = [
        (reverse("results:meeting_decide", kwargs=meeting), {"decision": bad, "reason": "r", "title": bad}),
        (reverse("results:meeting_veto", kwargs=meeting), {"kind": bad, "reason": bad, "title": bad}),
        (reverse("results:meeting_names", kwargs=kwargs), {"show": bad, "next": "https://evil.example/" + bad}),
        (
            reverse("results:cross_award_give", kwargs={"edition": edition.slug}),
            {"round": bad, "criteria": [bad], "project": bad, "title": "t", "citation": "c"},
        ),
        (reverse("results:ceremony_sponsor_add", kwargs={"edition": edition.slug}), {"name": "n", "kind": bad}),
        (
            reverse("results:ceremony_sponsor_add", kwargs={"edition": edition.slug}),
            {"name": "n", "kind": "sponsor", "before_category": bad},
        ),
        (reverse("results:ceremony_script", kwargs={"edition": edition.slug}), {f"pronunciation-{bad}": "x"}),
        (
            reverse("submissions:screening_bulk", args=[edition.slug]),
            {"ids": [bad], "decision": bad, "scope": bad, "reason": "r"},
        ),
        (reverse("setup:email_edit", args=[edition.slug, "jury_reminder", "sk"]), {"subject": bad, "body": "{" + bad}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code < 500, (url, data)
        assert "evil.example" not in response.get("Location", ""), url
