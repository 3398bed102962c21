"""The ranking's loader (inputs defined once), the round analysis and its cache (issue 15)."""

import time
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from award.enums import Role
from award.models import Category, Criterion, Edition, EditionRole, User
from scoring.enums import AssignmentStatus
from scoring.jury.assignments import conflict_set
from scoring.jury.scores import assignment_reopen
from scoring.models import Assignment, RankingAnalysisCache, Score
from scoring.ranking import analysis as analysis_module
from scoring.ranking.analysis import round_analysis
from scoring.ranking.cache import round_analysis_cached, round_fingerprint
from scoring.ranking.loader import LOADER_QUERIES, round_inputs
from submissions.enums import ProjectStatus
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    CriterionFactory,
    ProjectFactory,
    ScoreFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def review(rnd, project, juror, values: dict, *, status=AssignmentStatus.COMPLETED, minutes: int | None = 20):
    finalised = timezone.now() - timedelta(hours=1)
    done = status == AssignmentStatus.COMPLETED
    assignment = AssignmentFactory(
        round=rnd,
        project=project,
        juror=juror,
        status=status,
        finalised_at=finalised if done else None,
        started_at=finalised - timedelta(minutes=minutes) if minutes is not None else None,
    )
    for criterion, value in values.items():
        ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal(str(value)))
    return assignment


@pytest.fixture
def rubric(edition):
    """The issue's example: criteria 1–5 and 0–10, weight 1 each."""
    first = CriterionFactory(edition=edition, name="Impact", min_value=Decimal("1"), max_value=Decimal("5"), position=1)
    second = CriterionFactory(edition=edition, name="Innovation", min_value=0, max_value=Decimal("10"), position=2)
    return first, second


def test_loader_normalised_total_issue_example(edition, open_round, rubric):
    first, second = rubric
    category = CategoryFactory(edition=edition)
    juror = UserFactory()
    cases = {"lowest": (1, 0), "best_first": (5, 0), "best_second": (1, 10), "all_max": (5, 10)}
    for title, (a, b) in cases.items():
        project = ProjectFactory(edition=edition, category=category, title=title, status=ProjectStatus.ELIGIBLE)
        review(open_round, project, juror, {first: a, second: b})
    inputs = round_inputs(open_round)
    titles = dict(Assignment.objects.values_list("project_id", "project__title"))
    totals = {titles[int(inputs.project_ids[p])]: t for p, t in zip(inputs.project, inputs.total, strict=True)}
    assert totals == pytest.approx({"lowest": 0.0, "best_first": 50.0, "best_second": 50.0, "all_max": 100.0})
    # The normalised values per criterion, for the descriptives and the sensitivity.
    row = list(inputs.project).index(
        inputs.project_index[ProjectFactory._meta.model.objects.get(title="best_first").pk]
    )
    assert inputs.values[row].tolist() == [1.0, 0.0]
    assert inputs.duration.tolist() == [1200.0] * 4


def test_loader_leaves_out_what_never_counts(edition, open_round, rubric):
    first, second = rubric
    category = CategoryFactory(edition=edition)
    jurors = [UserFactory(), UserFactory()]
    counted = ProjectFactory(edition=edition, category=category, title="counted", status=ProjectStatus.ELIGIBLE)
    withdrawn = ProjectFactory(edition=edition, category=category, title="withdrawn", status=ProjectStatus.WITHDRAWN)
    ineligible = ProjectFactory(edition=edition, category=category, title="ineligible", status=ProjectStatus.INELIGIBLE)
    for project in (counted, withdrawn, ineligible):
        review(open_round, project, jurors[0], {first: 5, second: 10})
    recused = review(open_round, counted, jurors[1], {first: 1, second: 0}, status=AssignmentStatus.RECUSED)
    other = ProjectFactory(edition=edition, category=category, title="open", status=ProjectStatus.ELIGIBLE)
    unfinalised = review(open_round, other, jurors[1], {first: 1, second: 0}, status=AssignmentStatus.IN_PROGRESS)
    # The rows exist, so their absence below is the loader's doing.
    assert Assignment.objects.count() == 5

    inputs = round_inputs(open_round)

    assert set(inputs.project_ids.tolist()) == {counted.pk, other.pk}
    assert inputs.assignment_ids.tolist() == [counted.assignments.get(juror=jurors[0]).pk]
    assert recused.pk not in inputs.assignment_ids and unfinalised.pk not in inputs.assignment_ids
    assert inputs.juror_ids.tolist() == [jurors[0].pk]
    # The project whose only review is open is known, with no review: the presenter flags it.
    assert inputs.project_assigned[inputs.project_index[other.pk]] == 1
    assert inputs.total.tolist() == [100.0]


