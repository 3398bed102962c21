"""Serializers of certificates and background jobs for the REST API. Writes go through reports.services."""

from django.urls import reverse
from rest_framework import serializers

from award.limits import max_length_of
from reports.certificates import printed_award
from reports.enums import CertificateKind, ExportKind, JobStatus
from reports.models import Certificate, CertificateBatch, ExportJob


class CertificateSerializer(serializers.ModelSerializer):
    """A certificate as its holder or an organiser sees it."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    edition_name = serializers.CharField(source="edition.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True, default="")
    revoked = serializers.BooleanField(source="is_revoked", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "code",
            "edition",
            "edition_name",
            "kind",
            "kind_label",
            "award_title",
            "recipient_name",
            "project",
            "project_title",
            "reference",
            "category",
            "category_name",
            "language",
            "issued_at",
            "revoked",
            "revoked_at",
        ]
        read_only_fields = fields


class CertificateVerificationSerializer(serializers.ModelSerializer):
    """What the public verification page states (nothing more: no ids, no owner)."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    edition_name = serializers.CharField(source="edition.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True, default="")
    ceremony_at = serializers.DateTimeField(source="edition.ceremony_at", read_only=True)
    ceremony_place = serializers.CharField(source="edition.ceremony_place", read_only=True)
    valid = serializers.SerializerMethodField()
    revoked = serializers.BooleanField(source="is_revoked", read_only=True)
    # As the certificate prints them: a special award's title in the recipient's language, and
    # whether it is the audience prize that the public vote gave (the verification page says so too).
    printed_award_title = serializers.SerializerMethodField()
    audience_prize = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "code",
            "valid",
            "revoked",
            "revoked_at",
            "revoked_reason",
            "edition_name",
            "kind",
            "kind_label",
            "award_title",
            "printed_award_title",
            "audience_prize",
            "recipient_name",
            "project_title",
            "reference",
            "category_name",
            "ceremony_at",
            "ceremony_place",
            "issued_at",
        ]
        read_only_fields = fields

    def get_valid(self, certificate: Certificate) -> bool:
        return not certificate.is_revoked

    def to_representation(self, certificate: Certificate) -> dict:
        # Both fields from one query (the method fields below only declare them for the schema).
        self._printed = printed_award(certificate)
        return super().to_representation(certificate)

    def get_printed_award_title(self, certificate: Certificate) -> str:
        return self._printed[0]

    def get_audience_prize(self, certificate: Certificate) -> bool:
        return self._printed[1]


class CertificateRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=max_length_of(Certificate, "revoked_reason"))


# What every background job tells the one polling it.
JOB_PROGRESS_FIELDS = [
    "status",
    "status_label",
    "total",
    "done",
    "percent",
    "finished",
    "error",
    "created_at",
    "finished_at",
]


class JobSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    finished = serializers.BooleanField(source="is_finished", read_only=True)


class ExportJobSerializer(JobSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "edition",
            "kind",
            "category",
            *JOB_PROGRESS_FIELDS,
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job: ExportJob) -> str | None:
        if job.status != JobStatus.DONE or not job.file:
            return None
        return self.context["request"].build_absolute_uri(reverse("export-download", args=[job.pk]))


class CertificateBatchSerializer(JobSerializer):
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=CertificateKind.choices), read_only=True)
    pdf_url = serializers.SerializerMethodField()
    zip_url = serializers.SerializerMethodField()

    class Meta:
        model = CertificateBatch
        fields = [
            "id",
            "edition",
            "kinds",
            "every_level",
            *JOB_PROGRESS_FIELDS,
            "pdf_url",
            "zip_url",
        ]
        read_only_fields = fields

    def _url(self, batch: CertificateBatch, field, name: str) -> str | None:
        if batch.status != JobStatus.DONE or not field:
            return None
        return self.context["request"].build_absolute_uri(reverse(name, args=[batch.pk]))

    def get_pdf_url(self, batch: CertificateBatch) -> str | None:
        return self._url(batch, batch.merged_pdf, "certificate-batch-pdf")

    def get_zip_url(self, batch: CertificateBatch) -> str | None:
        return self._url(batch, batch.zip_file, "certificate-batch-zip")


class CertificateEmailingSerializer(serializers.Serializer):
    """What POST /certificate-batches/{id}/email/ did; each certificate is emailed once."""

    batch = serializers.IntegerField(read_only=True)
    emails_queued_at = serializers.DateTimeField(read_only=True)
    queued = serializers.IntegerField(read_only=True, help_text="Emails this call queued: how many will go out.")
    waiting = serializers.IntegerField(
        read_only=True, help_text="Emails an earlier call queued that are not sent yet (not queued again)."
    )
    sent = serializers.IntegerField(read_only=True, help_text="Certificates of the batch emailed before.")
    no_address = serializers.IntegerField(
        read_only=True, help_text="Certificates whose recipient has no email address: not emailed (print them)."
    )
    detail = serializers.CharField(read_only=True, help_text="The same sentence as the page shows.")


class ExportStartSerializer(serializers.Serializer):
    edition = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    kind = serializers.ChoiceField(choices=ExportKind.choices)
    category = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, help_text="Only with kind dossier."
    )


class CertificateBatchStartSerializer(serializers.Serializer):
    edition = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    kinds = serializers.MultipleChoiceField(choices=CertificateKind.choices, allow_empty=False)
    # False (the default): a winner gets the winner's certificate only, a finalist the finalist's.
    every_level = serializers.BooleanField(default=False)
