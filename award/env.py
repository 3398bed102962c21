"""Reading configuration from environment variables (used by settings only)."""

import os
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# IMMEDIATE transactions take the write lock at BEGIN, so two writers queue on the busy timeout
# instead of failing with "database is locked" half-way through; WAL lets readers proceed while
# one process writes.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def env_bool(name: str, default: bool = False) -> bool:
    """An unset variable gives the default, an empty one is false (as it always was). Any other
    word than those above is refused: a misspelt "ture" read as false would quietly turn off
    what the operator meant to turn on."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or word == "":
        return False
    accepted = ", ".join(TRUE_WORDS + FALSE_WORDS)
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use one of: {accepted}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_settings(url: str, *, sqlite_path: str, sqlite_test_path: str = "", conn_max_age: int = 60) -> dict:
    """The default database from DATABASE_URL, or the SQLite file at sqlite_path without one.

    Every SQLite database gets SQLITE_OPTIONS, however it is named: with sqlite:///path the
    options were once missing, and pages answered 500 "database is locked" while a worker wrote.
    """
    if url:
        database = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    else:
        database = {"ENGINE": "django.db.backends.sqlite3", "NAME": sqlite_path}
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = {**SQLITE_OPTIONS, **database.get("OPTIONS", {})}
        database["TEST"] = {"NAME": sqlite_test_path or None}
    return database


def email_settings(url: str) -> dict:
    """Translate EMAIL_URL into Django's EMAIL_* settings.

    console://            print mail to stdout (development default)
    locmem://             keep mail in memory (tests)
    file:///path/to/dir   write mail to files
    smtp://user:pass@host:587?from=award@example.org
    smtp+tls://...        STARTTLS;  smtp+ssl://... implicit TLS
    """
    parsed = urlparse(url)
    scheme = parsed.scheme
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    result: dict = {}
    if scheme == "console":
        result["EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
    elif scheme == "locmem":
        result["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    elif scheme == "file":
        result["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
        result["EMAIL_FILE_PATH"] = parsed.path
    elif scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        result["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
        result["EMAIL_HOST"] = parsed.hostname or "localhost"
        result["EMAIL_PORT"] = parsed.port or (465 if scheme == "smtp+ssl" else 587 if scheme == "smtp+tls" else 25)
        result["EMAIL_HOST_USER"] = unquote(parsed.username or "")
        result["EMAIL_HOST_PASSWORD"] = unquote(parsed.password or "")
        result["EMAIL_USE_TLS"] = scheme == "smtp+tls"
        result["EMAIL_USE_SSL"] = scheme == "smtp+ssl"
    else:
        raise ValueError(f"Unsupported EMAIL_URL scheme: {scheme!r}")
    if "from" in query:
        result["DEFAULT_FROM_EMAIL"] = query["from"]
    return result


def media_storage() -> dict:
    """The STORAGES["default"] entry: the local MEDIA_ROOT folder, or an S3-compatible bucket
    (AWS S3, MinIO, Ceph, Hetzner, OVH, ...) when MEDIA_STORAGE=s3 or AWS_STORAGE_BUCKET_NAME is set.

    Objects stay private (no ACL is sent, so the bucket's private default applies) and no URLs
    are handed out, signed or not: every file is streamed by a view that checks permission.
    Without AWS_ACCESS_KEY_ID the usual boto3 chain applies (instance role, ~/.aws)."""
    bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    kind = env_str("MEDIA_STORAGE", "s3" if bucket else "local").strip().lower()
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise RuntimeError(f"MEDIA_STORAGE must be 'local' or 's3', not {kind!r}.")
    if not bucket:
        raise RuntimeError("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    options = {
        "bucket_name": bucket,
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
        "region_name": env_str("AWS_S3_REGION_NAME") or None,
        "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
        "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
        "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        "location": env_str("AWS_LOCATION", "").strip("/"),
        "default_acl": None,
        "querystring_auth": False,
        # Export and certificate file names repeat (edition + minute); never overwrite an older one.
        "file_overwrite": False,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
