"""Cross-category awards (issue 17, item 8): every eligible project of the edition ranked on chosen
criteria from the jury's existing scores; calibrated where the plan connects the categories, else
the mean; the award becomes a special award with its certificate."""

from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from award.models import AuditEntry
from award.rubric import review_total
from reports.services import certificates_issue
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Result
from scoring.ranking.cross import cross_ranking, cross_scores
from tests.factories import AssignmentFactory, CategoryFactory, CriterionFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rubric(edition):
    innovation = CriterionFactory(edition=edition, name="Innovation", weight=Decimal("1"), position=1)
    impact = CriterionFactory(edition=edition, name="Impact", weight=Decimal("3"), position=2)
    return innovation, impact


def build(edition, rnd, rubric, plan: dict[str, list[tuple[str, int]]]) -> dict:
    """plan: juror -> [(project, innovation value)]; projects "A…" in Smart City, "B…" in Smart
    Region. Impact is 10 − innovation, so the whole rubric would rank the other way round."""
    innovation, impact = rubric
    categories = {
        "A": CategoryFactory(edition=edition, slug="smart-city", name="Smart City"),
        "B": CategoryFactory(edition=edition, slug="smart-region", name="Smart Region"),
    }
    projects = {}
    for name in sorted({p for reviews in plan.values() for p, _v in reviews}):
        projects[name] = ProjectFactory(
            edition=edition, category=categories[name[0]], status="eligible", reference=name, title=f"Project {name}"
        )
    for juror_name, reviews in plan.items():
        juror = UserFactory(last_name=juror_name)
        for name, value in reviews:
            assignment = AssignmentFactory(
                round=rnd, project=projects[name], juror=juror, status=AssignmentStatus.COMPLETED,
                finalised_at=timezone.now(),
            )  # fmt: skip
            assignment.scores.create(criterion=innovation, value=Decimal(value))
            assignment.scores.create(criterion=impact, value=Decimal(10 - value))
    return projects


# True innovation A1 8, A2 6, B1 7, B2 5; J3 is 3 points harsh and reviews both categories.
CONNECTED = {
    "J1": [("A1", 8), ("A2", 6), ("B1", 7)],
    "J2": [("A1", 8), ("A2", 6)],
    "J3": [("B1", 4), ("B2", 2), ("A1", 5)],
}
# One panel per category: nothing links them.
SEPARATE = {
    "J1": [("A1", 8), ("A2", 6)],
    "J2": [("A1", 7), ("A2", 6)],
    "J3": [("B1", 9), ("B2", 4)],
}


def order(ranking) -> list[str]:
    return [row.project.reference for row in ranking.ranked_rows]


def test_cross_award_calibrated_where_the_plan_connects_the_categories(edition, open_round, rubric):
    build(edition, open_round, rubric, CONNECTED)
    ranking = cross_ranking(round=open_round, criteria=[rubric[0]])
    assert ranking.method == "calibrated"
    assert "connects the categories" in ranking.reason
    # The harsh juror pulled A1, B1 and B2 down: the calibrated scores recover the true
    # innovation, 10 points apart (shifted so that the jurors' leniencies balance)...
    assert order(ranking) == ["A1", "B1", "A2", "B2"]
    scores = [row.official_score for row in ranking.ranked_rows]
    assert np.diff(scores).tolist() == pytest.approx([-10.0, -10.0, -10.0], abs=0.01)
    # ...where the plain mean of the same totals ranks A2 above B1.
    means = {row.project.reference: round(row.scores["mean"], 1) for row in ranking.rows}
    assert means == {"A1": 70.0, "A2": 60.0, "B1": 55.0, "B2": 20.0}
    # Ranked on the whole rubric (impact 10 − innovation, weighted 3) the order is reversed.
    whole = cross_ranking(round=open_round, criteria=list(rubric))
    assert order(whole)[0] == "B2"


def test_cross_award_mean_where_the_plan_does_not_connect_them(edition, open_round, rubric):
    build(edition, open_round, rubric, SEPARATE)
    ranking = cross_ranking(round=open_round, criteria=[rubric[0]])
    assert ranking.method == "mean"
    assert "does not connect the categories (2 parts" in ranking.reason
    assert [(row.project.reference, row.official_score) for row in ranking.ranked_rows] == [
        ("B1", 90.0),
        ("A1", 75.0),
        ("A2", 60.0),
        ("B2", 40.0),
    ]


def test_cross_scores_total_is_the_rubric_formula_on_the_chosen_criteria():
    class C:  # a rubric line as review_total reads it
        def __init__(self, pk, weight, low, high):
            self.pk, self.weight, self.min_value, self.max_value = pk, weight, low, high

    criteria = [C(1, 2, 0, 10), C(2, 1, 1, 5), C(3, 5, 0, 100)]
    raw = np.array([[7.0, 4.0, 30.0], [2.0, 5.0, 90.0]])
    low = np.array([0.0, 1.0, 0.0])
    span = np.array([10.0, 4.0, 100.0])
    result = cross_scores(
        (raw - low) / span, np.array([2.0, 1.0, 5.0]), [0, 1], np.array([0, 1]), np.array([0, 0]),
        n_projects=2, n_jurors=1,
    )  # fmt: skip
    expected = [review_total(criteria[:2], {1: r[0], 2: r[1]}) for r in raw]
    assert result.total.tolist() == pytest.approx(expected)


