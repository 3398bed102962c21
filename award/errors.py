"""How a refusal answers, for the pages and the API alike.

The rule: 404 when the person may not see the object (exactly as if it did not exist, ids in
request bodies included), 403 when they may see it but not do this action, 409 when the object
changed under them or is in a state that forbids the change, 400 for anything they typed wrong.
Services raise Django's Http404 / PermissionDenied / ValidationError (with a `code` for the
jury's refusals, see scoring.jury.errors.ScoringError); the pages' helpers and the API's
exception handler both ask `status_for` which status to answer with."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

# The `code` of a refused action (a ValidationError) -> the status it answers with.
STATUS_BY_CODE = {
    "not_found": 404,
    "forbidden": 403,
    "conflicted": 403,
    "closed": 403,
    "locked": 409,
    "stale": 409,
    # A score save before the juror acknowledged the edition's briefing (scoring.jury.briefing).
    "briefing": 409,
}


def status_for(error: Exception) -> int:
    if isinstance(error, Http404):
        return 404
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, ValidationError) and not hasattr(error, "error_dict"):
        return STATUS_BY_CODE.get(getattr(error, "code", None) or "", 400)
    return 400
