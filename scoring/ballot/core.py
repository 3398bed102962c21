"""The ranked final ballot's count: the Schulze method on margins, with Borda beside it.

Pure Python, no Django: ``tally(candidates, ballots)`` takes the candidates (any hashable ids,
in a stable order) and the ballots, each a mapping candidate -> rank (1 is best; equal ranks are
a tie within the ballot). A candidate missing from a ballot takes no part in that ballot's pairs:
that is how a juror's conflict of interest on a finalist excludes the juror from every pair that
involves that finalist, while the juror's other pairs still count.

- ``d[i][j]``: the ballots that rank ``i`` strictly above ``j`` (a tie counts for neither side);
- ``margins[i][j] = d[i][j] - d[j][i]``;
- strongest paths: the widest path on the positive margins (Floyd–Warshall variant), so the
  strength of a path is its weakest link and ``strength[i][j]`` the best such strength;
- ``i`` beats ``j`` when ``strength[i][j] > strength[j][i]``; this relation is transitive, the
  winners are those beaten by nobody, and more than one winner is a tie for the chair to decide.

Borda (for comparison only): on each ballot a candidate scores one point per candidate of that
ballot ranked strictly below it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Duel:
    """Why ``winner`` is not beaten by ``opponent``: the two strongest paths compared."""

    opponent: Hashable
    strength_for: int
    path_for: list
    strength_against: int
    path_against: list

    @property
    def beats(self) -> bool:
        return self.strength_for > self.strength_against


@dataclass
class Tally:
    candidates: list
    ballots: int
    d: list[list[int]]
    margins: list[list[int]]
    strength: list[list[int]]
    paths: dict[tuple[int, int], list] = field(repr=False)
    order: list[list] = field(default_factory=list)
    borda: dict = field(default_factory=dict)
    first_places: dict = field(default_factory=dict)
    duels: dict = field(default_factory=dict)

    @property
    def winners(self) -> list:
        return list(self.order[0]) if self.order else []

    @property
    def tie(self) -> bool:
        return len(self.winners) > 1

    @property
    def winner(self):
        """The single winner, or None when nobody or several tie."""
        return self.winners[0] if len(self.winners) == 1 else None

    def rank_of(self, candidate) -> int:
        place = 1
        for group in self.order:
            if candidate in group:
                return place
            place += len(group)
        raise KeyError(candidate)

    def borda_order(self) -> list[list]:
        return _groups(self.candidates, lambda c: self.borda[c])


def _groups(candidates: Sequence, key) -> list[list]:
    """Candidates grouped by descending ``key``, ties together, stable within a group."""
    out: list[list] = []
    for value in sorted({key(c) for c in candidates}, reverse=True):
        out.append([c for c in candidates if key(c) == value])
    return out


def tally(candidates: Sequence[Hashable], ballots: Sequence[Mapping[Hashable, int]]) -> Tally:
    candidates = list(candidates)
    if len(set(candidates)) != len(candidates):
        raise ValueError("candidates must be distinct")
    index = {c: i for i, c in enumerate(candidates)}
    n = len(candidates)
    d = [[0] * n for _ in range(n)]
    borda = dict.fromkeys(candidates, 0)
    first = dict.fromkeys(candidates, 0)
    counted = 0
    for ballot in ballots:
        ranked = [(index[c], r) for c, r in ballot.items() if c in index and r is not None]
        if not ranked:
            continue
        counted += 1
        best = min(r for _i, r in ranked)
        for i, ri in ranked:
            if ri == best:
                first[candidates[i]] += 1
            for j, rj in ranked:
                if ri < rj:
                    d[i][j] += 1
                    borda[candidates[i]] += 1
    margins = [[d[i][j] - d[j][i] for j in range(n)] for i in range(n)]
    # Widest paths. ``nxt[i][j]`` is the first step of the strongest path found from i to j.
    p = [[margins[i][j] if i != j and margins[i][j] > 0 else 0 for j in range(n)] for i in range(n)]
    nxt = [[j if p[i][j] > 0 else None for j in range(n)] for i in range(n)]
    for k in range(n):
        for i in range(n):
            if i == k or p[i][k] == 0:
                continue
            for j in range(n):
                if j == i or j == k:
                    continue
                through = min(p[i][k], p[k][j])
                if through > p[i][j]:
                    p[i][j] = through
                    nxt[i][j] = nxt[i][k]
    paths: dict[tuple[int, int], list] = {}
    for i in range(n):
        for j in range(n):
            if i != j and p[i][j] > 0:
                step, path = i, [candidates[i]]
                while step != j:
                    step = nxt[step][j]
                    path.append(candidates[step])
                paths[(i, j)] = path
    beaten_by = {c: sum(1 for j in range(n) if p[j][index[c]] > p[index[c]][j]) for c in candidates}
    # The beat relation is a strict weak order, so the number of candidates beating a candidate
    # places it; candidates beating each other by neither side share a place.
    order = _groups(candidates, lambda c: -beaten_by[c])
    result = Tally(
        candidates=candidates,
        ballots=counted,
        d=d,
        margins=margins,
        strength=p,
        paths=paths,
        order=order,
        borda=borda,
        first_places=first,
    )
    for w in result.winners:
        wi = index[w]
        result.duels[w] = [
            Duel(
                opponent=c,
                strength_for=p[wi][index[c]],
                path_for=paths.get((wi, index[c]), []),
                strength_against=p[index[c]][wi],
                path_against=paths.get((index[c], wi), []),
            )
            for c in candidates
            if c != w
        ]
    return result


def condorcet_winner(result: Tally):
    """The candidate with a positive margin over every other one, or None."""
    n = len(result.candidates)
    for i, c in enumerate(result.candidates):
        if all(result.margins[i][j] > 0 for j in range(n) if j != i):
            return c
    return None
