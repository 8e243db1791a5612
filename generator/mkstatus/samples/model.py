"""Probe samples: what one probe run found, the runs they form, and their lines on disk.

A sample is one JSON Lines line in ``samples/YYYY/MM/DD/<region>.jsonl`` (the region is the
file stem, so it is not repeated on every line), keys in this order, ``null`` never written
(an absent key means None)::

    {"t":"2026-11-22T10:15:03Z","c":"broadband","o":"ok","h":200,"l":143,"x":"2027-01-10T12:00:00Z"}
    {"t":"2026-11-22T10:15:03.250Z","c":"dns","o":"timeout","e":"no answer within 10 s"}

``t`` time (UTC, ``Z``; milliseconds only when non-zero), ``c`` component id, ``o`` outcome,
``h`` HTTP code, ``l`` latency in ms, ``x`` certificate expiry, ``e`` short secrets-free
error text. A typical HTTP sample is ~70 bytes (~97 with a certificate expiry).

What a day-file reduces to (``FilePart``: per component its sample count, latency p50/p95,
*runs* and latest certificate) has one encoding, ``part_records``, shared by compaction
(``<region>.runs.jsonl``, committed) and the derived cache (``.mkstatus-cache``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

DEFAULT_MAX_GAP = timedelta(minutes=15)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


class Outcome(StrEnum):
    """What one probe run found; every value but ok/degraded is a failure."""

    OK = "ok"
    DEGRADED = "degraded"
    REFUSED = "refused"
    DNS = "dns"
    TIMEOUT = "timeout"
    TLS_EXPIRED = "tls_expired"
    TLS_UNTRUSTED = "tls_untrusted"
    TLS_HOSTNAME = "tls_hostname"
    TLS_ERROR = "tls_error"
    HTTP_STATUS = "http_status"
    BODY_MISMATCH = "body_mismatch"
    JSON_MISMATCH = "json_mismatch"
    BODY_TOO_LARGE = "body_too_large"
    REDIRECTS = "redirects"
    PROTOCOL = "protocol"
    RESET = "reset"
    # What a followed vendor's Statuspage reports (probes/upstream.py): the vendor's word,
    # not a fault of the probe, and a run state of its own, so compaction keeps it.
    UPSTREAM_PARTIAL = "upstream_partial"
    UPSTREAM_MAJOR = "upstream_major"

    @property
    def failed(self) -> bool:
        return self not in (Outcome.OK, Outcome.DEGRADED, Outcome.UPSTREAM_PARTIAL,
                            Outcome.UPSTREAM_MAJOR)

    @property
    def state(self) -> str:
        """The state of a run of samples (``Run.state``): every failure is "failed"; the
        others are their own."""
        return "failed" if self.failed else self.value


OUTCOMES = {o.value: o for o in Outcome}


@dataclass(frozen=True, slots=True)
class Sample:
    """One probe run's result; ``error`` is short, secrets-free, untrusted text."""

    time: datetime
    component: str
    region: str
    outcome: Outcome
    http_code: int | None = None
    latency_ms: int | None = None
    cert_expires: datetime | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive samples of one component/region in one state, no gap above max_gap.

    ``state`` is "ok", "degraded", "failed" or a followed vendor's "upstream_partial" or
    "upstream_major" (``Outcome.state``); ``end`` is the last sample's time; a failed
    run's ``outcome`` is its first sample's outcome (for display only).
    """

    component: str
    region: str
    state: str
    start: datetime
    end: datetime
    count: int
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class DayAggregate:
    """What a compacted day keeps of one component/region: count, latency and runs."""

    day: date
    component: str
    region: str
    count: int
    latency_p50: int | None
    latency_p95: int | None
    runs: tuple[Run, ...]


@dataclass(slots=True)
class FilePart:
    """One raw day-file, reduced: runs (time order per component), per-component latency
    rows ``(component, count, p50, p95)`` and latest certificate ``component ->
    (time in µs, expiry)``."""

    runs: list[Run] = field(default_factory=list)
    rows: list[tuple[str, int, int | None, int | None]] = field(default_factory=list)
    certs: dict[str, tuple[int, datetime]] = field(default_factory=dict)


def to_us(t: datetime) -> int:
    """Microseconds since the epoch: how the reader compares and stores times."""
    return (t - EPOCH) // _US


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def format_time(t: datetime) -> str:
    """UTC ``Z`` time, milliseconds only when non-zero (sub-ms precision is dropped)."""
    t = t.astimezone(UTC)
    ms = t.microsecond // 1000
    base = t.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{ms:03d}Z" if ms else f"{base}Z"


def parse_time(text: object) -> datetime:
    if not isinstance(text, str) or not text.endswith("Z"):
        raise ValueError(f"expected a UTC time ending in Z, found {text!r}")
    return datetime.fromisoformat(text).astimezone(UTC)


def percentile(sorted_vals: list[int], q: float) -> int | None:
    """Nearest-rank percentile: always an observed value, so it is exact after compaction."""
    if not sorted_vals:
        return None
    rank = max(1, -(-len(sorted_vals) * q // 1))
    return sorted_vals[int(rank) - 1]


def sample_line(sample: Sample) -> bytes:
    """The JSONL line of one sample (with its newline)."""
    if sample.time.tzinfo is None:
        raise ValueError("sample time must be timezone-aware")
    rec: dict[str, object] = {
        "t": format_time(sample.time),
        "c": sample.component,
        "o": sample.outcome.value,
    }
    if sample.http_code is not None:
        rec["h"] = sample.http_code
    if sample.latency_ms is not None:
        rec["l"] = sample.latency_ms
    if sample.cert_expires is not None:
        rec["x"] = format_time(sample.cert_expires)
    if sample.error is not None:
        rec["e"] = sample.error
    return json.dumps(rec, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def parse_line(raw: bytes, region: str) -> Sample:
    """One line back into a ``Sample``; ValueError (or TypeError) when it is not one."""
    rec = json.loads(raw)
    if not isinstance(rec, dict):
        raise ValueError("not a JSON object")
    comp, outcome = rec.get("c"), OUTCOMES.get(rec.get("o"))  # type: ignore[arg-type]
    if not isinstance(comp, str) or outcome is None:
        raise ValueError("missing component or unknown outcome")
    code, lat, err = rec.get("h"), rec.get("l"), rec.get("e")
    if not all(v is None or isinstance(v, int) for v in (code, lat)):
        raise ValueError("h and l must be integers")
    expires = rec.get("x")
    return Sample(
        time=parse_time(rec.get("t")),
        component=comp,
        region=region,
        outcome=outcome,
        http_code=code,
        latency_ms=lat,
        cert_expires=None if expires is None else parse_time(expires),
        error=err if isinstance(err, str) else None,
    )


def part_records(part: FilePart) -> list[dict[str, Any]]:
    """A ``FilePart`` as one JSON object per component, in component order::

        {"c":"api","n":288,"p50":137,"p95":202,"x":["<sample time>","<expiry>"],
         "runs":[{"s":"<first>","u":"<last>","st":"failed","n":3,"o":"timeout"}, ...]}

    ``p50``/``p95`` are null without latency; ``x`` is absent when no sample saw a
    certificate; a run's ``o`` is written for failed runs only.
    """
    runs: dict[str, list[dict[str, Any]]] = {}
    for r in part.runs:
        rec: dict[str, Any] = {"s": format_time(r.start), "u": format_time(r.end),
                               "st": r.state, "n": r.count}
        if r.state == "failed":
            rec["o"] = r.outcome.value
        runs.setdefault(r.component, []).append(rec)
    out = []
    for comp, count, p50, p95 in sorted(part.rows):
        rec = {"c": comp, "n": count, "p50": p50, "p95": p95, "runs": runs.get(comp, [])}
        if comp in part.certs:
            seen, expires = part.certs[comp]
            rec["x"] = [format_time(from_us(seen)), format_time(expires)]
        out.append(rec)
    return out


def source_id(length: int, sha256: str) -> str:
    """How a compacted record names the raw bytes it was computed from: their length and
    the first 128 bits of their SHA-256 (``src_id`` of the bytes)."""
    return f"{length}:{sha256[:32]}"


def src_id(data: bytes) -> str:
    return source_id(len(data), hashlib.sha256(data).hexdigest())


def part_of(records: list[Any], region: str) -> FilePart:
    """``part_records`` read back (keys it does not know are ignored); raises KeyError,
    TypeError or ValueError on a record of another shape."""
    part = FilePart()
    for rec in records:
        comp = rec["c"]
        if not isinstance(comp, str):
            raise TypeError("component must be a string")
        for r in rec["runs"]:
            part.runs.append(Run(comp, region, r["st"], parse_time(r["s"]), parse_time(r["u"]),
                                 _count(r["n"]), OUTCOMES[r.get("o", r["st"])]))
        p50, p95 = rec["p50"], rec["p95"]
        if not all(v is None or type(v) is int for v in (p50, p95)):
            raise TypeError("percentiles must be integers or null")
        part.rows.append((comp, _count(rec["n"]), p50, p95))
        if "x" in rec:
            seen, expires = rec["x"]
            part.certs[comp] = (to_us(parse_time(seen)), parse_time(expires))
    return part


def _count(value: object) -> int:
    if type(value) is not int or value < 1:
        raise ValueError(f"a count must be a positive integer, found {value!r}")
    return value
