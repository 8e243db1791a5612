"""What went wrong in a probe attempt, in words that are safe to publish.

Every failed attempt becomes one outcome class (DESIGN.md's vocabulary) and a short label.
The label is built from exception class names, our own words and a redacted URL
(``scheme://host:port/path``), never from ``str(exception)``, because exception text can
carry query strings, userinfo and header values. The redacted URL still has the host and
path, where a value from the environment may be (``http://${TOKEN}.example/``), so `scrub`
removes every secret value, in each of the forms a URL may carry it (percent-encoded,
lower-cased as hosts are), from every error text.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import ssl
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import quote, quote_plus, unquote, urlsplit

import requests
from urllib3 import exceptions as urllib3_exc

from mkstatus.samples.model import Outcome

ERROR_LIMIT = 200

# OpenSSL X509_V_ERR_* codes: expired / not yet valid, and the "we do not trust it" family.
_TLS_DATES = {9, 10, 13, 14}
_TLS_UNTRUSTED = {2, 18, 19, 20, 21, 27, 28}
_TLS_HOSTNAME = {62, 64}


def redact_url(url: str) -> str:
    """scheme://host:port/path: no userinfo, query or fragment (where secrets live)."""
    try:
        p = urlsplit(url)
        port = f":{p.port}" if p.port else ""
        host = p.hostname or ""
    except ValueError:
        return "(unparsable URL)"
    host = f"[{host}]" if ":" in host else host
    return f"{p.scheme}://{host}{port}{p.path}"


MIN_SECRET = 3  # shorter values would blank out ordinary words; none is a credential


def secret_forms(values: Iterable[str]) -> set[str]:
    """Each value as text may carry it: as is, percent-encoded or decoded (URLs), lower-cased
    and as IDNA (a host); values shorter than ``MIN_SECRET`` are left out."""
    out: set[str] = set()
    for v in values:
        forms = {v, unquote(v), quote(v), quote(v, safe=""), quote_plus(v)}
        # Not a valid host name (UnicodeError): it cannot be one in a URL either.
        with contextlib.suppress(UnicodeError):
            forms.add(v.encode("idna").decode("ascii"))
        out |= forms | {f.lower() for f in forms}
    return {v for v in out if len(v) >= MIN_SECRET}


def scrub(text: str, secrets: Sequence[str] | frozenset[str] | set[str], *,
          limit: int | None = ERROR_LIMIT, controls: bool = True) -> str:
    """Remove secret values (longest first; see `secret_forms`), control characters, and
    cap the length."""
    if secrets:
        ordered = sorted(secrets, key=lambda s: (-len(s), s))
        text = re.sub("|".join(map(re.escape, ordered)), "***", text)
    if controls:
        text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps (requests and urllib3 nest three deep)."""
    todo, seen = [exc], set()
    while todo:
        e = todo.pop(0)
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        nested = [e.__cause__, e.__context__, getattr(e, "reason", None), *e.args]
        todo.extend(x for x in nested if isinstance(x, BaseException))


def _tls_outcome(chain: list[BaseException]) -> tuple[Outcome, str] | None:
    for e in chain:
        if isinstance(e, ssl.SSLCertVerificationError):
            code, why = e.verify_code, str(e.verify_message or "verification failed")[:80]
            if code in _TLS_DATES:
                return Outcome.TLS_EXPIRED, f"TLS certificate {why}"
            if code in _TLS_HOSTNAME or "hostname" in why.lower():
                return Outcome.TLS_HOSTNAME, f"TLS certificate {why}"
            if code in _TLS_UNTRUSTED:
                return Outcome.TLS_UNTRUSTED, f"TLS certificate {why}"
            return Outcome.TLS_ERROR, f"TLS certificate {why}"
    for e in chain:
        if isinstance(e, ssl.SSLError):
            return Outcome.TLS_ERROR, f"TLS error {str(e.reason or type(e).__name__)[:60]}"
    return None


def _is_timeout(e: BaseException) -> bool:
    if isinstance(e, urllib3_exc.NewConnectionError):  # a subclass of ConnectTimeoutError
        return False
    return isinstance(e, requests.Timeout | TimeoutError | urllib3_exc.TimeoutError)


def classify(exc: BaseException) -> tuple[Outcome, str]:
    """Outcome and a secrets-free label; TLS and DNS before timeouts, timeouts before I/O."""
    chain = list(_chain(exc))
    tls = _tls_outcome(chain)
    if tls:
        return tls
    if any(isinstance(e, socket.gaierror | urllib3_exc.NameResolutionError) for e in chain):
        return Outcome.DNS, "name resolution failed"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return Outcome.REFUSED, "connection refused"
    if any(isinstance(e, http.client.RemoteDisconnected) for e in chain):  # a reset subclass
        return Outcome.PROTOCOL, "connection closed without a response"
    if any(isinstance(e, ConnectionResetError | BrokenPipeError | ConnectionAbortedError)
           for e in chain):
        return Outcome.RESET, "connection reset"
    if any(_is_timeout(e) for e in chain):
        return Outcome.TIMEOUT, f"timed out ({type(exc).__name__})"
    if any(isinstance(e, requests.exceptions.SSLError | urllib3_exc.SSLError) for e in chain):
        return Outcome.TLS_ERROR, f"TLS error ({type(exc).__name__})"
    known = (requests.RequestException, urllib3_exc.HTTPError, http.client.HTTPException,
             OSError, ValueError)
    for e in reversed(chain):
        if isinstance(e, known):
            return Outcome.PROTOCOL, f"protocol error ({type(e).__name__})"
    return Outcome.PROTOCOL, f"unexpected {type(exc).__name__}"
