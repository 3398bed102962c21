"""The Schulze count on margins (scoring/ballot/core.py) on known cases, orders written out."""

from scoring.ballot.core import condorcet_winner, tally


def ballots(*groups: tuple[int, str]) -> list[dict]:
    """(count, "ACB") -> count ballots ranking A first, C second, B third."""
    return [{c: place for place, c in enumerate(order, start=1)} for n, order in groups for _ in range(n)]


def test_schulze_wikipedia_example_of_45_voters_elects_e():
    # en.wikipedia.org/wiki/Schulze_method, the example with 45 voters and 5 candidates.
    result = tally(
        "ABCDE",
        ballots(
            (5, "ACBED"),
            (5, "ADECB"),
            (8, "BEDAC"),
            (3, "CABED"),
            (7, "CAEBD"),
            (2, "CBADE"),
            (7, "DCEBA"),
            (8, "EBADC"),
        ),  # fmt: skip
    )
    # The pairwise preferences as the article prints them (row preferred to column).
    assert result.d == [
        [0, 20, 26, 30, 22],
        [25, 0, 16, 33, 18],
        [19, 29, 0, 17, 24],
        [15, 12, 28, 0, 14],
        [23, 27, 21, 31, 0],
    ]
    # There is no Condorcet winner (A>C>B>... but B>A: a cycle); the Schulze order resolves it.
    assert condorcet_winner(result) is None
    assert result.order == [["E"], ["A"], ["C"], ["B"], ["D"]]
    assert result.winner == "E" and not result.tie
    # Why E beats A: the path E→B→A of strength 5 (margins 9 and 5) against A→C→E of 3.
    duel = next(d for d in result.duels["E"] if d.opponent == "A")
    assert (duel.path_for, duel.strength_for) == (["E", "B", "A"], 5)
    assert (duel.path_against, duel.strength_against) == (["A", "C", "E"], 3)
    # Borda agrees here on the winner but ranks differently below it.
    assert result.borda == {"A": 98, "B": 92, "C": 89, "D": 69, "E": 102}
    assert result.borda_order() == [["E"], ["A"], ["B"], ["C"], ["D"]]


def test_condorcet_winner_differs_from_the_plurality_winner():
    # 4 A>B>C, 3 B>C>A, 2 C>B>A: A has most first places, but B beats both A (5:4) and C (7:2).
    result = tally("ABC", ballots((4, "ABC"), (3, "BCA"), (2, "CBA")))
    assert result.first_places == {"A": 4, "B": 3, "C": 2}
    assert condorcet_winner(result) == "B"
    assert result.order == [["B"], ["C"], ["A"]]
    assert result.margins[1][0] == 1 and result.margins[1][2] == 5 and result.margins[2][0] == 1


def test_a_cycle_is_resolved_by_the_weakest_link():
    # A>B by 3, B>C by 7, C>A by 1: a cycle; it breaks at its weakest defeat (C over A).
    result = tally("ABC", ballots((7, "ABC"), (4, "BCA"), (2, "CAB"), (2, "CBA")))
    assert [[result.margins[i][j] for j in range(3)] for i in range(3)] == [[0, 3, -1], [-3, 0, 7], [1, -7, 0]]
    assert condorcet_winner(result) is None
    assert result.order == [["A"], ["B"], ["C"]]
    # A reaches C through B with strength min(3, 7) = 3; C's path back is its direct margin 1.
    assert (result.strength[0][2], result.strength[2][0]) == (3, 1)
    assert result.paths[(0, 2)] == ["A", "B", "C"]


def test_a_perfect_cycle_is_a_tie_that_is_named():
    result = tally("ABC", ballots((1, "ABC"), (1, "BCA"), (1, "CAB")))
    assert result.tie and result.winner is None
    assert result.winners == ["A", "B", "C"]
    assert result.order == [["A", "B", "C"]]


def test_a_tie_within_a_ballot_counts_for_neither_side():
    # Two ballots: A=B>C, and B>A>C. Only the second has a preference between A and B.
    result = tally("ABC", [{"A": 1, "B": 1, "C": 3}, {"B": 1, "A": 2, "C": 3}])
    assert result.d[0][1] == 0 and result.d[1][0] == 1
    assert result.d[0][2] == 2 and result.d[1][2] == 2
    assert result.order == [["B"], ["A"], ["C"]]
    # Borda: one point per finalist ranked strictly below.
    assert result.borda == {"A": 2, "B": 3, "C": 0}


def test_a_finalist_missing_from_a_ballot_takes_no_part_in_that_ballots_pairs():
    # The second juror has a conflict on A: their ballot holds only B and C.
    result = tally("ABC", [{"A": 1, "B": 2, "C": 3}, {"B": 1, "C": 2}])
    assert result.d[0][1] == 1 and result.d[1][0] == 0  # A vs B: the first juror only
    assert result.d[1][2] == 2  # B vs C: both jurors
    assert result.order == [["A"], ["B"], ["C"]]
    assert result.ballots == 2
