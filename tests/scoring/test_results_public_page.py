"""Issue 17, item 6: the public results list each winner once, special awards apart."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from scoring.enums import ResultKind
from scoring.models import Result
from scoring.results.services import special_award_set, special_award_titles_set
from submissions.enums import ProjectStatus
from tests.factories import CategoryFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_public_results_list_each_winner_once_and_special_awards_under_their_heading(
    client, edition, open_round, organiser
):
    category = CategoryFactory(edition=edition, name="Smart City")
    winner, finalist, other = (
        ProjectFactory(edition=edition, category=category, status=ProjectStatus.ELIGIBLE, title=title)
        for title in ("Winning lights", "Finalist buses", "Open data portal")
    )
    for project, kind in ((winner, ResultKind.WINNER), (winner, ResultKind.FINALIST), (finalist, ResultKind.FINALIST)):
        Result.objects.create(edition=edition, category=category, round=open_round, project=project, kind=kind)
    award = special_award_set(project=other, title="Most innovative", citation="Bold and open.", actor=organiser)
    special_award_titles_set(result=award, titles={"sk": "Najinovatívnejší projekt"}, actor=organiser)
    edition.results_published_at = timezone.now() - timedelta(minutes=1)
    edition.save()
    url = reverse("results:public", kwargs={"edition": edition.slug})
    text = client.get(url).text
    assert text.count("Winning lights") == 1
    assert text.count("Finalist buses") == 1
    special = text[text.index('data-testid="special-awards"') :]
    assert "<h2" in special and "Special awards" in special
    assert "Most innovative" in special and "Open data portal" in special and "Bold and open." in special
    assert "Most innovative" not in text[: text.index('data-testid="special-awards"')]
    # The reader's language: the award's title in it.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sk"
    slovak = client.get(url).text
    assert "Najinovatívnejší projekt" in slovak and "Most innovative" not in slovak
    assert "Osobitné ocenenia" in slovak


def test_special_award_is_given_with_its_title_in_other_languages(client_for, edition, organiser):
    project = ProjectFactory(edition=edition, status=ProjectStatus.ELIGIBLE)
    client = client_for(organiser)
    url = reverse("results:special_award", kwargs={"edition": edition.slug})
    data = {"project": project.pk, "title": "Most innovative", "citation": "Bold.", "title_sk": " Najinovatívnejší "}
    response = client.post(url, {**data, "title_pl": "Najbardziej innowacyjny", "title_hu": ""})
    assert response.status_code == 302
    result = Result.objects.get(project=project, kind=ResultKind.SPECIAL)
    assert result.titles == {"sk": "Najinovatívnejší", "pl": "Najbardziej innowacyjny"}
    assert result.title_in("pl") == "Najbardziej innowacyjny" and result.title_in("hu") == "Most innovative"
    # Too long a title is refused with a message, nothing changes.
    response = client.post(url, {**data, "title_cs": "x" * 201}, follow=True)
    assert response.status_code == 200 and "A special award needs" in response.text
    result.refresh_from_db()
    assert "cs" not in result.titles


def test_public_results_queries_do_not_grow_with_special_awards(client, edition, organiser):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    edition.results_published_at = timezone.now() - timedelta(minutes=1)
    edition.save()
    url = reverse("results:public", kwargs={"edition": edition.slug})
    counts = []
    for _round in range(2):
        for _n in range(1 if not counts else 4):
            project = ProjectFactory(edition=edition, status=ProjectStatus.ELIGIBLE)
            special_award_set(project=project, title="Prize", citation="Why.", actor=organiser)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
