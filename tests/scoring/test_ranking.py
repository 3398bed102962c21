"""The ranking statistics against hand-computed values on small fixed examples."""

from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone

from award.enums import AggregationMethod, TieBreakRule
from scoring.enums import AssignmentStatus
from scoring.ranking.engine import bootstrap_top_n, icc_1k, juror_table, ranking_for, round_totals
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    CriterionFactory,
    ProjectFactory,
    ScoreFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MEAN, MEDIAN, TRIMMED, STANDARDISED = (
    AggregationMethod.MEAN,
    AggregationMethod.MEDIAN,
    AggregationMethod.TRIMMED_MEAN,
    AggregationMethod.STANDARDISED,
)


def review(rnd, project, juror, values: dict, *, done: bool = True):
    """One assignment of `juror` to `project` with a score per criterion."""
    assignment = AssignmentFactory(
        round=rnd,
        project=project,
        juror=juror,
        status=AssignmentStatus.COMPLETED if done else AssignmentStatus.IN_PROGRESS,
        finalised_at=timezone.now() - timedelta(hours=1) if done else None,
    )
    for criterion, value in values.items():
        ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal(str(value)))
    return assignment


@pytest.fixture
def category(edition):
    return CategoryFactory(edition=edition, name="Smart City", finalists_count=1)


@pytest.fixture
def criterion(edition):
    return CriterionFactory(edition=edition, name="Overall", weight=Decimal("1"), max_value=Decimal("10"))


def projects(edition, category, names):
    return {
        name: ProjectFactory(edition=edition, category=category, title=name, reference=f"R-{name}", status="eligible")
        for name in names
    }


def jurors(n):
    return [UserFactory(last_name=f"Juror{i}") for i in range(1, n + 1)]


# Four jurors each score the same three projects on one criterion (0–10, weight 1), so a total is
# ten times the value:
#         A    B    C
#   J1   80   60   40
#   J2   90   70   50
#   J3   50   60   30
#   J4  100   90   20
# mean:     A 80, B 70, C 35
# median:   A 85, B 65, C 35
# trimmed:  A (80+90)/2 = 85, B (60+70)/2 = 65, C (40+30)/2 = 35
# standardised: juror means 60, 70, 46.667, 70; population sds 16.330, 16.330, 12.472, 35.590;
#   mean z per project: A 0.889920, B 0.407749, C -1.297669; round mean 61.6667, sd 24.094720
#   -> A 61.6667 + 24.0947 × 0.889920 = 83.109, B 71.491, C 30.400
FIXED = {
    "A": [8, 9, 5, 10],
    "B": [6, 7, 6, 9],
    "C": [4, 5, 3, 2],
}


@pytest.fixture
def fixed_example(edition, category, criterion, open_round):
    items = projects(edition, category, "ABC")
    panel = jurors(4)
    for name, values in FIXED.items():
        for juror, value in zip(panel, values, strict=True):
            review(open_round, items[name], juror, {criterion: value})
    return items, panel


def test_juror_total_is_weighted_and_scaled_to_100(edition, category, open_round):
    heavy = CriterionFactory(edition=edition, weight=Decimal("2"), max_value=Decimal("10"))
    light = CriterionFactory(edition=edition, weight=Decimal("1"), max_value=Decimal("5"), position=1)
    project = projects(edition, category, "A")["A"]
    review(open_round, project, UserFactory(), {heavy: 8, light: 5})
    # (2×8 + 1×5) / (2×10 + 1×5) × 100 = 21 / 25 × 100 = 84
    [(project_id, _category_id, _juror_id, total)] = round_totals(open_round)
    assert project_id == project.pk
    assert total == pytest.approx(84.0)


