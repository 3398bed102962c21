"""Reads of the published results: winners, finalists and special awards per category, and the
anonymised jury feedback that an applicant may read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from award.models import Category, Criterion, Round
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Result, Score
from scoring.ranking.methods import _mean
from submissions.models import Project


@dataclass
class CategoryResults:
    category: Category
    winners: list[Result] = field(default_factory=list)
    finalists: list[Result] = field(default_factory=list)
    special: list[Result] = field(default_factory=list)


def results_of(edition) -> list[CategoryResults]:
    """Winners, finalists and special awards per category, in two queries. The caller checks
    the embargo (`edition.results_are_public()`) or that the viewer is an organiser."""
    groups = {c.pk: CategoryResults(category=c) for c in edition.categories.order_by("position", "name")}
    for result in (
        Result.objects.filter(edition=edition).select_related("project").order_by("project__reference", "title", "id")
    ):
        group = groups.get(result.category_id)
        if group is None:
            continue
        {ResultKind.WINNER: group.winners, ResultKind.FINALIST: group.finalists, ResultKind.SPECIAL: group.special}[
            result.kind
        ].append(result)
    return list(groups.values())


@dataclass
class RoundFeedback:
    round: Round
    criterion_means: list[tuple[Criterion, float | None]]
    comments: list[str]


def project_feedback(project: Project) -> list[RoundFeedback]:
    """Anonymised jury feedback: per-criterion averages and the comments of finalised reviews,
    without jurors' names, in text order (not review order, which could identify a juror)."""
    criteria = list(project.edition.criteria.order_by("position", "id"))
    scores = list(
        Score.objects.filter(assignment__project=project, assignment__status=AssignmentStatus.COMPLETED)
        .select_related("assignment__round")
        .order_by()
    )
    rounds: dict[int, Round] = {}
    values: dict[tuple[int, int], list[float]] = defaultdict(list)
    comments: dict[int, set[str]] = defaultdict(set)
    for score in scores:
        rnd = score.assignment.round
        rounds[rnd.pk] = rnd
        values[(rnd.pk, score.criterion_id)].append(float(score.value))
        if score.comment.strip():
            comments[rnd.pk].add(score.comment.strip())
        if score.assignment.overall_comment.strip():
            comments[rnd.pk].add(score.assignment.overall_comment.strip())
    return [
        RoundFeedback(
            round=rnd,
            criterion_means=[(c, _mean(values.get((rnd.pk, c.pk), []))) for c in criteria],
            comments=sorted(comments[rnd.pk]),
        )
        for rnd in sorted(rounds.values(), key=lambda r: r.number)
    ]
