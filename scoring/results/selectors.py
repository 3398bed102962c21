"""Reads of the published results: winners, finalists and special awards per category, and the
anonymised jury feedback that an applicant may read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from award.models import Category, Criterion, Round
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Result, ResultsSnapshot, Score
from scoring.ranking.methods import mean_of
from scoring.results.seal import publication_snapshot_for
from submissions.models import Project


@dataclass
class CategoryResults:
    category: Category
    winners: list[Result] = field(default_factory=list)
    finalists: list[Result] = field(default_factory=list)
    special: list[Result] = field(default_factory=list)


def published_results_of(edition) -> tuple[list[CategoryResults], ResultsSnapshot | None]:
    """The results as sealed by the current publication (issue 15, item 9), in three queries,
    with the snapshot; the live ``results_of`` and None when there is no publication snapshot
    (an organiser's preview before publishing). Each result is an unsaved ``Result`` built from
    the snapshot, its project the live one (texts, pictures) or, if it was deleted since, a
    stand-in with the sealed reference and title; ``result.sealed`` is the sealed ranking row of
    the project in the result's round (None for a special award without a round)."""
    snapshot = publication_snapshot_for(edition, parts=("results", "published"))
    if snapshot is None:
        return results_of(edition), None
    snapshot.edition = edition
    groups = {c.pk: CategoryResults(category=c) for c in edition.categories.order_by("position", "name")}
    entries = sorted(
        snapshot.sealed_parts["results"] or [], key=lambda e: (e["reference"] or "", e["award_title"], e["id"])
    )
    published = snapshot.sealed_parts["published"] or {}
    projects = Project.objects.in_bulk({e["project"] for e in entries})
    for entry in entries:
        group = groups.get(entry["category"])
        if group is None:
            continue
        project = projects.get(entry["project"]) or Project(
            pk=entry["project"],
            reference=entry["reference"],
            title=entry["title"],
            organisation_name=entry["organisation_name"],
        )
        result = Result(
            id=entry["id"],
            edition=edition,
            category=group.category,
            round_id=entry["round"],
            project=project,
            kind=entry["kind"],
            title=entry["award_title"],
            citation=entry["citation"],
            override_reason=entry["override_reason"],
        )
        result.sealed = published.get(str(entry["id"]))
        {ResultKind.WINNER: group.winners, ResultKind.FINALIST: group.finalists, ResultKind.SPECIAL: group.special}[
            result.kind
        ].append(result)
    return list(groups.values()), snapshot


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


def project_feedback(project: Project, sealed: ResultsSnapshot | None = None) -> list[RoundFeedback]:
    """Anonymised jury feedback: per-criterion averages and the comments of finalised reviews,
    without jurors' names, in text order (not review order, which could identify a juror).
    With the publication's snapshot (``sealed``, read with the part "feedback.p<project id>") the
    averages are the sealed ones."""
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
    if sealed is not None:
        means = sealed.sealed_parts.get(f"feedback.p{project.pk}") or {}
        return [
            RoundFeedback(
                round=rnd,
                criterion_means=[(c, means.get(str(rnd.pk), {}).get(str(c.pk))) for c in criteria],
                comments=sorted(comments[rnd.pk]),
            )
            for rnd in sorted(rounds.values(), key=lambda r: r.number)
        ]
    return [
        RoundFeedback(
            round=rnd,
            criterion_means=[(c, mean_of(values.get((rnd.pk, c.pk), []))) for c in criteria],
            comments=sorted(comments[rnd.pk]),
        )
        for rnd in sorted(rounds.values(), key=lambda r: r.number)
    ]