def test_loader_all_categories_of_the_round_in_one_fit(edition, open_round, rubric):
    first, second = rubric
    city = CategoryFactory(edition=edition, name="City", finalists_count=2)
    region = CategoryFactory(edition=edition, name="Region", finalists_count=1)
    juror = UserFactory()
    for category in (city, region):
        for value in (2, 4):
            project = ProjectFactory(edition=edition, category=category, status=ProjectStatus.ELIGIBLE)
            review(open_round, project, juror, {first: value, second: value})
    inputs = round_inputs(open_round)
    assert sorted(set(inputs.project_category.tolist())) == sorted([city.pk, region.pk])
    assert inputs.n_jurors == 1 and len(inputs.total) == 4
    assert inputs.top_n(city.pk) == 2 and inputs.top_n(region.pk) == 1


def _plan(edition, rnd, rubric, n_projects: int, n_jurors: int = 3):
    first, second = rubric
    category = CategoryFactory(edition=edition)
    jurors = [UserFactory() for _ in range(n_jurors)]
    for k in range(n_projects):
        project = ProjectFactory(edition=edition, category=category, status=ProjectStatus.ELIGIBLE)
        for j, juror in enumerate(jurors):
            review(rnd, project, juror, {first: 1 + (k + j) % 5, second: (3 * k + j) % 11})
    return category, jurors


@pytest.mark.parametrize("n_projects", [1, 12])
def test_loader_query_count_does_not_grow(edition, open_round, rubric, n_projects, django_assert_num_queries):
    _plan(edition, open_round, rubric, n_projects)
    with django_assert_num_queries(LOADER_QUERIES):
        inputs = round_inputs(open_round)
    assert len(inputs.total) == 3 * n_projects


@pytest.mark.parametrize("n_projects", [1, 12])
def test_cache_hit_query_count_does_not_grow(edition, open_round, rubric, n_projects, django_assert_num_queries):
    _plan(edition, open_round, rubric, n_projects)
    round_analysis_cached(open_round)
    # The round's fingerprint (one aggregate statement) and the stored row: no score row is read.
    with django_assert_num_queries(2):
        round_analysis_cached(open_round)
    fingerprint = round_fingerprint(open_round)
    with django_assert_num_queries(1):
        round_analysis_cached(open_round, fingerprint=fingerprint)


def test_round_analysis_probabilities_and_plain_data(edition, open_round, rubric):
    category, jurors = _plan(edition, open_round, rubric, 12)
    result = round_analysis(open_round, seed=3, n_draws=400)
    assert set(result.projects) == set(Assignment.objects.values_list("project_id", flat=True))
    assert set(result.jurors) == {j.pk for j in jurors}
    cat = result.categories[category.pk]
    assert cat["top_n"] == category.finalists_count
    assert sum(result.projects[p]["p_top"] for p in result.projects) == pytest.approx(category.finalists_count)
    assert len(cat["selected"]) == category.finalists_count
    assert cat["agreement"] in {"poor", "fair", "good", "very_good", "undefined"}
    assert result.connected and len(result.components) == 1
    # Same seed, same numbers; and the payload survives JSON.
    again = round_analysis(open_round, seed=3, n_draws=400)
    assert again.to_payload() == result.to_payload()
    assert type(result).from_payload(result.to_payload()) == result


def test_calibrated_smoother_reproduces_the_fit(edition, open_round, rubric):
    _plan(edition, open_round, rubric, 10, n_jurors=4)
    inputs = round_inputs(open_round)
    fitted = analysis_module.fit(inputs.total, inputs.project, inputs.juror, n_projects=inputs.n_projects,
                                 n_jurors=inputs.n_jurors)  # fmt: skip
    per_criterion = analysis_module._calibrated_smoother(fitted, inputs)(100.0 * inputs.values)
    combined = per_criterion @ inputs.weights / inputs.weights.sum()
    np.testing.assert_allclose(combined, fitted.score, atol=1e-8)


@pytest.fixture
def count_fits(monkeypatch):
    calls = []
    real = analysis_module.fit

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis_module, "fit", counting)
    return calls


