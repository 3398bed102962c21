"""The account side: sign-up with email confirmation, and the profile."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from award.account_forms import ProfileForm, SignupForm
from award.models import Edition, User
from award.services import audit_log

CONFIRM_SALT = "award.email-confirmation"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def confirmation_token(user: User) -> str:
    # The email is part of the token, so a link stops working if the address changes.
    return signing.dumps({"u": user.pk, "e": user.email}, salt=CONFIRM_SALT, compress=True)


def confirmation_user(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u"), email=data.get("e")).first()


def _edition_for_account_email() -> Edition | None:
    """An account belongs to no edition: the one whose call is open (else the current one)
    words and brands its emails."""
    from award.selectors import edition_current

    now = timezone.now()
    return (
        Edition.objects.filter(call_opened_at__isnull=False, submissions_open_at__lte=now, submissions_close_at__gt=now)
        .order_by("-year", "-id")
        .first()
        or edition_current()
    )


def _account_email_send(*, kind: str, user: User, link: str) -> None:
    from award.emails import email_send

    edition = _edition_for_account_email()
    with translation.override(user.language):
        values = {"name": user.display_name, "edition_name": edition.name if edition else "", "link": link}
    email_send(kind=kind, edition=edition, to=user.email, language=user.language, values=values, site_url=link)


@task()
def confirmation_email_send(*, user_id: int, url: str) -> None:
    _account_email_send(kind="account_confirmation", user=User.objects.get(pk=user_id), link=url)


@task()
def password_reset_email_send(*, user_id: int, url: str) -> None:
    _account_email_send(kind="password_reset", user=User.objects.get(pk=user_id), link=url)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, its email sent like every other one (registry, HTML part, log)."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        url = f"{context['protocol']}://{context['domain']}{path}"
        password_reset_email_send.enqueue(user_id=context["user"].pk, url=url)


def _send_confirmation(request, user: User) -> None:
    url = request.build_absolute_uri(reverse("account_confirm", args=[confirmation_token(user)]))
    user_id = user.pk
    transaction.on_commit(lambda: confirmation_email_send.enqueue(user_id=user_id, url=url))


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                user = form.save()
                audit_log(actor=user, action="user.signed_up", target=user)
                _send_confirmation(request, user)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            response = redirect("signup_done")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, user.language, samesite=settings.LANGUAGE_COOKIE_SAMESITE
            )
            return response
        status = 400
    else:
        form = SignupForm()
        status = 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


def signup_done(request):
    return render(request, "registration/signup_done.html")


def confirm(request, token: str):
    user = confirmation_user(token)
    if user is None:
        return render(request, "registration/confirm_invalid.html", status=400)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    messages.success(request, _("Thank you: your email address is confirmed."))
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect("submissions:call_current")
    return redirect("login")


@login_required
def confirm_resend(request):
    if request.method == "POST" and request.user.email_confirmed_at is None:
        with transaction.atomic():
            _send_confirmation(request, request.user)
        messages.success(request, _("We sent the confirmation link again. Check your inbox."))
        return redirect("signup_done")
    return render(request, "registration/confirm_resend.html")


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            user = form.save()
            with translation.override(user.language):
                messages.success(request, _("Your profile was saved."))
            response = redirect("profile")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, user.language, samesite=settings.LANGUAGE_COOKIE_SAMESITE
            )
            return response
        status = 400
    else:
        form = ProfileForm(instance=request.user)
        status = 200
    return render(request, "registration/profile.html", {"form": form}, status=status)
