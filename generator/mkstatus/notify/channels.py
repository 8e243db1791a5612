"""Where messages go: Apprise services, our signed webhook, a WebSub hub.

Every channel Apprise supports (email over SMTP, Slack, Discord, Teams, Matrix, Telegram,
ntfy, JSON webhooks, ...) goes through Apprise; only our own signed webhook and the WebSub
ping are plain HTTP POSTs here.

Each attempt runs in a daemon thread that the caller waits for at most the destination's
``timeout_s``: library timeouts are per socket read, so a server that trickles or hangs
would defeat them (the probes' rule). At the deadline the attempt counts as failed and
its thread is abandoned; it dies with the process.

Secrets: ``${VARS}`` are expanded only here, just before sending. Every value that came
from the environment, and the userinfo and query values of the expanded URL, is scrubbed
from any text we show; Apprise's own log records are kept out of the root logger and
only their scrubbed text is used, as the reason of a failure.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

import requests

from mkstatus import __version__, envvars
from mkstatus.errors import ConfigError
from mkstatus.probes.errors import classify, scrub

USER_AGENT = f"mkstatus-notify/{__version__}"
REASON_LIMIT = 300
# Schemes whose host part names a server, not a token: shown in labels.
_HOST_SCHEMES = {"mailto", "mailtos", "json", "jsons", "xml", "xmls", "form", "forms",
                 "ntfy", "ntfys", "matrix", "matrixs", "http", "https"}


def secrets_of(templates: list[str], expanded: str, environ: Mapping[str, str]) -> set[str]:
    """Every value that must never be shown: environment values used, userinfo, query."""
    values = {environ[n] for n in envvars.names(templates) if n in environ}
    try:
        parts = urlsplit(expanded)
        values |= {parts.username or "", parts.password or ""}
        values |= {v for _, v in parse_qsl(parts.query)}
    except ValueError:
        values.add(expanded)
    values |= {unquote(v) for v in values}
    return {v for v in values if len(v) >= 3}


def label(template: str, index: int, webhook: bool) -> str:
    """How a destination is named in output: its position, scheme and, where the host is
    a server's name (not a token) and written literally, the host."""
    scheme = "webhook" if webhook else template.split("://", 1)[0].lower()
    rest = template.split("://", 1)[1] if "://" in template else ""
    host = rest.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    shown = host and "$" not in host and (webhook or scheme in _HOST_SCHEMES)
    return f"notify[{index}] {scheme}" + (f" {host}" if shown else "")


def within(seconds: float, send: Callable[[], str | None]) -> str | None:
    """Run `send` in a daemon thread; give up on it after `seconds` (a total deadline)."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["reason"] = send()
        except BaseException as exc:  # re-raised in the caller: bugs keep their traceback
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name="mkstatus-notify-send")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        return f"timeout: no answer within {seconds:g} s"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("reason")  # type: ignore[return-value]


class _Captured(logging.Handler):
    """Apprise's warnings, per thread, as the reason of a failed send."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records_lock = threading.Lock()  # not `lock`: logging's own, held in emit
        self.by_thread: dict[int | None, list[str]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        with self.records_lock:
            self.by_thread.setdefault(record.thread, []).append(record.getMessage())

    def take(self) -> list[str]:
        with self.records_lock:
            return self.by_thread.pop(threading.get_ident(), [])


_CAPTURED = _Captured()


def _quiet_apprise() -> None:
    """Apprise's log records may hold a URL: they never reach the root logger."""
    logger = logging.getLogger("apprise")
    logger.propagate = False
    if _CAPTURED not in logger.handlers:
        logger.addHandler(_CAPTURED)
    if logger.level == logging.NOTSET or logger.level > logging.WARNING:
        logger.setLevel(logging.WARNING)


@dataclass
class AppriseChannel:
    """One Apprise URL: sends a title and a Markdown body."""

    url: str
    secrets: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        import apprise  # ~0.1 s to import: only when a run sends something

        _quiet_apprise()
        # In the calling thread (ours, under our deadline), with no deadline or worker
        # thread of Apprise's own: its workers are joined at exit, so one stuck on a
        # hanging server would hold the process; ours are daemons.
        asset = apprise.AppriseAsset(async_mode=False, storage_mode="memory",
                                     service_timeout=0)
        self.apprise = apprise.Apprise(asset=asset)
        if not self.apprise.add(self.url):
            _CAPTURED.take()
            raise ConfigError("Apprise does not recognise this URL (see its list of "
                              "services and their URL formats)")
        # Apprise paces some services (email: 5.5 s between messages, Slack 1.2 s) by
        # sleeping before a send: that wait is not the server's, so it extends the deadline.
        self.pause = float(getattr(self.apprise[0], "request_rate_per_sec", 0) or 0)

    def send(self, title: str, body: str, kind: str) -> str | None:
        _CAPTURED.take()
        ok = self.apprise.notify(body=body, title=title, notify_type=kind,
                                 body_format="markdown")
        said = _CAPTURED.take()
        if ok:
            return None
        return scrub("; ".join(said) or "Apprise reported a failure", self.secrets,
                     limit=REASON_LIMIT)


def new_session() -> requests.Session:
    """No proxies or .netrc from the environment, as for probes."""
    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = USER_AGENT
    return session


def post(session: requests.Session, url: str, secrets: set[str], timeout: float,
         **kwargs: object) -> str | None:
    """One POST; None on a 2xx answer, else a short reason (redirects are not followed)."""
    try:
        # requests' timeouts are per read: `within` holds the total deadline, and these
        # only end an abandoned attempt's thread.
        response = session.post(url, timeout=timeout + 5, allow_redirects=False,
                                **kwargs)  # type: ignore[arg-type]
        response.close()
    except requests.RequestException as exc:
        return scrub(classify(exc)[1], secrets, limit=REASON_LIMIT)
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}"
