"""Reading the ranked ballots: the loader that turns ballots into ``core.tally``'s input, the
juror's own ballot, and the plain data sealed with the results."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from award.collation import name_order
from award.enums import FinalMode, RoundKind
from award.models import Category, Round, User
from scoring.ballot import core
from scoring.ballot.models import Ballot, BallotEntry
from scoring.enums import AssignmentStatus
from scoring.models import Assignment, ConflictOfInterest
from submissions.models import Project

METHOD = "schulze-margins"


def is_ranked(round: Round) -> bool:
    return round.kind == RoundKind.FINAL and round.final_mode == FinalMode.RANKED


def _eligible(round: Round, category: Category, juror: User | None = None) -> dict[int, set[int]]:
    """Per juror, the finalists the juror may rank: assigned in the round (not recused) and no
    recorded conflict of interest. Automatic conflicts were never assigned (final_round_prepare).
    Two queries whatever the number of jurors and finalists."""
    pairs = Assignment.objects.filter(round=round, project__category=category).exclude(status=AssignmentStatus.RECUSED)
    if juror is not None:
        pairs = pairs.filter(juror=juror)
    pairs = list(pairs.values_list("juror_id", "project_id"))
    conflicts = set(
        ConflictOfInterest.objects.filter(
            juror_id__in={j for j, _p in pairs}, project_id__in={p for _j, p in pairs}
        ).values_list("juror_id", "project_id")
    )
    out: dict[int, set[int]] = {}
    for juror_id, project_id in pairs:
        if (juror_id, project_id) not in conflicts:
            out.setdefault(juror_id, set()).add(project_id)
    return out


def finalists_of(round: Round, category: Category):
    """The projects on the category's ballot: those assigned to the panel in the final round."""
    return (
        Project.objects.filter(category=category, assignments__round=round)
        .distinct()
        .order_by("reference", "pk")
        .only("pk", "title", "reference", "organisation_name", "category_id", "edition_id")
    )


@dataclass
class JurorBallot:
    finalists: list  # Project, in the order of the juror's ballot (unranked ones last)
    ranks: dict[int, int]  # project id -> place
    ballot: Ballot | None


def juror_ballot(juror: User, round: Round, category: Category) -> JurorBallot:
    """The juror's own ballot: only the finalists the juror may rank, only the juror's ranks."""
    allowed = _eligible(round, category, juror).get(juror.pk, set())
    ballot = Ballot.objects.filter(round=round, category=category, juror=juror).first()
    ranks = {}
    if ballot is not None:
        ranks = dict(ballot.entries.filter(project_id__in=allowed).values_list("project_id", "rank"))
    projects = [p for p in finalists_of(round, category) if p.pk in allowed]
    projects.sort(key=lambda p: (ranks.get(p.pk) is None, ranks.get(p.pk, 0)))
    return JurorBallot(finalists=projects, ranks=ranks, ballot=ballot)


@dataclass
class BallotCount:
    round: Round
    category: Category
    projects: list  # Project, the candidates in reference order
    tally: core.Tally
    eligible_jurors: int
    cast: int
    conflicted_pairs: int  # (juror, finalist) pairs left out for a conflict or recusal
    ballots: dict[int, dict[int, int]] = field(default_factory=dict)  # juror id -> project id -> place

    @property
    def by_id(self) -> dict:
        return {p.pk: p for p in self.projects}


def ballot_count(*, round: Round, category: Category) -> BallotCount:
    """The Schulze count of the category's ballots. A ballot counts only its eligible finalists
    (a conflict recorded after the juror ranked removes that finalist's pairs). Four queries."""
    projects = list(finalists_of(round, category))
    ids = [p.pk for p in projects]
    eligible = _eligible(round, category)
    ballots: dict[int, dict[int, int]] = {}
    for juror_id, project_id, rank in BallotEntry.objects.filter(
        ballot__round=round, ballot__category=category
    ).values_list("ballot__juror_id", "project_id", "rank"):
        if project_id in eligible.get(juror_id, set()):
            ballots.setdefault(juror_id, {})[project_id] = rank
    jurors = sorted(ballots)
    result = core.tally(ids, [ballots[j] for j in jurors])
    full = len(ids) * len(eligible)
    return BallotCount(
        round=round,
        category=category,
        projects=projects,
        tally=result,
        eligible_jurors=len(eligible),
        cast=len(ballots),
        conflicted_pairs=full - sum(len(v) for v in eligible.values()),
        ballots={j: ballots[j] for j in jurors},
    )


