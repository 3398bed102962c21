"""Optional two-factor authentication with a TOTP authenticator app.

Login with a confirmed device is two steps: the password form stores the half-authenticated
user in the session (nothing is logged in yet), and the code page completes the login."""

import base64
import io
import time

import pyotp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from award.forms import EmailAuthenticationForm
from award.models import TwoFactorDevice, User
from award.services import audit_log

PENDING_USER = "2fa_pending_user"
PENDING_BACKEND = "2fa_pending_backend"
PENDING_NEXT = "2fa_pending_next"
PENDING_FAILURES = "2fa_pending_failures"
MAX_FAILURES = 5


def _totp(device: TwoFactorDevice) -> pyotp.TOTP:
    return pyotp.TOTP(device.secret)


@transaction.atomic
def two_factor_verify(*, device: TwoFactorDevice, code: str) -> bool:
    """Accept a code of the current step or its neighbours, once only."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return False
    device = TwoFactorDevice.objects.select_for_update().get(pk=device.pk)
    now_step = int(time.time()) // 30
    for step in (now_step - 1, now_step, now_step + 1):
        if step > device.last_used_step and _totp(device).at(step * 30) == code:
            device.last_used_step = step
            device.save(update_fields=["last_used_step"])
            return True
    return False


def _qr_data_uri(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


class TwoFactorLoginView(auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        device = TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
        if device is None:
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_USER] = user.pk
        self.request.session[PENDING_BACKEND] = user.backend
        self.request.session[PENDING_NEXT] = self.get_success_url()
        self.request.session[PENDING_FAILURES] = 0
        return redirect("login_verify")


@require_http_methods(["GET", "POST"])
def login_verify(request):
    user_id = request.session.get(PENDING_USER)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    device = TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first() if user else None
    if device is None:
        return redirect("login")
    error = None
    if request.method == "POST":
        if two_factor_verify(device=device, code=request.POST.get("code", "")):
            backend = request.session.get(PENDING_BACKEND)
            target = request.session.get(PENDING_NEXT) or "/"
            for key in (PENDING_USER, PENDING_BACKEND, PENDING_NEXT, PENDING_FAILURES):
                request.session.pop(key, None)
            login(request, user, backend=backend)
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return redirect(target)
        failures = request.session.get(PENDING_FAILURES, 0) + 1
        request.session[PENDING_FAILURES] = failures
        if failures >= MAX_FAILURES:
            request.session.flush()
            messages.error(request, _("Too many wrong codes. Please log in again."))
            return redirect("login")
        error = _("That code is not right. Enter the 6-digit code your authenticator app shows now.")
    return render(request, "registration/login_verify.html", {"error": error}, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    device, _created = TwoFactorDevice.objects.get_or_create(
        user=request.user, defaults={"secret": pyotp.random_base32(length=32)}
    )
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        if not two_factor_verify(device=device, code=request.POST.get("code", "")):
            error = _("That code is not right. Enter the 6-digit code your authenticator app shows now.")
        elif action == "disable" and device.confirmed_at:
            device.delete()
            audit_log(actor=request.user, action="two_factor.disable", target=request.user)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("two_factor")
        elif action == "enable" and not device.confirmed_at:
            device.confirmed_at = timezone.now()
            device.save(update_fields=["confirmed_at"])
            audit_log(actor=request.user, action="two_factor.enable", target=request.user)
            messages.success(request, _("Two-factor authentication is on. You will need a code at every login."))
            return redirect("two_factor")
    uri = _totp(device).provisioning_uri(name=request.user.email, issuer_name="V4 Smart Project Award")
    context = {"device": device, "qr": None if device.confirmed_at else _qr_data_uri(uri), "error": error}
    if not device.confirmed_at:
        context["secret"] = device.secret
    return render(request, "registration/two_factor.html", context, status=400 if error else 200)
