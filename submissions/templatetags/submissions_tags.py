from django import template

from submissions.timefmt import edition_datetime

register = template.Library()


@register.filter
def in_edition_tz(value, edition) -> str:
    """{{ edition.submissions_close_at|in_edition_tz:edition }}"""
    return edition_datetime(value, edition)
