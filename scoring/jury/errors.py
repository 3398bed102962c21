"""The refusal of a jury action, shared by the jury's services, pages and API."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from award.models import Edition, User


class ScoringError(ValidationError):
    """A refused jury action. `code` tells the view which status to answer with:
    not_found 404, forbidden/conflicted/closed 403, locked/stale 409, anything else 400."""


def check_organiser(actor: User, edition: Edition) -> None:
    from award.rules import is_organiser

    if not is_organiser(actor, edition):
        raise ScoringError(_("Only an organiser can do this."), code="forbidden")
