"""REST API of documents: /api/v1/certificates/, /api/v1/certificate-batches/, /api/v1/exports/.

Teams and jurors list and download their own certificates once the results are public;
anyone verifies a certificate by its code; organisers revoke certificates, start certificate
batches, Excel exports and category dossiers, poll their progress and download the files.
Reads go through reports.selectors, writes through reports.services, the same as the pages."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from award.api_common import ActionPermission, anyone, organised
from award.api_router import router
from award.downloads import stored_file_response
from award.models import Edition
from award.rules import is_organiser, organises_any
from award.selectors import editions_organised_by
from award.views_helpers import site_base_url
from reports.enums import ExportKind, JobStatus
from reports.excel import EXPORT_ROW_COUNTS
from reports.models import Certificate, CertificateBatch, ExportJob
from reports.selectors import certificates_visible_to
from reports.serializers import (
    CertificateBatchSerializer,
    CertificateBatchStartSerializer,
    CertificateEmailingSerializer,
    CertificateRevokeSerializer,
    CertificateSerializer,
    CertificateVerificationSerializer,
    ExportJobSerializer,
    ExportStartSerializer,
)
from reports.services import (
    CertificateEmailError,
    certificate_batch_start,
    certificate_revoke,
    certificates_email,
    dossier_start,
    export_start,
)
from reports.views import certificate_pdf_response, certificates_email_message

BINARY = {(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)}


def _organised_edition(request, edition_id: int) -> Edition:
    """403 for someone who organises nothing, 404 for another edition (as for a missing one)."""
    return organised(editions_organised_by(request.user), request.user, pk=edition_id)


class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    """A team's and a juror's own certificates after publication, an organiser's editions' ones."""

    serializer_class = CertificateSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]{1,40}"
    filterset_fields = ["edition", "kind"]

    permission_classes = [ActionPermission]
    action_rules = {"verify": anyone}
    object_rules = {"revoke": lambda user, certificate: is_organiser(user, certificate.edition)}

    def get_queryset(self):
        if self.action == "verify":
            return Certificate.objects.select_related("edition", "category")
        return certificates_visible_to(self.request.user)

    @extend_schema(responses={**BINARY, 404: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def pdf(self, request, code=None):
        """The printable PDF (a revoked certificate is not printed again)."""
        return certificate_pdf_response(request, self.get_object())

    @extend_schema(responses=CertificateVerificationSerializer)
    @action(detail=True, methods=["get"])
    def verify(self, request, code=None):
        """Public: what the certificate states and whether it is still valid (404: unknown code)."""
        return Response(CertificateVerificationSerializer(self.get_object()).data)

    @extend_schema(request=CertificateRevokeSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, code=None):
        certificate = self.get_object()
        serializer = CertificateRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"].strip()
        if not reason:
            raise exceptions.ValidationError({"reason": [_("Give a reason for revoking the certificate.")]})
        certificate = certificate_revoke(certificate=certificate, actor=request.user, reason=reason)
        return Response(self.get_serializer(certificate).data)


class _JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    action_rules = {"create": organises_any}
    filterset_fields = ["edition", "status"]

    def _not_ready(self, job) -> None:
        if job.status != JobStatus.DONE:
            raise exceptions.NotFound(_("The file is not ready yet."))


class ExportViewSet(_JobViewSet):
    """Excel exports and category dossiers (kind "dossier" with a `category`: a PDF) in the background:
    start one, poll `percent`/`status`, download when done."""

    serializer_class = ExportJobSerializer
    filterset_fields = ["edition", "status", "kind"]

    def get_queryset(self):
        return (
            ExportJob.objects.filter(edition__in=editions_organised_by(self.request.user).values("pk"))
            .select_related("edition")
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=ExportStartSerializer, responses={201: ExportJobSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ExportStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        edition = _organised_edition(request, serializer.validated_data["edition"])
        kind = serializer.validated_data["kind"]
        category_id = serializer.validated_data.get("category")
        if kind == ExportKind.DOSSIER:
            if category_id is None:
                raise exceptions.ValidationError({"category": [_("Choose the category of the dossier.")]})
            category = edition.categories.filter(pk=category_id).first()
            if category is None:
                raise exceptions.ValidationError({"category": [_("This category is not of this edition.")]})
            job = dossier_start(edition=edition, category=category, actor=request.user)
        else:
            if category_id is not None:
                raise exceptions.ValidationError({"category": [_("Only a dossier is of one category.")]})
            total = EXPORT_ROW_COUNTS.get(kind, lambda e: 0)(edition)
            job = export_start(edition=edition, kind=kind, actor=request.user, total=total)
        return Response(self.get_serializer(ExportJob.objects.get(pk=job.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={**BINARY, 404: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        self._not_ready(job)
        if not job.file:
            raise exceptions.NotFound
        return stored_file_response(job.file, content_type=job.content_type)


class CertificateBatchViewSet(_JobViewSet):
    """Certificate batches: issue the certificates of the chosen kinds and print them in the
    background (one merged PDF and a zip of single PDFs); poll, then download; email them."""

    serializer_class = CertificateBatchSerializer
    action_rules = {**_JobViewSet.action_rules, "email": organises_any}

    def get_queryset(self):
        return (
            CertificateBatch.objects.filter(edition__in=editions_organised_by(self.request.user).values("pk"))
            .select_related("edition")
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=CertificateBatchStartSerializer, responses={201: CertificateBatchSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CertificateBatchStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        edition = _organised_edition(request, serializer.validated_data["edition"])
        batch = certificate_batch_start(
            edition=edition,
            kinds=serializer.validated_data["kinds"],
            actor=request.user,
            base_url=site_base_url(request),
            every_level=serializer.validated_data["every_level"],
        )
        return Response(
            self.get_serializer(CertificateBatch.objects.get(pk=batch.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={**BINARY, 404: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        batch = self.get_object()
        self._not_ready(batch)
        if not batch.merged_pdf:
            raise exceptions.NotFound
        return stored_file_response(batch.merged_pdf, content_type="application/pdf")

    @extend_schema(
        request=None,
        responses={
            202: CertificateEmailingSerializer,
            200: OpenApiResponse(CertificateEmailingSerializer, description="Nothing left to queue."),
            409: OpenApiResponse(description="The batch is not ready yet: nothing was queued."),
        },
    )
    @action(detail=True, methods=["post"])
    def email(self, request, pk=None):
        """Email each certificate of a finished batch to its recipient, as the batch's page does:
        in the recipient's language, PDF attached, with the verification link, in the background.
        Each certificate is emailed once: calling again queues only what is neither sent nor
        already queued (200 with `queued` 0 when nothing is left)."""
        batch = self.get_object()
        try:
            emailing = certificates_email(batch=batch, actor=request.user)
        except CertificateEmailError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        data = {
            "batch": batch.pk,
            "emails_queued_at": batch.emails_queued_at,
            "queued": emailing.queued,
            "waiting": emailing.waiting,
            "sent": emailing.sent,
            "no_address": emailing.no_address,
            "detail": certificates_email_message(emailing),
        }
        return Response(
            CertificateEmailingSerializer(data).data,
            status=status.HTTP_202_ACCEPTED if emailing.queued else status.HTTP_200_OK,
        )

    @extend_schema(responses={**BINARY, 404: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def zip(self, request, pk=None):
        batch = self.get_object()
        self._not_ready(batch)
        if not batch.zip_file:
            raise exceptions.NotFound
        return stored_file_response(batch.zip_file, content_type="application/zip")


router.register("certificates", CertificateViewSet, basename="certificate")
router.register("certificate-batches", CertificateBatchViewSet, basename="certificate-batch")
router.register("exports", ExportViewSet, basename="export")
