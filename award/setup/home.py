"""The organiser's way into the set-up: a panel on the home page."""

from django.http import HttpRequest

from award.home import Panel
from award.rules import organises_any
from award.selectors import editions_organised_by


def setup_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.is_authenticated or not organises_any(user):
        return None
    # The editions still being set up (not public yet), newest first; a few at most.
    pending = list(editions_organised_by(user).filter(call_opened_at__isnull=True).order_by("-year", "-id")[:5])
    return Panel("award/setup/home_panel.html", {"pending": pending, "is_admin": user.is_superuser})
