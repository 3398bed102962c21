from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from award.formatting import number
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


class ModelMultipleIdField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose posted ids are checked to be ids before any query:
    Django catches ValueError there, but `pk__in` with 99999999999999999999 raised OverflowError
    on SQLite, a 500 where a tampered form deserves a message."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit() and len(text) <= 19 and int(text) < 2**63):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)
