"""What every endpoint of the REST API shares: authentication by personal token, pagination,
JSON errors with translated messages, (The router the apps register their viewsets on is in award.api_router; this module is
imported by DRF's settings and must not import rest_framework.views.)"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, filters, pagination, permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from award.db_outage import database_outage_kind, outage_response
from award.models import ApiToken
from award.rules import organises_any
from award.services import API_TOKEN_PREFIX, api_token_hash


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Token v4a_…` with a personal token from the profile page."""

    keyword = b"token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        key = parts[1].decode("latin-1")
        if not key.startswith(API_TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=api_token_hash(key), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        # Record use at most once a minute, so that a busy script does not write on every call.
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return "Token"


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "award.api_common.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _("Personal API token: `Token v4a_…`"),
        }


class AllowListedOrderingFilter(filters.OrderingFilter):
    """Ordering only by the fields a view names in `ordering_fields`; anything else is ignored
    (DRF would otherwise fall back to every serializer field)."""

    def get_valid_fields(self, queryset, view, context=None):
        if not getattr(view, "ordering_fields", None):
            return []
        return super().get_valid_fields(queryset, view, context or {})


class StandardPagination(pagination.PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def anyone(user) -> bool:
    return True


def signed_in(user) -> bool:
    return user.is_authenticated


class ActionPermission(permissions.BasePermission):
    """Each action of a viewset mapped to its rule, in two tables on the viewset:

    - `action_rules` {action: rule(user)}: may this person do this kind of action at all? No: 403
      (401 for an anonymous caller). Actions not in the table need a signed-in caller.
    - `object_rules` {action: rule(user, obj)}: checked on the object the viewset's gatekeeper
      queryset found (so the person may see it): No: 403, may see it but not do this.

    Objects the person may not see never get here: the gatekeeper querysets answer 404."""

    message = gettext_lazy("Only an organiser can do this.")

    def has_permission(self, request, view) -> bool:
        rule = getattr(view, "action_rules", {}).get(view.action, signed_in)
        return rule(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        rule = getattr(view, "object_rules", {}).get(view.action)
        return rule is None or rule(request.user, obj)


def require_organiser(user) -> None:
    """Someone who organises no edition may not do an organiser's action at all: 403. (An
    organiser then reaches only their own editions' objects: anything else is a 404.)"""
    if not organises_any(user):
        raise exceptions.PermissionDenied(_("Only an organiser can do this."))


def organised(queryset, user, **lookup):
    """The object from a gatekeeper's queryset (rounds_organised_by, projects_organised_by…),
    for an organiser's action: 403 for a non-organiser, 404 for another edition's object,
    exactly as for one that does not exist."""
    require_organiser(user)
    return get_object_or_404(queryset, **lookup)


def api_exception_handler(exc, context):
    """DRF's handler, extended to the errors services raise (Django's ValidationError,
    PermissionDenied, Http404), always as JSON with a translated `detail`."""
    outage = database_outage_kind(exc)
    if outage is not None:
        # A lost connection or a lock timeout: try again, as Retry-After says.
        return outage_response(context["request"], outage)
    if isinstance(exc, OverflowError):
        # A number too large for the database (e.g. ?edition=99999999999999999999 on SQLite).
        exc = exceptions.ValidationError({"detail": [_("A number in the request is too large.")]})
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(exc.args[0] if exc.args else None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {"detail": _("Some fields are not valid."), "errors": response.data}
    elif response is not None and isinstance(response.data, list):
        response.data = {"detail": " ".join(str(item) for item in response.data)}
    return response


def schema_blank_uris(result, generator, request, public):
    """drf-spectacular describes URL fields as `format: uri`, but a blank value ("") is valid
    for optional ones; say so, so that clients and validators accept what the API returns."""

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "string" and node.get("format") == "uri":
                node.pop("format")
                node["anyOf"] = [{"format": "uri"}, {"maxLength": 0}]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result.get("components", {}))
    return result
