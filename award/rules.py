"""Permission predicates for the core domain."""

from award.enums import Role
from award.models import Edition, User


def has_role(user: User, edition: Edition, role: str) -> bool:
    if not user.is_authenticated:
        return False
    roles = getattr(user, "_edition_roles_cache", None)
    if roles is None:
        roles = set(user.edition_roles.values_list("edition_id", "role"))
        user._edition_roles_cache = roles
    return (edition.pk, role) in roles


def is_organiser(user: User, edition: Edition) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, edition, Role.ORGANISER))


def is_juror(user: User, edition: Edition) -> bool:
    return has_role(user, edition, Role.JUROR)
