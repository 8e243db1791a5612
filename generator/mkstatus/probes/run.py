"""Run every probe concurrently and turn each run into exactly one ``Sample``.

Why each attempt runs in its own daemon thread: requests' timeouts are per socket read, so
a server that trickles headers or body one byte at a time, or a DNS lookup that hangs,
defeats them. The probe's worker waits for the attempt at most ``timeout_s``; at the
deadline it records ``timeout`` and shuts down the attempt's sockets from outside (which
wakes a blocked read). A lookup stuck inside ``getaddrinfo`` cannot be interrupted: its
daemon thread is abandoned and dies with the process; the sample is recorded on time.

Redirects are followed here, not by requests, so that configured headers (secrets) are
dropped when a redirect changes origin, and a redirect to any non-http(s) scheme
(``file:``, ``ftp:``) or back to a visited URL is the outcome ``redirects``.

Secrets: error text is built from exception class names, our own words and a redacted URL
(``scheme://host:port/path``), never from ``str(exception)``. The secrets are every value a
probe's ``${VARS}`` bring in from the environment, collected from the probe as configured
(before expansion: afterwards no ``${...}`` is left to find), plus literal header values,
userinfo and query; they are scrubbed from error text (where the host and path of the
redacted URL may hold one) and from urllib3's log records.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from mkstatus.errors import ConfigError
from mkstatus.probes.config import HttpProbe, Probe, TcpProbe, expand_env, referenced_vars
from mkstatus.probes.errors import classify, redact_url, scrub, secret_forms
from mkstatus.probes.upstream import UpstreamProbe, vendor_outcome
from mkstatus.samples.model import Outcome, Sample

log = logging.getLogger(__name__)
MAX_WORKERS = 256
USER_AGENT = "mkstatus-probe/0.1"


@dataclass(frozen=True, slots=True)
class _Result:
    outcome: Outcome
    http_code: int | None = None
    latency_ms: int | None = None
    cert_expires: datetime | None = None
    error: str | None = None


class _Attempt:
    """One attempt's shared state: its sockets, so the watchdog can shut them down."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.result: _Result | None = None
        self.url = ""
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._cancelled = False

    def remaining(self) -> float:
        return max(0.001, self.deadline - time.monotonic())

    def register(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._socks.append(sock)
            cancelled = self._cancelled
        if cancelled:
            _shutdown(sock)

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            socks = list(self._socks)
        for s in socks:
            _shutdown(s)


def _shutdown(sock: socket.socket) -> None:
    # socket.socket.shutdown on an SSLSocket skips the TLS layer and wakes a blocked read.
    with contextlib.suppress(OSError):  # already closed by its owner: nothing to wake
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


_current = threading.local()


def _register_current(sock: socket.socket | None) -> None:
    attempt = getattr(_current, "attempt", None)
    if attempt is not None:
        attempt.register(sock)


class _TrackedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _register_current(self.sock)


class _TrackedHTTPSConnection(HTTPSConnection):
    """Also keeps the verified certificate's expiry: http.client drops ``sock`` as soon as
    a ``Connection: close`` response arrives, before we could ask it."""

    cert_expires: datetime | None = None

    def connect(self) -> None:
        super().connect()
        _register_current(self.sock)
        self.cert_expires = _cert_expiry(self.sock)


class _TrackedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _TrackedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


class _TrackingAdapter(HTTPAdapter):
    """An adapter whose connections report their sockets to the current attempt."""

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]
        self.poolmanager.pool_classes_by_scheme = {
            "http": _TrackedHTTPPool, "https": _TrackedHTTPSPool,
        }


class _ScrubFilter(logging.Filter):
    """Removes registered secret values from log records of urllib3 and ourselves."""

    secrets: set[str] = set()
    lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        with self.lock:
            secrets = tuple(self.secrets)
        record.msg = scrub(record.getMessage(), secrets, limit=None, controls=False)
        record.args = None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, scrub(text, secrets, limit=None,
                                                           controls=False)
        return True


_LOGGERS = ("urllib3", "urllib3.connectionpool", "urllib3.connection", "urllib3.response",
            "urllib3.util.retry", "urllib3.poolmanager", "requests", __name__)
_FILTER = _ScrubFilter()