@pytest.mark.parametrize(
    "method, expected",
    [
        (MEAN, {"A": 80.0, "B": 70.0, "C": 35.0}),
        (MEDIAN, {"A": 85.0, "B": 65.0, "C": 35.0}),
        (TRIMMED, {"A": 85.0, "B": 65.0, "C": 35.0}),
        (STANDARDISED, {"A": 83.10903, "B": 71.49127, "C": 30.39970}),
    ],
)
def test_ranking_each_method_matches_hand_computed_values(
    edition, category, open_round, fixed_example, method, expected
):
    edition.aggregation_method = method
    edition.save()
    ranking = ranking_for(category=category, round=open_round)
    by_title = {row.project.title: row for row in ranking.rows}
    for name, value in expected.items():
        assert by_title[name].scores[method] == pytest.approx(value, abs=1e-4)
        assert by_title[name].official_score == pytest.approx(value, abs=1e-4)
    assert [row.project.title for row in ranking.rows] == ["A", "B", "C"]
    assert [row.rank for row in ranking.rows] == [1, 2, 3]
    assert ranking.method == method
    assert ranking.methods[0] == method and sorted(ranking.methods) == sorted([MEAN, MEDIAN, TRIMMED, STANDARDISED])


def test_ranking_spread_counts_and_criterion_means(category, open_round, criterion, fixed_example):
    ranking = ranking_for(category=category, round=open_round)
    a = ranking.rows[0]
    assert a.project.title == "A"
    assert sorted(a.juror_totals) == [50.0, 80.0, 90.0, 100.0]
    assert a.spread_min == 50.0 and a.spread_max == 100.0
    # population sd of 80, 90, 50, 100 around 80: sqrt((0 + 100 + 900 + 400) / 4) = 18.708
    assert a.spread_sd == pytest.approx(18.70829, abs=1e-4)
    assert a.criterion_means == {criterion.pk: pytest.approx(8.0)}
    assert (a.reviews_done, a.reviews_assigned) == (4, 4)
    assert a.flags == ["high_disagreement"]  # 18.7 > the default threshold of 15
    assert ranking.agreement_method == "ICC(1,k)"


def test_icc_1k_against_hand_computed_value():
    # Groups [80, 70], [50, 60], [30, 40]: grand mean 55; group means 75, 55, 35.
    # SSB = 2 × (400 + 0 + 400) = 1600, MSB = 1600 / 2 = 800; SSW = 6 × 25 = 150, MSW = 150 / 3 = 50.
    # ICC(1,k) = (800 − 50) / 800 = 0.9375
    assert icc_1k([[80, 70], [50, 60], [30, 40]]) == pytest.approx(0.9375)
    assert icc_1k([[80, 70]]) is None
    assert icc_1k([[50, 50], [50, 50]]) is None


def test_standardised_puts_harsh_and_lenient_jurors_on_the_same_scale(edition, category, criterion, open_round):
    edition.aggregation_method = STANDARDISED
    edition.save()
    items = projects(edition, category, ["H1", "H2", "H3", "L1", "L2", "L3"])
    harsh, lenient = jurors(2)
    # The same ordering, 40 points apart: the harsh juror gives 30/40/50, the lenient 70/80/90.
    for index, value in enumerate([3, 4, 5], start=1):
        review(open_round, items[f"H{index}"], harsh, {criterion: value})
        review(open_round, items[f"L{index}"], lenient, {criterion: value + 4})
    ranking = ranking_for(category=category, round=open_round)
    score = {row.project.title: row.scores for row in ranking.rows}
    for index in (1, 2, 3):
        assert score[f"H{index}"][STANDARDISED] == pytest.approx(score[f"L{index}"][STANDARDISED])
        assert score[f"L{index}"][MEAN] - score[f"H{index}"][MEAN] == pytest.approx(40.0)
    # Round mean 60, sd sqrt((900+400+100+100+400+900)/6) = 21.602; z = ±1.2247 -> 60 ± 26.458
    assert score["H3"][STANDARDISED] == pytest.approx(86.4575, abs=1e-3)
    assert score["H1"][STANDARDISED] == pytest.approx(33.5425, abs=1e-3)


