from django.shortcuts import render

from award.home import panels_for
from award.selectors import edition_current


def _public(edition):
    # The hero names the current edition only once its call is public (award/setup).
    return edition if edition is not None and edition.call_is_public else None


def home(request):
    edition = _public(edition_current(request))
    # The invitation to apply shows while the call takes applications (with its deadline).
    # (Anonymous visitors only: the signed-in home shows panels and needs no edition lookup.)
    call_open = not request.user.is_authenticated and edition is not None and edition.submissions_are_open()
    return render(
        request,
        "award/home.html",
        {"panels": panels_for(request), "edition": edition, "call_open": call_open},
    )