def _install_scrubber(secrets: set[str]) -> None:
    """Secrets stay registered for the process: abandoned threads may still log later."""
    with _ScrubFilter.lock:
        _ScrubFilter.secrets |= secrets
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def scrub_known(text: str) -> str:
    """``text`` without any secret of the probes run so far in this process: for what the
    command line prints (the summary, an unexpected traceback)."""
    with _ScrubFilter.lock:
        secrets = tuple(_ScrubFilter.secrets)
    return scrub(text, secrets, limit=None, controls=False)


def probe_secrets(configured: Probe, expanded: Probe, environ: Mapping[str, str]) -> set[str]:
    """Every value that must never be written: the environment values ``configured``
    references, wherever they land, and ``expanded``'s headers, userinfo and query."""
    if not isinstance(configured, HttpProbe) or not isinstance(expanded, HttpProbe):
        return set()
    values = {environ[n] for n in referenced_vars(configured) if n in environ}
    for _, v in expanded.headers:
        values |= {v, *v.split()}
    parts = urlsplit(expanded.url)
    values |= {parts.query, parts.username or "", parts.password or ""}
    values |= {v for pair in parse_qsl(parts.query) for v in pair}
    return secret_forms(values)


def run_probes(
    probes: Sequence[tuple[str, Probe]],
    *,
    region: str,
    environ: Mapping[str, str],
    now: Callable[[], datetime],
    on_result: Callable[[Sample], None] | None = None,
) -> list[Sample]:
    """One sample per (component, probe), in input order; every network fault is a sample.

    The only exception is a configuration error found before any probe runs: an unset
    ``${VAR}`` raises ``ConfigError`` naming every such variable and its component, since
    recording it as a failed sample would show a healthy service as down.
    """
    expanded = _expand_all(probes, environ)
    results: list[Sample | None] = [None] * len(expanded)
    if not expanded:
        return []
    with ThreadPoolExecutor(max_workers=min(len(expanded), MAX_WORKERS),
                            thread_name_prefix="mkstatus-probe") as pool:
        futures = {
            pool.submit(_probe_guarded, comp, probe, secrets, region, now): i
            for i, (comp, probe, secrets) in enumerate(expanded)
        }
        for fut in as_completed(futures):
            sample = results[futures[fut]] = _result_of(fut, expanded[futures[fut]][0], region)
            if on_result is not None:
                _notify(on_result, sample)
    return [s for s in results if s is not None]


def _result_of(fut: Future[Sample], comp: str, region: str) -> Sample:
    """The future's sample; a bug outside the guarded part still yields one, logged."""
    try:
        return fut.result()
    except Exception as e:
        log.exception("probe %s failed unexpectedly", comp)
        return Sample(datetime.now(UTC), comp, region, Outcome.PROTOCOL,
                      error=f"unexpected {type(e).__name__}")


def _notify(on_result: Callable[[Sample], None], sample: Sample) -> None:
    try:
        on_result(sample)
    except Exception:  # the caller's callback must not cost other probes their samples
        log.exception("on_result callback failed for %s", sample.component)


def _expand_all(
    probes: Sequence[tuple[str, Probe]], environ: Mapping[str, str]
) -> list[tuple[str, Probe, frozenset[str]]]:
    out, problems = [], []
    all_secrets: set[str] = set()
    for comp, probe in probes:
        try:
            real = expand_env(probe, environ, where=f"component {comp}: probe")
        except ConfigError as e:
            problems.append(str(e))
            continue
        secrets = probe_secrets(probe, real, environ)
        all_secrets |= secrets
        out.append((comp, real, frozenset(secrets)))
    if problems:
        raise ConfigError("\n".join(problems))
    _install_scrubber(all_secrets)
    return out