def count_as_json(count: BallotCount) -> dict:
    """The count as plain data (project ids as "p<id>" keys): sealed and served by the API."""
    t = count.tally
    key = {p.pk: f"p{p.pk}" for p in count.projects}
    ids = [p.pk for p in count.projects]
    return {
        "method": METHOD,
        "finalists": ids,
        "eligible_jurors": count.eligible_jurors,
        "ballots_cast": count.cast,
        "order": t.order,
        "winners": t.winners,
        "tie": t.tie,
        "pairwise": {key[a]: {key[b]: t.d[i][j] for j, b in enumerate(ids) if i != j} for i, a in enumerate(ids)},
        "margins": {key[a]: {key[b]: t.margins[i][j] for j, b in enumerate(ids) if i != j} for i, a in enumerate(ids)},
        "strongest_paths": {
            key[a]: {key[b]: t.strength[i][j] for j, b in enumerate(ids) if i != j} for i, a in enumerate(ids)
        },
        "borda": {key[p]: t.borda[p] for p in ids},
    }


def ballots_sealed(rounds: list[Round]) -> list[dict]:
    """For each ranked final round among ``rounds``: per category the ballots (by juror id) and
    the count. Empty when no round is ranked (older snapshots keep their exact payload)."""
    out = []
    for rnd in rounds:
        if not is_ranked(rnd):
            continue
        category_ids = (
            Assignment.objects.filter(round=rnd).values_list("project__category_id", flat=True).distinct().order_by()
        )
        for category in Category.objects.filter(pk__in=list(category_ids)).order_by("position", "name", "id"):
            count = ballot_count(round=rnd, category=category)
            out.append(
                {
                    "round": rnd.pk,
                    "category": category.pk,
                    "ballots": [
                        {"juror": j, "ranks": {f"p{p}": r for p, r in sorted(ranks.items())}}
                        for j, ranks in count.ballots.items()
                    ],
                    "count": count_as_json(count),
                }
            )
    return out


@dataclass
class BallotProgress:
    """Who has cast the ballots of ranked final rounds. A panel member is expected to cast a
    ballot in a category when assigned there (not recused) to at least one finalist without a
    recorded conflict; their part is done when that ballot exists."""

    expected: dict[tuple[int, int], set[int]] = field(default_factory=dict)  # (round, category) -> jurors
    cast: set[tuple[int, int, int]] = field(default_factory=set)  # (round, category, juror)
    ranked: set[int] = field(default_factory=set)  # the ranked rounds' ids

    def category(self, round_id: int, category_id: int) -> tuple[int, int]:
        """(ballots cast, ballots expected) in one category."""
        jurors = self.expected.get((round_id, category_id), set())
        return sum(1 for j in jurors if (round_id, category_id, j) in self.cast), len(jurors)

    def of_round(self, round_id: int) -> tuple[int, int]:
        done = total = 0
        for (rnd, category), _jurors in self.expected.items():
            if rnd == round_id:
                d, t = self.category(rnd, category)
                done, total = done + d, total + t
        return done, total

    def missing(self, round_id: int) -> dict[int, list[int]]:
        """Per juror, the categories whose ballot the juror has not cast yet."""
        out: dict[int, list[int]] = {}
        for (rnd, category), jurors in self.expected.items():
            if rnd != round_id:
                continue
            for juror in jurors:
                if (rnd, category, juror) not in self.cast:
                    out.setdefault(juror, []).append(category)
        return out

    def juror(self, round_id: int, juror_id: int) -> tuple[int, int]:
        """(ballots cast, ballots expected) of one juror."""
        cats = [c for (rnd, c), jurors in self.expected.items() if rnd == round_id and juror_id in jurors]
        return sum(1 for c in cats if (round_id, c, juror_id) in self.cast), len(cats)


