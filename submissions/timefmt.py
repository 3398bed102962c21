from datetime import datetime

from django.utils import formats

from award.models import Edition


def edition_datetime(value: datetime | None, edition: Edition) -> str:
    """A moment as people of the edition read it: in the edition's time zone, with its name."""
    if value is None:
        return ""
    local = value.astimezone(edition.tz)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()} ({edition.timezone})"
