"""Shared helpers of the jury's REST API: how a refused action answers, request bodies, lookups."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from award.api_common import organised
from award.enums import Role
from award.errors import status_for
from award.models import Round, User
from award.selectors import rounds_organised_by
from scoring.jury.briefing import BriefingRequired
from scoring.jury.errors import ScoringError
from scoring.jury.scores import StaleVersionError
from scoring.models import Assignment


def scoring_error_response(error: ScoringError, assignment: Assignment | None) -> Response:
    if hasattr(error, "error_dict"):
        body = {"detail": _("Some fields are not valid."), "errors": error.message_dict}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    body = {"detail": " ".join(error.messages)}
    if isinstance(error, BriefingRequired):
        body["briefing"] = error.url
    if isinstance(error, StaleVersionError) and assignment is not None:
        body["version"] = Assignment.objects.filter(pk=assignment.pk).values_list("version", flat=True).first()
    # The same status as the pages answer with (award/errors.py).
    return Response(body, status=status_for(error))


def validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def organised_round(user, round_id: int) -> Round:
    """A round of an edition the user organises; another edition's round is a 404, as on the pages."""
    return organised(rounds_organised_by(user), user, pk=round_id)


def edition_juror(edition, juror_id: int) -> User:
    juror = User.objects.filter(pk=juror_id, edition_roles__edition=edition, edition_roles__role=Role.JUROR).first()
    if juror is None:
        raise exceptions.ValidationError({"juror": [_("This person is not a juror of the edition.")]})
    return juror


def int_param(request, name: str) -> int:
    raw = request.query_params.get(name, "")
    if not raw.isdigit():
        messages = {"round": _("Give the id of a round."), "category": _("Give the id of a category.")}
        raise exceptions.ValidationError({name: [messages[name]]})
    return int(raw)
