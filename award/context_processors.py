from award.selectors import editions_judged_by, editions_organised_by


def navigation(request) -> dict:
    """Which role sections the navigation shows; evaluated lazily, once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_is_organiser": False, "nav_is_juror": False}

    cache: dict = {}

    def _organiser() -> bool:
        if "o" not in cache:
            cache["o"] = editions_organised_by(user).exists()
        return cache["o"]

    def _juror() -> bool:
        if "j" not in cache:
            cache["j"] = editions_judged_by(user).exists()
        return cache["j"]

    return {"nav_is_organiser": _organiser, "nav_is_juror": _juror}
