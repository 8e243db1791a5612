"""Loopback receivers for the notify tests: HTTP (JSON and signed webhooks, a WebSub hub)
and SMTP (aiosmtpd), each recording what arrived.

A `Receiver` can answer 200, fail with 500, refuse connections (its listening socket is
closed, then reopened on the same port) or hang past any deadline; with a `secret` it
verifies `X-Mkstatus-Signature` and answers 401 to a bad one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool | None = None

    def json(self) -> Any:
        return json.loads(self.body)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Receiver:
    """An HTTP receiver on 127.0.0.1 whose behaviour a test switches between runs."""

    secret: str | None = None
    mode: str = "ok"  # ok | fail | hang
    delay: float = 0.0  # seconds to wait before answering (after recording)
    port: int = field(default_factory=free_port)
    requests: list[Request] = field(default_factory=list)
    attempts: int = 0
    times: list[float] = field(default_factory=list)  # when each request was recorded
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.listen()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def listen(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                receiver.handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def refuse(self) -> None:
        """Close the listening socket: connections are refused until `listen()`."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def stop(self) -> None:
        self.stopping.set()
        self.refuse()

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length)
        with self.lock:
            self.attempts += 1
        if len(body) < length:
            return  # the sender died mid-request: no server would take half a body
        if self.mode == "hang":
            self.stopping.wait(60)
            return
        if self.mode == "fail":
            h.send_response(500)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        request = Request(h.path, dict(h.headers.items()), body)
        if self.secret is not None:
            request.verified = verify(self.secret, body,
                                      h.headers.get("X-Mkstatus-Signature", ""))
        with self.lock:
            self.requests.append(request)
            self.times.append(time.monotonic())
        if self.delay:
            time.sleep(self.delay)
        h.send_response(204 if request.verified is not False else 401)
        h.send_header("Content-Length", "0")
        h.end_headers()


def verify(secret: str, body: bytes, header: str) -> bool:
    """The receiver's side, as guide/notifications.md shows it."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


class Mailbox:
    """An SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    @property
    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]

    def url(self, to: str = "ops@example.com") -> str:
        return (f"mailto://127.0.0.1:{self.port}?mode=insecure&from=status@example.com"
                f"&to={to}")

    def stop(self) -> None:
        self.controller.stop()
