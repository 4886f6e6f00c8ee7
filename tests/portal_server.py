"""A local stand-in for the national portal, started by the tests on 127.0.0.1.

It answers as told (acknowledge, fail with 500, time out, answer garbage, refuse
with 400, ask to slow down with 429), records every request it receives, and, like a
real idempotent API, applies each idempotency key once: a repeated key is answered
with the first receipt and not applied again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("ack", "fail", "slow", "stall", "garbage", "reject", "busy", "unavailable")


@dataclass(frozen=True)
class Received:
    path: str
    key: str | None
    authorization: str | None
    content_type: str | None
    body: Any


class PortalServer:
    def __init__(self, slow_seconds: float = 3.0) -> None:
        self.mode = "ack"
        # Modes for the next requests, used before falling back to mode.
        self.script: list[str] = []
        self.delay = 0.0  # seconds before every answer (to make passes overlap)
        self.slow_seconds = slow_seconds
        self.requests: list[Received] = []
        self.applied: dict[str, str] = {}  # idempotency key -> receipt
        self.applications: list[str] = []  # every key applied, in order (never twice)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.portal = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/v1"

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()  # wakes any handler still sleeping in "slow" mode
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def keys_received(self) -> list[str | None]:
        with self._lock:
            return [request.key for request in self.requests]

    def _next_mode(self, received: Received) -> str:
        with self._lock:
            self.requests.append(received)
            return self.script.pop(0) if self.script else self.mode

    def _apply(self, key: str) -> tuple[str, bool]:
        """Apply key once; return its receipt and whether it had been applied already."""
        with self._lock:
            if key in self.applied:
                return self.applied[key], True
            receipt = f"R-{len(self.applied) + 1:05d}"
            self.applied[key] = receipt
            self.applications.append(key)
            return receipt, False

    def sleep(self, seconds: float) -> None:
        self._stop.wait(seconds)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm and the
    # client's delayed ACK add 40 ms to every answer.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        portal: PortalServer = self.server.portal  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        key = self.headers.get("Idempotency-Key")
        headers = self.headers
        received = Received(
            self.path, key, headers.get("Authorization"), headers.get("Content-Type"), body
        )
        mode = portal._next_mode(received)
        if portal.delay:
            portal.sleep(portal.delay)
        if mode == "ack" and key:
            receipt, duplicate = portal._apply(key)
            self._answer(201, {"receipt": receipt, "key": key, "duplicate": duplicate})
        elif mode == "slow":
            # The portal applies the item but answers too late: the client gives up.
            if key:
                portal._apply(key)
            portal.sleep(portal.slow_seconds)
            self._answer(201, {"receipt": "late"})
        elif mode == "stall":
            # Headers at once, then the body stops half-way.
            self._answer(201, {"receipt": "R-stalled"}, stall_after=12)
        elif mode == "garbage":
            page = "<html><body>Bảo trì hệ thống</body></html>".encode()
            self._answer(200, page, "text/html")
        elif mode == "reject":
            self._answer(400, {"title": "Bad Request", "detail": "Thiếu ảnh sản phẩm (mục 2)"})
        elif mode == "busy":
            self._answer(429, {"title": "Too Many Requests"}, headers={"Retry-After": "600"})
        elif mode == "unavailable":
            self._answer(503, b"Service Unavailable", "text/plain")
        else:  # fail, or ack without a key
            self._answer(500, {"error": "internal error"})

    def _answer(
        self,
        status: int,
        body: Any,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        stall_after: int | None = None,
    ) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if stall_after is None:
                self.wfile.write(data)
            else:
                self.wfile.write(data[:stall_after])
                self.server.portal.sleep(self.server.portal.slow_seconds)  # type: ignore[attr-defined]
                self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as it should

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextmanager
def running_portal(slow_seconds: float = 3.0) -> Iterator[PortalServer]:
    server = PortalServer(slow_seconds)
    server.start()
    try:
        yield server
    finally:
        server.close()
