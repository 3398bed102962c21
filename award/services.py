import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award.models import ApiToken, AuditEntry, Edition, User


def audit_log(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    edition: Edition | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record an audit entry; call inside the same transaction as the change it records."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        edition=edition,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        data=data or {},
    )


class TransitionError(ValidationError):
    """A status change that the workflow does not allow."""


def transition_check(*, current: str, target: str, allowed: dict[str, set[str]], labels: dict[str, str]) -> None:
    """Raise TransitionError unless `allowed` lets `current` move to `target`."""
    if target not in allowed.get(current, set()):
        raise TransitionError(
            _("This cannot change from “%(current)s” to “%(target)s”.")
            % {"current": labels.get(current, current), "target": labels.get(target, target)},
            code="invalid_transition",
        )


API_TOKEN_PREFIX = "v4a_"  # noqa: S105 (a public prefix, not a secret)


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `actor`; returns the token and its key, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, so that you can recognise it later.")})
    if actor.api_tokens.filter(revoked_at__isnull=True).count() >= 20:
        raise ValidationError(_("You have too many active tokens; revoke one you no longer use."))
    key = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, name=name[:100], prefix=key[:12], key_hash=api_token_hash(key))
    audit_log(actor=actor, action="api_token.create", target=token)
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise ValidationError(_("This token is not yours."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(actor=actor, action="api_token.revoke", target=token)
