"""Loopback servers that misbehave on purpose, for the probe tests.

One plain-HTTP server answers every fault by path (``/ok``, ``/silent``, ``/trickle-headers``
...), written with raw sockets so it can break HTTP in ways a real server library refuses
to. TLS servers wrap the same handler with certificates made by ``trustme``. Everything
listens on 127.0.0.1 and stops when the test ends (the stop event ends every sleeper).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Handler = Callable[["Conn"], None]

GZIP_BOMB = gzip.compress(b"\0" * 50_000_000, compresslevel=9)  # ~50 KB on the wire


@dataclass
class Conn:
    """One accepted connection and the request read from it."""

    sock: socket.socket
    server: FaultServer
    method: str = ""
    path: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def respond(self, status: int, body: bytes = b"",
                headers: dict[str, str] | None = None) -> None:
        head = {"Content-Length": str(len(body)), "Connection": "close", **(headers or {})}
        lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in head.items()]
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def hold(self, seconds: float = 60) -> None:
        """Keep the connection open doing nothing until the test ends."""
        self.server.stopping.wait(seconds)

    def trickle(self, data: bytes, every: float = 0.1) -> None:
        for i in range(len(data)):
            if self.server.stopping.wait(every):
                return
            self.send(data[i : i + 1])


def _reset(c: Conn) -> None:
    # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _redirect(to: str) -> Handler:
    return lambda c: c.respond(302, headers={"Location": to})


def _slow(c: Conn) -> None:
    time.sleep(1.0)
    c.respond(200, b"ok")


ROUTES: dict[str, Handler] = {
    "/ok": lambda c: c.respond(200, b'{"status": "ok", "checks": [{"db": true}]}'),
    "/silent": lambda c: c.hold(),
    "/close": lambda c: None,
    "/slow": _slow,
    "/trickle-headers": lambda c: c.trickle(b"HTTP/1.1 200 OK\r\n" + b"X-Pad: " + b"a" * 500),
    "/trickle-body": lambda c: (c.send(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"),
                                c.trickle(b"a" * 500)),
    "/huge": lambda c: c.respond(200, b"x" * 3_000_000),
    "/gzip-bomb": lambda c: c.respond(200, GZIP_BOMB, {"Content-Encoding": "gzip"}),
    "/bad-chunked": lambda c: c.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                     b"zz\r\nhello\r\n0\r\n\r\n"),
    "/short": lambda c: c.send(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this"),
    "/reset": _reset,
    "/not-http": lambda c: c.send(b"SSH-2.0-OpenSSH_9.2\r\nProtocol mismatch.\r\n"),
    "/loop": _redirect("/loop"),
    "/loop-a": _redirect("/loop-b"),
    "/loop-b": _redirect("/loop-a"),
    "/to-file": _redirect("file:///etc/passwd"),
    "/to-ok": _redirect("/ok"),
    "/404": lambda c: c.respond(404, b"not found"),
    "/503": lambda c: c.respond(503, b"<html>down</html>"),
    "/text": lambda c: c.respond(200, b"hello world"),
    "/json-down": lambda c: c.respond(200, b'{"status": "down"}'),
    "/json-one": lambda c: c.respond(200, b'{"status": 1}'),
    "/latin1": lambda c: c.respond(200, b'caf\xe9 \xff\xfe "ok"', {"Content-Type": "text/plain"}),
    "/echo": lambda c: c.respond(400, json.dumps(c.headers).encode()),
}


class FaultServer:
    """A threaded raw-socket server on 127.0.0.1; optionally TLS; records requests."""

    def __init__(self, routes: dict[str, Handler] | None = None,
                 tls: ssl.SSLContext | None = None, raw: Handler | None = None) -> None:
        self.routes, self.tls, self.raw = routes or ROUTES, tls, raw
        self.stopping = threading.Event()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
        self.port = self._listener.getsockname()[1]
        self._clients: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def url(self, path: str = "/ok", host: str = "127.0.0.1") -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host}:{self.port}{path}"

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            self._clients.append(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        with contextlib.suppress(OSError, ssl.SSLError, ValueError), sock:
            sock.settimeout(10)
            if self.tls:
                sock = self.tls.wrap_socket(sock, server_side=True)
                self._clients.append(sock)
            conn = Conn(sock, self)
            if self.raw:
                self.raw(conn)
                return
            self._read_request(conn)
            self.requests.append((conn.path, conn.headers))
            self.routes.get(conn.path.split("?")[0], lambda c: c.respond(404))(conn)

    @staticmethod
    def _read_request(conn: Conn) -> None:
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.sock.recv(4096)
            if not chunk:
                break
            data += chunk
        head = data.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
        parts = head[0].split(" ")
        conn.method, conn.path = parts[0], parts[1] if len(parts) > 1 else "/"
        for line in head[1:]:
            k, _, v = line.partition(":")
            conn.headers[k.strip().lower()] = v.strip()

    def close(self) -> None:
        self.stopping.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        for s in self._clients:
            with contextlib.suppress(OSError):
                s.close()


@contextlib.contextmanager
def serving(**kwargs: object) -> Iterator[FaultServer]:
    server = FaultServer(**kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.close()


def refused_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FullBacklog:
    """A listener that never accepts, its queue filled so further connects hang."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(0)
        self.port = self.listener.getsockname()[1]
        self.fillers: list[socket.socket] = []
        for _ in range(8):  # Linux queues backlog+1; then SYNs are dropped
            s = socket.socket()
            s.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                s.connect(("127.0.0.1", self.port))
            self.fillers.append(s)
        time.sleep(0.05)

    def close(self) -> None:
        for s in [*self.fillers, self.listener]:
            s.close()


def tls_contexts(tmp_path: object) -> dict[str, object]:
    """Server contexts for each certificate fault, and the trusted CA bundle path."""
    import datetime as dt

    import trustme

    now = dt.datetime.now(dt.UTC)
    ca, other_ca = trustme.CA(), trustme.CA()
    certs = {
        "good": ca.issue_cert("127.0.0.1", "localhost"),
        "expired": ca.issue_cert("127.0.0.1", not_before=now - dt.timedelta(days=30),
                                 not_after=now - dt.timedelta(days=1)),
        "not_yet": ca.issue_cert("127.0.0.1", not_before=now + dt.timedelta(days=1),
                                 not_after=now + dt.timedelta(days=30)),
        "hostname": ca.issue_cert("example.org"),
        "untrusted": other_ca.issue_cert("127.0.0.1"),
        "expiring": ca.issue_cert("127.0.0.1", not_before=now - dt.timedelta(days=80),
                                  not_after=now + dt.timedelta(days=5)),
    }
    out: dict[str, object] = {}
    for name, cert in certs.items():
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(ctx)
        out[name] = ctx
    bundle = tmp_path / "ca.pem"  # type: ignore[operator]
    ca.cert_pem.write_to_path(str(bundle))
    out["bundle"] = str(bundle)
    out["expiring_not_after"] = now + dt.timedelta(days=5)
    return out
