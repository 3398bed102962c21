"""Serializers of the jury side for the REST API. Writes go through scoring.jury and scoring.results.services."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from award.limits import MEDIUM_TEXT, max_length_of
from scoring.models import Assignment, ConflictOfInterest, Result, Score


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Score
        fields = ["criterion", "value", "comment", "updated_at"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    """Read only: status, version and scores change through the scores and finalise actions."""

    edition = serializers.IntegerField(source="round.edition_id", read_only=True)
    category = serializers.IntegerField(source="project.category_id", read_only=True)
    project_reference = serializers.CharField(source="project.reference", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)
    juror_name = serializers.CharField(source="juror.display_name", read_only=True)
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "edition",
            "round",
            "project",
            "category",
            "project_reference",
            "project_title",
            "juror",
            "juror_name",
            "status",
            "version",
            "overall_comment",
            "started_at",
            "finalised_at",
            "scores",
        ]
        read_only_fields = fields


class ScoreInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(min_value=1)
    value = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=max_length_of(Score, "comment")
    )


class ScoresSaveSerializer(serializers.Serializer):
    """A save of a juror's scores: `version` is the assignment version the client last read."""

    version = serializers.IntegerField(min_value=0)
    scores = ScoreInputSerializer(many=True, required=False, default=list)
    overall_comment = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=max_length_of(Assignment, "overall_comment")
    )

    def validate_scores(self, value):
        if not value:
            return value
        seen = [item["criterion"] for item in value]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError(_("Each criterion may appear only once."))
        return value


class FinaliseSerializer(ScoresSaveSerializer):
    scores = ScoreInputSerializer(many=True, required=False, allow_null=True, default=None)


class ResultSerializer(serializers.ModelSerializer):
    project_reference = serializers.CharField(source="project.reference", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)
    project_summary = serializers.CharField(source="project.summary", read_only=True)

    class Meta:
        model = Result
        fields = [
            "id",
            "edition",
            "category",
            "kind",
            "title",
            "citation",
            "project",
            "project_reference",
            "project_title",
            "project_summary",
        ]
        read_only_fields = fields


# --- Organisers' adjustments and decisions (input only; the services check the rest) ----------


class AssignmentAddSerializer(serializers.Serializer):
    round = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    project = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    juror = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class AssignmentSwapSerializer(serializers.Serializer):
    juror = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MEDIUM_TEXT, allow_blank=True, required=False, default="")


class ConflictDeclareSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=max_length_of(ConflictOfInterest, "reason"), allow_blank=True)


class ConflictSetSerializer(serializers.Serializer):
    juror = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    project = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(max_length=max_length_of(ConflictOfInterest, "reason"), allow_blank=True)


class ConflictSerializer(serializers.ModelSerializer):
    juror_name = serializers.CharField(source="juror.display_name", read_only=True)
    project_reference = serializers.CharField(source="project.reference", read_only=True)

    class Meta:
        model = ConflictOfInterest
        fields = [
            "id",
            "edition",
            "juror",
            "juror_name",
            "project",
            "project_reference",
            "source",
            "reason",
            "created_at",
        ]
        read_only_fields = fields


class RoundCategorySerializer(serializers.Serializer):
    round = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    category = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class FinalistsSelectSerializer(RoundCategorySerializer):
    replace = serializers.BooleanField(required=False, default=False)


class FinalRoundSerializer(RoundCategorySerializer):
    final_round = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class OverrideSerializer(RoundCategorySerializer):
    project = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(max_length=max_length_of(Result, "override_reason"), allow_blank=True)


class FinalistOverrideSerializer(OverrideSerializer):
    add = serializers.BooleanField()


class SpecialAwardSerializer(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    title = serializers.CharField(max_length=max_length_of(Result, "title"), allow_blank=True)
    citation = serializers.CharField(max_length=max_length_of(Result, "citation"), allow_blank=True)


class EditionRefSerializer(serializers.Serializer):
    edition = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class ResultsPublishSerializer(EditionRefSerializer):
    """`at`: when the results become public; omitted, null or in the past means now. A time
    without an offset is read in the edition's time zone."""

    at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    signed_off = serializers.BooleanField(
        default=False, help_text=_("true: I sign off these results as decided by the jury. Required.")
    )


class ResultsUnpublishSerializer(EditionRefSerializer):
    reason = serializers.CharField(max_length=MEDIUM_TEXT)


class PublicationSerializer(serializers.Serializer):
    edition = serializers.IntegerField()
    results_published_at = serializers.DateTimeField(allow_null=True)
    public = serializers.BooleanField()
    # The sha256 of the sealed snapshot of the current publication (null when there is none).
    snapshot_hash = serializers.CharField(allow_null=True)


class RoundFreezeSerializer(serializers.Serializer):
    round = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    signed_off = serializers.BooleanField(
        default=False, help_text=_("true: I sign off these results as decided by the jury. Required.")
    )


class FinalistSelectionSerializer(serializers.Serializer):
    selected = serializers.ListField(child=serializers.IntegerField())
    incomplete = serializers.ListField(child=serializers.IntegerField())
    undecided = serializers.ListField(child=serializers.IntegerField())
