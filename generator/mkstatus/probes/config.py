"""Parse and validate one component's ``probe:`` mapping from mkdocs.yml.

Two kinds: an HTTP probe (``url:``) and a TCP connect probe (``tcp: "host:port"``). Every
problem is collected as a message naming its key (``components[2].probe.timeout_s: ...``)
so the user fixes them all in one run. ``${VAR}`` references stay unexpanded in the parsed
probe: parsing never needs secrets, and ``expand_env`` substitutes them only at probe time.
They are allowed in ``url``, header values, ``body_contains`` and a string ``json.equals``;
every value they bring in is a secret wherever it lands (``referenced_vars`` names them).

Defaults worth knowing: ``down_after`` is 2 — one failed sample (often the runner's own
network blip) never turns the page red, and downtime still starts at the first failure, so
uptime figures lose nothing by the wait. ``ca_bundle`` (a PEM path) replaces the trusted CAs
for this probe only (a private CA); without it the certifi bundle is used, never
``REQUESTS_CA_BUNDLE`` or other environment settings.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from mkstatus import envvars
from mkstatus.errors import ConfigError
from mkstatus.probes.upstream import UpstreamProbe

_HEADER_NAME_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
METHODS = ("GET", "HEAD", "POST", "OPTIONS")


@dataclass(frozen=True, slots=True)
class HttpProbe:
    """An HTTP(S) check; ``expect_status=()`` accepts any 2xx/3xx after redirects."""

    url: str
    method: str = "GET"
    expect_status: tuple[int, ...] = ()
    body_contains: str | None = None
    json_path: str | None = None
    json_equals: object = None
    degraded_ms: int | None = None
    tls_warn_days: int = 14
    timeout_s: float = 10
    retries: int = 0
    down_after: int = 2
    interval_minutes: int = 5
    headers: tuple[tuple[str, str], ...] = ()
    max_body_bytes: int = 1_000_000
    max_redirects: int = 5
    ca_bundle: str | None = None


@dataclass(frozen=True, slots=True)
class TcpProbe:
    """A TCP connect check: reachable within the deadline is ok."""

    host: str
    port: int
    timeout_s: float = 10
    retries: int = 0
    down_after: int = 2
    interval_minutes: int = 5
    degraded_ms: int | None = None


Probe = HttpProbe | TcpProbe | UpstreamProbe  # UpstreamProbe: a vendor's Statuspage

_COMMON = ("timeout_s", "retries", "down_after", "interval_minutes", "degraded_ms")
_HTTP_KEYS = ("url", "method", "expect_status", "body_contains", "json", "tls_warn_days",
              "headers", "max_body_bytes", "max_redirects", "ca_bundle", *_COMMON)
_TCP_KEYS = ("tcp", *_COMMON)


def _found(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


class _Checker:
    """Collects errors under one ``where`` prefix while reading typed values."""

    def __init__(self, raw: Mapping[str, Any], where: str) -> None:
        self.raw, self.where = raw, where
        self.errors: list[str] = []

    def error(self, key: str, message: str) -> None:
        self.errors.append(f"{self.where}.{key}: {message}")

    def int_(self, key: str, default: int | None, lo: int, hi: int) -> int | None:
        if key not in self.raw:
            return default
        v = self.raw[key]
        if not _is_int(v) or not lo <= v <= hi:
            self.error(key, f"expected an integer from {lo} to {hi}, found {_found(v)}")
            return default
        return int(v)

    def number(self, key: str, default: float, hi: float) -> float:
        v = self.raw.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v <= hi:
            self.error(key, f"expected a positive number up to {hi:g}, found {_found(v)}")
            return default
        return float(v)

    def text(self, key: str) -> str | None:
        if key not in self.raw:
            return None
        v = self.raw[key]
        if not isinstance(v, str) or not v:
            self.error(key, f"expected a non-empty string, found {_found(v)}")
            return None
        return v

    def common(self) -> dict[str, Any]:
        return {
            "timeout_s": self.number("timeout_s", 10, 300),
            "retries": self.int_("retries", 0, 0, 5),
            "down_after": self.int_("down_after", 2, 1, 100),
            "interval_minutes": self.int_("interval_minutes", 5, 1, 1440),
            "degraded_ms": self.int_("degraded_ms", None, 1, 300_000),
        }


def _check_vars(c: _Checker, key: str, value: str) -> None:
    """A ``$`` that does not start a well-formed ``${NAME}`` is almost surely a typo."""
    if envvars.is_malformed(value):
        c.error(key, envvars.MALFORMED)


def _unknown_keys(c: _Checker, allowed: tuple[str, ...]) -> None:
    for key in c.raw:
        if key in allowed:
            continue
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        c.error(str(key), f"unknown key{hint}; expected one of {', '.join(sorted(allowed))}")


def parse_probe(raw: object, where: str) -> tuple[Probe | None, list[str]]:
    """The probe and every problem found; the probe is None when any problem was found."""
    if not isinstance(raw, Mapping):
        return None, [f"{where}: expected a mapping with url or tcp, found {_found(raw)}"]
    c = _Checker(raw, where)
    if ("url" in raw) == ("tcp" in raw):
        c.errors.append(f"{where}: expected exactly one of url (HTTP) or tcp (host:port)")
        return None, c.errors
    probe: Probe | None
    if "tcp" in raw:
        _unknown_keys(c, _TCP_KEYS)
        probe = _parse_tcp(c)
    else:
        _unknown_keys(c, _HTTP_KEYS)
        probe = _parse_http(c)
    return (None if c.errors else probe), c.errors


def _parse_tcp(c: _Checker) -> TcpProbe | None:
    v = c.raw["tcp"]
    m = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([A-Za-z0-9._-]+):(\d{1,5})", str(v))
    port = int(m.group(2) or m.group(4)) if m else 0
    if not isinstance(v, str) or not m or not 0 < port < 65536:
        c.error("tcp", f"expected host:port with a port from 1 to 65535, found {_found(v)}")
        return None
    return TcpProbe(host=m.group(1) or m.group(3), port=port, **c.common())


def _parse_http(c: _Checker) -> HttpProbe | None:
    url = c.text("url")
    if url is not None:
        _check_vars(c, "url", url)
        if not url.startswith("${") and not re.match(r"(?i)https?://[^/?#]", url):
            c.error("url", f"expected an http:// or https:// URL, found {_found(url)}")
    method = c.raw.get("method", "GET")
    if not isinstance(method, str) or method.upper() not in METHODS:
        c.error("method", f"expected one of {', '.join(METHODS)}, found {_found(method)}")
        method = "GET"
    json_path, json_equals = _parse_json(c)
    body_contains = c.text("body_contains")
    if body_contains is not None:
        _check_vars(c, "body_contains", body_contains)
    probe = HttpProbe(
        url=url or "",
        method=method.upper(),
        expect_status=_parse_status(c),
        body_contains=body_contains,
        json_path=json_path,
        json_equals=json_equals,
        tls_warn_days=c.int_("tls_warn_days", 14, 0, 365) or 0,
        headers=_parse_headers(c),
        max_body_bytes=c.int_("max_body_bytes", 1_000_000, 1, 100_000_000) or 1,
        max_redirects=c.int_("max_redirects", 5, 0, 20) or 0,
        ca_bundle=c.text("ca_bundle"),
        **c.common(),
    )
    return probe if url else None


def _parse_status(c: _Checker) -> tuple[int, ...]:
    v = c.raw.get("expect_status", [])
    codes = [v] if _is_int(v) else v
    if not isinstance(codes, list) or not all(_is_int(x) and 100 <= x <= 599 for x in codes):
        c.error("expect_status", f"expected HTTP codes (100-599) or a list, found {_found(v)}")
        return ()
    return tuple(sorted(set(codes)))


def _parse_json(c: _Checker) -> tuple[str | None, object]:
    v = c.raw.get("json")
    if v is None:
        return None, None
    ok = isinstance(v, Mapping) and set(v) == {"path", "equals"}
    path = v.get("path") if isinstance(v, Mapping) else None
    if not ok or not isinstance(path, str) or not path or ".." in path:
        c.error("json", f"expected {{path: a.b.0, equals: value}}, found {_found(v)}")
        return None, None
    equals = v["equals"]
    scalar = "expected a string, number, boolean or null"
    if not (equals is None or isinstance(equals, str | int | float | bool)):
        c.error("json.equals", f"{scalar}, found {_found(equals)}")
    elif isinstance(equals, str):
        _check_vars(c, "json.equals", equals)
    return path, equals


def _parse_headers(c: _Checker) -> tuple[tuple[str, str], ...]:
    v = c.raw.get("headers", {})
    if not isinstance(v, Mapping):
        c.error("headers", "expected a mapping of header names to strings")
        return ()
    out = []
    for name, value in v.items():
        if not isinstance(name, str) or not _HEADER_NAME_RE.match(name):
            c.error("headers", f"invalid header name {_found(name)}")
        elif not isinstance(value, str) or "\r" in value or "\n" in value:
            # Never echo a header value: it may hold a literal secret.
            c.error(f"headers.{name}", "expected a one-line string (value not shown)")
        else:
            _check_vars(c, f"headers.{name}", value)
            out.append((name, value))
    return tuple(out)


def _templates(probe: HttpProbe) -> list[str]:
    """Every text of a probe where ${VAR} is substituted."""
    texts = [probe.url, *(v for _, v in probe.headers)]
    texts += [t for t in (probe.body_contains, probe.json_equals) if isinstance(t, str)]
    return texts


def referenced_vars(probe: Probe) -> list[str]:
    """The ${VAR} names a probe needs, for early checks and secret scrubbing."""
    if not isinstance(probe, HttpProbe):
        return []
    return sorted(envvars.names(_templates(probe)))


def expand_env(probe: Probe, environ: Mapping[str, str], where: str = "probe") -> Probe:
    """The probe with ${VARS} substituted; errors name the variable, never its value."""
    if not isinstance(probe, HttpProbe):
        return probe
    sub: Callable[[str, str], str] = lambda text, key: envvars.expand(text, environ, key)  # noqa: E731
    url = sub(probe.url, f"{where}.url")
    if not re.match(r"(?i)https?://[^/?#]", url):
        raise ConfigError(f"{where}.url: expected an http:// or https:// URL after expansion")
    headers = []
    for name, value in probe.headers:
        expanded = sub(value, f"{where}.headers.{name}")
        if "\r" in expanded or "\n" in expanded:
            raise ConfigError(f"{where}.headers.{name}: expanded value holds a line break")
        headers.append((name, expanded))
    body = probe.body_contains
    equals = probe.json_equals
    return replace(probe, url=url, headers=tuple(headers),
                   body_contains=None if body is None else sub(body, f"{where}.body_contains"),
                   json_equals=sub(equals, f"{where}.json.equals") if isinstance(equals, str)
                   else equals)
