# Slovak house style: "23. 11. 2026" (STN 01 6910 spaces the parts of a numeric date) and a
# non-breaking space between thousands: "1 234,50 €".
from django.conf.locale.sk.formats import *  # noqa: F403
from django.conf.locale.sk.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS

# "23. novembra 2026": the month in the genitive (award/formats/months.py), not "23. november".
DATE_FORMAT = "j. E Y"
DATETIME_FORMAT = "j. E Y G:i"
SHORT_DATE_FORMAT = "j. n. Y"
SHORT_DATETIME_FORMAT = "j. n. Y G:i"
DATE_INPUT_FORMATS = ["%d. %m. %Y", *DATE_INPUT_FORMATS]
DATETIME_INPUT_FORMATS = ["%d. %m. %Y %H:%M", *DATETIME_INPUT_FORMATS]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
