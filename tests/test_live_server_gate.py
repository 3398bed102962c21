"""The gate in front of the live server (tests/live_server_gate.py), driven over real HTTP."""

import threading
import time
import urllib.error
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.core.signals import request_started

from tests.live_server_gate import RequestsStillInside
from tests.live_server_urls import slow_write

pytestmark = pytest.mark.urls("tests.live_server_urls")


def fetch(url: str, *, method: str = "GET") -> tuple[int, bytes]:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def django_requests():
    """Every request that reached Django, in whichever thread."""
    seen: list[str] = []

    def receiver(sender, environ, **kwargs):
        seen.append(environ["PATH_INFO"])

    request_started.connect(receiver, weak=False)
    yield seen
    request_started.disconnect(receiver)


@pytest.fixture
def held_write():
    slow_write.reset(hold=10)
    yield slow_write
    slow_write.release.set()


def start_slow_write(url: str) -> dict:
    answer: dict = {}

    def run():
        answer["status"], answer["body"] = fetch(url + "/slow-write/", method="POST")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    answer["thread"] = thread
    return answer


def test_live_server_gate_refuses_requests_once_closed_without_reaching_django(live_server, django_requests):
    assert fetch(live_server.url + "/blank/")[0] == 200
    assert django_requests == ["/blank/"]

    live_server.gate.close()
    status, body = fetch(live_server.url + "/blank/")

    assert (status, body) == (503, b"The test has ended: the live server takes no more requests.\n")
    assert django_requests == ["/blank/"]
    assert live_server.gate.refused == ["GET /blank/"]


def test_live_server_gate_close_waits_for_the_request_inside_and_refuses_new_ones(live_server, held_write):
    slow = start_slow_write(live_server.url)
    assert held_write.entered.wait(10)
    closed = threading.Event()
    closer = threading.Thread(target=lambda: (live_server.gate.close(timeout=20), closed.set()), daemon=True)
    closer.start()

    time.sleep(0.3)
    assert not closed.is_set()  # the slow request has not written its row yet
    assert fetch(live_server.url + "/slow-write/", method="POST")[0] == 503
    assert len(held_write.starts) == 1

    held_write.release.set()
    assert closed.wait(20)
    # By the time close() returned, the request had written its row and answered.
    assert get_user_model().objects.filter(email__in=held_write.emails).count() == 1
    slow["thread"].join(20)
    assert (slow["status"], slow["body"]) == (200, b"written")


def test_live_server_gate_close_names_a_request_that_does_not_finish(live_server, held_write):
    start_slow_write(live_server.url)
    assert held_write.entered.wait(10)

    with pytest.raises(RequestsStillInside, match=r"\['POST /slow-write/'\]"):
        live_server.gate.close(timeout=0.2)

    held_write.release.set()
    live_server.gate.close(timeout=20)
