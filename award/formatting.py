"""Numbers and money as the reader's language writes them.

Django localises decimal separators everywhere but groups thousands only when asked
(USE_THOUSAND_SEPARATOR stays off so that ids and years are never grouped), so amounts go
through these helpers: `money(Decimal("1234.5"))` is "€1,234.50" in English and "1 234,50 €"
(non-breaking spaces) in Slovak, Czech, Polish and Hungarian.
"""

from decimal import Decimal, InvalidOperation

from django.utils import formats, translation

# Where the currency sign goes, per language; "{amount}" is the grouped, localised number.
_CURRENCY_PATTERNS = {
    "en": {"EUR": "€{amount}"},
    "default": {"EUR": "{amount}\xa0€"},
}


def number(value, decimal_pos: int | None = None) -> str:
    """A number with the active language's decimal separator and thousands grouping."""
    if value is None or value == "":
        return ""
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return formats.number_format(value, decimal_pos, use_l10n=True, force_grouping=True)


def decimal_plain(value) -> str:
    """A rubric limit or step without trailing zeros ("0,5" in Slovak, "10" not "10.00"): the
    one way forms and service messages print them, so both say the same."""
    from award.numbers import trimmed

    if value is None or value == "":
        return ""
    return number(trimmed(Decimal(str(value))))


def money(value, currency: str = "EUR") -> str:
    """An amount with two decimals and the currency placed as the active language does."""
    if value is None or value == "":
        return ""
    amount = number(value, 2)
    language = (translation.get_language() or "en").split("-")[0]
    patterns = _CURRENCY_PATTERNS.get(language, _CURRENCY_PATTERNS["default"])
    pattern = patterns.get(currency, "{amount}\xa0" + currency)
    if amount.startswith("-"):
        return "-" + pattern.format(amount=amount[1:])
    return pattern.format(amount=amount)
