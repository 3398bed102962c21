"""/api/v1/ballot-counts/ and /api/v1/ballot-jurors/: a ranked final round's count for the
organisers and the category's jury chair, who has cast a ballot for the organisers only, and
nothing for anyone else; no reader sees a ballot's places."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from award.enums import FinalMode, RoundKind
from scoring.ballot.services import ballot_tie_decide
from tests.factories import RoundFactory, UserFactory
from tests.scoring.test_ballot import cast, make_final

pytestmark = pytest.mark.django_db


def _get(api, user, path, **params):
    return api(user).get(f"{path}?{urlencode(params)}")


def test_ballot_count_carries_the_schulze_order_pairs_and_borda(api, edition, organiser):
    chair = UserFactory(last_name="Chair")
    final, category, projects, panel = make_final(edition, finalists=3, jurors=3, chair=chair)
    a, b, c = (p.pk for p in projects)
    for juror, order in zip(panel, ("012", "012", "102", "0=1 2"), strict=True):
        cast(juror, final, category, projects, order)
    for user in (organiser, chair):
        response = _get(api, user, "/api/v1/ballot-counts/", round=final.pk, category=category.pk)
        assert response.status_code == 200
        body = response.json()
        assert body["method"] == "schulze-margins"
        assert (body["eligible_jurors"], body["ballots_cast"], body["conflicted_pairs"]) == (4, 4, 0)
        assert body["order"] == [[a], [b], [c]] and body["winners"] == [a] and body["tie"] is False
        assert [(f["project"], f["place"], f["tie"], f["borda"]) for f in body["finalists"]] == [
            (a, 1, False, 6),
            (b, 2, False, 5),
            (c, 3, False, 0),
        ]
        assert body["pairwise"][f"p{a}"][f"p{b}"] == 2 and body["pairwise"][f"p{b}"][f"p{a}"] == 1
        assert body["margins"][f"p{a}"][f"p{c}"] == 4 and body["margins"][f"p{c}"][f"p{a}"] == -4
        assert body["strongest_paths"][f"p{a}"][f"p{b}"] == 1 and body["strongest_paths"][f"p{b}"][f"p{a}"] == 0
        assert body["recorded_winner"] is None
        assert "ballots" not in body and "ranks" not in str(body)


def test_a_tie_and_the_chairs_decision_are_in_the_count(api, edition, organiser):
    chair = UserFactory(last_name="Chair")
    final, category, projects, panel = make_final(edition, finalists=2, jurors=1, chair=chair)
    cast(panel[0], final, category, projects, "01")
    cast(chair, final, category, projects, "10")
    body = _get(api, organiser, "/api/v1/ballot-counts/", round=final.pk, category=category.pk).json()
    assert body["tie"] is True and sorted(body["winners"]) == sorted(p.pk for p in projects)
    assert [f["place"] for f in body["finalists"]] == [1, 1] and all(f["tie"] for f in body["finalists"])
    ballot_tie_decide(round=final, category=category, project=projects[1], reason="Better reach", actor=chair)
    body = _get(api, chair, "/api/v1/ballot-counts/", round=final.pk, category=category.pk).json()
    assert body["recorded_winner"] == {"project": projects[1].pk, "reason": "Better reach"}


def test_the_count_is_hidden_from_jurors_applicants_and_other_panels_chairs(api, edition, organiser):
    final, category, projects, panel = make_final(edition, finalists=2, jurors=2)
    cast(panel[0], final, category, projects, "01")
    other_chair = UserFactory(last_name="Otherchair")
    _other_final, _other_category, _p, other_panel = make_final(edition, number=3, chair=other_chair)
    applicant = projects[0].owner
    stranger = UserFactory()
    for user in (panel[0], other_panel[0], other_chair, applicant, stranger):
        for path in ("/api/v1/ballot-counts/", "/api/v1/ballot-jurors/"):
            response = _get(api, user, path, round=final.pk, category=category.pk)
            assert response.status_code == 404, (user, path)
            assert str(projects[0].pk) not in response.content.decode()


def test_a_scored_round_has_no_ballot_count(api, edition, organiser, open_round):
    category = make_final(edition, finalists=1, jurors=1)[1]
    scored = RoundFactory(edition=edition, number=5, kind=RoundKind.FINAL, final_mode=FinalMode.SCORED)
    for r in (open_round, scored):
        assert _get(api, organiser, "/api/v1/ballot-counts/", round=r.pk, category=category.pk).status_code == 404
    response = _get(api, organiser, "/api/v1/ballot-counts/", round="x", category=category.pk)
    assert response.status_code == 400 and "round" in response.json()["errors"]


def test_ballot_jurors_show_who_has_cast_only_to_organisers(api, edition, organiser):
    chair = UserFactory(first_name="Clara", last_name="Chair")
    final, category, projects, panel = make_final(edition, finalists=2, jurors=2, chair=chair)
    cast(panel[1], final, category, projects, "10")
    url = "/api/v1/ballot-jurors/"
    body = _get(api, organiser, url, round=final.pk, category=category.pk).json()
    assert body["count"] == 3
    assert body["results"] == [
        {"juror": chair.pk, "name": chair.display_name, "cast": False},
        {"juror": panel[0].pk, "name": panel[0].display_name, "cast": False},
        {"juror": panel[1].pk, "name": panel[1].display_name, "cast": True},
    ]
    body = _get(api, organiser, url, round=final.pk, category=category.pk, cast="false").json()
    assert [row["juror"] for row in body["results"]] == [chair.pk, panel[0].pk]
    # Anything but a yes or a no does not filter (django-filter's boolean widget).
    assert _get(api, organiser, url, round=final.pk, category=category.pk, cast="maybe").json()["count"] == 3
    # The chair reads the count, not who has voted (the progress page is the organisers').
    response = _get(api, chair, url, round=final.pk, category=category.pk)
    assert response.status_code == 403 and panel[1].display_name not in response.content.decode()


def test_ballot_endpoints_query_counts_do_not_grow(api, edition, organiser):
    counts = []
    for number, (finalists, jurors) in ((2, (1, 1)), (3, (4, 5))):
        final, category, projects, panel = make_final(edition, finalists=finalists, jurors=jurors, number=number)
        for juror in panel:
            cast(juror, final, category, projects, "".join(str(i) for i in range(finalists)))
        client = api(organiser)
        row = []
        for path in ("/api/v1/ballot-counts/", "/api/v1/ballot-jurors/"):
            url = f"{path}?round={final.pk}&category={category.pk}"
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            row.append(len(queries))
        counts.append(row)
    assert counts[0] == counts[1]
