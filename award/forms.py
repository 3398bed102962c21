import zoneinfo
from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import DecimalValidator
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from award.formatting import number
from award.models import Edition, Round
from award.numbers import NumberError, parse_decimal, rules_for, trimmed


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        "invalid_login": _("The email address or the password is not right. Both are case-sensitive."),
        "inactive": _("This account is inactive."),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


# --- Dates typed in the edition's time zone -------------------------------------------------
# An organiser types a deadline as the edition's people read it. Forms once parsed and showed
# datetimes in the server's zone (settings.TIME_ZONE): for an America/New_York edition, 18:00
# typed in the admin became noon on the call page. Every form with a datetime of an edition
# (the admin's Edition, Round, Project and Assignment forms, the app's results publication)
# uses EditionTimeZoneFormMixin: it parses under timezone.override(edition's zone), shows the
# stored value in that zone, and names the zone beside each datetime field.

_DATETIME_FIELDS = (forms.DateTimeField, forms.SplitDateTimeField)


def _zone(value) -> zoneinfo.ZoneInfo | None:
    if isinstance(value, zoneinfo.ZoneInfo):
        return value
    try:
        return zoneinfo.ZoneInfo(str(value)) if value else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


class EditionTimeBoundField(forms.BoundField):
    """Renders its value, and tells whether it changed, in the form's edition time zone."""

    def value(self):
        with timezone.override(self.form.edition_timezone):
            return super().value()

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        with timezone.override(self.form.edition_timezone):
            return super().as_widget(widget, attrs, only_initial)

    def _has_changed(self):
        with timezone.override(self.form.edition_timezone):
            return super()._has_changed()


