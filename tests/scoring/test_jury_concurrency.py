"""Concurrent saves of one assignment (two tabs, a flaky network retrying) on the real
database: one row per criterion, no finalised value lost, stale saves refused."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from scoring.enums import AssignmentStatus
from scoring.jury.errors import ScoringError
from scoring.jury.scores import ScoreInput, assignment_finalise, score_save
from scoring.models import Assignment, Score
from tests.scoring.jury_setup import assignment, rubric

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def threaded_db(transactional_db, tmp_path, request):
    """Threads need a database they can all open. PostgreSQL is one; the SQLite test database
    is in memory (one shared-cache connection, table locks instead of the real file locking),
    so on SQLite the test moves to a migrated file database (a copy of the freshly migrated test
    database) with the production settings."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    import sqlite3

    memory_name = connection.settings_dict["NAME"]
    keeper = sqlite3.connect(memory_name, uri=True)  # keeps the in-memory test database alive
    database = request.getfixturevalue("migrated_sqlite")(tmp_path / "concurrency.sqlite3")
    connection.settings_dict["NAME"] = str(database)
    connection.close()
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = memory_name
        connection.ensure_connection()
        keeper.close()


THREADS = 6


def run_in_threads(fn, n=THREADS):
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def worker(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_threads_use_a_file_database_on_sqlite(threaded_db):
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()
        assert connection.cursor().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_concurrent_saves_same_version_one_wins_and_rows_unique(threaded_db, open_round, juror):
    criteria = rubric(open_round.edition, 4)
    a = assignment(open_round, juror)

    def save(i):
        mine = Assignment.objects.select_related("round__edition", "project__edition", "project__owner").get(pk=a.pk)
        values = {c.pk: ScoreInput(Decimal(i), f"thread {i}") for c in criteria}
        return score_save(actor=juror, assignment=mine, expected_version=0, values=values).version

    results = run_in_threads(save)
    wins = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, ScoringError)]
    assert len(wins) == 1 and len(refused) == THREADS - 1, results
    assert all(r.code == "stale" for r in refused)
    assert Score.objects.filter(assignment=a).count() == 4
    winner = results.index(wins[0])
    assert set(Score.objects.filter(assignment=a).values_list("value", flat=True)) == {Decimal(winner)}


def test_concurrent_saves_with_fresh_versions_and_a_finalise_lose_nothing(threaded_db, open_round, juror):
    criteria = rubric(open_round.edition, 3)
    a = assignment(open_round, juror)

    def save(i):
        # Each thread keeps retrying with the latest version, like an autosave after reload.
        for _attempt in range(50):
            mine = Assignment.objects.select_related("round__edition", "project__edition", "project__owner").get(
                pk=a.pk
            )
            values = {c.pk: ScoreInput(Decimal(i), "") for c in criteria}
            try:
                if i == 0:
                    return (
                        "final",
                        assignment_finalise(
                            actor=juror,
                            assignment=mine,
                            expected_version=mine.version,
                            values=values,
                            overall_comment="done",
                        ).version,
                    )
                return (
                    "saved",
                    score_save(actor=juror, assignment=mine, expected_version=mine.version, values=values).version,
                )
            except ScoringError as error:
                if error.code == "locked":
                    return ("locked", None)
                if error.code != "stale":
                    raise
        return ("gave up", None)

    results = run_in_threads(save)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert ("final", results[0][1]) == results[0]
    a.refresh_from_db()
    assert a.status == AssignmentStatus.COMPLETED
    # The finalised values are the final thread's and nobody overwrote them afterwards.
    assert list(Score.objects.filter(assignment=a).values_list("value", flat=True)) == [Decimal(0)] * 3
    assert Score.objects.filter(assignment=a).count() == 3
    versions = [v for kind, v in results if kind in {"saved", "final"}]
    assert len(versions) == len(set(versions))  # every successful save had its own version


def test_a_score_saved_while_the_round_switches_to_ranked_ballots_waits_and_is_refused(threaded_db, open_round, juror):
    """The set-up refuses the switch once a score exists, checking under a lock on the round's
    row; a save running meanwhile waits for that lock and then sees the round ranked."""
    import threading
    import time

    from django.db import transaction

    from award.enums import FinalMode, RoundKind
    from award.models import Round
    from award.setup.services import final_mode_change_refused

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: no row locks to race on")
    criteria = rubric(open_round.edition, 2)
    a = assignment(open_round, juror)
    Round.objects.filter(pk=open_round.pk).update(kind=RoundKind.FINAL, final_mode=FinalMode.SCORED)
    mine = Assignment.objects.select_related("round__edition", "project__edition", "project__owner").get(pk=a.pk)
    switched = threading.Event()

    def switch():
        try:
            with transaction.atomic():
                rnd = Round.objects.select_for_update().get(pk=open_round.pk)
                assert final_mode_change_refused(rnd, FinalMode.RANKED) is None  # no score yet
                rnd.final_mode = FinalMode.RANKED
                rnd.save(update_fields=["final_mode"])
                switched.set()
                time.sleep(0.5)  # the save below starts now and must wait for this commit
        finally:
            connection.close()

    thread = threading.Thread(target=switch)
    thread.start()
    assert switched.wait(10)
    values = {c.pk: ScoreInput(Decimal(5), "") for c in criteria}
    with pytest.raises(ScoringError) as refused:
        score_save(actor=juror, assignment=mine, expected_version=0, values=values)
    thread.join(10)
    assert refused.value.code == "ranked"
    assert Score.objects.filter(assignment=a).count() == 0
    assert Round.objects.get(pk=open_round.pk).final_mode == FinalMode.RANKED
