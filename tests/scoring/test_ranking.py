"""The ranking statistics against hand-computed values on small fixed examples."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from award.enums import AggregationMethod, Role, RoundKind, TieBreakRule
from award.models import Criterion, EditionRole
from scoring.calibration.agreement import krippendorff_alpha_interval
from scoring.enums import AssignmentStatus, ResultKind
from scoring.jury.assignments import conflict_set
from scoring.models import Result, Score
from scoring.ranking import analysis as analysis_module
from scoring.ranking.engine import PAYLOAD_MEMORY, juror_diagnostics, juror_table, official_method, ranking_for
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    CriterionFactory,
    ProjectFactory,
    RoundFactory,
    ScoreFactory,
    UserFactory,
)
from tests.scoring.reference import repeated_statements

pytestmark = pytest.mark.django_db

CALIBRATED, MEAN, MEDIAN, TRIMMED = (
    AggregationMethod.CALIBRATED,
    AggregationMethod.MEAN,
    AggregationMethod.MEDIAN,
    AggregationMethod.TRIMMED_MEAN,
)
ALL_METHODS = [CALIBRATED, MEAN, MEDIAN, TRIMMED]


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
def count_fits(monkeypatch):
    calls = []
    real = analysis_module.fit

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis_module, "fit", counting)
    return calls


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
# calibrated: every juror scored every project, so each project's jurors are the same four and
#   their leniencies (shrunk, summing to zero over the component) cancel out of every project
#   alike: the calibrated score is the mean, A 80, B 70, C 35. (It differs from the mean only
#   when jurors saw different projects: test_calibrated_corrects_lenient_and_harsh_jurors.)
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


def test_juror_total_normalises_each_criterion_before_weighting(edition, category, open_round):
    heavy = CriterionFactory(edition=edition, weight=Decimal("2"), min_value=Decimal("0"), max_value=Decimal("10"))
    light = CriterionFactory(
        edition=edition, weight=Decimal("1"), min_value=Decimal("1"), max_value=Decimal("5"), position=1
    )
    project = projects(edition, category, "A")["A"]
    review(open_round, project, UserFactory(), {heavy: 8, light: 1})
    # (2 × (8 − 0)/10 + 1 × (1 − 1)/4) / (2 + 1) × 100 = 1.6 / 3 × 100 = 53.333
    ranking = ranking_for(category=category, round=open_round)
    [(project_id, _category_id, _juror_id, total)] = ranking.round_totals
    assert project_id == project.pk
    assert total == pytest.approx(53.33333, abs=1e-4)
    assert ranking.rows[0].juror_totals == [pytest.approx(53.33333, abs=1e-4)]
    # Per criterion the mean reads on the criterion's own scale.
    assert ranking.rows[0].criterion_means == {heavy.pk: pytest.approx(8.0), light.pk: pytest.approx(1.0)}


@pytest.mark.parametrize(
    "method, expected",
    [
        (CALIBRATED, {"A": 80.0, "B": 70.0, "C": 35.0}),
        (MEAN, {"A": 80.0, "B": 70.0, "C": 35.0}),
        (MEDIAN, {"A": 85.0, "B": 65.0, "C": 35.0}),
        (TRIMMED, {"A": 85.0, "B": 65.0, "C": 35.0}),
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
    assert ranking.methods[0] == method and sorted(ranking.methods) == sorted(ALL_METHODS)


def test_stored_standardised_method_is_read_as_calibrated(edition, category, open_round, fixed_example):
    # A value from before the migration, written behind the model's choices.
    type(edition).objects.filter(pk=edition.pk).update(aggregation_method="standardised")
    edition.refresh_from_db()
    ranking = ranking_for(category=category, round=open_round)
    assert ranking.method == CALIBRATED == official_method("standardised")
    assert [row.official_score for row in ranking.rows] == [
        pytest.approx(80.0, abs=1e-4),
        pytest.approx(70.0, abs=1e-4),
        pytest.approx(35.0, abs=1e-4),
    ]


def test_new_editions_rank_by_the_calibrated_score(edition):
    assert type(edition)().aggregation_method == CALIBRATED
    assert "standardised" not in dict(AggregationMethod.choices)


def test_ranking_spread_counts_criterion_means_and_agreement(category, open_round, criterion, fixed_example):
    ranking = ranking_for(category=category, round=open_round)
    a = ranking.rows[0]
    assert a.project.title == "A"
    # In juror order (the jurors were created in order J1..J4).
    assert a.juror_totals == [80.0, 90.0, 50.0, 100.0]
    assert a.spread_min == 50.0 and a.spread_max == 100.0
    # population sd of 80, 90, 50, 100 around 80: sqrt((0 + 100 + 900 + 400) / 4) = 18.708
    assert a.spread_sd == pytest.approx(18.70829, abs=1e-4)
    assert a.criterion_means == {criterion.pk: pytest.approx(8.0)}
    assert (a.reviews_done, a.reviews_assigned) == (4, 4)
    # No "high disagreement" by a standard deviation any more; with one finalist and four jurors
    # who differ this much (B is 10 points behind), A's place is contested.
    assert a.flags == ["contested"] and 0.1 < a.p_top < 0.9
    # Why here: each review adjusted for its juror's leniency, c + (y − c − b) / s with s = 1.
    leniency = {line.juror_id: line.leniency for line in a.reviews}
    for line in a.reviews:
        assert line.scale == 1.0 and line.outlier is False
        assert line.adjusted_total == pytest.approx(line.total - leniency[line.juror_id], abs=1e-9)
    # The leniencies are the jurors' deviations from the panel, shrunk towards 0, summing to 0:
    # juror means 60, 70, 46.667, 70 around 61.667 -> -1.667, 8.333, -15, 8.333, all times the
    # same factor 3 / (3 + λ) in a complete design.
    deviations = [-5 / 3, 25 / 3, -15.0, 25 / 3]
    factor = a.reviews[0].leniency / deviations[0]
    assert 0 < factor < 1
    assert [line.leniency for line in a.reviews] == [pytest.approx(d * factor, abs=1e-6) for d in deviations]
    # Agreement: Krippendorff's alpha of the adjusted totals, per category, with its verdict.
    adjusted = [line.adjusted_total for row in ranking.rows for line in row.reviews]
    units = [row.project.pk for row in ranking.rows for _line in row.reviews]
    assert ranking.agreement == pytest.approx(krippendorff_alpha_interval(adjusted, units), abs=1e-9)
    assert ranking.agreement_method == "Krippendorff's alpha (interval)"
    assert ranking.agreement_verdict in {"poor", "fair", "good", "very_good"}
    assert ranking.connected is True
    assert ranking.category_analysis["projects"] == [row.project.pk for row in ranking.rows]


def test_calibrated_corrects_lenient_and_harsh_jurors(edition, category, criterion, open_round):
    # Jurors J1 (+20 points), J2 (neutral) and J3 (-20) each saw two of three projects, and the
    # totals fit that exactly (true quality 60, 70, 40):
    #            J1   J2   J3    mean   calibrated
    #   P1       80   60          70        60
    #   P2            70   50     60        70
    #   P3       60        20     40        40
    # With no error left the leniencies are +20, 0, -20 (balanced around 0) and the calibrated
    # scores the true quality, up to the tiny shrinkage REML leaves (< 0.001 points here).
    items = projects(edition, category, ["P1", "P2", "P3"])
    j1, j2, j3 = jurors(3)
    for project, juror, value in [
        ("P1", j1, 8), ("P1", j2, 6), ("P2", j2, 7), ("P2", j3, 5), ("P3", j1, 6), ("P3", j3, 2),
    ]:  # fmt: skip
        review(open_round, items[project], juror, {criterion: value})
    ranking = ranking_for(category=category, round=open_round)
    rows = {row.project.title: row for row in ranking.rows}
    assert [row.project.title for row in ranking.rows] == ["P2", "P1", "P3"]
    assert [rows[n].scores[CALIBRATED] for n in ("P1", "P2", "P3")] == [
        pytest.approx(60.0, abs=1e-2),
        pytest.approx(70.0, abs=1e-2),
        pytest.approx(40.0, abs=1e-2),
    ]
    assert [rows[n].scores[MEAN] for n in ("P1", "P2", "P3")] == [70.0, 60.0, 40.0]
    assert (rows["P1"].ranks[MEAN], rows["P2"].ranks[MEAN]) == (1, 2)
    # One finalist: the mean would choose P1, so both places depend on the method.
    assert "method_sensitive" in rows["P1"].flags and "method_sensitive" in rows["P2"].flags
    # Why P1 is second: J1's 80 counts as 60 once J1's +20 is taken off, J2's 60 stays 60.
    assert [(line.juror_id, line.total) for line in rows["P1"].reviews] == [(j1.pk, 80.0), (j2.pk, 60.0)]
    assert [line.leniency for line in rows["P1"].reviews] == [pytest.approx(20.0, abs=1e-2), pytest.approx(0, abs=1e-2)]
    assert [line.adjusted_total for line in rows["P1"].reviews] == [
        pytest.approx(60.0, abs=1e-2),
        pytest.approx(60.0, abs=1e-2),
    ]
    assert rows["P1"].score_se > 0 and rows["P1"].component == rows["P3"].component


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
    assert incomplete.finalist_probability is None and incomplete.rank_low is None
    assert incomplete.ranks == dict.fromkeys(ALL_METHODS)


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


def test_probabilities_are_reproducible_and_certain_at_the_extremes(edition, category, criterion, open_round):
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
    first = ranking_for(category=category, round=open_round, seed=7)
    again = ranking_for(category=category, round=open_round, seed=7)
    probabilities = {row.project.title: row.finalist_probability for row in first.rows}
    assert probabilities == {row.project.title: row.p_top for row in again.rows}
    assert first.n_draws == 1000 and first.seed == 7
    assert probabilities["Ahead"] > 0.99
    assert probabilities["Behind"] < 0.01
    # Three finalists among eight: the probabilities add up to 3 in every draw.
    assert sum(probabilities.values()) == pytest.approx(3.0)
    mid = [f"Mid{i}" for i in range(6)]
    assert all(0.0 < probabilities[name] < 1.0 for name in mid)
    rows = {row.project.title: row for row in first.rows}
    assert rows["Ahead"].rank_low == 1 and rows["Behind"].rank_high == 8
    for row in first.rows:
        assert row.rank_low <= row.expected_rank <= row.rank_high
        assert row.in_band == (0.1 < row.p_top < 0.9)
        assert ("contested" in row.flags) == row.in_band
    assert {row.project.pk for row in first.rows if row.in_band} == set(first.category_analysis["band"])
    # Another seed: other draws, the same calibrated scores.
    other = ranking_for(category=category, round=open_round, seed=8)
    assert [row.official_score for row in other.rows] == [row.official_score for row in first.rows]


def test_outlier_review_and_disagreement_flags(edition, category, criterion, open_round):
    category.finalists_count = 4
    category.save()
    # Five jurors score ten projects 1..10 with small disagreements; juror 5 gives P06 a 10
    # where the others give it a 5 or 6.
    items = projects(edition, category, [f"P{i:02d}" for i in range(1, 11)])
    panel = jurors(5)
    wobble = [0, 1, 0, -1, 0]
    for i in range(1, 11):
        for j, juror in enumerate(panel):
            value = min(10, max(0, i + wobble[(i + j) % 5]))
            if i == 6 and j == 4:
                value = 10
            review(open_round, items[f"P{i:02d}"], juror, {criterion: value})
    ranking = ranking_for(category=category, round=open_round)
    rows = {row.project.title: row for row in ranking.rows}
    assert [line.outlier for line in rows["P06"].reviews] == [False, False, False, False, True]
    assert "outlier_review" in rows["P06"].flags
    assert [row.project.title for row in ranking.rows if "outlier_review" in row.flags] == ["P06"]
    assert [entry["project_id"] for entry in ranking.analysis.outliers] == [items["P06"].pk]
    for row in ranking.rows:
        assert ("disagreement" in row.flags) == (
            row.in_band and ranking.analysis.projects[row.project.pk]["disagreement"]
        )


def test_juror_table_without_a_ranking_is_descriptive(edition, category, criterion, open_round):
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


@pytest.fixture
def planted_lenient(edition, category, criterion, open_round):
    """Six jurors score twelve projects; juror 1 gives 3 points (30 on 0–100) more than the others
    and juror 6 three points less, so the four others are neutral."""
    items = projects(edition, category, [f"Q{i:02d}" for i in range(12)])
    panel = jurors(6)
    wobble = [0, 1, -1, 0, 1, -1, 0]
    for i in range(12):
        for j, juror in enumerate(panel):
            planted = {0: 3, 5: -3}.get(j, 0)
            value = 4 + i % 3 + wobble[(i + 2 * j) % 7] * (1 if i % 2 else 0) + planted
            review(open_round, items[f"Q{i:02d}"], juror, {criterion: value})
    return panel


def test_juror_diagnostics_flag_the_planted_lenient_and_harsh_jurors(
    category, open_round, planted_lenient, django_assert_num_queries
):
    ranking = ranking_for(category=category, round=open_round)
    with django_assert_num_queries(1):  # the users; everything else is in the ranking
        rows = juror_diagnostics(ranking)
    assert (rows[0].juror, rows[1].juror) == (planted_lenient[0], planted_lenient[5])
    assert [row.leniency_flag for row in rows] == ["lenient", "harsh", "", "", "", ""]
    assert rows[0].leniency > 20 and rows[0].leniency_test.adjusted_low > 0
    assert rows[1].leniency < -20 and rows[1].leniency_test.adjusted_high < 0
    assert all(row.reviews == 12 and row.reviews_in_category == 12 for row in rows)
    assert all(row.favouritism is None for row in rows)  # nobody reviewed their own country
    # The descriptive table given the ranking takes its flags from the same test, and reads no
    # user again.
    with django_assert_num_queries(0):
        table = juror_table(ranking=ranking)
    flags = {r.juror: (r.flag_lenient, r.flag_harsh) for r in table}
    assert flags[planted_lenient[0]] == (True, False) and flags[planted_lenient[5]] == (False, True)
    assert sum(r.flag_lenient or r.flag_harsh for r in table) == 2


@pytest.mark.parametrize("n_projects", [1, 8])
def test_ranking_for_reads_the_round_once_in_a_fixed_number_of_queries(
    edition, category, criterion, open_round, n_projects, django_assert_num_queries, count_fits
):
    items = projects(edition, category, [f"P{i}" for i in range(n_projects)])
    panel = jurors(3)
    for i, project in enumerate(items.values()):
        for j, juror in enumerate(panel):
            review(open_round, project, juror, {criterion: (i + 2 * j) % 11})
    ranking_for(category=category, round=open_round)  # fits and stores the round's analysis
    assert len(count_fits) == 1
    # The round's fingerprint (one aggregate), the rubric, the projects, the results, the
    # removals: no score row is read; the stored analysis and rows come from the process's
    # memory of them, or from one query in a fresh process.
    with django_assert_num_queries(5) as captured:
        ranking = ranking_for(category=category, round=open_round)
    assert len(ranking.rows) == n_projects
    PAYLOAD_MEMORY.clear()
    with django_assert_num_queries(6):
        ranking = ranking_for(category=category, round=open_round)
    assert len(ranking.rows) == n_projects
    assert len(count_fits) == 1  # a read never refits
    assert repeated_statements(captured.captured_queries) == []
    # A changed score is a new state of the round: refitted once, then read again.
    Score.objects.filter(assignment__project=ranking.rows[0].project).update(value=Decimal("10"))
    ranking_for(category=category, round=open_round)
    ranking_for(category=category, round=open_round)
    assert len(count_fits) == 2


def test_stored_rows_follow_the_round_and_the_live_fields_are_read_live(
    edition, category, criterion, open_round, organiser, count_fits
):
    """The category's stored rows are keyed on the round's fingerprint: a rubric change, a
    recusal, a withdrawal or a change of method gives new rows; the projects' texts, the results
    and the order of a shared place by reference are read on every view."""
    second = CriterionFactory(edition=edition, name="Impact", weight=Decimal("1"), max_value=Decimal("10"))
    items = projects(edition, category, ["A", "B", "C"])
    panel = jurors(3)
    values = {"A": (9, 1), "B": (5, 5), "C": (1, 8)}  # on the first criterion A leads, on the second C
    for name, project in items.items():
        for juror in panel:
            review(open_round, project, juror, {criterion: values[name][0], second: values[name][1]})

    def order(**kwargs):
        return [row.project.title for row in ranking_for(category=category, round=open_round, **kwargs).rows]

    assert order() == ["A", "B", "C"] == order(light=True)
    assert len(count_fits) == 1
    Criterion.objects.filter(pk=criterion.pk).update(weight=Decimal("0.1"))  # the weights
    assert order(light=True) == ["C", "B", "A"]
    assert len(count_fits) == 2
    # Live: a title, a finalist decision; neither is a new state of the round (no refit).
    ProjectFactory._meta.model.objects.filter(pk=items["B"].pk).update(title="B renamed")
    Result.objects.create(edition=edition, category=category, round=open_round, project=items["A"],
                          kind=ResultKind.FINALIST)  # fmt: skip
    ranking = ranking_for(category=category, round=open_round, light=True)
    assert [(row.project.title, row.result) for row in ranking.rows] == [
        ("C", None), ("B renamed", None), ("A", ResultKind.FINALIST)
    ]  # fmt: skip
    assert len(count_fits) == 2
    # A conflict recuses a review: the project's reviews go from 3 to 2.
    EditionRole.objects.create(edition=edition, user=panel[0], role=Role.JUROR)
    conflict_set(actor=organiser, juror=panel[0], project=items["C"], reason="A cousin")
    c_row = ranking_for(category=category, round=open_round).rows[0]
    assert (c_row.project.title, c_row.reviews_done, c_row.reviews_assigned) == ("C", 2, 2)
    # A withdrawal.
    ProjectFactory._meta.model.objects.filter(pk=items["C"].pk).update(status="withdrawn")
    assert order(light=True) == ["B renamed", "A"]
    # Another official method: other rows (the analysis is reused).
    fits = len(count_fits)
    edition.aggregation_method = AggregationMethod.MEAN
    edition.save()
    assert ranking_for(category=category, round=open_round).method == AggregationMethod.MEAN
    assert len(count_fits) == fits


def test_final_round_gives_the_probability_of_winning(edition, category, criterion):
    final = RoundFactory(edition=edition, number=2, kind=RoundKind.FINAL)
    category.finalists_count = 3
    category.save()
    items = projects(edition, category, ["F1", "F2", "F3"])
    # Close finalists (means 65, 67.5, 70): every juror scored all three.
    values = {"F1": [6, 7, 7, 6], "F2": [7, 6, 7, 7], "F3": [7, 7, 8, 6]}
    for j, juror in enumerate(jurors(4)):
        for name, project in items.items():
            review(final, project, juror, {criterion: values[name][j]})
    ranking = ranking_for(category=category, round=final)
    # One winner, whatever the category's number of finalists: the P(winner) add up to 1.
    assert ranking.top_n == 1 == ranking.category_analysis["top_n"]
    assert [row.project.title for row in ranking.rows] == ["F3", "F2", "F1"]
    assert [row.official_score for row in ranking.rows] == [
        pytest.approx(70.0, abs=1e-6),
        pytest.approx(67.5, abs=1e-6),
        pytest.approx(65.0, abs=1e-6),
    ]
    assert sum(row.p_top for row in ranking.rows) == pytest.approx(1.0)
    assert 0.1 < ranking.rows[0].p_top < 0.9 and "contested" in ranking.rows[0].flags


def test_stored_rows_read_back_exactly_by_column():
    """The rows' payload (by column, floats packed) reads back as the very rows that were stored:
    every number to the last bit, None where there was none, the reviews' lines row by row."""
    import json

    from scoring.ranking.engine import RankRow, ReviewLine, _rows_encode, _rows_from_payload

    lines = [
        ReviewLine(7, 71.25, 2.5, 1.1, 68.97727272727272, False),
        ReviewLine(9, 0.1 + 0.2, None, None, None, True),
    ]
    ranked = RankRow(
        project=11, rank=1, tie=True, official_score=1 / 3, reviews_done=2, reviews_assigned=2,
        scores={CALIBRATED: 1 / 3, MEAN: 35.775, MEDIAN: 35.775, TRIMMED: 35.775},
        ranks={CALIBRATED: 1, MEAN: 1, MEDIAN: 2, TRIMMED: 1}, criterion_means={3: 7.5, 4: None},
        spread_sd=35.475, spread_min=0.30000000000000004, spread_max=71.25, flags=["tie", "outlier_review"],
        juror_totals=[line.total for line in lines], tie_break="median", score_se=2.0, component=0,
        p_top=0.875, expected_rank=1.2, rank_low=1, rank_high=2, in_band=True, reviews=lines,
    )  # fmt: skip
    missing = RankRow(
        project=12, reviews_assigned=3, scores=dict.fromkeys([CALIBRATED, MEAN, MEDIAN, TRIMMED]),
        ranks=dict.fromkeys([CALIBRATED, MEAN, MEDIAN, TRIMMED]), criterion_means={3: None, 4: None},
        flags=["missing_reviews"],
    )  # fmt: skip
    stored = json.loads(json.dumps(_rows_encode([ranked, missing], [3, 4])))
    assert _rows_from_payload(stored) == [ranked, missing]
    assert [type(v) for v in _rows_from_payload(stored)[0].reviews[0]] == [int, float, float, float, float, bool]
