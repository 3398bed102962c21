from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from award.rules import organises_any


@receiver(user_logged_in)
def organiser_session_expiry(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session") and (user.is_staff or organises_any(user)):
        request.session.set_expiry(settings.ORGANISER_SESSION_SECONDS)