def test_cross_award_page_gives_a_special_award_with_its_certificate(
    edition, open_round, rubric, organiser, client_for
):
    projects = build(edition, open_round, rubric, SEPARATE)
    client = client_for(organiser)
    url = reverse("results:cross_award", kwargs={"edition": edition.slug})
    page = client.get(url, {"round": 1, "criteria": [rubric[0].pk]}).content.decode()
    assert 'data-method="mean"' in page and "does not connect the categories" in page
    assert page.index('data-reference="B1"') < page.index('data-reference="A1"') < page.index('data-reference="B2"')
    response = client.post(
        reverse("results:cross_award_give", kwargs={"edition": edition.slug}),
        {
            "round": 1,
            "criteria": [rubric[0].pk],
            "project": projects["B1"].pk,
            "title": "Most innovative",
            "citation": "For the boldest idea.",
        },
    )
    assert response.status_code == 302
    result = Result.objects.get(kind=ResultKind.SPECIAL)
    assert (result.project, result.title, result.category) == (
        projects["B1"],
        "Most innovative",
        projects["B1"].category,
    )
    entry = AuditEntry.objects.get(action="results.cross_award_given")
    assert (entry.data["method"], entry.data["rank"], entry.data["criteria"]) == ("mean", 1, [rubric[0].pk])
    [certificate] = certificates_issue(edition=edition, kinds=["special"], actor=organiser)
    assert (certificate.project, certificate.award_title) == (projects["B1"], "Most innovative")


def test_cross_award_refuses_bad_input_with_a_message(edition, open_round, rubric, organiser, client_for):
    build(edition, open_round, rubric, SEPARATE)
    client = client_for(organiser)
    url = reverse("results:cross_award", kwargs={"edition": edition.slug})
    page = client.get(url, {"round": 1, "criteria": ["999999"]})
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    assert "Choose at least one criterion." in client.get(url, {"round": 1}).content.decode()
    other = ProjectFactory(status="eligible")  # another edition's project
    response = client.post(
        reverse("results:cross_award_give", kwargs={"edition": edition.slug}),
        {"round": 1, "criteria": [rubric[0].pk], "project": other.pk, "title": "T", "citation": "C"},
    )
    assert response.status_code == 404
    unreviewed = ProjectFactory(edition=edition, category=edition.categories.first(), status="eligible")
    response = client.post(
        reverse("results:cross_award_give", kwargs={"edition": edition.slug}),
        {"round": 1, "criteria": [rubric[0].pk], "project": unreviewed.pk, "title": "T", "citation": "C"},
        follow=True,
    )
    assert "This project has no complete reviews in the round: it is not ranked." in response.content.decode()
    assert not Result.objects.exists()


@pytest.mark.parametrize("persona", ["juror", "applicant"])
def test_cross_award_page_is_404_for_others(edition, open_round, rubric, persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("results:cross_award", kwargs={"edition": edition.slug})).status_code == 404


def test_cross_award_page_query_count_does_not_grow(edition, open_round, rubric, organiser, client_for):
    client = client_for(organiser)
    url = reverse("results:cross_award", kwargs={"edition": edition.slug})
    query = {"round": 1, "criteria": [rubric[0].pk]}
    counts = []
    build(edition, open_round, rubric, {"J1": [("A1", 5)]})
    for grow in (False, True):
        if grow:
            _more(edition, open_round, rubric, [(f"{c}{i}", i % 10) for c in "AB" for i in range(1, 9)])
        client.get(url, query)  # warm the session
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url, query).content.decode()
        counts.append((len(captured.captured_queries), page.count('data-testid="cross-row"')))
    assert [rows for _queries, rows in counts] == [1, 17]
    assert counts[0][0] == counts[1][0]


def _more(edition, rnd, rubric, reviews):
    """More projects in the same two categories, by a second juror."""
    innovation, impact = rubric
    categories = {c.slug[6]: c for c in edition.categories.all()}  # "smart-city" -> c, "smart-region" -> r
    juror = UserFactory()
    for name, value in reviews:
        project = ProjectFactory(
            edition=edition,
            category=categories["c" if name[0] == "A" else "r"],
            status="eligible",
            reference=f"X{name}",
        )
        assignment = AssignmentFactory(
            round=rnd, project=project, juror=juror, status=AssignmentStatus.COMPLETED, finalised_at=timezone.now()
        )
        assignment.scores.create(criterion=innovation, value=Decimal(value))
        assignment.scores.create(criterion=impact, value=Decimal(10 - value))


