# Polish house style: "23.11.2026" (Django's default is "23-11-2026") and a non-breaking space
# between thousands: "1 234,50 €".
from django.conf.locale.pl.formats import *  # noqa: F403

SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
