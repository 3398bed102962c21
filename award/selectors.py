from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from award.enums import Role
from award.models import Edition, Round, User


def edition_current(request=None) -> Edition | None:
    """The edition people work on now (cached on the request when given): the newest one whose
    call has closed and whose jury is still at work (results not public, ceremony not past),
    otherwise the newest one. The next year's call may open while this year's jury is scoring;
    the jury's and the organisers' pages then stay on the edition being judged."""
    if request is not None and hasattr(request, "_edition_current"):
        return request._edition_current
    now = timezone.now()
    being_judged = (
        Q(submissions_close_at__lte=now)
        & (Q(results_published_at__isnull=True) | Q(results_published_at__gt=now))
        & (Q(ceremony_at__isnull=True) | Q(ceremony_at__gt=now))
    )
    # One query: the editions being judged first, then the newest.
    edition = (
        Edition.objects.annotate(being_judged=Case(When(being_judged, then=Value(1)), default=Value(0)))
        .order_by("-being_judged", "-year", "-id")
        .first()
    )
    if request is not None:
        request._edition_current = edition
    return edition


def editions_with_public_results(now=None) -> QuerySet[Edition]:
    """The queryset twin of Edition.results_are_public: the editions whose results are out."""
    return Edition.objects.filter(results_published_at__isnull=False, results_published_at__lte=now or timezone.now())


def editions_organised_by(user: User) -> QuerySet[Edition]:
    if not user.is_authenticated:
        return Edition.objects.none()
    if user.is_superuser:
        return Edition.objects.all()
    return Edition.objects.filter(roles__user=user, roles__role=Role.ORGANISER).distinct()


def editions_public_to(user: User) -> QuerySet[Edition]:
    """The editions whose call is public, and those the user organises (set up, not yet opened):
    nothing half-configured is shown to anyone else (award/setup)."""
    public = Edition.objects.filter(call_opened_at__isnull=False)
    if not user.is_authenticated:
        return public
    if user.is_superuser:
        return Edition.objects.all()
    return Edition.objects.filter(Q(call_opened_at__isnull=False) | Q(pk__in=editions_organised_by(user).values("pk")))


def rounds_organised_by(user: User) -> QuerySet[Round]:
    """The rounds an organiser may manage; any other round is a 404, as if it did not exist."""
    return Round.objects.select_related("edition").filter(edition__in=editions_organised_by(user).values("pk"))


def edition_for_organiser(user: User, **lookup) -> Edition:
    """The edition, if `user` organises it; otherwise 404, as if it did not exist."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(editions_organised_by(user), **lookup)


def editions_chaired_by(user: User) -> QuerySet[Edition]:
    if not user.is_authenticated:
        return Edition.objects.none()
    return Edition.objects.filter(roles__user=user, roles__role=Role.JUROR, roles__is_chair=True).distinct()


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
