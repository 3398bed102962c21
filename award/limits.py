"""Limits of free text, declared once.

Every stored text has its limit on its model field's `max_length` (TextField too: Django does not
enforce it in the database, but the forms, the serializers, the services and the character
counter all read it from there). The constants below are the few sizes the models use, so that a
limit is chosen in one place and read by name everywhere else; the model field is what the rest
of the code asks (`max_length_of`).

Rows stored before a limit existed may be longer. They are kept exactly as they are: nothing is
ever cut. The pages show such a text with a message (`over_limit_message`) and a save that sends
it back unchanged is told to shorten it; see scoring.jury.views.score for what the jury's autosave does.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

SHORT_TEXT = 200  # names, titles, roles
SUMMARY_TEXT = 600  # the application's short summary
MEDIUM_TEXT = 2000  # lists (partners, funding sources), reasons of organisers and jurors
CITATION_TEXT = 4000  # an award's citation
LONG_TEXT = 5000  # the application's descriptive sections, jurors' comments


def max_length_of(model: type[models.Model], name: str) -> int | None:
    return model._meta.get_field(name).max_length


def normalize_newlines(value: Any) -> Any:
    # A browser counts a line break as one character for `maxlength` and its counter but submits
    # it as "\r\n": without this a text exactly at the limit would be refused by the server.
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class LimitedTextField(forms.CharField):
    """A CharField that counts characters as the browser's `maxlength` does (see above)."""

    def to_python(self, value):
        return super().to_python(normalize_newlines(value))


def form_field_for(model: type[models.Model], name: str, **kwargs) -> LimitedTextField:
    """A form field for a plain (non-model) form whose text ends up in `model.name`."""
    kwargs.setdefault("max_length", max_length_of(model, name))
    return LimitedTextField(**kwargs)


def length_errors(model: type[models.Model], values: Mapping[str, Any], *, keys: Mapping[str, str] | None = None):
    """{key: [message]} for every text in `values` longer than its model field allows; `keys`
    maps a field name to the key the caller reports it under (e.g. "comment" -> "comment_7")."""
    errors: dict[str, list] = {}
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        limit = max_length_of(model, name)
        if limit is None:
            continue
        try:
            MaxLengthValidator(limit)(value)
        except forms.ValidationError as error:
            errors[(keys or {}).get(name, name)] = list(error.messages)
    return errors


def over_limit_message(length: int, limit: int) -> str:
    # Worded without a noun after a number, so that no language needs plural forms here.
    return _(
        "This text was saved before the current limit applied and is longer than it (characters: "
        "%(length)s, limit: %(limit)s). It is kept as it is; shorten it to save a change to it."
    ) % {"length": length, "limit": limit}


def mark_over_limit(form: forms.BaseForm, names: Iterable[str] | None = None) -> list[str]:
    """On an unbound form, flag the fields whose stored text is over the field's limit: the field
    include shows `over_limit_note` next to the field. Returns the names flagged."""
    flagged = []
    for name in names if names is not None else form.fields:
        field = form.fields[name]
        limit = getattr(field, "max_length", None)
        value = form.initial.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            field.over_limit_note = over_limit_message(len(value), limit)
            flagged.append(name)
    return flagged
