"""Reading configuration from environment variables (used by settings only)."""

import os
from urllib.parse import parse_qs, unquote, urlparse


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


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
