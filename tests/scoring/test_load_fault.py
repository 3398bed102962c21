"""Fault test for the load benchmark (bench/load.py): a gunicorn worker is killed while jurors
are saving scores; the clients retry the saves that got no answer (with the same version) and
every acknowledged save is in the database exactly once."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402  (bench/load.py)

SAVES_PER_JUROR = 25


def _env(**extra) -> dict:
    skip = {"DATABASE_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(DJANGO_SETTINGS_MODULE="award.settings", **extra)
    return env


def _in_django(code: str, env: dict, *, migrate: bool = False):
    """Run `code` in a fresh process with Django set up on the test's own database; return its JSON."""
    script = (
        "import json, sys; sys.path.insert(0, 'bench'); from _support import django_setup; "
        f"django_setup(migrate={migrate}); import load; " + code
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _saver(client: load.JurorClient, done: list) -> None:
    try:
        client.login()
        for aid in client.assignments:
            client.open_assignment(aid)
        for i in range(SAVES_PER_JUROR):
            aid = client.assignments[i % len(client.assignments)]
            client.save(aid, client.random_change(), attempts=20)
    except Exception as error:  # noqa: BLE001 - reported through client.errors
        client.errors.append(f"{type(error).__name__}: {error}")
    done.append(client)


@pytest.mark.slow
@pytest.mark.same_on_every_database
def test_killed_worker_loses_no_save_and_saves_none_twice(tmp_path, migrated_sqlite):
    db_env = {"SQLITE_PATH": str(migrated_sqlite(tmp_path / "load.sqlite3"))}
    env = _env(**db_env)
    plan = _in_django("print(json.dumps(load.seed(users=4, per_user=3)))", env)

    with load.server(db_env) as (base, master):
        clients = [
            load.JurorClient(base, email, ids, plan["criteria"], seed=i, briefing=plan["briefing"])
            for i, (email, ids) in enumerate(plan["jurors"])
        ]
        finished: list = []
        threads = [threading.Thread(target=_saver, args=(c, finished), daemon=True) for c in clients]
        for t in threads:
            t.start()
        # Once the saves are flowing, kill a worker (SIGKILL: no graceful end of its request), twice.
        killed = []
        for _ in range(2):
            limit = time.monotonic() + 60
            while sum(c.saves for c in clients) < 10 * (len(killed) + 1) and time.monotonic() < limit:
                time.sleep(0.02)
            workers = load.worker_pids(master)
            assert len(workers) == 2
            os.kill(workers[0], signal.SIGKILL)
            killed.append(workers[0])
        for t in threads:
            t.join(timeout=120)
        # The master replaced the killed workers.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (
            len(load.worker_pids(master)) != 2 or set(killed) & set(load.worker_pids(master))
        ):
            time.sleep(0.1)
        assert len(load.worker_pids(master)) == 2
        assert not set(killed) & set(load.worker_pids(master))

    retries = sum(c.retries for c in clients)
    print(f"killed workers {killed}; client retries after the kills: {retries}")
    assert retries >= 1, "the kills hit no request in flight: the retry path was not exercised"
    assert len(finished) == len(clients)
    assert [e for c in clients for e in c.errors] == []
    assert sum(c.saves for c in clients) == SAVES_PER_JUROR * len(clients)

    rows = _in_django(
        "print(json.dumps([[a, c, [str(v) for v in vs]] for (a, c), vs in load.stored_scores().items()]))", env
    )
    stored = {(a, c): [Decimal(v) for v in vs] for a, c, vs in rows}
    acknowledged = {key: value for c in clients for key, value in c.acknowledged.items()}
    assert acknowledged, "no save was acknowledged"
    # Exactly one row per (assignment, criterion), holding the last acknowledged value.
    assert all(len(values) == 1 for values in stored.values())
    assert load.lost_saves(acknowledged, stored) == 0
    assert set(stored) == set(acknowledged)
