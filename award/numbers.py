"""Numbers as people type them, read by one rule table (README, "Typing numbers").

Slovak, Czech, Polish and Hungarian write `125 000,50`; English writes `125,000.50`. A number
field (`<input type="number">`) lets the browser drop the characters it does not expect, so
Chromium turned a Slovak `125 000,50` into 12500050: every decimal a person types goes through
a text field and this parser instead, and a text that could mean two numbers is refused with a
message rather than read one way silently.

Pure: no Django, no active language; the caller passes the language. The form field that
applies it to the active language is `award.forms.LocalizedDecimalField`.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Longer input is never a number anybody typed; cutting it off early keeps the regular
# expressions and Decimal away from megabytes of digits.
MAX_LENGTH = 64

# Plain, no-break and narrow no-break spaces: what people, word processors and our own
# formatted numbers (award/formatting.py) put between thousands.
SPACES = " \xa0\u202f"
_MINUS = "-\u2212"  # hyphen-minus and the typographic minus sign


@dataclass(frozen=True)
class Rules:
    decimal: str  # the decimal separator
    group: str  # the thousands separator besides spaces, or "" when only spaces group
    # Whether a lone dot may still be read as the decimal separator (comma languages only): a
    # dot with no comma and not followed by exactly three digits ("7.5"), as phones offer it.
    dot_fallback: bool


RULES = {
    "en": Rules(decimal=".", group=",", dot_fallback=False),
    "sk": Rules(decimal=",", group="", dot_fallback=True),
    "cs": Rules(decimal=",", group="", dot_fallback=True),
    "pl": Rules(decimal=",", group="", dot_fallback=True),
    "hu": Rules(decimal=",", group="", dot_fallback=True),
}


class NumberError(ValueError):
    """The text is not a number by the language's rules.

    `code` is "invalid" (not a number at all) or "ambiguous" (a separator that could mean
    thousands or decimals); `readings` holds the numbers an ambiguous text could mean, so
    that the message can show both ways of writing it.
    """

    def __init__(self, code: str, readings: tuple[Decimal, ...] = ()):
        super().__init__(code)
        self.code = code
        self.readings = readings


def rules_for(language: str | None) -> Rules:
    """The rules of a language code such as "sk" or "pl-PL"; English for any other."""
    return RULES.get((language or "en").split("-")[0].lower(), RULES["en"])


_INTEGER = re.compile(r"\d+")


def _grouped(integer: str, separators: str) -> str | None:
    """The digits of an integer part, or None when its grouping is not by threes.

    "125 000" -> "125000"; "12 50" -> None (a group of two is a typo, not a thousands
    separator, and reading it as one would multiply the number).
    """
    if not integer:
        return ""  # ",5" is 0,5
    if not any(sep in integer for sep in separators):
        return integer if _INTEGER.fullmatch(integer) and integer.isascii() else None
    # One kind of separator per number: "1 000,000" in English is a typo.
    used = {" " if sep in SPACES else sep for sep in integer if sep in separators}
    if len(used) > 1:
        return None
    pattern = "[" + re.escape(separators) + "]"
    groups = re.split(pattern, integer)
    if not groups[0].isdigit() or len(groups[0]) > 3 or not groups[0].isascii():
        return None
    if any(len(g) != 3 or not g.isdigit() or not g.isascii() for g in groups[1:]):
        return None
    return "".join(groups)


def _decimal(sign: str, integer: str, fraction: str | None) -> Decimal:
    text = sign + (integer or "0") + ("." + fraction if fraction is not None else "")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the text is digits only by now
        raise NumberError("invalid") from None


def parse_decimal(text: str, language: str | None) -> Decimal:
    """The number `text` means in `language`, or NumberError.

    Only digits, one sign in front, the language's separators and spaces are accepted: no
    exponents ("1e309"), no "nan" or "inf", so the result is always a finite Decimal.
    """
    rules = rules_for(language)
    text = (text or "").strip(SPACES + "\t\r\n")
    if not text or len(text) > MAX_LENGTH:
        raise NumberError("invalid")
    sign = ""
    if text[0] in _MINUS + "+":
        sign = "-" if text[0] in _MINUS else ""
        text = text[1:].lstrip(SPACES)
    if not text or not all(ch.isascii() and ch.isdigit() or ch in SPACES + ".," for ch in text):
        raise NumberError("invalid")

    if rules.decimal == ",":
        return _parse_comma(sign, text)
    return _parse_dot(sign, text, rules)


def _split_fraction(text: str, separator: str) -> tuple[str, str | None]:
    if text.count(separator) > 1:
        raise NumberError("invalid")
    integer, _, fraction = text.partition(separator)
    if separator in text:
        if not fraction or not (fraction.isascii() and fraction.isdigit()):
            raise NumberError("invalid")
        return integer, fraction
    return integer, None


def _parse_comma(sign: str, text: str) -> Decimal:
    """Slovak, Czech, Polish, Hungarian: "125 000,50", "7,5"; a lone dot only as in "7.5"."""
    if "," in text:
        if "." in text:
            # "1.250,50" (German grouping) or "1,250.50" (English): neither is how these
            # languages write, and guessing would be wrong half of the time.
            raise NumberError("invalid")
        integer, fraction = _split_fraction(text, ",")
    elif "." in text:
        integer, fraction = _split_fraction(text, ".")
        if len(fraction) == 3:
            # "1.500": 1500 to a German reader, 1.5 to a phone keyboard.
            digits = _grouped(integer, SPACES)
            if digits is None:
                raise NumberError("invalid")
            readings = (_decimal(sign, digits + fraction, None), _decimal(sign, digits, fraction))
            raise NumberError("ambiguous", readings)
    else:
        integer, fraction = text, None
    digits = _grouped(integer, SPACES)
    if digits is None or (not digits and fraction is None):
        raise NumberError("invalid")
    return _decimal(sign, digits, fraction)


def _parse_dot(sign: str, text: str, rules: Rules) -> Decimal:
    """English: "125,000.50", "7.5"; a comma only groups thousands, so "1,5" is refused."""
    integer, fraction = _split_fraction(text, rules.decimal)
    digits = _grouped(integer, SPACES + rules.group)
    if digits is None:
        if rules.group in integer:
            # "1,5" or "12,50": a decimal comma typed in English; "1,500" would be 1500.
            head, _, tail = integer.rpartition(rules.group)
            head_digits = _grouped(head, SPACES + rules.group) if head else "0"
            if head_digits is not None and tail.isdigit() and fraction is None:
                raise NumberError("ambiguous", (_decimal(sign, head_digits, tail),))
        raise NumberError("invalid")
    if not digits and fraction is None:
        raise NumberError("invalid")
    return _decimal(sign, digits, fraction)


def trimmed(value: Decimal) -> Decimal:
    """`value` without trailing zeros after the decimal point: 7.50 -> 7.5, 10.00 -> 10.

    Amounts keep their cents where the caller wants them (award.formatting.money); this is
    for scores, steps and examples, which read better as "7,5" than "7,50".
    """
    if not value.is_finite():
        return value
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
