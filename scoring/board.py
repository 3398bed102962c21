"""The organiser's status board (issue 17, item 3): per category, how far the edition has come
from screening to publication, and where the next step is done.

The steps, in the order the organisers take them: screened, assigned, reviews done, finalists
chosen, final round done (only when the edition has a final round), winner chosen, certificates
generated, published. A category's *next step* is its first step not yet done; each step links
to the page where it is done.

A fixed number of queries whatever the number of categories, projects or reviews: the
categories with their applications counted, the assignments counted per round and category, the
results counted per category and kind, and one query per registered counter (the certificates,
which ``reports`` registers: scoring may not import it). The rounds are passed in when the
caller has them already (the organiser's home does).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from award.enums import RoundKind
from award.models import Category, Edition, Round
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Assignment, Result
from submissions.enums import ProjectStatus

DONE, TODO, SKIPPED = "done", "todo", "skipped"

STEP_LABELS = {
    "screened": _("Screened"),
    "assigned": _("Assigned"),
    "reviewed": _("Reviews done"),
    "finalists": _("Finalists chosen"),
    "final_round": _("Final round done"),
    "winner": _("Winner chosen"),
    "certificates": _("Certificates generated"),
    "published": _("Published"),
}

# Per category counts from an app above scoring (name -> function(edition) -> {category id: n}).
CategoryCounter = Callable[[Edition], dict[int, int]]
_counters: dict[str, CategoryCounter] = {}


def board_counter_register(name: str, counter: CategoryCounter) -> None:
    """``reports`` registers "certificates": the valid winner's certificates per category."""
    _counters[name] = counter


@dataclass
class Step:
    key: str
    state: str
    detail: str
    url: str
    action: str

    @property
    def label(self) -> str:
        return str(STEP_LABELS[self.key])

    @property
    def done(self) -> bool:
        return self.state == DONE


@dataclass
class BoardRow:
    category: Category
    steps: list[Step] = field(default_factory=list)

    @property
    def next(self) -> Step | None:
        return next((s for s in self.steps if s.state == TODO), None)


@dataclass
class Board:
    rows: list[BoardRow]
    labels: list[str]
    has_final_round: bool


def _first(rounds: Iterable[Round], kind: str) -> Round | None:
    of_kind = sorted((r for r in rounds if r.kind == kind), key=lambda r: r.number)
    return of_kind[0] if of_kind else None


def _of(numerator: int, denominator: int) -> str:
    return _("%(done)s of %(total)s") % {"done": numerator, "total": denominator}


