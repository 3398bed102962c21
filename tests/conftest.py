import os
import re
from pathlib import Path

import pytest
from django.utils import translation

from award.enums import Role
from tests.factories import (
    EditionFactory,
    EditionRoleFactory,
    RoundFactory,
    UserFactory,
)

# Playwright's sync API keeps an event loop in the test thread; Django's ORM guard would
# otherwise refuse the plain synchronous queries that tests make next to the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Login lockout is exercised by its own tests (tests/award/test_security.py), which turn it
    # back on; elsewhere it would only get in the way of client.login().
    settings.AXES_ENABLED = False
    # Tasks run in-process by default; a test that exercises the real queue and db_worker
    # switches back to django_tasks_db.DatabaseBackend itself.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _english_first():
    """Every test starts in English. A request leaves its language active in the thread, and
    assigning a translated field (`category.name = …`) writes the active language's column."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def edition(db):
    return EditionFactory(name="Test Award 2026")


@pytest.fixture
def open_round(edition):
    return RoundFactory(edition=edition, number=1)


@pytest.fixture
def anonymous(client):
    return client


@pytest.fixture
def applicant(db):
    return UserFactory(email="applicant@example.org", first_name="Ada", last_name="Applicant")


@pytest.fixture
def other_applicant(db):
    return UserFactory(email="other.applicant@example.org", first_name="Otto", last_name="Other")


@pytest.fixture
def juror(edition):
    user = UserFactory(email="juror@example.org", first_name="Julia", last_name="Juror", organisation="Jury University")
    EditionRoleFactory(edition=edition, user=user, role=Role.JUROR)
    return user


@pytest.fixture
def other_juror(edition):
    user = UserFactory(email="other.juror@example.org", first_name="Jan", last_name="Second", organisation="Other Institute")
    EditionRoleFactory(edition=edition, user=user, role=Role.JUROR)
    return user


@pytest.fixture
def organiser(edition):
    user = UserFactory(email="organiser@example.org", first_name="Olga", last_name="Organiser")
    EditionRoleFactory(edition=edition, user=user, role=Role.ORGANISER)
    return user


@pytest.fixture
def client_for(client):
    """Log the test client in as a persona: client_for(user)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


# --- Browser harness -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + ": browser tests must run in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash.setdefault("failed", False)
        if report.failed:
            item.stash["failed"] = True
    return report


@pytest.fixture
def page(request, browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if request.node.stash.get("failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture
def login_as(page):
    """Log the browser in through the real login form."""

    def _login(email: str, password: str):
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/")
        return page

    return _login


def pytest_collection_modifyitems(config, items):
    # Browser tests need the real chromium; keep them last so failures elsewhere show first.
    items.sort(key=lambda item: 1 if item.get_closest_marker("browser") else 0)