def test_tie_broken_by_median_first(edition, category, criterion, open_round):
    edition.aggregation_method = MEAN
    edition.save()
    items = projects(edition, category, ["Spread", "Steady"])
    panel = jurors(3)
    # Both means are 70; medians 60 and 70.
    for juror, a, b in zip(panel, [6, 6, 9], [7, 7, 7], strict=True):
        review(open_round, items["Spread"], juror, {criterion: a})
        review(open_round, items["Steady"], juror, {criterion: b})
    rows = ranking_for(category=category, round=open_round).rows
    assert [(r.project.title, r.rank, r.tie, r.tie_break) for r in rows] == [
        ("Steady", 1, False, "median"),
        ("Spread", 2, False, "median"),
    ]


def test_tie_broken_by_highest_weighted_criterion_then_shared(edition, category, open_round):
    edition.aggregation_method = MEAN
    edition.save()
    top = CriterionFactory(edition=edition, name="Impact", weight=Decimal("3"), position=1)
    low = CriterionFactory(edition=edition, name="Partnership", weight=Decimal("1"), position=0)
    items = projects(edition, category, ["Impactful", "Partnered", "Twin1", "Twin2"])
    juror = UserFactory()
    # (3×8 + 4) / 40 = 70 and (3×6 + 10) / 40 = 70: equal mean and median, Impact 8 beats 6.
    review(open_round, items["Impactful"], juror, {top: 8, low: 4})
    review(open_round, items["Partnered"], juror, {top: 6, low: 10})
    # Fully equal: they share the rank and the organiser decides.
    review(open_round, items["Twin1"], juror, {top: 5, low: 5})
    review(open_round, items["Twin2"], juror, {top: 5, low: 5})
    rows = ranking_for(category=category, round=open_round).rows
    assert [(r.project.title, r.rank, r.tie) for r in rows] == [
        ("Impactful", 1, False),
        ("Partnered", 2, False),
        ("Twin1", 3, True),
        ("Twin2", 3, True),
    ]
    assert rows[0].tie_break == "criterion"
    assert "tie" in rows[2].flags and "tie" in rows[3].flags


def test_tie_rule_organiser_decides_shares_rank(edition, category, criterion, open_round):
    edition.aggregation_method = MEAN
    edition.tie_break_rule = TieBreakRule.ORGANISER_DECIDES
    edition.save()
    items = projects(edition, category, ["Spread", "Steady"])
    for juror, a, b in zip(jurors(3), [6, 6, 9], [7, 7, 7], strict=True):
        review(open_round, items["Spread"], juror, {criterion: a})
        review(open_round, items["Steady"], juror, {criterion: b})
    rows = ranking_for(category=category, round=open_round).rows
    assert [(r.rank, r.tie) for r in rows] == [(1, True), (1, True)]
    # Listed by reference, never by database order; the reference decides nothing.
    assert [r.project.reference for r in rows] == ["R-Spread", "R-Steady"]


def test_missing_review_is_flagged_and_not_ranked(edition, category, criterion, open_round):
    items = projects(edition, category, ["Complete", "Incomplete"])
    first, second = jurors(2)
    review(open_round, items["Complete"], first, {criterion: 5})
    review(open_round, items["Complete"], second, {criterion: 5})
    review(open_round, items["Incomplete"], first, {criterion: 10})
    review(open_round, items["Incomplete"], second, {criterion: 2}, done=False)
    rows = ranking_for(category=category, round=open_round, bootstrap=True).rows
    assert [(r.project.title, r.rank) for r in rows] == [("Complete", 1), ("Incomplete", None)]
    incomplete = rows[1]
    assert incomplete.flags == ["missing_reviews"]
    assert (incomplete.reviews_done, incomplete.reviews_assigned) == (1, 2)
    assert incomplete.official_score == pytest.approx(100.0)  # provisional, shown but not ranked
    assert incomplete.finalist_probability is None
    assert incomplete.ranks == dict.fromkeys([MEAN, MEDIAN, TRIMMED, STANDARDISED])