def _probe_guarded(
    comp: str, probe: Probe, secrets: frozenset[str], region: str, now: Callable[[], datetime]
) -> Sample:
    """Never raises: a bug becomes a ``protocol`` sample and a logged traceback."""
    started = now().astimezone(UTC)
    started = started.replace(microsecond=started.microsecond // 1000 * 1000)
    try:
        r = _probe_once(probe, secrets)
    except Exception as e:
        log.exception("probe %s failed unexpectedly", comp)
        r = _Result(Outcome.PROTOCOL, error=f"unexpected {type(e).__name__}")
    return Sample(started, comp, region, r.outcome, r.http_code, r.latency_ms,
                  r.cert_expires, r.error)


def _probe_once(probe: Probe, secrets: frozenset[str]) -> _Result:
    result = _Result(Outcome.PROTOCOL, error="no attempt made")
    for _ in range(probe.retries + 1):
        result = _attempt(probe, secrets)
        if not result.outcome.failed:
            break
    return result


def _attempt(probe: Probe, secrets: frozenset[str]) -> _Result:
    """Run one attempt in a daemon thread; at the deadline, give up on it and say so."""
    attempt = _Attempt(time.monotonic() + probe.timeout_s)
    worker = threading.Thread(target=_attempt_body, args=(attempt, probe, secrets),
                              daemon=True, name="mkstatus-attempt")
    worker.start()
    worker.join(probe.timeout_s)
    if worker.is_alive() or attempt.result is None:
        attempt.cancel()
        where = redact_url(attempt.url) if attempt.url else _tcp_target(probe)
        msg = f"no complete answer within {probe.timeout_s:g} s from {where}"
        return _Result(Outcome.TIMEOUT, error=scrub(msg, secrets))
    return attempt.result


def _tcp_target(probe: Probe) -> str:
    return f"{probe.host}:{probe.port}" if isinstance(probe, TcpProbe) else "the server"


def _attempt_body(attempt: _Attempt, probe: Probe, secrets: frozenset[str]) -> None:
    _current.attempt = attempt
    try:
        if isinstance(probe, TcpProbe):
            result = _tcp_attempt(probe, attempt)
        elif isinstance(probe, UpstreamProbe):
            result = _upstream_attempt(probe, attempt)
        else:
            result = _http_attempt(probe, attempt)
    except Exception as e:
        outcome, label = classify(e)
        if label.startswith("unexpected"):
            log.warning("probe attempt raised %s", type(e).__name__)
        where = redact_url(attempt.url) if attempt.url else _tcp_target(probe)
        result = _Result(outcome, error=scrub(f"{label} at {where}", secrets))
    else:
        if result.error:
            result = replace(result, error=scrub(result.error, secrets))
    finally:
        _current.attempt = None
    attempt.result = result


def _tcp_attempt(probe: TcpProbe, attempt: _Attempt) -> _Result:
    started = time.monotonic()
    sock = socket.create_connection((probe.host, probe.port), timeout=attempt.remaining())
    attempt.register(sock)
    sock.close()
    ms = round((time.monotonic() - started) * 1000)
    slow = probe.degraded_ms is not None and ms > probe.degraded_ms
    return _Result(Outcome.DEGRADED if slow else Outcome.OK, latency_ms=ms)


def _new_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxies, no .netrc, no REQUESTS_CA_BUNDLE from the env
    adapter = _TrackingAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def _origin(url: str) -> tuple[str, str, int | None]:
    p = urlsplit(url)
    return p.scheme.lower(), (p.hostname or "").lower(), p.port


def _http_attempt(probe: HttpProbe, attempt: _Attempt) -> _Result:
    started = time.monotonic()
    with _new_session() as session:
        resp = _follow_redirects(session, probe, attempt)
        if isinstance(resp, _Result):
            return resp
        with resp:
            return _check_response(probe, attempt, resp, started)


def _upstream_attempt(probe: UpstreamProbe, attempt: _Attempt) -> _Result:
    """A vendor's components.json, fetched as an HTTP probe is (deadline, body cap,
    redirects), then read by ``upstream.vendor_outcome``; no latency is recorded: the
    vendor's API is not the service followed."""
    http = HttpProbe(url=probe.api_url, expect_status=(200,), timeout_s=probe.timeout_s,
                     max_body_bytes=probe.max_body_bytes)
    with _new_session() as session:
        resp = _follow_redirects(session, http, attempt)
        if isinstance(resp, _Result):
            return resp
        with resp:
            if resp.status_code != 200:
                return _Result(Outcome.HTTP_STATUS, resp.status_code,
                               error=f"unexpected HTTP status {resp.status_code} from the "
                                     "vendor's status page")
            body = _read_body(resp, http.max_body_bytes, attempt)
    if body is None:
        return _Result(Outcome.BODY_TOO_LARGE, 200,
                       error=f"the vendor's answer is larger than {http.max_body_bytes} bytes")
    outcome, error = vendor_outcome(body, probe.component)
    return _Result(outcome, 200, error=error)


def _follow_redirects(
    session: requests.Session, probe: HttpProbe, attempt: _Attempt
) -> requests.Response | _Result:
    url, method, headers = probe.url, probe.method, dict(probe.headers)
    first, seen = _origin(url), {url}
    for _hop in range(probe.max_redirects + 1):
        attempt.url = url
        resp = session.request(method, url, headers=headers, stream=True, allow_redirects=False,
                               timeout=(attempt.remaining(), attempt.remaining()),
                               verify=probe.ca_bundle or True)
        if not resp.is_redirect:
            return resp
        resp.close()
        url = urljoin(url, resp.headers["location"])
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            return _Result(Outcome.REDIRECTS, resp.status_code,
                           error=f"redirect to a {scheme[:10]!r} URL refused")
        if url in seen:
            return _Result(Outcome.REDIRECTS, resp.status_code, error="redirect loop")
        seen.add(url)
        if resp.status_code == 303 or (resp.status_code in (301, 302) and method == "POST"):
            method = "GET" if method != "HEAD" else method
        if _origin(url) != first:
            headers = {}  # never send configured (secret) headers to another origin
    return _Result(Outcome.REDIRECTS, error=f"more than {probe.max_redirects} redirects")


def _check_response(
    probe: HttpProbe, attempt: _Attempt, resp: requests.Response, started: float
) -> _Result:
    code = resp.status_code
    expires = getattr(getattr(resp.raw, "connection", None), "cert_expires", None)
    good = code in probe.expect_status if probe.expect_status else 200 <= code < 400
    if not good:
        ms = round((time.monotonic() - started) * 1000)
        return _Result(Outcome.HTTP_STATUS, code, ms, expires, f"unexpected HTTP status {code}")
    body = b""
    if probe.method != "HEAD":
        body_or_none = _read_body(resp, probe.max_body_bytes, attempt)
        if body_or_none is None:
            return _Result(Outcome.BODY_TOO_LARGE, code, None, expires,
                           f"body larger than {probe.max_body_bytes} bytes (decoded)")
        body = body_or_none
    ms = round((time.monotonic() - started) * 1000)
    mismatch = _check_body(probe, body)
    if mismatch:
        return _Result(mismatch[0], code, ms, expires, mismatch[1])
    slow = probe.degraded_ms is not None and ms > probe.degraded_ms
    return _Result(Outcome.DEGRADED if slow else Outcome.OK, code, ms, expires,
                   f"slower than {probe.degraded_ms} ms" if slow else None)


def _read_body(resp: requests.Response, cap: int, attempt: _Attempt) -> bytes | None:
    """The decoded body, or None past ``cap`` bytes (a gzip bomb stops at the cap)."""
    chunks, total = [], 0
    for chunk in resp.iter_content(chunk_size=65536):
        total += len(chunk)
        if total > cap:
            return None
        chunks.append(chunk)
        if time.monotonic() > attempt.deadline:
            raise TimeoutError("body not complete by the deadline")
    return b"".join(chunks)


def _check_body(probe: HttpProbe, body: bytes) -> tuple[Outcome, str] | None:
    if probe.body_contains is not None and probe.body_contains.encode() not in body:
        return Outcome.BODY_MISMATCH, "expected text not found in the body"
    if probe.json_path is None:
        return None
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return Outcome.JSON_MISMATCH, "body is not valid JSON"
    found, ok = _json_lookup(doc, probe.json_path)
    if not ok:
        return Outcome.JSON_MISMATCH, f"JSON path {probe.json_path} not found"
    if not _json_equal(found, probe.json_equals):
        return Outcome.JSON_MISMATCH, f"JSON {probe.json_path} is not the expected value"
    return None


def _json_lookup(doc: object, path: str) -> tuple[object, bool]:
    for part in path.split("."):
        if isinstance(doc, dict) and part in doc:
            doc = doc[part]
        elif isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        else:
            return None, False
    return doc, True


def _json_equal(found: object, expected: object) -> bool:
    """Equality without Python's True == 1 surprise."""
    if isinstance(found, bool) or isinstance(expected, bool):
        return type(found) is type(expected) and found == expected
    return found == expected


def _cert_expiry(sock: object) -> datetime | None:
    """The verified peer certificate's notAfter (None for plain HTTP)."""
    if not isinstance(sock, ssl.SSLSocket):
        return None
    try:
        cert = sock.getpeercert()
    except (OSError, ValueError):
        return None
    not_after = cert.get("notAfter") if cert else None
    if not isinstance(not_after, str):
        return None
    return datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), UTC)
