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
