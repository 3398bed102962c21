from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in person sees the interface in their profile's language unless they
    picked another one with the language switcher (which sets the language cookie).
    `?lang=sk` on any URL wins for that one request (API clients, shared links)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.language
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        asked = request.GET.get("lang", "")
        if asked in {code for code, _name in settings.LANGUAGES}:
            translation.activate(asked)
            request.LANGUAGE_CODE = asked
        return self.get_response(request)
