"""Helpers for organiser content stored per language (see award/translation.py)."""

from django.conf import settings
from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation


def default_language() -> str:
    return settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def localized(lookup: str):
    """A query expression for a translated field reached through a relation, e.g.
    `localized("category__name")`, in the active language with English as fallback: for
    `.values()` on models that are not translated themselves (their managers do not rewrite
    lookups into related translated fields)."""
    language = (translation.get_language() or default_language()).split("-")[0]
    languages = [code for code, _name in settings.LANGUAGES]
    candidates = [language] if language in languages else []
    if default_language() not in candidates:
        candidates.append(default_language())
    parts = [NullIf(F(f"{lookup}_{code}"), Value(""), output_field=CharField()) for code in candidates]
    return Coalesce(*parts, F(lookup), output_field=CharField())


class DefaultLanguageColumnMixin:
    """Keeps the original column (`name`) holding the default language's text whatever language
    was active when the row was saved, so that reads which bypass the translated accessor
    (raw SQL, `values()` on other models' managers) get English, not a random language."""

    def save(self, *args, **kwargs):
        with translation.override(default_language()):
            return super().save(*args, **kwargs)