class EditionTimeZoneFormMixin:
    """Datetime fields typed and shown in an edition's time zone.

    The zone comes from `edition_timezone=` (a name or a ZoneInfo) when the caller knows the
    edition; otherwise from the form itself: the Edition form's own `timezone` field (as typed,
    so a new edition's dates are read in the zone typed beside them), or the edition reached from
    the instance by `edition_path` ("edition", "round.edition"), or the `edition` chosen in the data.
    """

    edition_path = "edition"
    bound_field_class = EditionTimeBoundField

    def __init__(self, *args, edition_timezone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition_timezone = (
            _zone(edition_timezone)
            or self._edition_timezone_from_form()
            or _zone(Edition._meta.get_field("timezone").default)
        )
        zone_note = _("Time zone: %(zone)s") % {"zone": self.edition_timezone.key}
        for field in self.fields.values():
            if isinstance(field, _DATETIME_FIELDS):
                field.help_text = format_lazy("{} {}", field.help_text, zone_note) if field.help_text else zone_note

    def _edition_timezone_from_form(self) -> zoneinfo.ZoneInfo | None:
        if "timezone" in self.fields:  # the Edition form: the zone typed beside the dates
            typed = self.data.get(self.add_prefix("timezone")) if self.is_bound else None
            return _zone(typed) or _zone(getattr(getattr(self, "instance", None), "timezone", None))
        edition = getattr(self, "instance", None)
        try:
            for step in self.edition_path.split("."):
                edition = getattr(edition, step, None)
        except ObjectDoesNotExist:
            edition = None
        if isinstance(edition, Edition):
            return edition.tz
        # A new row: the edition (or round) picked in the same form.
        for name, model, column in (("edition", Edition, "timezone"), ("round", Round, "edition__timezone")):
            pk = self.data.get(self.add_prefix(name)) if self.is_bound and name in self.fields else None
            if pk and str(pk).isdigit():
                return _zone(model.objects.filter(pk=pk).values_list(column, flat=True).first())
        return None

    def full_clean(self):
        with timezone.override(self.edition_timezone):
            super().full_clean()


class EditionTimeZoneInlineFormSet(forms.BaseInlineFormSet):
    """Inline forms of an edition (its rounds in the admin) read dates in the parent's zone, as
    typed in the parent form when it is being changed in the same request."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "edition_timezone": getattr(self.instance, "timezone", None)}


class DecimalInput(forms.TextInput):
    """A text field for a decimal: `<input type="number">` lets the browser drop the characters
    it does not expect (Chromium read a Slovak "125 000,50" as 12500050), so the typed text
    reaches the server unchanged and `LocalizedDecimalField` reads it by the language's rules.
    A stored value is shown the way the reader's language writes it ("125 000,50")."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return number(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The request's decimal separator, for scripts that step or read the field.
        context["widget"]["attrs"]["data-decimal"] = rules_for(translation.get_language()).decimal
        return context


class LocalizedDecimalField(forms.DecimalField):
    """A decimal typed the way the active language writes it (award/numbers.py, README
    "Typing numbers"), refused with a message when it is ambiguous or not a finite number that
    fits the field, and with the limits of its messages written in the same language.

    Size is checked while parsing, before any validator runs: Django's StepValueValidator
    takes math.remainder() of the value as a float, which raised "math domain error" (a 500)
    for 1e309 and 99999999999999999999.
    """

    widget = DecimalInput
    default_error_messages = {
        "invalid": _("Enter a number, e.g. %(example)s."),
        "ambiguous": _("“%(value)s” could be read two ways: write %(first)s or %(second)s, whichever you mean."),
        "decimal_comma": _(
            "Write %(reading)s: in English the decimal separator is a dot and a comma groups thousands."
        ),
    }

    def __init__(self, *, example=None, **kwargs):
        super().__init__(**kwargs)
        # Shown in the message for a text that is not a number, in the reader's format.
        self.example = example if example is not None else Decimal("7.5")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            parsed = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            parsed = Decimal(str(value))
        else:
            try:
                parsed = parse_decimal(str(value), translation.get_language())
            except NumberError as error:
                raise self._number_error(str(value), error) from None
        if not parsed.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid", params=self._example())
        if self.max_digits is not None:
            # DecimalValidator says "no more than N digits before the decimal point" in every
            # language; run here so that nothing larger reaches the other validators.
            DecimalValidator(self.max_digits, self.decimal_places)(parsed)
        elif abs(parsed) >= Decimal(10) ** 15:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params=self._example())
        return parsed

    def validate(self, value):
        # forms.DecimalField.validate refuses non-finite values again; to_python already has.
        forms.Field.validate(self, value)

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except ValidationError as error:
            # "mniejsza lub równa 10,00", not "10.00": the limits in Django's own messages.
            for item in error.error_list:
                if item.params:
                    item.params = {
                        key: number(param) if isinstance(param, (Decimal, float)) else param
                        for key, param in item.params.items()
                    }
            raise

    def _example(self) -> dict:
        return {"example": number(self.example)}

    def _number_error(self, text: str, error: NumberError) -> ValidationError:
        if error.code == "ambiguous" and len(error.readings) == 2:
            first, second = error.readings
            return ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"value": text, "first": number(trimmed(first)), "second": number(trimmed(second))},
            )
        if error.code == "ambiguous" and error.readings:
            return ValidationError(
                self.error_messages["decimal_comma"],
                code="ambiguous",
                params={"reading": number(error.readings[0])},
            )
        return ValidationError(self.error_messages["invalid"], code="invalid", params=self._example())


def is_database_id(value) -> bool:
    """Whether a posted value can be an id (or another whole-number key) in a query: Django
    catches ValueError when it looks one up, but 99999999999999999999 raised OverflowError on
    SQLite, a 500 where a tampered form deserves a message."""
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= 19 and int(text) < 2**63


class ModelMultipleIdField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose posted ids are checked to be ids before any query."""

    def _check_values(self, value):
        for pk in value:
            if not is_database_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class ModelChoiceIdField(forms.ModelChoiceField):
    """A ModelChoiceField whose posted id (or whole-number key) is checked before any query."""

    def to_python(self, value):
        if value not in self.empty_values and not is_database_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