def test_cache_second_call_does_not_refit(edition, open_round, rubric, count_fits):
    _plan(edition, open_round, rubric, 6)
    first = round_analysis_cached(open_round)
    second = round_analysis_cached(open_round)
    assert len(count_fits) == 1
    assert second == first
    assert RankingAnalysisCache.objects.filter(round=open_round).count() == 1


def test_cache_recomputes_when_the_data_changes(edition, open_round, rubric, organiser, count_fits):
    category, jurors = _plan(edition, open_round, rubric, 6)
    round_analysis_cached(open_round)
    assignment = Assignment.objects.filter(round=open_round).order_by("id").first()

    # A score saved with the value it had: the same data, the same key, no refit.
    score = Score.objects.filter(assignment=assignment).order_by("criterion__position").first()
    assert score.value == Decimal("1")
    score.save()
    round_analysis_cached(open_round)
    assert len(count_fits) == 1

    # A score changed (even behind the services' back).
    score.value = Decimal("4")
    score.save()
    round_analysis_cached(open_round)
    assert len(count_fits) == 2

    # A review reopened (the organiser's service), then finalised again.
    assignment_reopen(actor=organiser, assignment=assignment, reason="typo")
    reopened = round_analysis_cached(open_round)
    assert len(count_fits) == 3
    assert reopened.projects[assignment.project_id]["reviews"] == 2
    Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.COMPLETED, finalised_at=timezone.now())
    round_analysis_cached(open_round)
    assert len(count_fits) == 4

    # An eligibility change.
    ProjectFactory._meta.model.objects.filter(pk=assignment.project_id).update(status=ProjectStatus.WITHDRAWN)
    withdrawn = round_analysis_cached(open_round)
    assert len(count_fits) == 5
    assert assignment.project_id not in withdrawn.projects

    # Nothing changed: no refit, one row per round and parameters.
    round_analysis_cached(open_round)
    assert len(count_fits) == 5
    assert RankingAnalysisCache.objects.filter(round=open_round).count() == 1


def test_fingerprint_follows_everything_the_ranking_depends_on(edition, open_round, rubric, organiser):
    """The one-statement fingerprint (the key of the stored analysis and rows) changes with every
    change that can move a ranking, and not when a score is saved with the value it had."""
    first, _second = rubric
    category, jurors = _plan(edition, open_round, rubric, 4)
    assignments = list(Assignment.objects.filter(round=open_round).order_by("id"))
    projects = ProjectFactory._meta.model.objects.filter(pk__in=[a.project_id for a in assignments])
    states = [round_fingerprint(open_round)]

    def changed():
        state = round_fingerprint(open_round)
        assert state != states[-1]
        states.append(state)

    score = Score.objects.filter(assignment=assignments[0]).order_by("id").first()
    score.save()  # the value it had
    assert round_fingerprint(open_round) == states[-1]
    Score.objects.filter(pk=score.pk).update(value=score.value + 1)  # behind the services' back
    changed()
    # Two values of one review swapped: the same sum, another place.
    low, high = Score.objects.filter(assignment=assignments[1]).order_by("id")
    Score.objects.filter(pk=low.pk).update(value=high.value)
    Score.objects.filter(pk=high.pk).update(value=low.value)
    if low.value != high.value:
        changed()
    assignment_reopen(actor=organiser, assignment=assignments[0], reason="typo")  # reopened
    changed()
    Assignment.objects.filter(pk=assignments[0].pk).update(  # finalised again
        status=AssignmentStatus.COMPLETED, finalised_at=timezone.now()
    )
    changed()
    # A conflict recuses the juror's assignment.
    EditionRole.objects.create(edition=edition, user=jurors[1], role=Role.JUROR)
    conflict_set(actor=organiser, juror=jurors[1], project=assignments[4].project, reason="A cousin")
    assert Assignment.objects.get(pk=assignments[4].pk).status == AssignmentStatus.RECUSED
    changed()
    project = projects.get(pk=assignments[6].project_id)
    for status in (ProjectStatus.INELIGIBLE, ProjectStatus.ELIGIBLE, ProjectStatus.WITHDRAWN):
        projects.filter(pk=project.pk).update(status=status)  # eligibility, withdrawal
        changed()
    Criterion.objects.filter(pk=first.pk).update(weight=Decimal("2"))  # the rubric's weights
    changed()
    Criterion.objects.filter(pk=first.pk).update(max_value=Decimal("6"))  # and ranges
    changed()
    Category.objects.filter(pk=category.pk).update(finalists_count=category.finalists_count + 1)
    changed()
    projects.filter(pk=assignments[9].project_id).update(category=CategoryFactory(edition=edition))
    changed()
    projects.filter(pk=assignments[9].project_id).update(country="SK")  # own-country favouritism
    changed()
    User.objects.filter(pk=jurors[0].pk).update(country="AT" if jurors[0].country != "AT" else "HU")
    changed()
    Assignment.objects.filter(pk=assignments[2].pk).update(started_at=timezone.now() - timedelta(hours=9))
    changed()
    # Nothing else changed: the same text again.
    assert round_fingerprint(open_round) == states[-1]


