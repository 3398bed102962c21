"""Organiser-typed text stored per language (django-modeltranslation): `name` reads the active
language's column (`name_sk`, …) and falls back to English, which organisers must fill in."""

from modeltranslation.translator import TranslationOptions, register

from award.models import Category, Criterion, Edition, Round


@register(Edition)
class EditionTranslationOptions(TranslationOptions):
    fields = ("name", "description", "ceremony_place", "juror_briefing")
    required_languages = {"en": ("name",), "default": ()}


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",), "default": ()}


@register(Criterion)
class CriterionTranslationOptions(TranslationOptions):
    fields = ("name", "guidance", "level_descriptors")
    required_languages = {"en": ("name",), "default": ()}


@register(Round)
class RoundTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = {"en": ("name",), "default": ()}
