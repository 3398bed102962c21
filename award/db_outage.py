"""A database that is briefly out of reach answers 503 with Retry-After, not the 500 page.

Under load, PostgreSQL connections that were cut (a restarted server, a failover, a pooler or an
administrator killing backends) made 14 of 24 affected requests show "Something went wrong"
although nothing was wrong with the request. Now:

- a *connection* error (django.db.InterfaceError; an OperationalError whose driver error is a
  connection failure: SQLSTATE class 08, 57P01-57P03, or psycopg's client-side "server closed the
  connection") answers 503 + Retry-After, and the broken connection is closed so that the next
  request opens a fresh one (CONN_MAX_AGE would otherwise hand it the dead one again);
- a *lock* error (SQLite "database is locked" after the 20 s busy timeout, PostgreSQL
  lock_not_available or deadlock_detected) is the same kind of "try again in a moment": it
  answers 503 + Retry-After too, but the connection is healthy and stays open;
- every other OperationalError ("no such table", a bad query) is a bug and stays a 500.

The API (/api/) and scripts that ask for JSON (the scoring autosave, XMLHttpRequest/fetch with
Accept: application/json) get {"detail": ...} as JSON; people get a translated page.

Views are covered by DatabaseOutageMiddleware.process_exception; a connection lost inside another
middleware (the session or the user is read there) reaches Django's 500 handler, which is
server_error below; DRF's views go through award.api_common.api_exception_handler.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
CONNECTION = "connection"
LOCK = "lock"

# SQLSTATE: 08xxx connection exceptions; 57P01 admin_shutdown (pg_terminate_backend),
# 57P02 crash_shutdown, 57P03 cannot_connect_now (server starting or in recovery).
_CONNECTION_SQLSTATES = {"57P01", "57P02", "57P03"}
_LOCK_SQLSTATES = {"55P03", "40P01"}  # lock_not_available, deadlock_detected
_CONNECTION_WORDS = (
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "connection already closed",
    "connection refused",
    "could not connect",
    "connection timed out",
    "ssl connection has been closed",
    "connection to server",
    "consuming input failed",
)
_LOCK_WORDS = ("database is locked", "database table is locked")


def database_outage_kind(error: BaseException) -> str | None:
    """CONNECTION, LOCK, or None when the error is not a passing database outage."""
    if isinstance(error, InterfaceError):
        return CONNECTION
    if not isinstance(error, OperationalError):
        return None
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate and (sqlstate.startswith("08") or sqlstate in _CONNECTION_SQLSTATES):
        return CONNECTION
    if sqlstate in _LOCK_SQLSTATES:
        return LOCK
    message = str(error).lower()
    if any(words in message for words in _LOCK_WORDS):
        return LOCK
    if any(words in message for words in _CONNECTION_WORDS):
        return CONNECTION
    # psycopg raises its client-side failures (the socket went away) without a SQLSTATE.
    if sqlstate is None and type(cause).__module__.startswith("psycopg"):
        return CONNECTION
    return None


def close_broken_connections() -> None:
    """Close every open connection that no longer answers, so the next query opens a new one."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is None:
            continue
        try:
            usable = connection.is_usable()
        except Exception:  # noqa: BLE001 (a connection that cannot even be asked is broken)
            usable = False
        if not usable:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 (closing a dead socket may fail; it is gone either way)
                connection.connection = None


def wants_json(request: HttpRequest) -> bool:
    if request.path.startswith("/api/") or request.headers.get("X-Autosave") == "1":
        return True
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def outage_message() -> str:
    return _("The service is briefly unavailable. Please try again in a few seconds.")


def outage_response(request: HttpRequest, kind: str) -> HttpResponse:
    if kind == CONNECTION:
        close_broken_connections()
    logger.warning("database %s outage answered 503: %s %s", kind, request.method, request.path)
    if wants_json(request):
        response = JsonResponse(
            {"ok": False, "detail": outage_message(), "retry_after": RETRY_AFTER_SECONDS}, status=503
        )
    else:
        # Rendered without the request: the context processors would query the database again.
        body = render_to_string(
            "503.html", {"retry_after": RETRY_AFTER_SECONDS, "reload": request.method in ("GET", "HEAD")}
        )
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Turns a database outage raised by a view into a 503 (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        kind = database_outage_kind(exception)
        if kind is None:
            return None
        return outage_response(request, kind)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: a database outage raised outside a view (in a middleware) is a 503 too."""
    error = sys.exc_info()[1]
    kind = database_outage_kind(error) if error is not None else None
    if kind is not None:
        return outage_response(request, kind)
    return defaults.server_error(request, template_name)