def ballot_pairs(assignments):
    """The (juror, finalist) pairs among `assignments` that count towards a ballot: not recused
    and without a recorded conflict. ``ballots_progress`` and ``ballot_jurors`` expect a ballot
    from each juror in such a pair; ``finalist_ballot_rows`` leaves out the same pairs (its rows
    hold the live assignments, and it marks the conflicts)."""
    return assignments.exclude(status=AssignmentStatus.RECUSED).exclude(
        Exists(ConflictOfInterest.objects.filter(juror=OuterRef("juror"), project=OuterRef("project")))
    )


def ballots_progress(rounds, *, juror: User | None = None) -> BallotProgress:
    """The ballots cast and expected in the ranked rounds among ``rounds``: no query when none is
    ranked, two otherwise, whatever the number of rounds, categories, jurors and ballots."""
    progress = BallotProgress(ranked={r.pk for r in rounds if is_ranked(r)})
    if not progress.ranked:
        return progress
    pairs = ballot_pairs(Assignment.objects.filter(round_id__in=progress.ranked))
    ballots = Ballot.objects.filter(round_id__in=progress.ranked)
    if juror is not None:
        pairs, ballots = pairs.filter(juror=juror), ballots.filter(juror=juror)
    for round_id, category_id, juror_id in (
        pairs.values_list("round_id", "project__category_id", "juror_id").distinct().order_by()
    ):
        progress.expected.setdefault((round_id, category_id), set()).add(juror_id)
    progress.cast = set(ballots.values_list("round_id", "category_id", "juror_id").order_by())
    return progress


def finalist_ballot_rows(round: Round, rows: list[dict]) -> list[dict]:
    """The ballot state of each finalist on a page of the progress board (rows of
    ``scoring.selectors.round_project_rows``): per live assignment whether the juror's cast ballot
    ranks the finalist, or that a recorded conflict leaves the pair out; per row how many of the
    panel members who may rank it have ranked it. Two queries whatever the page's size."""
    ids = [row["project"].pk for row in rows]
    ranked = set(
        BallotEntry.objects.filter(ballot__round=round, project_id__in=ids)
        .values_list("ballot__juror_id", "project_id")
        .order_by()
    )
    jurors = {a.juror_id for row in rows for a in row["assignments"]}
    conflicts = set(
        ConflictOfInterest.objects.filter(juror_id__in=jurors, project_id__in=ids)
        .values_list("juror_id", "project_id")
        .order_by()
    )
    for row in rows:
        marks, done, expected = [], 0, 0
        for a in row["assignments"]:
            pair = (a.juror_id, a.project_id)
            if pair in conflicts:
                state = "conflict"
            else:
                expected += 1
                state = "ranked" if pair in ranked else "not_ranked"
                done += state == "ranked"
            marks.append({"juror": a.juror, "state": state})
        row.update(ballot_marks=marks, ballot_ranked=done, ballot_expected=expected)
    return rows


def ballot_jurors(round: Round, category: Category):
    """The panel members expected to cast a ballot in the category (as ``ballots_progress``
    counts them: assigned there, not recused, to a finalist without a recorded conflict), each
    with ``cast``: whether their ballot exists. Never the ballot's places."""
    expected = ballot_pairs(Assignment.objects.filter(round=round, project__category=category))
    cast = Ballot.objects.filter(round=round, category=category, juror=OuterRef("pk"))
    return (
        User.objects.filter(pk__in=expected.values("juror_id"))
        .annotate(cast=Exists(cast))
        .order_by(name_order("last_name"), name_order("first_name"), "email", "pk")
        .only("pk", "first_name", "last_name", "email")
    )
