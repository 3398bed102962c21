"""Issue 18: the jury briefing (acknowledged once, audited, required before the first score by the
page and the API), the juror's list (continue where I left off), the scoring page (tap targets,
one label per input, the running total by the ranking's formula) and "next project"."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from award.models import AuditEntry
from award.rubric import review_total
from scoring.enums import AssignmentStatus
from scoring.jury.briefing import briefing_acknowledge
from scoring.jury.errors import ScoringError
from scoring.jury.scores import ScoreInput, assignment_finalise, score_save
from scoring.models import BriefingAcknowledgement
from scoring.ranking.loader import round_inputs
from tests.factories import CriterionFactory, EditionFactory
from tests.scoring.jury_setup import assignment, juror_in, rubric

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria(edition):
    return rubric(edition)


@pytest.fixture
def unbriefed(open_round, juror, criteria):
    """An assignment of a juror who has not acknowledged the briefing."""
    return assignment(open_round, juror, acknowledged=False)


def _values(criteria, *numbers):
    return {c.pk: ScoreInput(value=Decimal(str(n))) for c, n in zip(criteria, numbers, strict=True)}


def _post(criteria, version, *numbers, comment=""):
    data = {"version": version, "overall_comment": comment}
    for c, n in zip(criteria, numbers, strict=True):
        data[f"value_{c.pk}"] = "" if n is None else str(n)
        data[f"comment_{c.pk}"] = ""
    return data


def test_score_save_before_the_briefing_is_refused_and_saves_nothing(juror, unbriefed, criteria):
    with pytest.raises(ScoringError) as caught:
        score_save(actor=juror, assignment=unbriefed, expected_version=0, values=_values(criteria, 5, 5, 5))
    assert caught.value.code == "briefing"
    url = reverse("scoring:briefing", kwargs={"slug": unbriefed.round.edition.slug})
    assert caught.value.messages == [f"Read and acknowledge the jury briefing before your first score: {url}"]
    unbriefed.refresh_from_db()
    assert (unbriefed.version, unbriefed.status, unbriefed.scores.count()) == (0, AssignmentStatus.PENDING, 0)


def test_autosave_before_the_briefing_answers_409_with_its_url(client_for, juror, unbriefed, criteria):
    url = reverse("scoring:score", args=[unbriefed.pk])
    response = client_for(juror).post(url, _post(criteria, 0, 5, None, None), headers={"X-Autosave": "1"})
    briefing = reverse("scoring:briefing", kwargs={"slug": unbriefed.round.edition.slug})
    assert response.status_code == 409
    assert response.json()["briefing"] == briefing
    assert briefing in response.json()["errors"]["__all__"][0]
    assert unbriefed.scores.count() == 0


def test_scoring_page_before_the_briefing_links_to_it_and_is_read_only(client_for, juror, unbriefed, criteria):
    client = client_for(juror)
    body = client.get(reverse("scoring:score", args=[unbriefed.pk])).content.decode()
    briefing = reverse("scoring:briefing", kwargs={"slug": unbriefed.round.edition.slug})
    assert re.search(r'data-testid="briefing-link"', body)
    assert f'href="{briefing}?next=' in body
    assert f'name="value_{criteria[0].pk}"' in body and "disabled" in body
    # A plain POST (no script) is refused with the message too.
    response = client.post(reverse("scoring:score", args=[unbriefed.pk]), _post(criteria, 0, 5, 5, 5, comment="x"))
    assert response.status_code == 409
    assert f"before your first score: {briefing}" in response.content.decode()
    assert unbriefed.scores.count() == 0


def test_api_score_save_before_the_briefing_is_409_naming_it(client_for, juror, unbriefed, criteria):
    client = client_for(juror)
    response = client.post(
        f"/api/v1/assignments/{unbriefed.pk}/scores/",
        {"version": 0, "scores": [{"criterion": criteria[0].pk, "value": "5"}]},
        content_type="application/json",
    )
    briefing = reverse("scoring:briefing", kwargs={"slug": unbriefed.round.edition.slug})
    assert response.status_code == 409
    assert response.json()["briefing"] == briefing
    assert "jury briefing" in response.json()["detail"] and briefing in response.json()["detail"]
    assert unbriefed.scores.count() == 0


def test_acknowledging_the_briefing_is_audited_once_and_unlocks_scoring(client_for, juror, unbriefed, criteria):
    client = client_for(juror)
    edition = unbriefed.round.edition
    url = reverse("scoring:briefing", kwargs={"slug": edition.slug})
    page = client.get(url).content.decode()
    assert 'data-testid="briefing-acknowledge"' in page
    score_url = reverse("scoring:score", args=[unbriefed.pk])
    response = client.post(url, {"next": score_url})
    assert response.status_code == 302 and response["Location"] == score_url
    client.post(url, {})  # a second tab: no second row, no second entry
    assert BriefingAcknowledgement.objects.filter(juror=juror, edition=edition).count() == 1
    entries = AuditEntry.objects.filter(action="briefing.acknowledge", edition=edition)
    assert [(e.actor_id, e.target_type) for e in entries] == [(juror.pk, "scoring.briefingacknowledgement")]
    saved = score_save(actor=juror, assignment=unbriefed, expected_version=0, values=_values(criteria, 5, 6, 7))
    assert saved.version == 1
    assert 'data-testid="briefing-acknowledged"' in client.get(url).content.decode()


def test_acknowledge_ignores_an_outside_next_url(client_for, juror, unbriefed):
    url = reverse("scoring:briefing", kwargs={"slug": unbriefed.round.edition.slug})
    response = client_for(juror).post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("scoring:dashboard")


def test_briefing_is_404_for_people_outside_the_edition(client_for, applicant, juror, edition):
    other = EditionFactory(slug="other-edition")
    stranger = juror_in(other)
    url = reverse("scoring:briefing", kwargs={"slug": edition.slug})
    assert client_for(applicant).get(url).status_code == 404
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(stranger).post(url).status_code == 404
    assert not BriefingAcknowledgement.objects.filter(juror=stranger).exists()


def test_briefing_service_refuses_a_non_juror(organiser, edition):
    with pytest.raises(ScoringError):
        briefing_acknowledge(actor=organiser, edition=edition)


def test_organiser_writes_the_briefing_in_five_languages_and_jurors_read_theirs(
    client_for, organiser, juror, edition, unbriefed
):
    url = reverse("scoring:briefing_edit", kwargs={"slug": edition.slug})
    texts = {"en": "Score alone.", "sk": "Hodnoťte sami.", "cs": "Hodnoťte sami.", "pl": "Oceniaj sam.", "hu": ""}
    response = client_for(organiser).post(url, texts)
    assert response.status_code == 302
    edition.refresh_from_db()
    assert (edition.juror_briefing_en, edition.juror_briefing_pl, edition.juror_briefing_hu) == (
        "Score alone.",
        "Oceniaj sam.",
        "",
    )
    entry = AuditEntry.objects.get(action="edition.briefing_update")
    assert entry.data == {
        "changed": ["juror_briefing_cs", "juror_briefing_en", "juror_briefing_pl", "juror_briefing_sk"]
    }
    client = client_for(juror)
    briefing = reverse("scoring:briefing", kwargs={"slug": edition.slug})
    client.cookies["award_language"] = "pl"
    body = client.get(briefing).content.decode()
    assert '<html lang="pl"' in body and "Oceniaj sam." in body
    # Hungarian is empty: English is shown.
    client.cookies["award_language"] = "hu"
    assert "Score alone." in client.get(briefing).content.decode()
    # A juror may not edit it.
    assert client.get(url).status_code == 404


def test_briefing_shows_rubric_weights_and_conflict_links(client_for, juror, open_round, edition):
    CriterionFactory(edition=edition, name="Impact", weight=Decimal(3), position=0)
    CriterionFactory(edition=edition, name="Cost", weight=Decimal(1), position=1)
    mine = assignment(open_round, juror, acknowledged=False)
    body = client_for(juror).get(reverse("scoring:briefing", kwargs={"slug": edition.slug})).content.decode()
    assert "weight 75 %" in body and "weight 25 %" in body
    assert reverse("scoring:declare_conflict", args=[mine.pk]) in body


@pytest.mark.parametrize("n", [1, 5])
def test_briefing_page_query_count_is_fixed(client_for, juror, open_round, edition, django_assert_num_queries, n):
    rubric(edition, n)
    for _ in range(n):
        assignment(open_round, juror, acknowledged=False)
    client = client_for(juror)
    url = reverse("scoring:briefing", kwargs={"slug": edition.slug})
    client.get(url)
    # session, user, edition, roles, rubric, open assignments, acknowledgement
    with django_assert_num_queries(7):
        body = client.get(url).content.decode()
    assert body.count("declare a conflict of interest") == n


def test_dashboard_offers_to_continue_where_the_juror_left_off(client_for, juror, open_round, criteria):
    first = assignment(open_round, juror)
    second = assignment(open_round, juror)
    client = client_for(juror)
    body = client.get(reverse("scoring:dashboard")).content.decode()
    assert re.search(r'data-testid="continue">.*?Start: ' + re.escape(first.project.title), body, re.S)
    score_save(actor=juror, assignment=second, expected_version=0, values=_values(criteria, 5, 5, 5))
    body = client.get(reverse("scoring:dashboard")).content.decode()
    assert re.search(r'data-testid="continue">.*?Continue: ' + re.escape(second.project.title), body, re.S)
    assert 'data-testid="continue-time-left"' in body
    assert "2 left to score" in body


def test_scoring_page_has_tap_targets_and_one_label_per_input(client_for, juror, open_round, edition):
    short = CriterionFactory(edition=edition, name="Impact", min_value=0, max_value=10, step=1, position=0)
    long = CriterionFactory(edition=edition, name="Budget", min_value=0, max_value=100, step=5, position=1)
    mine = assignment(open_round, juror)
    body = client_for(juror).get(reverse("scoring:score", args=[mine.pk])).content.decode()
    assert len(re.findall(rf'name="tap_{short.pk}" value="(\d+)"', body)) == 11
    assert f'name="tap_{long.pk}"' not in body
    # The criterion's name appears once per fieldset (its legend) and labels the typed value.
    assert body.count(">Impact<") == 1
    assert f'aria-labelledby="criterion-{short.pk}-name"' in body
    assert "Comment on Impact" not in body


def test_running_total_equals_review_total_and_the_rankings_total(client_for, juror, open_round, edition):
    criteria = [
        CriterionFactory(
            edition=edition, name="A", min_value=0, max_value=10, step=Decimal("0.5"), weight=3, position=0
        ),
        CriterionFactory(
            edition=edition, name="B", min_value=1, max_value=5, step=1, weight=Decimal("1.5"), position=1
        ),
        CriterionFactory(edition=edition, name="C", min_value=0, max_value=100, step=5, weight=2, position=2),
    ]
    mine = assignment(open_round, juror)
    numbers = [Decimal("7.5"), Decimal(2), Decimal(85)]
    saved = score_save(actor=juror, assignment=mine, expected_version=0, values=_values(criteria, *numbers))
    assignment_finalise(actor=juror, assignment=saved, expected_version=saved.version, overall_comment="Fine.")
    expected = review_total(criteria, {c.pk: v for c, v in zip(criteria, numbers, strict=True)})
    ranking = round_inputs(open_round).total
    assert list(ranking) == pytest.approx([expected])
    body = client_for(juror).get(reverse("scoring:score", args=[mine.pk])).content.decode()
    shown = re.search(r'data-testid="running-total"[^>]*>([^<]*)<', body).group(1)
    assert shown == f"{expected:.1f}"


def test_finalising_shows_the_next_project_and_what_is_left(client_for, juror, open_round, criteria):
    first = assignment(open_round, juror)
    second = assignment(open_round, juror)
    assignment(open_round, juror)
    client = client_for(juror)
    url = reverse("scoring:score", args=[first.pk])
    response = client.post(url, {**_post(criteria, 0, 5, 6, 7, comment="Good."), "finalise": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == url
    body = response.content.decode()
    assert "Your review is finalised" in body
    assert re.search(r'data-testid="next-up-summary">1 of 3 reviews completed; 2 projects are left to score', body)
    assert f'href="{reverse("scoring:score", args=[second.pk])}" data-testid="next-project"' in body


def test_a_tap_target_saves_without_javascript(client_for, juror, open_round, edition):
    short = CriterionFactory(edition=edition, name="Impact", min_value=0, max_value=10, step=1, position=0)
    mine = assignment(open_round, juror)
    data = {
        "version": 0,
        "overall_comment": "",
        f"value_{short.pk}": "",
        f"comment_{short.pk}": "",
        f"tap_{short.pk}": "7",
    }
    response = client_for(juror).post(reverse("scoring:score", args=[mine.pk]), {**data, "save": "1"})
    assert response.status_code == 302
    assert [s.value for s in mine.scores.all()] == [Decimal(7)]
    # A value that is not offered is ignored, never stored.
    data.update({"version": 1, f"tap_{short.pk}": "11"})
    client_for(juror).post(reverse("scoring:score", args=[mine.pk]), {**data, "save": "1"})
    assert [s.value for s in mine.scores.all()] == []
