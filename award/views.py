from django.shortcuts import render

from award.home import panels_for
from award.selectors import edition_current


def home(request):
    return render(
        request,
        "award/home.html",
        {"panels": panels_for(request), "edition": edition_current(request)},
    )