def test_recused_review_is_not_missing(edition, category, criterion, open_round):
    project = projects(edition, category, ["P"])["P"]
    first, second = jurors(2)
    review(open_round, project, first, {criterion: 5})
    AssignmentFactory(round=open_round, project=project, juror=second, status=AssignmentStatus.RECUSED)
    [row] = ranking_for(category=category, round=open_round).rows
    assert (row.rank, row.reviews_done, row.reviews_assigned, row.flags) == (1, 1, 1, [])


def test_method_sensitive_flag(edition, category, criterion, open_round):
    edition.aggregation_method = MEAN
    edition.save()
    items = projects(edition, category, ["Outlier", "Consistent"])
    # Outlier: 100, 40, 40 -> mean 60, median 40. Consistent: 55, 55, 55.
    for juror, a, b in zip(jurors(3), [10, 4, 4], [5.5, 5.5, 5.5], strict=True):
        review(open_round, items["Outlier"], juror, {criterion: a})
        review(open_round, items["Consistent"], juror, {criterion: b})
    rows = ranking_for(category=category, round=open_round).rows  # one finalist in this category
    outlier = rows[0]
    assert (outlier.project.title, outlier.rank, outlier.ranks[MEDIAN]) == ("Outlier", 1, 2)
    assert "method_sensitive" in outlier.flags
    assert "method_sensitive" in rows[1].flags


def test_bootstrap_is_reproducible_and_certain_at_the_extremes(edition, category, criterion, open_round):
    category.finalists_count = 3
    category.save()
    names = ["Ahead", "Behind", *[f"Mid{i}" for i in range(6)]]
    items = projects(edition, category, names)
    panel = jurors(3)
    middling = [[4, 6, 5], [6, 4, 5], [5, 5, 6], [3, 7, 5], [6, 6, 4], [5, 4, 6]]
    for juror_index, juror in enumerate(panel):
        review(open_round, items["Ahead"], juror, {criterion: 10 - juror_index % 2})
        review(open_round, items["Behind"], juror, {criterion: juror_index % 2})
        for i, values in enumerate(middling):
            review(open_round, items[f"Mid{i}"], juror, {criterion: values[juror_index]})
    first = ranking_for(category=category, round=open_round, bootstrap=True, seed=7)
    again = ranking_for(category=category, round=open_round, bootstrap=True, seed=7)
    probabilities = {row.project.title: row.finalist_probability for row in first.rows}
    assert probabilities == {row.project.title: row.finalist_probability for row in again.rows}
    assert first.bootstrap_samples == 1000
    assert probabilities["Ahead"] == 1.0
    assert probabilities["Behind"] == 0.0
    assert all(0.0 < probabilities[f"Mid{i}"] < 1.0 for i in (0, 1, 2))


def test_bootstrap_top_n_vectorised_handles_mixed_panel_sizes():
    values = [[90.0, 95.0], [10.0, 20.0, 15.0, 12.0], [50.0, 60.0, 55.0]]
    result = bootstrap_top_n([np.asarray(v) for v in values], method=TRIMMED, top_n=1, samples=1000, seed=1)
    assert list(result) == [1.0, 0.0, 0.0]


def test_juror_table_flags_lenient_and_harsh(edition, category, criterion, open_round):
    items = projects(edition, category, ["P1", "P2"])
    harsh, fair, lenient = jurors(3)
    for project in items.values():
        review(open_round, project, harsh, {criterion: 3})
        review(open_round, project, fair, {criterion: 5})
        review(open_round, project, lenient, {criterion: 8})
    rows = juror_table(round=open_round, category=category)
    # Panel mean (30 + 50 + 80) / 3 = 53.33; the threshold is 10 points.
    assert [(r.juror, r.reviews, round(r.mean, 2), round(r.difference_from_panel, 2)) for r in rows] == [
        (lenient, 2, 80.0, 26.67),
        (fair, 2, 50.0, -3.33),
        (harsh, 2, 30.0, -23.33),
    ]
    assert [(r.flag_lenient, r.flag_harsh) for r in rows] == [(True, False), (False, False), (False, True)]
    assert rows[0].sd == 0.0
