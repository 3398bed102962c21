"""The refusal of a jury action, shared by the jury's services, pages and API."""

from django.core.exceptions import ValidationError


class ScoringError(ValidationError):
    """A refused jury action. `code` tells the view which status to answer with:
    not_found 404, conflicted/closed 403, locked/stale 409, anything else 400 (award.errors).
    A non-organiser is refused by award.rules.require_organiser (PermissionDenied, a 403)."""
