"""URLs for the tests of the live server's gate (tests/live_server_gate.py): a plain page, and a
view that holds a request inside the application for a while and then writes a row."""

import threading
import time
import uuid

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


class SlowWrite:
    """What the slow view did: when each call entered and when it had written its row."""

    def __init__(self):
        self.reset()

    def reset(self, *, hold: float = 1.5) -> None:
        self.hold = hold
        self.release = threading.Event()
        self.entered = threading.Event()
        self.starts: list[float] = []
        self.ends: list[float] = []
        self.emails: list[str] = []


slow_write = SlowWrite()


@csrf_exempt
def slow_write_view(request):
    slow_write.starts.append(time.monotonic())
    slow_write.entered.set()
    slow_write.release.wait(slow_write.hold)
    email = f"late-{uuid.uuid4().hex[:8]}@example.org"
    get_user_model().objects.create(email=email)
    slow_write.emails.append(email)
    slow_write.ends.append(time.monotonic())
    return HttpResponse("written", content_type="text/plain")


def blank(request):
    return HttpResponse("<!doctype html><html lang=en><title>Blank</title><main><p>Blank</p></main></html>")


urlpatterns = [
    path("blank/", blank),
    path("slow-write/", slow_write_view),
]
