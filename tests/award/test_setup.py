import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from award.env import email_settings, env_bool


@pytest.mark.django_db
def test_migrations_match_models():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_sqlite_default_is_configured_for_concurrent_use():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("running on PostgreSQL")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5


def test_sqlite_pragmas_apply_on_a_file_database(tmp_path, django_db_blocker):
    """Open a real file database with the project's options and read the pragmas back."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    options = dict(settings.DATABASES["default"].get("OPTIONS", {}))
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("running on PostgreSQL")
    wrapper = DatabaseWrapper(
        {**settings.DATABASES["default"], "NAME": str(tmp_path / "x.sqlite3"), "OPTIONS": options}
    )
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000
    finally:
        wrapper.close()


def _settings_with(monkeypatch, **variables) -> dict:
    """The settings module's globals as built from these environment variables."""
    import runpy

    import award.settings

    for name in ("DATABASE_URL", "SQLITE_PATH", "SQLITE_TEST_PATH"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(award.settings.__file__)


def _read_pragmas(database: dict, django_db_blocker) -> tuple[str, int, str]:
    from django.db.backends.sqlite3.base import DatabaseWrapper

    # The keys that Django's connection handler fills in (TIME_ZONE, ...) come from the live settings.
    wrapper = DatabaseWrapper({**settings.DATABASES["default"], **database})
    try:
        with django_db_blocker.unblock():
            wrapper.ensure_connection()
            with wrapper.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                journal = cursor.fetchone()[0]
                cursor.execute("PRAGMA busy_timeout")
                busy = cursor.fetchone()[0]
            return journal, busy, wrapper.transaction_mode
    finally:
        wrapper.close()


def test_sqlite_database_url_gets_the_same_options(tmp_path, monkeypatch, django_db_blocker):
    """DATABASE_URL=sqlite:///path once gave a database without IMMEDIATE/WAL/busy timeout, and
    pages answered 500 "database is locked" while a worker ran."""
    path = tmp_path / "named.sqlite3"
    by_url = _settings_with(monkeypatch, DATABASE_URL=f"sqlite:///{path}")["DATABASES"]["default"]
    by_default = _settings_with(monkeypatch, SQLITE_PATH=str(tmp_path / "default.sqlite3"))["DATABASES"]["default"]

    assert by_url["ENGINE"] == "django.db.backends.sqlite3"
    assert by_url["NAME"] == str(path)
    assert by_url["OPTIONS"] == by_default["OPTIONS"]
    assert _read_pragmas(by_url, django_db_blocker) == ("wal", 20000, "IMMEDIATE")
    assert _read_pragmas(by_default, django_db_blocker) == ("wal", 20000, "IMMEDIATE")


def test_postgres_database_url_gets_no_sqlite_options(monkeypatch):
    by_url = _settings_with(monkeypatch, DATABASE_URL="postgres://award@db.example.org:5432/award")
    database = by_url["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert "init_command" not in database.get("OPTIONS", {})


def test_email_url_parsing():
    assert email_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = email_settings("smtp+tls://user%40x.org:p%40ss@mail.example.org:2525?from=award@example.org")
    assert smtp["EMAIL_HOST"] == "mail.example.org"
    assert smtp["EMAIL_PORT"] == 2525
    assert smtp["EMAIL_HOST_USER"] == "user@x.org"
    assert smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] is True
    assert smtp["DEFAULT_FROM_EMAIL"] == "award@example.org"
    with pytest.raises(ValueError):
        email_settings("carrier-pigeon://coop")


def test_five_languages_configured():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "sk", "cs", "pl", "hu"]


BENCH_PROBE = """
import json, os, sys
sys.path.insert(0, "bench")
from _support import django_setup, temporary_database

with temporary_database("probe") as variables:
    django_setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE probe (n integer)")
        cursor.execute("INSERT INTO probe VALUES (42)")
        cursor.execute("SELECT n FROM probe")
        row = cursor.fetchone()[0]
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
    path = connection.settings_dict["NAME"]
    inside = {"vendor": connection.vendor, "path": str(path), "row": row, "journal": journal,
              "url": os.environ["DATABASE_URL"]}
print(json.dumps({**inside, "exists_after": os.path.exists(inside["path"]), "url_after": os.environ["DATABASE_URL"]}))
"""


def test_bench_support_makes_a_temporary_sqlite_database_from_a_sqlite_url(tmp_path):
    """bench/_support once handed a sqlite:/// URL to psycopg, which looked for a server named "tmp"."""
    import json
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    given = f"sqlite:///{tmp_path / 'mine.sqlite3'}"
    skip = {"DATABASE_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip} | {"DATABASE_URL": given}
    done = subprocess.run(
        [sys.executable, "-c", BENCH_PROBE], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.strip().splitlines()[-1])

    assert probe["vendor"] == "sqlite"
    assert probe["row"] == 42
    assert probe["journal"] == "wal"
    assert probe["path"] != str(tmp_path / "mine.sqlite3")  # a fresh file, not the one named
    assert probe["url"] == f"sqlite:///{probe['path']}"
    assert probe["exists_after"] is False
    assert probe["url_after"] == given
    assert not (tmp_path / "mine.sqlite3").exists()


def test_requirements_pin_every_package_the_apps_import():
    """pypdf was pinned only in requirements-dev.txt and fontTools came only through WeasyPrint, so
    a deployment that installed requirements.txt could not make certificates. (.ci/run also
    installs requirements.txt alone into a fresh virtualenv and imports every module.)"""
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("import_all", root / ".ci" / "import_all.py")
    import_all = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(import_all)

    assert import_all.unpinned_imports() == []
    assert {"pypdf", "fonttools"} <= import_all.pinned_distributions()


@pytest.mark.parametrize(
    "value,expected",
    [("1", True), ("true", True), (" Yes ", True), ("ON", True), ("0", False), ("false", False), ("no", False)]
    + [("off", False), ("", False)],
)
def test_env_bool_reads_the_accepted_words(monkeypatch, value, expected):
    monkeypatch.setenv("SECURE_SSL_REDIRECT", value)
    assert env_bool("SECURE_SSL_REDIRECT", not expected) is expected


def test_env_bool_gives_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("SECURE_SSL_REDIRECT", raising=False)
    assert env_bool("SECURE_SSL_REDIRECT", True) is True
    assert env_bool("SECURE_SSL_REDIRECT", False) is False


def test_env_bool_refuses_a_misspelt_word(monkeypatch):
    monkeypatch.setenv("SECURE_SSL_REDIRECT", "ture")
    with pytest.raises(ImproperlyConfigured) as refused:
        env_bool("SECURE_SSL_REDIRECT", False)
    assert str(refused.value) == (
        "SECURE_SSL_REDIRECT='ture' is not a boolean; use one of: 1, true, yes, on, 0, false, no, off."
    )


def test_settings_refuse_to_load_with_a_misspelt_boolean():
    """What an operator sees: the process does not start, and the message names the variable."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(DJANGO_SETTINGS_MODULE="award.settings", CSP_ENFORCE="ture")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: CSP_ENFORCE='ture' is not a boolean; use one of: 1, true, yes, on, 0" in result.stderr
