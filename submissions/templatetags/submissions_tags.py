from django import template

from submissions import blind
from submissions.timefmt import edition_datetime

register = template.Library()


@register.filter
def in_edition_tz(value, edition) -> str:
    """{{ edition.submissions_close_at|in_edition_tz:edition }}"""
    return edition_datetime(value, edition)


@register.filter
def attachment_name(attachment, is_blind) -> str:
    """{{ attachment|attachment_name:blind }}: the same name as the download and the API give."""
    return blind.attachment_name(attachment, blind=bool(is_blind))
