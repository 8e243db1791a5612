"""Probe samples: the model, the append-only JSON Lines store, reading and compaction.

Layout: ``samples/YYYY/MM/DD/<region>.jsonl``, one file per (UTC day, region). The region
is the file stem, so it is not repeated on every line. One line per sample, keys in this
order, ``null`` never written (an absent key means None)::

    {"t":"2026-11-22T10:15:03Z","c":"broadband","o":"ok","h":200,"l":143,"x":"2027-01-10T12:00:00Z"}
    {"t":"2026-11-22T10:15:03.250Z","c":"dns","o":"timeout","e":"no answer within 10 s"}

``t`` time (UTC, ``Z``; milliseconds only when non-zero), ``c`` component id, ``o`` outcome,
``h`` HTTP code, ``l`` latency in ms, ``x`` certificate expiry, ``e`` short secrets-free
error text. A typical HTTP sample is ~70 bytes (~97 with a certificate expiry): a probe
every 5 minutes is ~20 KB per component, region and day.

Why JSON Lines with one ``write`` per line under ``flock``: concurrent writers of one region
never interleave, a crash can only tear the last line (readers skip it with a warning, the
next append starts on a fresh line), and ``merge=union`` lets git merge two clones'
appends line by line. Readers sort and drop duplicates, so union merges are harmless.

Compaction (``compact``) replaces old day-files with ``<region>.runs.json``: per component
the sample count, latency p50/p95 and the *runs* — maximal stretches of consecutive samples
in the same state (ok, degraded, failed) with no gap longer than ``max_gap``. Runs keep
everything status needs (down after N consecutive failures, degraded stretches, data gaps),
so ``load_runs`` gives the same answer before and after compaction.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from mkstatus.errors import ConfigError

try:  # orjson parses ~3x faster; json is the fallback so it stays optional.
    import orjson

    loads: Callable[[bytes], object] = orjson.loads
    JSONError: type[Exception] = orjson.JSONDecodeError
except ImportError:  # pragma: no cover - exercised only without orjson
    loads = json.loads
    JSONError = ValueError

REGION_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
DEFAULT_MAX_GAP = timedelta(minutes=15)
_DAY_DIR_RE = (re.compile(r"^\d{4}$"), re.compile(r"^\d{2}$"), re.compile(r"^\d{2}$"))
RUNS_SUFFIX = ".runs.json"


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

    @property
    def failed(self) -> bool:
        return self not in (Outcome.OK, Outcome.DEGRADED)


_OUTCOMES = {o.value: o for o in Outcome}


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

    ``state`` is "ok", "degraded" or "failed"; ``end`` is the last sample's time; a failed
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


def _parse_line(raw: bytes, region: str) -> Sample:
    rec = loads(raw)
    if not isinstance(rec, dict):
        raise ValueError("not a JSON object")
    comp, outcome = rec.get("c"), _OUTCOMES.get(rec.get("o"))  # type: ignore[arg-type]
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
        http_code=code,  # type: ignore[arg-type]
        latency_ms=lat,  # type: ignore[arg-type]
        cert_expires=None if expires is None else parse_time(expires),
        error=err if isinstance(err, str) else None,
    )


def day_dir(root: Path, day: date) -> Path:
    return root / f"{day.year:04d}" / f"{day.month:02d}" / f"{day.day:02d}"


def _check_region(region: str) -> None:
    # The region becomes a file name: refuse anything that could leave samples/.
    if not REGION_RE.match(region):
        raise ConfigError(f"region {region!r} must match {REGION_RE.pattern}")


def append_samples(root: Path, samples: Sequence[Sample]) -> None:
    """Append samples to their (UTC day, region) files; safe across processes."""
    groups: dict[Path, list[bytes]] = {}
    for s in samples:
        _check_region(s.region)
        path = day_dir(root, s.time.astimezone(UTC).date()) / f"{s.region}.jsonl"
        groups.setdefault(path, []).append(sample_line(s))
    for path, lines in sorted(groups.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        _append_lines(path, lines)


def _open_locked(path: Path) -> int:
    """An O_APPEND fd holding LOCK_EX on a file that is still linked at ``path``.

    ``compact`` deletes a day-file under the same lock; a writer that opened it just before
    would otherwise append to the deleted inode and lose its samples.
    """
    while True:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:
            return fd
        os.close(fd)


def _append_lines(path: Path, lines: list[bytes]) -> None:
    """One ``os.write`` per line on an O_APPEND fd under an exclusive flock."""
    fd = _open_locked(path)
    try:
        size = os.fstat(fd).st_size
        # A crash mid-append left a torn line: isolate it so it is the only line lost.
        if size and os.pread(fd, 1, size - 1) != b"\n":
            lines = [b"\n" + lines[0], *lines[1:]]
        for line in lines:
            _write_all(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the flock


def _write_all(fd: int, data: bytes) -> None:
    written = os.write(fd, data)
    while written < len(data):  # regular files write fully; be correct anyway
        written += os.write(fd, data[written:])


def day_files(root: Path, since: date | None) -> Iterator[tuple[date, Path]]:
    """Day directories in date order, skipping days before ``since`` by name only."""
    def subdirs(p: Path, pattern: re.Pattern[str]) -> list[Path]:
        try:
            return sorted(e for e in p.iterdir() if e.is_dir() and pattern.match(e.name))
        except FileNotFoundError:
            return []

    for y in subdirs(root, _DAY_DIR_RE[0]):
        if since and int(y.name) < since.year:
            continue
        for m in subdirs(y, _DAY_DIR_RE[1]):
            for d in subdirs(m, _DAY_DIR_RE[2]):
                try:
                    day = date(int(y.name), int(m.name), int(d.name))
                except ValueError:
                    continue
                if since is None or day >= since:
                    yield day, d


def read_file(path: Path, region: str, warn: Callable[[str], None]) -> list[Sample]:
    out: list[Sample] = []
    with path.open("rb") as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                out.append(_parse_line(raw, region))
            except (JSONError, ValueError, TypeError) as e:
                warn(f"{path}:{n}: skipped an invalid sample line ({type(e).__name__}: {e})")
    return out


def load_samples(
    root: Path, *, since: datetime | None = None, warn: Callable[[str], None]
) -> list[Sample]:
    """Every raw sample at or after ``since``, sorted, duplicates dropped.

    Days that were compacted hold no raw samples; use ``load_runs``/``load_aggregates``
    for history. A raw file left next to its aggregate (a crash during compaction) is
    ignored with a warning: the aggregate was built from it.
    """
    since_utc = since.astimezone(UTC) if since else None
    found: list[Sample] = []
    for _day, d in day_files(root, since_utc.date() if since_utc else None):
        for path in sorted(d.glob("*.jsonl")):
            region = path.stem
            if (d / f"{region}{RUNS_SUFFIX}").exists():
                warn(f"{path}: day already compacted; raw samples ignored (run compact again)")
                continue
            found.extend(read_file(path, region, warn))
    if since_utc:
        found = [s for s in found if s.time >= since_utc]
    return sort_unique(found)


def sort_unique(samples: Iterable[Sample]) -> list[Sample]:
    out: list[Sample] = []
    seen: set[tuple[datetime, str, str]] = set()
    for s in sorted(samples, key=lambda s: (s.time, s.component, s.region)):
        key = (s.time, s.component, s.region)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _state(o: Outcome) -> str:
    return "failed" if o.failed else o.value


def sample_runs(samples: Iterable[Sample], *, max_gap: timedelta = DEFAULT_MAX_GAP) -> list[Run]:
    """Group sorted samples into runs per (component, region); see ``Run``."""
    by_key: dict[tuple[str, str], list[Sample]] = {}
    for s in sort_unique(samples):
        by_key.setdefault((s.component, s.region), []).append(s)
    runs: list[Run] = []
    for (comp, region), seq in by_key.items():
        cur: Run | None = None
        for s in seq:
            st = _state(s.outcome)
            if cur and cur.state == st and s.time - cur.end <= max_gap:
                cur = Run(comp, region, st, cur.start, s.time, cur.count + 1, cur.outcome)
                continue
            if cur:
                runs.append(cur)
            cur = Run(comp, region, st, s.time, s.time, 1, s.outcome)
        if cur:
            runs.append(cur)
    return sorted(runs, key=lambda r: (r.component, r.region, r.start))


def merge_runs(runs: Iterable[Run], *, max_gap: timedelta = DEFAULT_MAX_GAP) -> list[Run]:
    """Join adjacent runs of one state split only by a day boundary (or file origin)."""
    out: list[Run] = []
    for r in sorted(runs, key=lambda r: (r.component, r.region, r.start)):
        p = out[-1] if out else None
        if (
            p
            and (p.component, p.region, p.state) == (r.component, r.region, r.state)
            and timedelta(0) < r.start - p.end <= max_gap
        ):
            out[-1] = Run(p.component, p.region, p.state, p.start, r.end, p.count + r.count,
                          p.outcome)
        else:
            out.append(r)
    return out


def _percentile(sorted_vals: list[int], q: float) -> int | None:
    """Nearest-rank percentile: always an observed value, so it is exact after compaction."""
    if not sorted_vals:
        return None
    rank = max(1, -(-len(sorted_vals) * q // 1))
    return sorted_vals[int(rank) - 1]


def percentile(sorted_vals: list[int], q: float) -> int | None:
    """Public nearest-rank percentile, so figures from raw samples match compacted days."""
    return _percentile(sorted_vals, q)


def _read_runs_doc(path: Path, day: date) -> list[DayAggregate]:
    doc = loads(path.read_bytes())
    region = path.name[: -len(RUNS_SUFFIX)]
    out = []
    for comp, c in sorted(doc["components"].items()):  # type: ignore[index, union-attr]
        runs = tuple(
            Run(comp, region, r["st"], parse_time(r["s"]), parse_time(r["u"]), r["n"],
                _OUTCOMES[r.get("o", r["st"])])
            for r in c["runs"]
        )
        out.append(DayAggregate(day, comp, region, c["n"], c["p50"], c["p95"], runs))
    return out


def load_aggregates(
    root: Path, *, since: date | None = None, warn: Callable[[str], None]
) -> list[DayAggregate]:
    """Every compacted day's aggregates, in (day, component, region) order."""
    out: list[DayAggregate] = []
    for day, d in day_files(root, since):
        for path in sorted(d.glob(f"*{RUNS_SUFFIX}")):
            try:
                out.extend(_read_runs_doc(path, day))
            except (JSONError, ValueError, KeyError, TypeError, AttributeError) as e:
                warn(f"{path}:1: unreadable aggregate ({type(e).__name__}: {e})")
    return sorted(out, key=lambda a: (a.day, a.component, a.region))


def load_runs(
    root: Path, *, since: datetime | None = None, max_gap: timedelta = DEFAULT_MAX_GAP,
    warn: Callable[[str], None],
) -> list[Run]:
    """Runs from compacted and raw days alike: the input status and uptime need."""
    raw = load_samples(root, since=since, warn=warn)
    aggs = load_aggregates(root, since=since.date() if since else None, warn=warn)
    runs = [r for a in aggs for r in a.runs] + sample_runs(raw, max_gap=max_gap)
    return merge_runs(runs, max_gap=max_gap)

