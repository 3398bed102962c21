from django.db.models import QuerySet

from award.enums import Role
from award.models import Edition, User


def edition_current() -> Edition | None:
    """The edition people work on now: the newest one."""
    return Edition.objects.order_by("-year", "-id").first()


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
