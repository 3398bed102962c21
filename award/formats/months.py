"""Month names as they follow a day ("23. novembra 2026"). Django formats them with the "E"
format character from its "alt. month" translations, which its own catalogue lacks for Slovak;
listing them here puts them into our catalogues (locale/), which take precedence."""

from django.utils.translation import pgettext_lazy

MONTHS_ALT = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
