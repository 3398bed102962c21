"""A gate in front of the live server's WSGI application, for the tests that drive a browser.

The live server answers in threads of its own, and on SQLite they share the test's in-memory
database connection. A request that is still being handled, or that only arrives, while
pytest-django flushes the test database at the end of a test (an autosave sent with
`keepalive` as the page closes, a fetch the browser gave up on but the server is still working
through) fails with "FOREIGN KEY constraint failed", or leaves rows behind for the next test.

So the harness (tests/conftest.py) opens the gate when a test starts and closes it when the
test's body ends: from then on every request is answered 503 without reaching Django, and
closing waits until the requests already inside the application have finished, response
iteration and close() included (that is where Django sends request_finished).
"""

import threading
from collections.abc import Callable, Iterable


class RequestsStillInside(RuntimeError):
    pass


class RequestGate:
    def __init__(self, app: Callable):
        self.app = app
        self._changed = threading.Condition()
        self._open = False
        self._inside: list[str] = []
        self.admitted: list[str] = []
        self.refused: list[str] = []

    def open(self) -> None:
        with self._changed:
            self._open = True
            self.admitted = []
            self.refused = []

    def close(self, *, timeout: float = 30.0) -> None:
        """Refuse every new request, then wait for those inside the application to finish."""
        with self._changed:
            self._open = False
            if not self._changed.wait_for(lambda: not self._inside, timeout=timeout):
                # Letting the database teardown run now would reproduce the very failure the gate
                # exists to prevent, only less readably.
                raise RequestsStillInside(
                    f"the live server is still handling {self._inside} {timeout:g} s after the test ended"
                )

    @property
    def is_open(self) -> bool:
        with self._changed:
            return self._open

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = f"{environ.get('REQUEST_METHOD', '')} {environ.get('PATH_INFO', '')}"
        with self._changed:
            admitted = self._open
            (self.admitted if admitted else self.refused).append(request)
            if admitted:
                self._inside.append(request)
        if not admitted:
            body = b"The test has ended: the live server takes no more requests.\n"
            start_response(
                "503 Service Unavailable",
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        try:
            result = self.app(environ, start_response)
        except BaseException:
            self._leave(request)
            raise
        return _Response(result, lambda: self._leave(request))

    def _leave(self, request: str) -> None:
        with self._changed:
            self._inside.remove(request)
            self._changed.notify_all()


class _Response:
    """The application's response iterable, reporting when the server has closed it.

    The server calls close() after the last chunk, and also when writing fails because the
    browser went away (wsgiref's finish_response), so a request the browser abandoned still
    counts as inside until Django has finished with it."""

    def __init__(self, result: Iterable[bytes], on_close: Callable[[], None]):
        self._result = result
        self._on_close = on_close

    def __iter__(self):
        return iter(self._result)

    def close(self) -> None:
        on_close, self._on_close = self._on_close, None
        try:
            if hasattr(self._result, "close"):
                self._result.close()
        finally:
            if on_close is not None:
                on_close()
