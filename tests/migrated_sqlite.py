"""A migrated SQLite database file, copied instead of migrated again.

On the SQLite pass the test database is in memory. Right after pytest-django has migrated it,
and before any test writes to it, tests/conftest.py's ``django_db_setup`` keeps a copy of it as a
file here (``keep``). The tests whose threads or processes need a database file of their own
start from a copy of that file (``copy_to``) instead of migrating one again, which takes 8 to 20 s
each. The copy is what ``migrate`` leaves: the schema with its triggers, the applied migrations
and the rows that migrations create."""

import shutil
import sqlite3
from pathlib import Path

_KEPT: list[Path] = []


def keep(memory_name: str, target: Path) -> None:
    source = sqlite3.connect(memory_name, uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    _KEPT[:] = [target]


def copy_to(path) -> Path:
    """Write a freshly migrated SQLite database to `path`."""
    if not _KEPT:
        raise RuntimeError("no migrated SQLite database is kept: the test database is not SQLite in memory")
    shutil.copyfile(_KEPT[0], path)
    return Path(path)