def test_cross_award_page_lists_the_best_and_every_project_on_request(
    edition, open_round, rubric, organiser, client_for, monkeypatch
):
    from scoring.results import cross_views

    monkeypatch.setattr(cross_views, "SHOWN", 2)
    build(edition, open_round, rubric, SEPARATE)
    ProjectFactory(edition=edition, category=edition.categories.first(), status="eligible", reference="C9")
    client = client_for(organiser)
    url = reverse("results:cross_award", kwargs={"edition": edition.slug})
    page = client.get(url, {"round": 1, "criteria": [rubric[0].pk]}).content.decode()
    assert page.count('data-testid="cross-row"') == 2 and "3 more projects, lower or not ranked." in page
    page = client.get(url, {"round": 1, "criteria": [rubric[0].pk], "all": "1"}).content.decode()
    assert page.count('data-testid="cross-row"') == 5  # C9 has no review: listed, not ranked
    assert page.index('data-reference="B2"') < page.index('data-reference="C9"')


def _shown(page: str) -> list[tuple[str, str]]:
    """(reference, score) of each row on the page, in order."""
    import re

    return re.findall(r'data-reference="([^"]+)">.*?<strong>([^<]+)</strong>', page, flags=re.S)


def test_cross_award_page_reads_the_stored_scores_without_refitting(
    edition, open_round, rubric, organiser, client_for, monkeypatch
):
    from scoring.ranking import cross
    from scoring.ranking.engine import PAYLOAD_MEMORY

    fits = []
    real_fit = cross.fit
    monkeypatch.setattr(cross, "fit", lambda *args, **kwargs: fits.append(1) or real_fit(*args, **kwargs))
    build(edition, open_round, rubric, CONNECTED)
    client = client_for(organiser)
    url = reverse("results:cross_award", kwargs={"edition": edition.slug})
    query = {"round": 1, "criteria": [rubric[0].pk]}
    first = _shown(client.get(url, query).content.decode())
    assert [reference for reference, _score in first] == ["A1", "B1", "A2", "B2"] and len(fits) == 1
    assert _shown(client.get(url, query).content.decode()) == first
    PAYLOAD_MEMORY.clear()  # another worker: reads the stored numbers, does not refit either
    assert _shown(client.get(url, query).content.decode()) == first
    assert len(fits) == 1
    # Another choice of criteria is another fit; going back to the first one is not.
    whole = _shown(client.get(url, {"round": 1, "criteria": [c.pk for c in rubric]}).content.decode())
    assert whole[0][0] == "B2" and len(fits) == 2
    assert _shown(client.get(url, query).content.decode()) == first and len(fits) == 2
    # A changed weight of a chosen criterion refits.
    rubric[1].weight = Decimal("1")
    rubric[1].save(update_fields=["weight"])
    client.get(url, {"round": 1, "criteria": [c.pk for c in rubric]})
    assert len(fits) == 3


def test_cross_award_page_shows_a_changed_score_and_eligibility(edition, open_round, rubric, organiser, client_for):
    from scoring.models import Score

    projects = build(edition, open_round, rubric, SEPARATE)
    client = client_for(organiser)
    url = reverse("results:cross_award", kwargs={"edition": edition.slug})
    query = {"round": 1, "criteria": [rubric[0].pk]}
    assert _shown(client.get(url, query).content.decode()) == [
        ("B1", "90.0"), ("A1", "75.0"), ("A2", "60.0"), ("B2", "40.0"),
    ]  # fmt: skip
    # J3 changes B2's innovation from 4 to 10 (even behind the services' back).
    Score.objects.filter(assignment__project=projects["B2"], criterion=rubric[0]).update(value=Decimal(10))
    assert _shown(client.get(url, query).content.decode()) == [
        ("B2", "100.0"), ("B1", "90.0"), ("A1", "75.0"), ("A2", "60.0"),
    ]  # fmt: skip
    projects["B1"].status = "ineligible"
    projects["B1"].save(update_fields=["status"])
    assert _shown(client.get(url, query).content.decode()) == [("B2", "100.0"), ("A1", "75.0"), ("A2", "60.0")]


def test_stored_choices_of_criteria_keep_only_the_most_recent_per_round(open_round):
    from scoring.models import RankingAnalysisCache
    from scoring.ranking.cache import cached_payload
    from scoring.ranking.cross import CROSS_KEPT, CROSS_PREFIX

    def stored():
        return dict(RankingAnalysisCache.objects.filter(round=open_round).values_list("parameters", "payload"))

    cached_payload(open_round, "seed=1;draws=2;rows", "k", lambda: {"rows": 1})  # another family: stays
    for i in range(CROSS_KEPT + 3):
        cached_payload(
            open_round, f"{CROSS_PREFIX}criteria={i}", "k", lambda i=i: {"i": i}, keep=(CROSS_PREFIX, CROSS_KEPT)
        )
    assert stored() == {
        "seed=1;draws=2;rows": {"rows": 1},
        **{f"{CROSS_PREFIX}criteria={i}": {"i": i} for i in range(3, CROSS_KEPT + 3)},
    }
    # A kept choice is read back, not recomputed, and removes nothing.
    assert cached_payload(
        open_round, f"{CROSS_PREFIX}criteria=5", "k", lambda: {"i": "again"}, keep=(CROSS_PREFIX, CROSS_KEPT)
    ) == {"i": 5}
    assert len(stored()) == CROSS_KEPT + 1
