"""The organiser's status board (issue 17, item 3): per category, each step's state and the
next step as a link, from screening to publication."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from award.enums import AggregationMethod, Role, RoundKind
from reports.services import certificates_issue
from scoring.enums import AssignmentStatus
from scoring.models import Assignment
from scoring.results.services import final_round_prepare, results_publish, winners_select
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


def board_of(client, slug: str, path: str = "/") -> dict:
    """{"states": {step: state}, "next": (step, href)} for the category `slug`, read off the page."""
    page = client.get(path).content.decode()
    states = dict(re.findall(rf'data-testid="board-{slug}-([a-z_]+)" data-state="([a-z]+)"', page))
    link = re.search(rf'<a href="([^"]*)" data-testid="board-next-{slug}" data-step="([a-z_]+)"', page)
    return {"states": states, "next": (link.group(2), link.group(1).replace("&amp;", "&")) if link else None}


def complete(assignments, values: dict, criterion) -> None:
    for assignment in assignments:
        assignment.status = AssignmentStatus.COMPLETED
        assignment.finalised_at = timezone.now()
        assignment.save()
        ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal(values[assignment.project_id]))


def test_status_board_follows_the_edition_step_by_step(client, edition, open_round, organiser):
    edition.aggregation_method = AggregationMethod.MEAN
    edition.save()
    slug = edition.slug
    category = CategoryFactory(edition=edition, name="Smart City", slug="smart-city", finalists_count=1)
    criterion = CriterionFactory(edition=edition)
    final = RoundFactory(edition=edition, number=2, kind=RoundKind.FINAL, name="Final")
    panel = [UserFactory() for _ in range(2)]
    for juror in panel:
        EditionRoleFactory(edition=edition, user=juror, role=Role.JUROR).panels.set([category])
    good, weak = (ProjectFactory(edition=edition, category=category, status="submitted") for _ in range(2))
    client.force_login(organiser)
    ranking = reverse("results:ranking", kwargs={"edition": slug, "round": 1, "category": category.slug})

    board = board_of(client, "smart-city")
    assert board["states"]["screened"] == "todo"
    assert board["next"] == (
        "screened",
        reverse("submissions:screening", kwargs={"slug": slug}) + f"?category={category.pk}&status=submitted",
    )

    for project in (good, weak):  # screened through the page
        response = client.post(
            reverse("submissions:screening_eligibility", kwargs={"slug": slug, "pk": project.pk}),
            {"decision": "eligible", "reason": ""},
        )
        assert response.status_code == 302
    board = board_of(client, "smart-city")
    assert board["states"]["screened"] == "done"
    assert board["next"] == ("assigned", reverse("scoring:assignments", kwargs={"pk": open_round.pk}))

    shortlist = [AssignmentFactory(round=open_round, project=p, juror=j) for p in (good, weak) for j in panel]
    board = board_of(client, "smart-city")
    assert board["states"]["assigned"] == "done"
    assert board["next"] == ("reviewed", reverse("scoring:progress", kwargs={"pk": open_round.pk}))

    complete(shortlist, {good.pk: "9", weak.pk: "5"}, criterion)
    board = board_of(client, "smart-city")
    assert board["states"]["reviewed"] == "done"
    assert board["next"] == ("finalists", ranking)

    assert client.post(reverse("results:finalists", kwargs={"edition": slug, "round": 1, "category": "smart-city"}))
    board = board_of(client, "smart-city")
    assert board["states"]["finalists"] == "done"
    assert board["next"] == ("final_round", ranking)  # where the final round is prepared

    final_round_prepare(category=category, source_round=open_round, final_round=final, actor=organiser)
    board = board_of(client, "smart-city")
    assert board["states"]["final_round"] == "todo"
    assert board["next"] == ("final_round", reverse("scoring:progress", kwargs={"pk": final.pk}))

    complete(Assignment.objects.filter(round=final), {good.pk: "8"}, criterion)
    board = board_of(client, "smart-city")
    assert board["states"]["final_round"] == "done"
    assert board["next"] == (
        "winner",
        reverse("results:ranking", kwargs={"edition": slug, "round": 2, "category": category.slug}),
    )

    winners_select(category=category, round=final, actor=organiser)
    board = board_of(client, "smart-city")
    assert board["states"]["winner"] == "done"
    assert board["next"] == ("certificates", reverse("reports:home", kwargs={"slug": slug}))

    certificates_issue(edition=edition, kinds=["winner"], actor=organiser)
    board = board_of(client, "smart-city")
    assert board["states"]["certificates"] == "done"
    overview = reverse("results:overview", kwargs={"edition": slug})
    assert board["next"] == ("published", overview + "#publication-heading")

    results_publish(edition=edition, actor=organiser, signed_off=True)
    board = board_of(client, "smart-city")
    assert set(board["states"].values()) == {"done"}
    assert board["next"] is None
    # The ranking overview shows the same board, with the publication controls after it.
    page = client.get(overview).content.decode()
    assert board_of(client, "smart-city", overview)["states"] == board["states"]
    assert page.index('data-testid="status-board"') < page.index('data-testid="publication"')


def test_status_board_without_a_final_round_skips_that_step(client, edition, open_round, organiser):
    CategoryFactory(edition=edition, slug="region")
    client.force_login(organiser)
    board = board_of(client, "region")
    assert board["states"]["final_round"] == "skipped"
    assert board["next"][0] == "screened"


@pytest.mark.parametrize("n", [1, 5])
def test_status_board_query_count_does_not_grow(edition, open_round, organiser, django_assert_num_queries, n):
    from scoring.board import status_board

    criterion = CriterionFactory(edition=edition)
    for index in range(n):
        category = CategoryFactory(edition=edition, slug=f"c{index}", finalists_count=1)
        for _ in range(2):
            assignment = AssignmentFactory(round=open_round, project__category=category)
            complete([assignment], {assignment.project_id: "7"}, criterion)
    # categories, assignments, results, certificates (registered by reports), rounds
    with django_assert_num_queries(5):
        board = status_board(edition)
    assert len(board.rows) == n
    assert all(row.steps[2].state == "done" for row in board.rows)  # reviews done


def test_ranking_overview_query_count_does_not_grow_with_the_board(client, edition, open_round, organiser):
    client.force_login(organiser)
    url = reverse("results:overview", kwargs={"edition": edition.slug})
    counts = []
    for n in (1, 4):  # one category, then five
        for index in range(n):
            AssignmentFactory(round=open_round, project__category=CategoryFactory(edition=edition, slug=f"k{n}{index}"))
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        counts.append((len(captured.captured_queries), page.count('data-testid="board-row-')))
    assert [rows for _q, rows in counts] == [1, 5]
    assert counts[0][0] == counts[1][0]
