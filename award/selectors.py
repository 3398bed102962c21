from django.db.models import QuerySet

from award.enums import Role
from award.models import Edition, User


def edition_current(request=None) -> Edition | None:
    """The edition people work on now: the newest one (cached on the request when given)."""
    if request is not None and hasattr(request, "_edition_current"):
        return request._edition_current
    edition = Edition.objects.order_by("-year", "-id").first()
    if request is not None:
        request._edition_current = edition
    return edition


def editions_organised_by(user: User) -> QuerySet[Edition]:
    if not user.is_authenticated:
        return Edition.objects.none()
    if user.is_superuser:
        return Edition.objects.all()
    return Edition.objects.filter(roles__user=user, roles__role=Role.ORGANISER).distinct()


def editions_judged_by(user: User) -> QuerySet[Edition]:
    if not user.is_authenticated:
        return Edition.objects.none()
    return Edition.objects.filter(roles__user=user, roles__role=Role.JUROR).distinct()
