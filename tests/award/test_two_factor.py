import re
import time

import pyotp
import pytest
from django.urls import reverse

from award.models import AuditEntry, TwoFactorDevice
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _code(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def _enable(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("two_factor")).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    response = client.post(reverse("two_factor"), {"action": "enable", "code": _code(secret)}, follow=True)
    assert "Two-factor authentication is on" in response.content.decode()
    client.logout()
    return secret


def test_two_factor_enable_then_login_needs_a_code(client, organiser):
    secret = _enable(client, organiser)
    assert TwoFactorDevice.objects.get(user=organiser).confirmed_at is not None
    assert AuditEntry.objects.filter(action="two_factor.enable", actor=organiser).exists()

    response = client.post(reverse("login"), {"username": organiser.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("login_verify")
    # Not logged in yet: the password alone opens nothing.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("audit_log")).status_code == 404

    response = client.post(reverse("login_verify"), {"code": "000000"})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    # The enabling code used the current step; the next step's code is still fresh.
    response = client.post(reverse("login_verify"), {"code": _code(secret, 1)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == organiser.pk
    # Organisers' 12-hour session applies after the second step too.
    assert client.session.get_expiry_age() == 12 * 3600


def test_two_factor_code_cannot_be_replayed(client, juror):
    secret = _enable(client, juror)
    code = _code(secret, 1)
    client.post(reverse("login"), {"username": juror.email, "password": TEST_PASSWORD})
    assert client.post(reverse("login_verify"), {"code": code}).status_code == 302
    client.logout()
    client.post(reverse("login"), {"username": juror.email, "password": TEST_PASSWORD})
    assert client.post(reverse("login_verify"), {"code": code}).status_code == 400


def test_two_factor_too_many_wrong_codes_restart_the_login(client, juror):
    _enable(client, juror)
    client.post(reverse("login"), {"username": juror.email, "password": TEST_PASSWORD})
    for _ in range(4):
        assert client.post(reverse("login_verify"), {"code": "123456"}).status_code == 400
    response = client.post(reverse("login_verify"), {"code": "123456"}, follow=True)
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(reverse("login_verify")).status_code == 302


def test_two_factor_disable_requires_a_current_code(client, organiser):
    secret = _enable(client, organiser)
    client.force_login(organiser)
    response = client.post(reverse("two_factor"), {"action": "disable", "code": "abc"})
    assert response.status_code == 400
    assert TwoFactorDevice.objects.filter(user=organiser).exists()
    client.post(reverse("two_factor"), {"action": "disable", "code": _code(secret, 1)})
    assert not TwoFactorDevice.objects.filter(user=organiser).exists()


def test_without_two_factor_login_is_one_step(client, applicant):
    response = client.post(reverse("login"), {"username": applicant.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == applicant.pk


def test_verify_page_without_pending_login_redirects(client):
    assert client.get(reverse("login_verify"))["Location"] == reverse("login")
