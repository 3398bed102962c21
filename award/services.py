from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from award.models import AuditEntry, Edition, User


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
