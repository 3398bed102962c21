from django.shortcuts import render

from award.home import panels_for
from award.selectors import edition_current


def _public(edition):
    # The hero names the current edition only once its call is public (award/setup).
    return edition if edition is not None and edition.call_is_public else None


def home(request):
    return render(
        request,
        "award/home.html",
        {"panels": panels_for(request), "edition": _public(edition_current(request))},
    )