def status_board(edition: Edition, rounds: Iterable[Round] | None = None) -> Board:
    rounds = list(edition.rounds.order_by("number") if rounds is None else rounds)
    shortlist = _first(rounds, RoundKind.SHORTLIST) or (rounds[0] if rounds else None)
    final = _first(rounds, RoundKind.FINAL)
    if final is not None and shortlist is not None and final.pk == shortlist.pk:
        shortlist = None

    categories = list(
        Category.objects.filter(edition=edition)
        .annotate(
            applications=Count(
                "projects",
                filter=Q(
                    projects__status__in=[ProjectStatus.SUBMITTED, ProjectStatus.ELIGIBLE, ProjectStatus.INELIGIBLE]
                ),
            ),
            awaiting=Count("projects", filter=Q(projects__status=ProjectStatus.SUBMITTED)),
            eligible=Count("projects", filter=Q(projects__status=ProjectStatus.ELIGIBLE)),
        )
        .order_by("position", "name")
    )
    # Reviews that count (loader.py): not recused, of eligible projects.
    reviews: dict[tuple[int, int], dict] = {
        (row["round_id"], row["project__category_id"]): row
        for row in Assignment.objects.filter(round__edition=edition, project__status=ProjectStatus.ELIGIBLE)
        .exclude(status=AssignmentStatus.RECUSED)
        .values("round_id", "project__category_id")
        .annotate(
            total=Count("id"),
            completed=Count("id", filter=Q(status=AssignmentStatus.COMPLETED)),
            projects=Count("project_id", distinct=True),
        )
        .order_by()
    }
    results: dict[tuple[int, str], int] = defaultdict(int)
    for row in Result.objects.filter(edition=edition).values("category_id", "kind").annotate(n=Count("id")).order_by():
        results[(row["category_id"], row["kind"])] = row["n"]
    from scoring.ballot.selectors import ballots_progress

    # A ranked final round is done when every panel member has cast each category's ballot.
    ballots = ballots_progress([final] if final is not None else [])
    counted = {name: counter(edition) for name, counter in _counters.items()}
    certificates = counted.get("certificates", {})
    public = edition.results_are_public()
    scheduled = edition.results_published_at is not None and not public

    slug = edition.slug
    overview = reverse("results:overview", kwargs={"edition": slug})
    none: dict = {"total": 0, "completed": 0, "projects": 0}

    def ranking(rnd: Round, category: Category) -> str:
        return reverse("results:ranking", kwargs={"edition": slug, "round": rnd.number, "category": category.slug})

    rows = []
    for category in categories:
        row = BoardRow(category=category)
        screened = category.applications - category.awaiting
        row.steps.append(
            Step(
                "screened",
                DONE if category.applications and not category.awaiting else TODO,
                _of(screened, category.applications),
                reverse("submissions:screening", kwargs={"slug": slug})
                + "?"
                + urlencode({"category": category.pk, "status": ProjectStatus.SUBMITTED}),
                str(_("Screen the applications")),
            )
        )
        first = reviews.get((shortlist.pk, category.pk), none) if shortlist else none
        if shortlist is None:
            setup = reverse("setup:rounds", kwargs={"slug": slug})
            row.steps.append(Step("assigned", TODO, "", setup, str(_("Set up the rounds"))))
            row.steps.append(Step("reviewed", TODO, "", setup, str(_("Set up the rounds"))))
        else:
            row.steps.append(
                Step(
                    "assigned",
                    DONE if category.eligible and first["projects"] >= category.eligible else TODO,
                    _of(first["projects"], category.eligible),
                    reverse("scoring:assignments", kwargs={"pk": shortlist.pk}),
                    str(_("Assign the jurors")),
                )
            )
            row.steps.append(
                Step(
                    "reviewed",
                    DONE if first["total"] and first["completed"] == first["total"] else TODO,
                    _of(first["completed"], first["total"]),
                    reverse("scoring:progress", kwargs={"pk": shortlist.pk}),
                    str(_("Follow the reviews")),
                )
            )
        finalists = results[(category.pk, ResultKind.FINALIST)]
        row.steps.append(
            Step(
                "finalists",
                DONE if finalists else TODO,
                _of(finalists, category.finalists_count),
                ranking(shortlist, category) if shortlist else overview,
                str(_("Choose the finalists")),
            )
        )
        if final is not None:
            last = reviews.get((final.pk, category.pk), none)
            if final.pk in ballots.ranked:
                cast, expected = ballots.category(final.pk, category.pk)
                last = {"total": expected, "completed": cast, "projects": last["projects"]}
            if last["total"]:
                url, action = reverse("scoring:progress", kwargs={"pk": final.pk}), _("Follow the final round")
            else:
                url = (
                    ranking(shortlist, category)
                    if shortlist
                    else reverse("scoring:assignments", kwargs={"pk": final.pk})
                )
                action = _("Prepare the final round")
            row.steps.append(
                Step(
                    "final_round",
                    DONE if last["total"] and last["completed"] == last["total"] else TODO,
                    _of(last["completed"], last["total"]) if last["total"] else "",
                    url,
                    str(action),
                )
            )
        else:
            row.steps.append(Step("final_round", SKIPPED, str(_("No final round")), "", ""))
        winners = results[(category.pk, ResultKind.WINNER)]
        deciding = final or shortlist
        row.steps.append(
            Step(
                "winner",
                DONE if winners else TODO,
                str(winners) if winners else "",
                ranking(deciding, category) if deciding else overview,
                str(_("Choose the winner")),
            )
        )
        issued = certificates.get(category.pk, 0)
        row.steps.append(
            Step(
                "certificates",
                DONE if winners and issued >= winners else TODO,
                str(issued) if issued else "",
                reverse("reports:home", kwargs={"slug": slug}),
                str(_("Generate the certificates")),
            )
        )
        row.steps.append(
            Step(
                "published",
                DONE if public else TODO,
                str(_("scheduled")) if scheduled else "",
                overview + "#publication-heading",
                str(_("Publish the results")),
            )
        )
        rows.append(row)
    return Board(rows=rows, labels=[str(label) for label in STEP_LABELS.values()], has_final_round=final is not None)
