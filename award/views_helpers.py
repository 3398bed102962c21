"""The one way a page runs a service: POST → service → a message and a redirect, or the
refusal shown in the person's language (a message and a redirect, or the page again with the
status that fits the refusal). Views stay thin: they look the objects up, read the form and
say which service to run.

A refusal is a ValidationError (the apps' domain errors subclass it) whose `code` picks the
status; PermissionDenied from a service is answered as a 404, as if the object did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from award.errors import status_for


def error_messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def run_service(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    success_url: str | Callable[[Any], str],
    success_message: str | Callable[[Any], str] = "",
    after: Callable[[Any], None] | None = None,
    failure_url: str | None = None,
    failure_page: Callable[[int], HttpResponse] | None = None,
    refusal_shown: bool = False,
) -> HttpResponse:
    """Run `action` (a service call) and answer the POST.

    Success: `success_message` (text, or a function of the outcome) and a redirect to
    `success_url` (likewise); `after(outcome)` may add further messages. Refusal: its messages,
    then `failure_page(status)` when given (the form again, 400/403/409), else a redirect to
    `failure_url` (default: `success_url` when it is a plain URL). A PermissionDenied is a 404
    (as if the object did not exist), or with `refusal_shown`, where the person may know why
    (e.g. recused for this project), a 403 page that says so."""
    try:
        outcome = action()
    except PermissionDenied as error:
        if refusal_shown:
            return render(request, "403.html", {"refusal": str(error) if error.args else ""}, status=403)
        raise Http404 from None
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
        if failure_page is not None:
            return failure_page(status_for(error))
        return redirect(failure_url or success_url)
    message = success_message(outcome) if callable(success_message) else success_message
    if message:
        messages.success(request, message)
    if after is not None:
        after(outcome)
    return redirect(success_url(outcome) if callable(success_url) else success_url)


def posted_id(request: HttpRequest, name: str) -> int | None:
    """An id posted by a page, or None (then a lookup finds nothing: a 404) for anything that
    is not one: the ORM raises ValueError, a 500, for "1e309" or "abc"."""
    value = request.POST.get(name, "")
    if value.isascii() and value.isdigit() and len(value) <= 19 and int(value) < 2**63:
        return int(value)
    return None


def site_base_url(request: HttpRequest) -> str:
    """The site's address as the request reached it, without the final slash (for links in emails
    and certificates)."""
    return request.build_absolute_uri("/").rstrip("/")
