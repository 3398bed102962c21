from django.db.models import Count, Q, QuerySet

from award import selectors as award_selectors
from award.enums import Role
from award.models import Edition, EditionRole, User
from award.selectors import editions_organised_by, editions_with_public_results
from reports.enums import CertificateKind
from reports.models import Certificate, CertificateBatch, ExportJob
from scoring.models import Result
from submissions.enums import ProjectStatus
from submissions.models import Project


def edition_for_organiser(user: User, slug: str) -> Edition:
    return award_selectors.edition_for_organiser(user, slug=slug)


def certificates_visible_to(user: User) -> QuerySet[Certificate]:
    """Organisers see their editions' certificates; a team sees its projects' and a juror their
    thank-you, once the edition's results are public. Revoked ones stay visible (marked)."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    public = Q(edition__in=editions_with_public_results().values("pk"))
    own = Q(project__owner=user) | Q(juror=user)
    return (
        Certificate.objects.filter(Q(edition__in=editions_organised_by(user)) | (own & public))
        .select_related("edition", "category")
        .order_by("-edition__year", "kind", "reference", "id")
    )


def certificates_owned_by(user: User) -> QuerySet[Certificate]:
    """The certificates a person may download as their own (not as an organiser)."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    return (
        Certificate.objects.filter(Q(project__owner=user) | Q(juror=user), revoked_at__isnull=True)
        .filter(edition__in=editions_with_public_results().values("pk"))
        .select_related("edition", "category")
        .order_by("-edition__year", "kind", "reference", "id")
    )


def certificate_recipient_counts(edition: Edition) -> dict[str, int]:
    """How many certificates of each kind a batch would produce, in three queries."""
    results = dict(
        Result.objects.filter(edition=edition).values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    return {
        CertificateKind.WINNER: results.get(CertificateKind.WINNER, 0),
        CertificateKind.SPECIAL: results.get(CertificateKind.SPECIAL, 0),
        CertificateKind.FINALIST: results.get(CertificateKind.FINALIST, 0),
        CertificateKind.PARTICIPANT: Project.objects.filter(edition=edition, status=ProjectStatus.ELIGIBLE).count(),
        CertificateKind.JUROR: EditionRole.objects.filter(edition=edition, role=Role.JUROR).count(),
    }


def batches_of(edition: Edition) -> QuerySet[CertificateBatch]:
    return CertificateBatch.objects.filter(edition=edition).select_related("created_by").order_by("-created_at", "-id")


def exports_of(edition: Edition) -> QuerySet[ExportJob]:
    return (
        ExportJob.objects.filter(edition=edition)
        .select_related("created_by", "category")
        .order_by("-created_at", "-id")
    )


def certificates_of(edition: Edition) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(edition=edition)
        .select_related("category")
        .order_by("kind", "reference", "recipient_name", "id")
    )


def winner_certificates_by_category(edition: Edition) -> dict[int, int]:
    """The valid winner's certificates per category, in one query: the status board's
    "certificates generated" step (registered with ``scoring.board`` in ReportsConfig.ready)."""
    return dict(
        Certificate.objects.filter(
            edition=edition, kind=CertificateKind.WINNER, revoked_at__isnull=True, category__isnull=False
        )
        .values("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
        .order_by()
    )
