from django import template

from award import formatting

register = template.Library()


@register.filter
def money(value, currency: str = "EUR") -> str:
    """{{ project.budget_eur|money }} → "€1,234.50" in English, "1 234,50 €" in Slovak."""
    return formatting.money(value, currency)


@register.filter
def number(value, decimal_pos=None) -> str:
    """{{ total|number:2 }} → "1,234.50" in English, "1 234,50" in Slovak (grouped, unlike floatformat)."""
    return formatting.number(value, None if decimal_pos in (None, "") else int(decimal_pos))
