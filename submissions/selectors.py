from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from award.i18n import localized
from award.models import Edition, User
from award.selectors import editions_organised_by
from submissions.enums import ProjectStatus
from submissions.models import Project

# Allow-listed orderings for the screening list: public key -> ORM ordering.
SCREENING_ORDERINGS = {
    "reference": ("reference", "id"),
    "-reference": ("-reference", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "organisation": ("organisation_name", "id"),
    "-organisation": ("-organisation_name", "-id"),
    "country": ("country", "id"),
    "-country": ("-country", "-id"),
    "category": ("category__position", "category__name", "id"),
    "-category": ("-category__position", "-category__name", "-id"),
    "status": ("status", "id"),
    "-status": ("-status", "-id"),
    "submitted": ("submitted_at", "id"),
    "-submitted": ("-submitted_at", "-id"),
}


def projects_owned_by(user: User) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(owner=user).select_related("edition", "category").order_by("-created_at")


def projects_organised_by(user: User) -> QuerySet[Project]:
    """Every application of the editions the user organises: what an organiser's action may
    reach by id (anything else is a 404, as if it did not exist)."""
    return Project.objects.select_related("edition", "category").filter(
        edition__in=editions_organised_by(user).values("pk")
    )


def projects_visible_to(user: User) -> QuerySet[Project]:
    """Applications a person may open: their own, and every application of an edition they organise."""
    if not user.is_authenticated:
        return Project.objects.none()
    qs = Project.objects.select_related("edition", "category", "owner")
    if user.is_superuser:
        return qs
    return qs.filter(Q(owner=user) | Q(edition__in=editions_organised_by(user).values("pk")))


def editions_open_for_submission(now=None) -> QuerySet[Edition]:
    now = now or timezone.now()
    return Edition.objects.filter(
        call_opened_at__isnull=False, submissions_open_at__lte=now, submissions_close_at__gt=now
    ).order_by("submissions_close_at")


def projects_for_screening(
    edition: Edition,
    *,
    search: str = "",
    category: int | None = None,
    country: str = "",
    organisation_type: str = "",
    status: str = "",
    ordering: str = "reference",
    with_counts: bool = True,
) -> QuerySet[Project]:
    """Everything that reached the organisers: drafts are the team's business until submitted.
    The list's filter and order; `with_counts=False` leaves out the attachment count (the bulk
    action and previous / next need only the rows and their order)."""
    qs = (
        Project.objects.filter(edition=edition)
        .exclude(status=ProjectStatus.DRAFT, submitted_at__isnull=True)
        .select_related("category", "owner")
    )
    if with_counts:
        qs = qs.annotate(attachment_count=Count("attachments"))
    if search:
        qs = qs.filter(
            Q(title__icontains=search) | Q(organisation_name__icontains=search) | Q(reference__icontains=search)
        )
    if category:
        qs = qs.filter(category_id=category)
    if country:
        qs = qs.filter(country=country)
    if organisation_type:
        qs = qs.filter(organisation_type=organisation_type)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(*SCREENING_ORDERINGS.get(ordering, SCREENING_ORDERINGS["reference"]))


def screening_neighbours(qs: QuerySet[Project], pk: int) -> tuple[int | None, int | None, int, int]:
    """(previous id, next id, position from 1, count) of an application in the list's filter and
    order; position 0 when the filter no longer holds it (e.g. just decided under a status
    filter). One query over ids only: a few kilobytes even at thousands of applications."""
    ids = list(qs.values_list("pk", flat=True))
    if pk not in ids:
        return (None, ids[0] if ids else None, 0, len(ids))
    index = ids.index(pk)
    previous = ids[index - 1] if index > 0 else None
    following = ids[index + 1] if index + 1 < len(ids) else None
    return (previous, following, index + 1, len(ids))


def screening_counts(qs: QuerySet[Project]) -> dict[str, list[dict]]:
    """Counts per category and per country over a (filtered) screening queryset: two queries."""
    base = qs.order_by()
    by_category = list(
        base.values("category__position", category__name=localized("category__name"))
        .annotate(n=Count("id"))
        .order_by("category__position")
    )
    by_country = list(base.values("country").annotate(n=Count("id")).order_by("country"))
    return {"category": by_category, "country": by_country}


def projects_for_dossier(edition: Edition, category_id: int) -> QuerySet[Project]:
    return (
        Project.objects.filter(edition=edition, category_id=category_id)
        .filter(status__in=[ProjectStatus.SUBMITTED, ProjectStatus.ELIGIBLE, ProjectStatus.INELIGIBLE])
        .select_related("edition", "category", "owner")
        .prefetch_related("team", "attachments")
        .order_by("reference", "id")
    )
