"""Fakes of the services outside the machine (LINE, an SMS gateway): a real HTTP server in a
thread that records what it was sent and answers what the test asks.

Only what leaves the machine is faked, and behind HTTP, so the product's own client code (URL,
headers, JSON, timeouts, error handling) runs as in production. A service's fixture starts one
``FakeHttpServer`` and points the setting that holds the service's base URL at it:

    @pytest.fixture
    def fake_sms(settings):
        with FakeHttpServer() as server:
            settings.SMS_API_BASE = server.url
            yield server

Registered as a plugin by the root conftest, so every test can ask for ``fake_line`` or
``fake_sms``.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Recorded:
    """One request the fake server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body or b"null")


class FakeHttpServer:
    """An HTTP server on 127.0.0.1 (a free port) in a daemon thread.

    Every request is kept in ``requests``; the answers come from ``answer()``'s queue, then the
    default (200 with ``{}``). ``answer(503, times=2)`` makes the next two requests fail."""

    def __init__(self):
        self.requests: list[Recorded] = []
        self._answers: deque[tuple[int, dict, dict]] = deque()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with fake._lock:
                    fake.requests.append(
                        Recorded(self.command, self.path, dict(self.headers.items()), body)
                    )
                    status, payload, headers = (
                        fake._answers.popleft() if fake._answers else (200, {}, {})
                    )
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, *args):  # quiet: the test reads ``requests``
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, status: int, body: dict | None = None, *, times: int = 1, headers=None):
        with self._lock:
            for _ in range(times):
                self._answers.append((status, body or {}, headers or {}))

    def to(self, path: str) -> list[Recorded]:
        """The requests sent to ``path``."""
        return [r for r in self.requests if r.path == path]

    def start(self) -> FakeHttpServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeHttpServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


LINE_PUSH = "/v2/bot/message/push"
LINE_REPLY = "/v2/bot/message/reply"


@pytest.fixture
def fake_line(settings):
    """The LINE Messaging API (carecore/channels.py): pushes and replies are recorded in
    ``fake_line.to(LINE_PUSH)`` and ``fake_line.to(LINE_REPLY)``."""
    with FakeHttpServer() as server:
        settings.LINE_API_BASE = server.url
        yield server


SMS_SEND = "/sms/send"


@pytest.fixture
def fake_sms(settings):
    """The SMS gateway (carecore/sms.py): every text is recorded in ``fake_sms.to(SMS_SEND)``,
    each request's JSON ``{"to": ..., "text": ...}``."""
    with FakeHttpServer() as server:
        settings.SMS_API_URL = server.url + SMS_SEND
        settings.SMS_API_KEY = "test-sms-key"
        yield server
