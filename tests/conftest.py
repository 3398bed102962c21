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
from tests.live_server_gate import RequestGate

# Playwright's sync API keeps an event loop in the test thread; Django's ORM guard would
# otherwise refuse the plain synchronous queries that tests make next to the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    """Browser tests run last. A test marked ``same_on_every_database`` starts its own processes on its own SQLite file
    (or uses no database): on the PostgreSQL pass (DATABASE_URL set) it would run exactly what the
    SQLite pass has run, so it is skipped there, saying so. One marked ``markup_only`` checks what the
    pages' HTML is (accessibility), which the database behind them does not change: it too runs on
    the SQLite pass only."""
    # Browser tests need the real chromium; keep them last so failures elsewhere show first.
    items.sort(key=lambda item: 1 if item.get_closest_marker("browser") else 0)
    if not os.environ.get("DATABASE_URL"):
        return
    same = pytest.mark.skip(reason="the same run as on the SQLite pass (own SQLite file or no database)")
    markup = pytest.mark.skip(reason="checks the pages' HTML, which the database does not change: SQLite pass only")
    for item in items:
        if item.get_closest_marker("same_on_every_database"):
            item.add_marker(same)
        elif item.get_closest_marker("markup_only"):
            item.add_marker(markup)


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


# --- S3-compatible media storage on loopback (moto's server mode) ------------------------


@pytest.fixture(scope="session")
def _s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_media(_s3_server, settings, monkeypatch, request):
    """Point default storage at a fresh private bucket on a real S3 HTTP server, configured the
    way production is (environment variables read by award.env.media_storage).
    Returns a boto3 client and the bucket name, to look into the bucket behind the app's back."""
    import uuid

    import boto3

    from award.env import media_storage

    bucket = f"award-test-{uuid.uuid4().hex[:12]}"
    environment = {
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": _s3_server,
        "AWS_S3_REGION_NAME": "eu-central-1",
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_LOCATION": "media",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    client = boto3.client(
        "s3",
        endpoint_url=_s3_server,
        region_name="eu-central-1",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    settings.STORAGES = {**settings.STORAGES, "default": media_storage()}
    settings.MEDIA_ROOT = "/nonexistent-media-root"  # nothing may fall back to the local folder
    return S3Bucket(client, bucket)


class S3Bucket:
    def __init__(self, client, name: str):
        self.client = client
        self.name = name

    def objects(self) -> dict[str, bytes]:
        """Every object in the bucket, key -> bytes, read straight from the S3 server."""
        listing = self.client.list_objects_v2(Bucket=self.name).get("Contents", [])
        return {o["Key"]: self.client.get_object(Bucket=self.name, Key=o["Key"])["Body"].read() for o in listing}

    def acl_grants(self, key: str) -> list[dict]:
        return self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]


@pytest.fixture(autouse=True)
def _fresh_ranking_memory():
    """Each test starts without the ranking's per-process memory of decoded payloads (keys are
    content hashes with database ids, and a rolled-back test's ids come back in the next one)."""
    from scoring.ranking.engine import PAYLOAD_MEMORY

    PAYLOAD_MEMORY.clear()


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
    user = UserFactory(
        email="other.juror@example.org", first_name="Jan", last_name="Second", organisation="Other Institute"
    )
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


# --- A migrated SQLite file, copied instead of migrated again ---------------------------------


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, tmp_path_factory):
    """pytest-django's test database. On SQLite (in memory) a copy of it is kept as a file, taken
    right after migrate and before any test wrote to it; its path is this fixture's value (None
    on PostgreSQL). See migrated_sqlite."""
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield None
        return
    kept = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    source, copy = sqlite3.connect(connection.settings_dict["NAME"], uri=True), sqlite3.connect(kept)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    yield kept


@pytest.fixture(scope="session")
def migrated_sqlite(django_db_setup):
    """migrated_sqlite(path) writes a freshly migrated SQLite database to path: what migrate
    leaves (the schema with its triggers, the applied migrations, the rows migrations create).
    The tests whose threads or processes need a database file of their own start from it instead
    of migrating one again (8 to 20 s each). SQLite pass only."""
    import shutil

    def write(path) -> Path:
        if django_db_setup is None:
            raise RuntimeError("no migrated SQLite database is kept: the test database is not SQLite in memory")
        shutil.copyfile(django_db_setup, path)
        return Path(path)

    return write


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


# --- The end of a test's body ----------------------------------------------------------------
#
# Nothing may reach the live server once a test's body has ended: pytest-django flushes the test
# database in the teardown of transactional_db, and a request handled meanwhile (an autosave sent
# as the page closes) breaks the flush or leaves rows for the next test. Right after the body,
# pytest_runtest_call below closes the browser contexts and then the gate in front of the live
# server (tests/live_server_gate.py), which waits for the requests already inside. The fixtures
# do the same again in their teardown, for a test whose body never ran; their teardown also comes
# before the flush, because _live_server_gate sets up after transactional_db and page after it.

_BODY_END = pytest.StashKey[list]()
_BODY_FAILED = pytest.StashKey[bool]()


def _at_body_end(item, callback) -> None:
    """Run callback as soon as the test's body ends; callbacks run last registered, first run."""
    item.stash.setdefault(_BODY_END, []).append(callback)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        return (yield)
    except (pytest.skip.Exception, pytest.xfail.Exception):
        raise
    except BaseException:
        item.stash[_BODY_FAILED] = True
        raise
    finally:
        callbacks = item.stash.get(_BODY_END, [])
        while callbacks:
            callbacks.pop()()


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server with a RequestGate in front of its application."""
    httpd = live_server.thread.httpd
    live_server.gate = RequestGate(httpd.get_app())
    httpd.set_app(live_server.gate)
    return live_server


@pytest.fixture(autouse=True)
def _live_server_gate(request):
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    gate = request.getfixturevalue("live_server").gate
    gate.open()
    _at_body_end(request.node, gate.close)
    yield gate
    gate.close()


@pytest.fixture
def page(request, browser, live_server, _live_server_gate):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    closed = False

    def close():
        nonlocal closed
        if closed:
            return
        closed = True
        try:
            if request.node.stash.get(_BODY_FAILED, False) and not page.is_closed():
                ARTIFACTS.mkdir(exist_ok=True)
                name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        finally:
            context.close()

    _at_body_end(request.node, close)
    yield page
    close()


@pytest.fixture
def login_as(page):
    """Log the browser in through the real login form."""

    def _login(email: str, password: str):
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        # The landing page itself (LOGIN_REDIRECT_URL): a glob such as "**/" would match the
        # login page too and return before the login went through.
        page.wait_for_url("/")
        return page

    return _login
