from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from modeltranslation.translator import translator
from rest_framework import serializers

from award.models import Category, Criterion, Edition, Round


@extend_schema_field(
    {
        "type": "object",
        "description": "Every language's text of each translated field, e.g. "
        '{"name": {"en": "Smart City", "sk": "Inteligentné mesto", "cs": null, ...}}; '
        "the plain fields hold the reader's language (Accept-Language or ?lang=), falling back to English.",
        "additionalProperties": {"type": "object", "additionalProperties": {"type": "string", "nullable": True}},
    }
)
class TranslationsField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, instance):
        fields = translator.get_options_for_model(type(instance)).fields
        languages = [code for code, _name in settings.LANGUAGES]
        return {
            field: {language: getattr(instance, f"{field}_{language}") or None for language in languages}
            for field in fields
        }


class EditionSerializer(serializers.ModelSerializer):
    translations = TranslationsField()

    class Meta:
        model = Edition
        fields = [
            "id",
            "name",
            "slug",
            "year",
            "description",
            "timezone",
            "eligible_countries",
            "eligible_organisation_types",
            "submissions_open_at",
            "submissions_close_at",
            "ceremony_at",
            "ceremony_place",
            "results_published_at",
            "jurors_per_project",
            "blind_review",
            "aggregation_method",
            "translations",
        ]
        read_only_fields = fields


class CategorySerializer(serializers.ModelSerializer):
    translations = TranslationsField()

    class Meta:
        model = Category
        fields = ["id", "edition", "name", "slug", "description", "finalists_count", "position", "translations"]
        read_only_fields = fields


class CriterionSerializer(serializers.ModelSerializer):
    translations = TranslationsField()
    levels = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Criterion
        fields = [
            "id",
            "edition",
            "name",
            "guidance",
            "levels",
            "weight",
            "min_value",
            "max_value",
            "step",
            "position",
            "translations",
        ]
        read_only_fields = fields


class RoundSerializer(serializers.ModelSerializer):
    translations = TranslationsField()

    class Meta:
        model = Round
        fields = [
            "id",
            "edition",
            "number",
            "name",
            "kind",
            "final_mode",
            "scoring_opens_at",
            "scoring_closes_at",
            "frozen",
            "translations",
        ]
        read_only_fields = fields
