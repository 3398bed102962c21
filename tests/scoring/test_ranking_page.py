"""The organisers' ranking page explains itself (issue 15, items 2-7 and 10-11): the summary in
words, the decision band, "why here", the glossary, the rater diagnostics, the effective weights,
pagination, the jury chair's copy and flat query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format

from award.enums import Role, RoundKind
from scoring.enums import AssignmentStatus
from scoring.ranking import explain
from scoring.ranking.cache import round_analysis_cached
from scoring.results import ranking_views
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    CriterionFactory,
    EditionRoleFactory,
    ProjectFactory,
    RoundFactory,
    ScoreFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Quality of each project (0-10) and each juror's offset: juror 0 is lenient by 2 points.
QUALITY = [9.0, 7.5, 7.4, 7.3, 5.0, 4.0, 3.0, 2.0]
OFFSETS = [2.0, 0.0, 0.0, -0.5]
NOISE = [0.9, -0.6, 0.3, -0.9, 0.6, 0.0, -0.3, 0.75, -0.45, 0.15, -0.75, 0.45, 0.2]


def _review(rnd, project, juror, criteria, values):
    assignment = AssignmentFactory(
        round=rnd, project=project, juror=juror, status=AssignmentStatus.COMPLETED, finalised_at=timezone.now()
    )
    for criterion, value in zip(criteria, values, strict=True):
        ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal(str(value)))
    return assignment


@pytest.fixture
def board(edition, open_round, applicant):
    category = CategoryFactory(edition=edition, name="Smart City", slug="smart-city", finalists_count=2)
    criteria = [
        CriterionFactory(edition=edition, name="Impact", weight=Decimal(3), min_value=0, max_value=10, position=1),
        CriterionFactory(edition=edition, name="Innovation", weight=Decimal(1), min_value=0, max_value=10, position=2),
    ]
    jurors = [UserFactory(first_name=f"Jana{i}", last_name=f"Panel{i}") for i in range(len(OFFSETS))]
    for juror in jurors:
        EditionRoleFactory(edition=edition, user=juror, role=Role.JUROR).panels.set([category])
    projects = []
    k = 0
    for index, quality in enumerate(QUALITY):
        project = ProjectFactory(
            edition=edition, category=category, status="eligible", reference=f"V4A-2026-{index + 1:04d}",
            title=f"Project {chr(65 + index)}", owner=applicant if index == 0 else UserFactory(),
        )  # fmt: skip
        for juror, offset in zip(jurors, OFFSETS, strict=True):
            value = max(0.0, min(10.0, round(quality + offset + NOISE[k % len(NOISE)], 1)))
            k += 1
            _review(open_round, project, juror, criteria, [value, value])
        projects.append(project)
    return {"category": category, "criteria": criteria, "jurors": jurors, "projects": projects}


def url(edition, rnd, category, **query):
    base = reverse("results:ranking", kwargs={"edition": edition.slug, "round": rnd.number, "category": category.slug})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _signed(value):
    return ("+" if value >= 0 else "−") + f"{abs(value):.1f}"


def test_ranking_page_summary_band_and_decision(board, edition, open_round, organiser, client_for):
    response = client_for(organiser).get(url(edition, open_round, board["category"]))
    text = response.content.decode()
    analysis = round_analysis_cached(open_round)
    p = {pk: analysis.projects[pk]["p_top"] for pk in (x.pk for x in board["projects"])}
    a, b, c, d = board["projects"][:4]
    # A is certain, B and D are contested, C is just below the band (seeded draws).
    assert p[a.pk] >= 0.9 and 0.1 < p[b.pk] < 0.9 and 0.1 < p[d.pk] < 0.9 and p[c.pk] <= 0.1
    codes = {s.code: s.text for s in response.context["sentences"]}
    assert codes["solid"] == "Solid finalist (probability of at least 90 %): Project A (V4A-2026-0001)."
    assert codes["contested"] == (
        f"Contested places: Project B (V4A-2026-0002) {round(100 * p[b.pk])} %, "
        f"Project D (V4A-2026-0004) {round(100 * p[d.pk])} % (a probability between 10 % and 90 %)."
    )
    assert codes["discuss"] == "Discuss first: Project B (V4A-2026-0002), Project D (V4A-2026-0004)."
    wrong = (1 - p[a.pk]) + (1 - p[b.pk])
    assert codes["expected_wrong"] == (
        f"Expected number of wrong finalists if the top 2 are selected: {number_format(wrong, 1)}."
    )
    alpha = analysis.categories[board["category"].pk]["alpha"]
    assert codes["agreement"] == (
        f"Agreement of the jurors (Krippendorff's alpha {number_format(alpha, 2)}): very good: the jurors read "
        "the projects alike."
    )
    assert codes["connectivity"].startswith("The judging plan is connected")
    assert codes["second_look"].startswith(
        "Reviews that deserve a second look (see the rater diagnostics): Jana0 Panel0 (more lenient than the panel)"
    )
    assert "fitted together" in codes["together"] and "sealed together" in codes["together"]
    assert 'data-code="contested"' in text and "Project B (V4A-2026-0002)" in text
    # The decision band as its own list, linking to the rows on their page.
    band = [(item["name"], item["page"]) for item in response.context["band"]]
    assert band == [("Project B (V4A-2026-0002)", 1), ("Project D (V4A-2026-0004)", 1)]
    assert f'href="?page=1#p-{b.pk}"' in text
    # The decision column: the model's top 2 before any decision; the contested flag in words.
    rows = {item["row"].reference: item for item in response.context["rows"]}
    assert [ref for ref, item in rows.items() if item["selected"]] == ["V4A-2026-0001", "V4A-2026-0002"]
    assert text.count("in the top 2") == 2
    assert text.count('<span class="badge flag-contested">contested place</span>') == 2
    assert "Effective weights:</strong> Impact 75.0&nbsp;%, Innovation 25.0&nbsp;%" in text


def test_ranking_page_why_here_shows_each_review_and_its_adjustment(board, edition, open_round, organiser, client_for):
    response = client_for(organiser).get(url(edition, open_round, board["category"]))
    text = response.content.decode()
    analysis = round_analysis_cached(open_round)
    a = board["projects"][0]
    lenient = board["jurors"][0]
    juror = analysis.jurors[lenient.pk]
    centre = analysis.model["centre"]
    # Project A by the lenient juror: 9 + 2 + 0.9 capped at 10 on both criteria: a total of 100.
    adjusted = centre + (100.0 - centre - juror["leniency"]) / juror["scale"]
    line = f"Jana0 Panel0: total 100.0, leniency adjustment {_signed(adjusted - 100.0)}, adjusted total {adjusted:.1f}"
    assert line in text
    assert adjusted < 100.0 - 10  # the lenient juror's total is brought down
    figures = analysis.projects[a.pk]
    assert (
        f"Calibrated score {figures['score']:.1f} ± {figures['score_se']:.1f}; "
        f"expected rank {figures['expected_rank']:.1f}"
    ) in text
    assert text.count('data-testid="why-here"') == len(board["projects"])


def test_ranking_page_rater_diagnostics_and_glossary(board, edition, open_round, organiser, client_for):
    text = client_for(organiser).get(url(edition, open_round, board["category"])).content.decode()
    table = text[text.index('data-testid="juror-table"') :]
    first = table[table.index("Jana0 Panel0") : table.index("Jana1 Panel1")]
    assert "flagged: more lenient than the panel" in first
    assert "not tested (no own-country review)" in first
    for term in (
        "Calibrated score", "Mean, median, trimmed mean", "Finalist probability", "Expected rank",
        "Rank interval (80 %)", "Decision band", "Expected wrong finalists", "Krippendorff's alpha",
        "Leniency", "Scale", "Own-country favouritism", "Straight-lining", "Halo", "Time per review",
        "Outlier review",
    ):  # fmt: skip
        assert f"<dt>{term}</dt>" in text, term
    assert 'aria-describedby="g-leniency"' in text and 'id="g-leniency"' in text


def test_jury_chair_copy_hides_names_and_diagnostics(board, edition, open_round, client_for):
    chair = UserFactory(first_name="Chair", last_name="Person")
    EditionRoleFactory(edition=edition, user=chair, role=Role.JUROR, is_chair=True).panels.set([board["category"]])
    response = client_for(chair).get(url(edition, open_round, board["category"]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Panel0" not in text and "Jana" not in text
    assert "Juror 1: total" in text
    assert 'data-testid="juror-table"' not in text
    assert "second_look" not in {s.code for s in response.context["sentences"]}
    # The reviews of a project are listed by total, not by juror.
    item = response.context["rows"][0]
    totals = [review["total"] for review in item["reviews"]]
    assert totals == sorted(totals)


def test_ranking_page_paginates_and_keeps_the_other_parameters(
    board, edition, open_round, organiser, client_for, monkeypatch
):
    monkeypatch.setattr(ranking_views, "ROWS_PER_PAGE", 3)
    client = client_for(organiser)
    response = client.get(url(edition, open_round, board["category"], page=2, bootstrap=0))
    text = response.content.decode()
    assert [item["row"].rank for item in response.context["rows"]] == [4, 5, 6]
    assert "Page 2 of 3 (projects 4–6 of 8)" in text
    assert 'href="?page=3&amp;bootstrap=0"' in text and 'href="?page=1&amp;bootstrap=0"' in text
    # The summary and the band still cover the whole category.
    assert [item["page"] for item in response.context["band"]] == [1, 1]
    assert "Solid finalist" in text
    # A page that does not exist shows the last; a word shows the first.
    assert client.get(url(edition, open_round, board["category"], page=99)).context["page_obj"].number == 3
    assert client.get(url(edition, open_round, board["category"], page="x")).context["page_obj"].number == 1


@pytest.mark.parametrize("projects", [1, 9])
def test_ranking_page_queries_flat_and_never_twice(
    edition, open_round, organiser, client_for, django_assert_num_queries, monkeypatch, projects
):
    monkeypatch.setattr(ranking_views, "ROWS_PER_PAGE", 4)
    category = CategoryFactory(edition=edition, slug="c", finalists_count=2)
    criterion = CriterionFactory(edition=edition)
    jurors = [UserFactory() for _ in range(3)]
    for index in range(projects):
        project = ProjectFactory(edition=edition, category=category, status="eligible", reference=f"R-{index:02d}")
        for n, juror in enumerate(jurors):
            _review(open_round, project, juror, [criterion], [3 + (index * 7 + n * 3) % 7])
    client = client_for(organiser)
    client.get(url(edition, open_round, category))  # warm the session and the analysis
    # The round's fingerprint replaces its inputs (no score row is read); the stored analysis and
    # rows come from the process's memory of them (one more query in a fresh process).
    with django_assert_num_queries(13) as captured:
        response = client.get(url(edition, open_round, category))
    assert response.content.decode().count('data-testid="rank-row"') == min(projects, 4)
    statements = [query["sql"] for query in captured.captured_queries]
    assert [sql for sql in statements if statements.count(sql) > 1] == []


def test_final_round_page_speaks_of_the_winner(board, edition, organiser, client_for):
    final = RoundFactory(edition=edition, number=2, kind=RoundKind.FINAL, name="Final")
    for project, quality in zip(board["projects"][:3], [9.0, 6.0, 3.0], strict=True):
        for n, juror in enumerate(board["jurors"]):
            value = quality + OFFSETS[n] + NOISE[n]
            _review(final, project, juror, board["criteria"], [round(max(0, min(10, value)), 1)] * 2)
    response = client_for(organiser).get(url(edition, final, board["category"]))
    text = response.content.decode()
    codes = {s.code: s for s in response.context["sentences"]}
    assert codes["solid"].text.startswith("Project A (V4A-2026-0001) is the winner with confidence (probability ")
    assert "Probability of winning" in text and 'data-testid="select-winner"' in text
    assert text.count("in the top 1") == 1


def test_disconnected_plan_is_named_by_its_panels(edition, open_round, organiser, client_for):
    category = CategoryFactory(edition=edition, slug="split", finalists_count=2)
    criterion = CriterionFactory(edition=edition)
    jurors = [UserFactory(first_name=name, last_name="Juror") for name in ("Anna", "Boris", "Cyril", "Dana")]
    for index in range(8):
        project = ProjectFactory(edition=edition, category=category, status="eligible", reference=f"S-{index}")
        # Anna and Boris score the first four projects, Cyril and Dana the others: no common project.
        for n, juror in enumerate(jurors[:2] if index < 4 else jurors[2:]):
            _review(open_round, project, juror, [criterion], [2 + (index * 3 + n * 2) % 8])
    response = client_for(organiser).get(url(edition, open_round, category))
    codes = {s.code: s.text for s in response.context["sentences"]}
    assert codes["connectivity"] == (
        "The judging plan is not connected: the jurors of different panels never scored a common project "
        "(panel 1: Anna Juror, Boris Juror; panel 2: Cyril Juror, Dana Juror); leniency is compared only within "
        "each panel."
    )


# --- The summary's sentences from plain data (explain.py) ------------------------------------------


def _category(**overrides):
    data = {
        "top_n": 2, "projects": [1, 2, 3, 4], "selected": [1, 2], "band": [2, 3], "expected_wrong": 0.5,
        "alpha": 0.2, "agreement": "poor", "components": [0], "sensitivity": None,
    }  # fmt: skip
    data.update(overrides)
    return data


PROJECTS = {
    1: {"p_top": 0.97, "disagreement": False},
    2: {"p_top": 0.6, "disagreement": False},
    3: {"p_top": 0.4, "disagreement": True},
    4: {"p_top": 0.03, "disagreement": False},
}
NAMES = {1: "Alpha", 2: "Beta", 3: "Gamma", 4: "Delta"}


def _texts(**kwargs):
    args = {"category": _category(), "projects": PROJECTS, "names": NAMES, "final_round": False}
    args.update(kwargs)
    return {s.code: s for s in explain.category_summary(**args)}


def test_explain_discuss_order_expected_wrong_and_poor_agreement():
    texts = _texts(outlier_projects=[4, 2])
    assert texts["solid"].text == "Solid finalist (probability of at least 90 %): Alpha."
    assert texts["contested"].text == "Contested places: Beta 60 %, Gamma 40 % (a probability between 10 % and 90 %)."
    # Band with disagreement first, then the rest of the band, then outlier reviews.
    assert texts["discuss"].text == (
        "Discuss first: Gamma, Beta, Delta. 1 contested project has reviews that disagree."
    )
    assert texts["expected_wrong"].text == "Expected number of wrong finalists if the top 2 are selected: 0.4."
    assert texts["agreement"].tone == explain.WARN and "poor" in texts["agreement"].text
    assert "second_look" not in texts  # None: the jury chair's copy
    decided = _texts(selection=[1, 3], decided=True)
    assert decided["expected_wrong"].text == "Expected number of wrong finalists in the current selection: 0.6."


def test_explain_final_round_low_agreement_points_to_the_band():
    texts = _texts(category=_category(agreement="final_round_close", top_n=1, selected=[1]), final_round=True)
    assert texts["agreement"].text == (
        "Agreement of the jurors (Krippendorff's alpha 0.20): low, as expected among close finalists: read the "
        "decision band rather than the agreement."
    )
    assert texts["solid"].text == "Alpha is the winner with confidence (probability 97 %)."


def test_explain_names_the_panels_of_a_disconnected_plan():
    texts = _texts(panels=[["Anna", "Boris"], ["Cyril"]])
    assert texts["connectivity"].text == (
        "The judging plan is not connected: the jurors of different panels never scored a common project "
        "(panel 1: Anna, Boris; panel 2: Cyril); leniency is compared only within each panel."
    )
    assert texts["connectivity"].tone == explain.WARN


def test_explain_weight_sensitivity_names_the_weight_and_the_projects():
    flip = {"decision": "finalists", "moves": {7: 1}, "enters": 3, "leaves": 2, "margin": 0.4}
    sensitivity = {"finalists_robust": False, "winner_robust": True, "alone": [flip], "worst": [flip]}
    texts = _texts(category=_category(sensitivity=sensitivity), criteria={7: "Impact"})
    assert texts["sensitivity"].text == (
        "Weights: sensitive. moving the weights (Impact +10 %) would put Gamma among the finalists in place of Beta."
    )
    robust = _texts(category=_category(sensitivity={**sensitivity, "finalists_robust": True}))
    assert robust["sensitivity"].text.startswith("Weights: robust.")


def test_explain_empty_category_and_long_lists():
    assert [s.code for s in explain.category_summary(category=None, projects={}, names={}, final_round=False)] == [
        "empty"
    ]
    assert explain.names_list([str(i) for i in range(8)]) == "0, 1, 2, 3, 4 and 3 more"


def test_explain_percent_never_shows_a_contested_place_as_settled():
    assert [explain.percent(p) for p in (0.895, 0.104, 0.9, 0.05, 0.5, None)] == [
        "89 %", "11 %", "90 %", "5 %", "50 %", "–"
    ]  # fmt: skip