def test_round_analysis_on_the_seeded_demo():
    call_command("seed_demo", verbosity=0)
    edition = Edition.objects.get(year=2026)
    rnd = edition.rounds.order_by("number").first()
    # CPU time, not wall time: the fit's budget must hold on a busy machine too (well under a second of it on this machine).
    started = time.process_time()
    result = round_analysis(rnd)
    assert time.process_time() - started < 5.0
    reviewed = [p for p in result.projects.values() if p["reviews"] > 0]
    assert reviewed
    assert all(p["p_top"] is not None and 0.0 <= p["p_top"] <= 1.0 for p in reviewed)
    assert set(result.categories) == set(edition.categories.values_list("id", flat=True))
    # The demo's plan is connected (issue 15, item 4).
    assert result.connected
    # The final round has no reviews yet: every category is there, empty.
    final = round_analysis(edition.rounds.order_by("number").last())
    assert set(final.categories) == set(result.categories)
    assert all(c["projects"] == [] and c["agreement"] == "undefined" for c in final.categories.values())


# --- Connected judging plans (item 4) ------------------------------------------------------------


@pytest.fixture
def separate_panels(edition, open_round):
    from tests.scoring.jury_setup import eligible_project, juror_in, rubric

    rubric(edition, 2)
    city = CategoryFactory(edition=edition, name="Smart City")
    region = CategoryFactory(edition=edition, name="Smart Region")
    cyber = CategoryFactory(edition=edition, name="Cyber Security")
    panels = {c: [juror_in(edition, panels=[c]) for _ in range(3)] for c in (city, region, cyber)}
    projects = {c: [eligible_project(edition, c) for _ in range(4)] for c in (city, region, cyber)}
    return panels, projects


def test_generate_links_separate_panels_into_one_component(separate_panels, open_round, organiser):
    from scoring.jury.assignment import plan_components
    from scoring.jury.assignments import assignments_generate

    # Without the links, three panels with no juror in common: three components.
    unlinked = assignments_generate(actor=organiser, round=open_round, connect=False)
    assert unlinked.components == [(4, 3), (4, 3), (4, 3)] and not unlinked.connected

    report = assignments_generate(actor=organiser, round=open_round)

    pairs = Assignment.objects.filter(round=open_round).values_list("project_id", "juror_id")
    assert len(plan_components(pairs)) == 1
    assert report.connected and report.components == [(12, 9)]
    assert report.links == report.created == 4  # two per linked panel
    # Every project still has its k panel jurors; anchor projects have one review more.
    counts = sorted(Assignment.objects.filter(round=open_round).values_list("project_id", flat=True))
    assert {counts.count(p) for p in set(counts)} <= {2, 3}


def test_generate_page_reports_a_plan_it_cannot_connect(client_for, separate_panels, open_round, organiser, edition):
    from django.urls import reverse

    from tests.factories import ConflictFactory

    panels, projects = separate_panels
    # Every juror outside Cyber Security is conflicted with every Cyber Security project and the
    # reverse, so no review can link that panel.
    cyber = [c for c in panels if c.name == "Cyber Security"][0]
    for category, jurors in panels.items():
        for juror in jurors:
            for other, items in projects.items():
                if (category == cyber) != (other == cyber):
                    for project in items:
                        ConflictFactory(juror=juror, project=project, edition=edition)
    client = client_for(organiser)
    response = client.post(reverse("scoring:assignments", args=[open_round.pk]), {"action": "generate"}, follow=True)
    body = response.content.decode()
    assert "The judging plan falls into 2 groups that share no juror (projects per group: 8, 4)" in body
    assert "2 extra reviews were assigned so that groups" in body
