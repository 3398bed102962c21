"""What every benchmark needs: a database of its own, made before Django starts and removed after.

    with temporary_database("ranking"):
        django_setup()
        ...

Without DATABASE_URL, or with a sqlite:// one, it is a temporary SQLite file; with a PostgreSQL
DATABASE_URL (any database on the server, used only to connect) a fresh PostgreSQL database,
dropped afterwards.
"""

import logging
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _admin_connection(url: str):
    import psycopg

    return psycopg.connect(urlunsplit(urlsplit(url)._replace(scheme="postgresql")), autocommit=True)


def _is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql", "postgis"}


@contextmanager
def temporary_database(label: str) -> Iterator[dict[str, str]]:
    """Set SQLITE_PATH or DATABASE_URL to a new empty database; yield the variables it set."""
    original_url = os.environ.get("DATABASE_URL")
    # A sqlite:// URL once went to psycopg as a server named "tmp": it means "a SQLite file" here.
    admin_url = original_url if original_url and _is_postgres(original_url) else None
    folder = tempfile.mkdtemp(prefix=f"award-bench-{label}-")
    name = f"award_bench_{label}_{uuid.uuid4().hex[:8]}"
    if admin_url:
        with _admin_connection(admin_url) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        variables = {"DATABASE_URL": urlunsplit(urlsplit(admin_url)._replace(path="/" + name))}
    else:
        path = Path(folder) / "bench.sqlite3"
        variables = {"SQLITE_PATH": str(path)}
        if original_url:
            variables["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.update(variables)
    try:
        yield variables
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if admin_url:
            with _admin_connection(admin_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if original_url:
            os.environ["DATABASE_URL"] = original_url
        shutil.rmtree(folder, ignore_errors=True)


def django_setup(*, migrate: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "award.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    logging.disable(logging.WARNING)
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
