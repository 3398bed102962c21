# Hungarian house style: "2026. 11. 23." (year first, each part followed by a full stop and a
# space) and a non-breaking space between thousands: "1 234,50 €".
from django.conf.locale.hu.formats import *  # noqa: F403
from django.conf.locale.hu.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS

SHORT_DATE_FORMAT = "Y. m. d."
SHORT_DATETIME_FORMAT = "Y. m. d. H:i"
DATE_INPUT_FORMATS = ["%Y. %m. %d.", *DATE_INPUT_FORMATS]
DATETIME_INPUT_FORMATS = ["%Y. %m. %d. %H:%M", *DATETIME_INPUT_FORMATS]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
