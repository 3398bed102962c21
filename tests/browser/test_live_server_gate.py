"""Nothing the browser sent reaches the live server once a test's body has ended.

A request that the browser no longer tracks (a fetch it gave up on, an autosave sent with
`keepalive` as the page closes) used to be handled while pytest-django flushed the test
database: "FOREIGN KEY constraint failed" at teardown on a busy machine. The check runs in
`late_write_probe`, whose teardown comes after the harness has ended the test and before the
database is flushed; on the old harness it fails there."""

import time

import pytest
from django.contrib.auth import get_user_model

from tests.live_server_urls import slow_write

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.live_server_urls")]


@pytest.fixture
def late_write_probe(transactional_db, live_server):
    """Requested before `page`, so torn down after it and before the flush."""
    slow_write.reset(hold=1.5)
    yield slow_write
    ended = time.monotonic()
    time.sleep(0.5)  # time for a straggler to show up
    assert len(slow_write.starts) == len(slow_write.ends), "a request was still inside the app after the test"
    assert all(moment < ended for moment in slow_write.starts + slow_write.ends), "a request ran after the test"
    assert get_user_model().objects.filter(email__in=slow_write.emails).count() == len(slow_write.emails)


def test_a_request_the_browser_abandoned_finishes_before_the_database_is_flushed(late_write_probe, page):
    page.goto("/blank/")
    page.evaluate(
        """() => {
        window.abandon = new AbortController();
        fetch("/slow-write/", {method: "POST", signal: window.abandon.signal}).catch(() => {});
    }"""
    )
    assert late_write_probe.entered.wait(10)
    with page.expect_event("requestfailed"):
        page.evaluate("() => window.abandon.abort()")
    # The server is still in the view: the browser has nothing in flight any more.


def test_a_keepalive_request_sent_as_the_page_closes_never_meets_the_flush(keepalive_was_sent, late_write_probe, page):
    page.goto("/blank/")
    page.evaluate(
        """() => addEventListener("pagehide", () => {
        fetch("/slow-write/", {method: "POST", keepalive: true});
    })"""
    )
    # Closing the page fires pagehide (static/js/autosave.js saves there too). It is closed here,
    # not by the fixture's closing of the whole browser context: a keepalive request is sent by
    # the browser after the page is gone, but not once its context is torn down too, which the
    # fixture did at the same moment (the request then never left, now and then). It reaches the
    # server while the test ends or just after, as the gate's flush begins.
    page.close()


@pytest.fixture
def keepalive_was_sent(live_server):
    """Torn down after late_write_probe: the request the keepalive test relies on did arrive,
    either while the gate was still open (and was waited for) or after (and was refused)."""
    yield
    for _ in range(100):  # at most 5 s
        seen = live_server.gate.admitted + live_server.gate.refused
        if "POST /slow-write/" in seen:
            break
        time.sleep(0.05)
    assert "POST /slow-write/" in seen, seen
