"""Permission predicates for the core domain."""

from award.enums import Role
from award.models import Edition, User


def roles_of(user: User) -> set[tuple[int, str]]:
    """(edition id, role) pairs of a user, loaded once per user object (so once per request)."""
    if not user.is_authenticated:
        return set()
    roles = getattr(user, "_edition_roles_cache", None)
    if roles is None:
        roles = set(user.edition_roles.values_list("edition_id", "role"))
        user._edition_roles_cache = roles
    return roles


def has_role(user: User, edition: Edition, role: str) -> bool:
    return (edition.pk, role) in roles_of(user)


def is_organiser(user: User, edition: Edition) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, edition, Role.ORGANISER))


def is_juror(user: User, edition: Edition) -> bool:
    return has_role(user, edition, Role.JUROR)


def organises_any(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or any(r == Role.ORGANISER for _, r in roles_of(user)))


def judges_any(user: User) -> bool:
    return any(r == Role.JUROR for _, r in roles_of(user))
