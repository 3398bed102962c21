"""Two concurrent confirmations by one verified address count once, on the real database
(a file SQLite database with threads, and PostgreSQL): the partial unique constraint on
(vote, scope, voter hash) decides, whatever the timing."""

import pytest

from scoring.vote.enums import VoteStatus
from scoring.vote.models import Vote
from scoring.vote.selectors import vote_counts
from scoring.vote.services import VoteError, confirmation_token, vote_confirm, vote_request
from tests.scoring.test_jury_concurrency import run_in_threads, threaded_db  # noqa: F401  (fixture)
from tests.scoring.vote_setup import open_vote, request_for

# Each test migrates a file database on SQLite (about 20 s).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THREADS = 6


@pytest.mark.parametrize("changeable", [False, True])
def test_concurrent_confirmations_by_one_address_count_once(threaded_db, edition, changeable):  # noqa: F811
    poll, (a, b) = open_vote(edition, changeable=changeable, max_requests_per_address=THREADS)
    # Six vote requests by one address (two tabs, a double click, two phones), all pending.
    tokens = [
        confirmation_token(vote_request(poll=poll, request=request_for(poll, a if i % 2 else b, "eva@example.sk")))
        for i in range(THREADS)
    ]

    def confirm(i):
        return vote_confirm(token=tokens[i])

    results = run_in_threads(confirm, THREADS)
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, VoteError)]
    assert unexpected == [], unexpected
    assert sum(vote_counts(poll).values()) == 1
    assert Vote.objects.filter(poll=poll, status=VoteStatus.CONFIRMED).count() == 1
    if not changeable:
        assert sum(1 for r in results if not isinstance(r, Exception)) == 1


def test_one_link_confirmed_concurrently_counts_once(threaded_db, edition):  # noqa: F811
    poll, (a, _b) = open_vote(edition)
    token = confirmation_token(vote_request(poll=poll, request=request_for(poll, a, "jan@example.cz")))
    results = run_in_threads(lambda i: vote_confirm(token=token), THREADS)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert vote_counts(poll) == {a.pk: 1}
