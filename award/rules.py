"""Permission predicates for the core domain."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from award.enums import Role
from award.models import Edition, User


def roles_of(user: User) -> set[tuple[int, str]]:
    """(edition id, role) pairs of a user, loaded once per user object (so once per request)."""
    if not user.is_authenticated:
        return set()
    roles = getattr(user, "_edition_roles_cache", None)
    if roles is None:
        rows = list(user.edition_roles.values_list("edition_id", "role", "is_chair"))
        roles = {(edition_id, role) for edition_id, role, _chair in rows}
        user._edition_roles_cache = roles
        user._chaired_editions_cache = {edition_id for edition_id, _role, chair in rows if chair}
    return roles


def has_role(user: User, edition: Edition, role: str) -> bool:
    return (edition.pk, role) in roles_of(user)


def is_organiser(user: User, edition: Edition) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, edition, Role.ORGANISER))


def require_organiser(actor: User, edition: Edition) -> None:
    """The one organiser check of the services: PermissionDenied (a 403 where the person may see
    the object; the views' lookups have already answered 404 to anyone who may not)."""
    if not is_organiser(actor, edition):
        raise PermissionDenied(_("Only an organiser can do this."))


def is_juror(user: User, edition: Edition) -> bool:
    return has_role(user, edition, Role.JUROR)


def chaired_editions(user: User) -> set[int]:
    """Ids of the editions whose jury the user chairs, loaded once per user object."""
    roles_of(user)  # the same query loads both
    return getattr(user, "_chaired_editions_cache", set())


def is_jury_chair(user: User, edition: Edition) -> bool:
    """A juror of the edition with the chair's rights (a chair is always a juror too)."""
    return edition.pk in chaired_editions(user)


def organises_any(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or any(r == Role.ORGANISER for _, r in roles_of(user)))


def judges_any(user: User) -> bool:
    return any(r == Role.JUROR for _, r in roles_of(user))
