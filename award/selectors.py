from django.db.models import Q, QuerySet
from django.utils import timezone

from award.enums import Role
from award.models import Edition, User


def edition_current(request=None) -> Edition | None:
    """The edition people work on now (cached on the request when given): the newest one whose
    call has closed and whose jury is still at work (results not public, ceremony not past),
    otherwise the newest one. The next year's call may open while this year's jury is scoring;
    the jury's and the organisers' pages then stay on the edition being judged."""
    if request is not None and hasattr(request, "_edition_current"):
        return request._edition_current
    now = timezone.now()
    newest = Edition.objects.order_by("-year", "-id")
    edition = (
        newest.filter(submissions_close_at__lte=now)
        .filter(Q(results_published_at__isnull=True) | Q(results_published_at__gt=now))
        .filter(Q(ceremony_at__isnull=True) | Q(ceremony_at__gt=now))
        .first()
    ) or newest.first()
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


def edition_current_organised_by(user: User) -> Edition | None:
    """The organiser's landing edition: the current one if they organise it, else their newest."""
    organised = editions_organised_by(user)
    current = edition_current()
    if current is not None and organised.filter(pk=current.pk).exists():
        return current
    return organised.order_by("-year", "-id").first()
