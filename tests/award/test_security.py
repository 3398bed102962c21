import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra) -> dict:
    skip = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update({"DJANGO_SETTINGS_MODULE": "award.settings"}, **extra)
    return env


PROD = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "production-test-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "award.example.org",
}


@pytest.mark.django_db
def test_security_headers_on_every_page(client):
    response = client.get(reverse("login"))
    csp = response.headers.get("Content-Security-Policy", "")
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert script_src.strip() == "'self'"
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.cookies["csrftoken"]["samesite"] == "Lax"


@pytest.mark.django_db
def test_session_cookie_is_httponly_and_samesite(client, applicant):
    response = client.post(reverse("login"), {"username": applicant.email, "password": TEST_PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.slow
def test_production_settings_pass_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_env(**PROD),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_production_settings_values():
    code = (
        "import django; django.setup(); from django.conf import settings as s; from django.urls import reverse;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000,"
        " s.SECURE_SSL_REDIRECT, s.PASSWORD_HASHERS[0].endswith('Argon2PasswordHasher'), reverse('admin:index'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(**PROD, ADMIN_URL="backstage-7f3/"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "/backstage-7f3/"], result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=_env(DEBUG="0", ALLOWED_HOSTS="x"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_password_validators_refuse_short_and_common_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for bad in ["short-pw", "password1234", "123456789012"]:
        with pytest.raises(ValidationError):
            validate_password(bad)
    validate_password("a-long-and-unusual-passphrase")


@pytest.mark.django_db
def test_lockout_after_five_failures_per_account_and_address(client, settings, applicant):
    settings.AXES_ENABLED = True
    url = reverse("login")
    statuses = [
        client.post(url, {"username": applicant.email, "password": "wrong"}, REMOTE_ADDR="10.0.0.1").status_code
        for _ in range(5)
    ]
    # The fifth failure locks the pair out.
    assert statuses == [200, 200, 200, 200, 429]
    # Even the right password is refused now, with a clear message, from that address.
    response = client.post(
        url, {"username": applicant.email.upper(), "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same account from another address, and another account from the same address, still work.
    response = client.post(url, {"username": applicant.email, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302
    client.logout()
    other = UserFactory()
    response = client.post(url, {"username": other.email, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302


@pytest.mark.django_db
def test_lockout_message_is_translated(client, settings, applicant):
    settings.AXES_ENABLED = True
    client.cookies["award_language"] = "sk"
    for _ in range(6):
        response = client.post(reverse("login"), {"username": applicant.email, "password": "wrong"})
    assert response.status_code == 429
    assert 'lang="sk"' in response.content.decode()


@pytest.mark.django_db
def test_organiser_session_expires_after_twelve_hours(client, organiser, juror):
    client.post(reverse("login"), {"username": organiser.email, "password": TEST_PASSWORD})
    assert client.session.get_expiry_age() == 12 * 3600
    client.logout()
    client.post(reverse("login"), {"username": juror.email, "password": TEST_PASSWORD})
    assert client.session.get_expiry_age() == 14 * 24 * 3600


def test_no_inline_scripts_or_event_handlers_in_templates():
    """The Content-Security-Policy forbids inline scripts; keep the templates free of them."""
    offenders = []
    for path in list((ROOT / "templates").rglob("*.html")) + list(ROOT.glob("*/templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        # A self-contained file for download (the ceremony's offline copy) may inline its script
        # only under its own policy that allows exactly that script by its hash.
        hashed = re.search(r'http-equiv="Content-Security-Policy" content="[^"]*script-src \{\{ script_hash \}\}', text)
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attrs = match.group(1)
            if text[match.end() :].startswith("{{ inline_js|safe }}</script>") and hashed:
                continue
            if (
                "src=" not in attrs
                and 'type="application/json"' not in attrs
                and 'type="application/ld+json"' not in attrs
            ):
                offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
        if re.search(r"\son(click|load|change|submit|input|keydown|keyup)\s*=", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline event handler")
    assert offenders == []


# --- Lockout shared by several web processes ------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(base: str, email: str, password: str) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/", timeout=20).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": email, "password": password, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(
        base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"}
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener.add_handler(NoRedirect())
    try:
        return opener.open(request, timeout=20).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
@pytest.mark.same_on_every_database
def test_lockout_holds_across_two_web_processes(tmp_path, migrated_sqlite):
    database = migrated_sqlite(tmp_path / "shared.sqlite3")
    env = _env(SQLITE_PATH=str(database), DEBUG="1", CSP_ENFORCE="1")
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from award.models import User;"
            "User.objects.create_user(email='target@example.org', password='the-right-password-123')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
    )
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "award.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/accounts/login/", timeout=2)
                    break
                except OSError:
                    time.sleep(0.1)
        # Three failures on one process, two on the other: the fifth, wherever it lands, locks.
        assert [_login(bases[0], "target@example.org", "wrong") for _ in range(3)] == [200, 200, 200]
        assert [_login(bases[1], "target@example.org", "wrong") for _ in range(2)] == [200, 429]
        # Now both processes refuse even the right password.
        assert _login(bases[0], "target@example.org", "the-right-password-123") == 429
        assert _login(bases[1], "target@example.org", "the-right-password-123") == 429
    finally:
        # SIGINT is gunicorn's quick shutdown (SIGTERM waits up to 30 s for workers to finish
        # gracefully, which on a busy machine outlasted the wait).
        for server in servers:
            server.send_signal(signal.SIGINT)
        for server in servers:
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.mark.slow
@pytest.mark.same_on_every_database
def test_production_collectstatic_succeeds(tmp_path):
    """The deployment steps run collectstatic with the manifest storage, which refuses any
    reference to a file that is not shipped (e.g. a vendored source map)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=_env(**PROD, STATIC_ROOT=str(tmp_path / "static")),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
