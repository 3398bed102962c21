from award.rules import judges_any, organises_any


def navigation(request) -> dict:
    """Which role sections the navigation shows (from the per-request role cache)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_is_organiser": False, "nav_is_juror": False}
    return {"nav_is_organiser": lambda: organises_any(user), "nav_is_juror": lambda: judges_any(user)}
