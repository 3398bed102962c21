from rest_framework import serializers

from award.models import Category, Criterion, Edition, Round


class EditionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Edition
        fields = [
            "id", "name", "slug", "year", "description", "timezone", "eligible_countries",
            "eligible_organisation_types", "submissions_open_at", "submissions_close_at", "ceremony_at",
            "ceremony_place", "results_published_at", "jurors_per_project", "blind_review", "aggregation_method",
        ]
        read_only_fields = fields


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "edition", "name", "slug", "description", "finalists_count", "position"]
        read_only_fields = fields


class CriterionSerializer(serializers.ModelSerializer):
    levels = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Criterion
        fields = ["id", "edition", "name", "guidance", "levels", "weight", "min_value", "max_value", "step", "position"]
        read_only_fields = fields


class RoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = ["id", "edition", "number", "name", "kind", "scoring_opens_at", "scoring_closes_at", "frozen"]
        read_only_fields = fields
