"""What a build needs from raw samples, read fast: runs, daily latency, latest certificates.

``samples.load_samples`` builds one ``Sample`` (a datetime, an enum, a frozen dataclass) per
line: a year of 5-minute samples for 20 components is 2.1 million objects, ~50 s and
~850 MB. A build needs far less: the runs of each component and region, the sample count
and latency percentiles of each (UTC day, component, region), and each component's latest
certificate expiry. ``summarize_samples`` computes exactly that, one day-file at a time,
with no per-sample object but a struct or dict from the JSON decoder, and with per-sample
work done by C-level ``map``s over columns rather than Python statements.

The answer is *identical* to the reference (``reference_summary``: ``load_samples`` and
``sample_runs``); ``tests/test_samples_fast.py`` checks it on awkward stores. How:

- A day-file of plain ASCII without escapes (the usual case) is decoded by msgspec into
  typed structs; the types, and the integer range, are the reference's, and a file that
  does not fit them is read as below. Any other file is parsed by orjson.
- A day-file is decoded by one call on its lines joined as a JSON array, which
  equals parsing each line alone when every line starts with ``{``, the file holds no
  ``[`` and the array has one element per line: a newline kept in every separator cannot
  be inside a string (raw control characters are invalid there), and a separator inside an
  object would be followed by ``{`` where a key is required, so no two lines can merge
  into one value and no line can split into two without changing the count. A file with
  a ``[`` (say an IPv6 URL in an error text) is decoded line by line, by the same decoder.
- Anything else unusual in a file — a torn or invalid line, a blank line, a ``true`` where
  an integer belongs, a time not written as ``YYYY-MM-DDTHH:MM:SS[.mmm]Z`` — sends that
  file through the reference reader, so warnings (with line numbers) and skipped lines are
  the reference's own.
- Within a file, each component's samples are sorted and deduplicated (stable: the first
  of duplicates wins, as in ``load_samples``). Across files no duplicate or disorder is
  possible while every sample lies in its file's UTC day, which ``append_samples``
  guarantees; a sample outside its day (a hand-edited file) restarts the whole read with
  the reference implementation.
- Runs are built per file and joined across midnight with ``merge_runs``, which gives
  ``sample_runs``' answer because runs inside a file already split on state and gaps.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, partial
from itertools import compress, repeat
from operator import add, attrgetter, getitem, gt, is_not, itemgetter, lt, ne, sub
from pathlib import Path
from typing import Annotated, Any

import msgspec

from mkstatus import parallel
from mkstatus.samples.cache import FilePart, SampleCache, file_digest
from mkstatus.samples.store import (
    RUNS_SUFFIX,
    DayAggregate,
    Outcome,
    Run,
    Sample,
    day_files,
    loads,
    merge_runs,
    parse_time,
    percentile,
    read_file,
    sample_runs,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_DAY_US = 86_400_000_000
_OUTCOME_LIST = list(Outcome)  # OK is 0, DEGRADED is 1, every failure is 2 or more
_CODES = {o.value: i for i, o in enumerate(_OUTCOME_LIST)}
_STATE = bytes(min(i, 2) for i in range(256))  # outcome code -> 0 ok, 1 degraded, 2 failed
_STATE_NAMES = ("ok", "degraded", "failed")
_FRACTIONS = {"Z": 0, **{f".{ms:03d}Z": ms * 1000 for ms in range(1000)}}
_PLAIN = frozenset({int, type(None)})
_CERT_CACHE_LIMIT = 4096
_FILES_PER_WORKER = 24
_PART = 4  # day-files per part shared out between processes

# The samples' JSON, as the reference (orjson, then ``_parse_line``'s checks) accepts it:
# ``e`` and unknown keys ignored, the last of duplicate keys wins, and integers within
# int64 (orjson also takes up to 2**64 - 1, msgspec any size: a file with an integer out
# of int64 goes the orjson way).
_Int = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]


class _Record(msgspec.Struct, gc=False):
    t: str
    c: str
    o: str
    h: _Int | None = None
    l: _Int | None = None  # noqa: E741 - the file format's key
    x: str | None = None


_PLAIN_ARRAY = msgspec.json.Decoder(list[_Record])
_PLAIN_LINE = msgspec.json.Decoder(_Record)

Columns = tuple[list[int], Sequence[str], list[int], list[Any], list[datetime | None]]


@dataclass(frozen=True, slots=True)
class RawSummary:
    """Raw samples in [since, until], reduced to what status, uptime and latency need.

    ``runs`` equals ``sample_runs`` of those samples; ``latency`` has one row per (UTC
    day, component, region) with its sample count and latency p50/p95 (``runs`` empty), as
    ``aggregate_day`` would compute them; ``certs`` maps a component to the time and
    certificate expiry of its latest sample that saw a certificate.
    """

    runs: list[Run]
    latency: list[DayAggregate]
    certs: dict[str, tuple[datetime, datetime]]


class _OutOfDay(Exception):
    """A sample lies outside its file's UTC day: only the reference path is exact then."""


def summarize_samples(root: Path, *, since: datetime | None, until: datetime | None,
                      max_gap: timedelta, warn: Callable[[str], None],
                      cache: Path | None = None) -> RawSummary:
    """The fast path; same answer and warnings as ``reference_summary``. With ``cache``
    (a file, see ``samples_cache``), day-files read before are not parsed again."""
    held: list[str] = []  # emitted only if the fast path finishes (no restart)
    store = None if cache is None else SampleCache(cache, root, max_gap // _US)
    try:
        summary = _Scan(since, until, max_gap, held.append, store).run(root)
    except _OutOfDay:
        return reference_summary(root, since=since, until=until, max_gap=max_gap, warn=warn)
    for message in held:
        warn(message)
    return summary


def reference_summary(root: Path, *, since: datetime | None, until: datetime | None,
                      max_gap: timedelta, warn: Callable[[str], None]) -> RawSummary:
    """The slow, obviously right path: every sample as a ``Sample``."""
    from mkstatus.samples.store import load_samples

    raw = load_samples(root, since=since, warn=warn)
    if until is not None:
        raw = [s for s in raw if s.time <= until]
    return summary_of(raw, max_gap=max_gap)


def summary_of(samples: Iterable[Sample], *, max_gap: timedelta) -> RawSummary:
    """``RawSummary`` of sorted, duplicate-free samples (as ``load_samples`` returns)."""
    samples = list(samples)
    counts: dict[tuple[date, str, str], int] = {}
    values: dict[tuple[date, str, str], list[int]] = {}
    certs: dict[str, tuple[datetime, datetime]] = {}
    for s in samples:
        key = (s.time.astimezone(UTC).date(), s.component, s.region)
        counts[key] = counts.get(key, 0) + 1
        values.setdefault(key, [])
        if s.latency_ms is not None and not s.outcome.failed:
            values[key].append(s.latency_ms)
        if s.cert_expires is not None and (s.component not in certs
                                           or s.time >= certs[s.component][0]):
            certs[s.component] = (s.time, s.cert_expires)
    rows = [_latency_row(day, comp, region, counts[day, comp, region], sorted(v))
            for (day, comp, region), v in sorted(values.items())]
    return RawSummary(sample_runs(samples, max_gap=max_gap), rows, certs)


def _latency_row(day: date, comp: str, region: str, count: int, ordered: list[int]
                 ) -> DayAggregate:
    return DayAggregate(day, comp, region, count, percentile(ordered, 0.5),
                        percentile(ordered, 0.95), ())


def _to_us(t: datetime) -> int:
    return (t - _EPOCH) // _US


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


@cache
def _seconds_of_day() -> dict[str, int]:
    """``"HH:MM:SS"`` -> microseconds since midnight, for every valid time of day."""
    return {f"{h:02d}:{m:02d}:{s:02d}": ((h * 60 + m) * 60 + s) * 1_000_000
            for h in range(24) for m in range(60) for s in range(60)}


@dataclass(slots=True)
class _Parsed:
    """A day-file read by a ``_Reader``: its part, its warnings, and what the cache keys
    on (size, modification time before the read, digest when asked for)."""

    part: FilePart
    warnings: list[str]
    size: int
    mtime_ns: int
    digest: str | None


class _Scan:
    """One pass over the day-files; per (component, region): runs, latency rows, cert.

    Files whose whole day lies in the window come from the cache when it has them; the
    others are read by ``_Reader``s, in worker processes when there are many (a cold
    cache: a fresh clone, the first build of a year of samples).
    """

    def __init__(self, since: datetime | None, until: datetime | None, max_gap: timedelta,
                 warn: Callable[[str], None], cache: SampleCache | None = None) -> None:
        self.since = since.astimezone(UTC) if since else None
        self.lo = _to_us(since) if since else None
        self.hi = _to_us(until) if until else None
        self.max_gap = max_gap
        self.warn = warn
        self.cache = cache
        self.runs: list[Run] = []
        self.rows: list[DayAggregate] = []
        self.certs: dict[tuple[str, str], tuple[int, datetime]] = {}

    def run(self, root: Path) -> RawSummary:
        items: list[str | tuple[date, str, Path]] = []  # a warning, or a file to read
        for day, d in day_files(root, self.since.date() if self.since else None):
            for path in sorted(d.glob("*.jsonl")):
                region = path.stem
                if (d / f"{region}{RUNS_SUFFIX}").exists():
                    items.append(f"{path}: day already compacted; raw samples ignored "
                                 "(run compact again)")
                else:
                    items.append((day, region, path))
        parts = self._parts([i for i in items if not isinstance(i, str)])
        for item in items:
            if isinstance(item, str):
                self.warn(item)
                continue
            day, region, path = item
            part, warnings = parts[path]
            for message in warnings:
                self.warn(message)
            self._add(day, region, part)
        if self.cache is not None:
            self.cache.save()
        latest: dict[str, tuple[int, str, datetime]] = {}
        for (comp, region), (us, expires) in self.certs.items():
            if comp not in latest or (us, region) > latest[comp][:2]:
                latest[comp] = (us, region, expires)
        self.rows.sort(key=lambda a: (a.day, a.component, a.region))
        return RawSummary(merge_runs(self.runs, max_gap=self.max_gap), self.rows,
                          {c: (_from_us(us), x) for c, (us, _, x) in sorted(latest.items())})

    def _parts(self, files: list[tuple[date, str, Path]]
               ) -> dict[Path, tuple[FilePart, list[str]]]:
        """Each file's part and warnings: from the cache when the file's whole day is
        inside the window (so the window cuts nothing), else read (and then stored in the
        cache if it warned of nothing)."""
        out: dict[Path, tuple[FilePart, list[str]]] = {}
        todo: list[tuple[date, str, Path, bool]] = []
        for day, region, path in files:
            start = _to_us(datetime(day.year, day.month, day.day, tzinfo=UTC))
            whole = self.cache is not None and (
                (self.lo is None or start >= self.lo)
                and (self.hi is None or start + _DAY_US - 1 <= self.hi))
            if whole and (part := self.cache.get(path)) is not None:  # type: ignore[union-attr]
                out[path] = (part, [])
            else:
                todo.append((day, region, path, whole))
        for (_, _, path, whole), parsed in zip(todo, self._read(todo), strict=True):
            if whole and not parsed.warnings and parsed.digest is not None:
                self.cache.put(path, parsed.size, parsed.mtime_ns,  # type: ignore[union-attr]
                               parsed.digest, parsed.part)
            out[path] = (parsed.part, parsed.warnings)
        return out

    def _read(self, todo: list[tuple[date, str, Path, bool]]) -> list[_Parsed]:
        """``todo`` read here or, for many files, by worker processes in parts of
        ``_PART`` files (``parallel.map_parts``)."""
        window = (self.lo, self.hi, self.max_gap // _US)
        if len(todo) < 2 * _FILES_PER_WORKER:
            return _read_files(window, todo)
        done = parallel.map_parts(partial(_read_files, window), parallel.split(todo, _PART))
        return [parsed for part in done for parsed in part]

    def _add(self, day: date, region: str, part: FilePart) -> None:
        self.runs += part.runs
        self.rows += [DayAggregate(day, comp, region, count, p50, p95, ())
                      for comp, count, p50, p95 in part.rows]
        for comp, cert in part.certs.items():
            self.certs[comp, region] = cert


def _read_files(window: tuple[int | None, int | None, int],
                todo: list[tuple[date, str, Path, bool]]) -> list[_Parsed]:
    """Read day-files (in a worker process or here); ``_OutOfDay`` propagates."""
    reader = _Reader(*window)
    return [reader.read(day, region, path, digest) for day, region, path, digest in todo]


class _Reader:
    """Reads one day-file at a time into a ``FilePart``: samples in [lo, hi] (µs),
    runs cut at gaps above ``gap`` (µs)."""

    def __init__(self, lo: int | None, hi: int | None, gap: int) -> None:
        self.lo = lo
        self.hi = hi
        self.gap = gap
        self.warnings: list[str] = []
        self.cert_cache: dict[object, datetime | None] = {None: None}

    def read(self, day: date, region: str, path: Path, digest: bool) -> _Parsed:
        mtime_ns = path.stat().st_mtime_ns
        data = path.read_bytes()
        self.warnings = []
        part = self._file(region, self._columns(path, data, day, region))
        return _Parsed(part, self.warnings, len(data), mtime_ns,
                       file_digest(data) if digest else None)

    def _columns(self, path: Path, data: bytes, day: date, region: str) -> Columns:
        """A file's samples (``data``, read from ``path``) as columns, grouped by component
        (sorted, in file order within each): time (µs), component, outcome code, latency,
        certificate expiry. Any doubt: the reference reader decides."""
        if data.isascii() and b"\\" not in data:  # no escapes: msgspec reads it as orjson
            plain = _parse_records(data, _PLAIN_ARRAY.decode, _PLAIN_LINE.decode)
            if plain is not None:
                try:
                    return _grouped(self._plain_columns(plain, day))
                except (TypeError, ValueError, KeyError):
                    pass
        records = _parse_records(data, loads, loads)
        if records is not None:
            try:
                return _grouped(self._fast_columns(records, day))
            except (TypeError, ValueError, KeyError, AttributeError):
                pass
        samples = read_file(path, region, self.warnings.append)
        us = [_to_us(s.time) for s in samples]
        start = _to_us(datetime(day.year, day.month, day.day, tzinfo=UTC))
        if us and (min(us) < start or max(us) >= start + _DAY_US):
            raise _OutOfDay(path)
        return _grouped((us, [s.component for s in samples],
                         [_CODES[s.outcome.value] for s in samples],
                         [s.latency_ms for s in samples], [s.cert_expires for s in samples]))

    def _plain_columns(self, records: list[_Record], day: date) -> Columns:
        """Columns of records msgspec decoded (so typed as the reference accepts them);
        raises on a time or outcome the reference might see differently."""
        if not records:
            return [], [], [], [], []
        times, comps, outcomes, lat, certs = (list(map(attrgetter(key), records))
                                              for key in ("t", "c", "o", "l", "x"))
        return self._columns_of(times, comps, outcomes, lat, certs, day)

    def _fast_columns(self, records: list[Any], day: date) -> Columns:
        """Columns of canonical records; raises on anything ``_parse_line`` might see
        differently (the caller then falls back to it)."""
        if not records:
            return [], [], [], [], []
        # Both raise TypeError for a value that is not an object; itemgetter raises
        # KeyError for a missing required key.
        times, comps, outcomes = zip(*map(itemgetter("t", "c", "o"), records), strict=True)
        lat, http, certs = (list(map(dict.get, records, repeat(key))) for key in "lhx")
        if set(map(type, comps)) != {str}:
            raise ValueError("a component that is not a string")
        if not set(map(type, lat)) | set(map(type, http)) <= _PLAIN:
            raise TypeError("h and l must be plain integers")
        return self._columns_of(times, comps, outcomes, lat, certs, day)

    def _columns_of(self, times: Sequence[Any], comps: Sequence[str], outcomes: Sequence[Any],
                    lat: list[Any], certs: list[Any], day: date) -> Columns:
        """Times to µs and outcomes to codes; raises unless every time is canonical and in
        ``day`` and every outcome known."""
        prefix = f"{day.isoformat()}T"
        if not all(map(str.startswith, times, repeat(prefix))):
            raise ValueError("not a canonical time of this day")
        of_day: Callable[[Any], int] = _seconds_of_day().__getitem__  # KeyError: invalid
        of_frac: Callable[[Any], int] = _FRACTIONS.__getitem__
        sod = map(of_day, map(getitem, times, repeat(slice(11, 19))))
        frac = map(of_frac, map(getitem, times, repeat(slice(19, None))))
        midnight = _to_us(datetime(day.year, day.month, day.day, tzinfo=UTC))
        us = list(map(add, map(add, sod, frac), repeat(midnight)))
        codes: list[Any] = list(map(_CODES.get, outcomes))
        if None in codes:
            raise ValueError("unknown outcome")
        cache = self.cert_cache
        if len(cache) > _CERT_CACHE_LIMIT:
            cache.clear()
            cache[None] = None
        for text in set(certs).difference(cache):
            cache[text] = parse_time(text)
        return us, comps, codes, lat, list(map(cache.__getitem__, certs))

    def _file(self, region: str, columns: Columns) -> FilePart:
        """Summarize each component's group of a file's (grouped) columns."""
        part = FilePart()
        us, comps, codes, lat, certs = columns
        at = 0
        for comp in sorted(set(comps)):
            end = bisect_right(comps, comp, at)
            self._group(part, comp, region, us[at:end], codes[at:end], lat[at:end],
                        certs[at:end])
            at = end
        return part

    def _group(self, part: FilePart, comp: str, region: str, us: Sequence[int],
               codes: Sequence[int], lat: Sequence[Any],
               certs: Sequence[datetime | None]) -> None:
        """One component's samples of one day-file, in file order."""
        if not all(map(lt, us, us[1:])):
            us, codes, lat, certs = _sort_unique(us, codes, lat, certs)
        lo = 0 if self.lo is None else bisect_left(us, self.lo)
        hi = len(us) if self.hi is None else bisect_right(us, self.hi)
        if lo >= hi:
            return
        us, codes, lat, certs = us[lo:hi], codes[lo:hi], lat[lo:hi], certs[lo:hi]
        states = bytes(codes).translate(_STATE)
        part.runs += _runs(comp, region, us, codes, states, self.gap)
        values = list(compress(lat, map(ne, states, repeat(2)))) if 2 in states else list(lat)
        if None in values:
            values = list(compress(values, map(is_not, values, repeat(None))))
        values.sort()
        part.rows.append((comp, len(us), percentile(values, 0.5), percentile(values, 0.95)))
        if certs.count(None) != len(certs):
            i = len(certs) - 1
            while certs[i] is None:
                i -= 1
            part.certs[comp] = (us[i], certs[i])  # type: ignore[assignment]


def _grouped(columns: Columns) -> Columns:
    """Columns in file order -> grouped by component: sorted by component, stable (so in
    file order within each)."""
    n = len(columns[0])
    if n < 2:
        return columns
    take = itemgetter(*sorted(range(n), key=columns[1].__getitem__))
    return tuple(take(c) for c in columns)  # type: ignore[return-value]


def _parse_records(data: bytes, decode_array: Callable[[bytes], Any],
                   decode_line: Callable[[bytes], Any]) -> list[Any] | None:
    """Every line's decoded value, or None when one call cannot be proved to equal
    per-line decoding (see the module docstring) or a line does not decode."""
    body = data[:-1] if data.endswith(b"\n") else data
    if not body:
        return []
    lines = body.count(b"\n") + 1
    if not body.startswith(b"{") or body.count(b"\n{") != lines - 1:
        return None
    try:
        if b"[" in body:
            records = list(map(decode_line, body.split(b"\n")))
        else:
            records = decode_array(b"[" + body.replace(b"\n", b"\n,") + b"]")
    except ValueError:  # orjson's, json's and msgspec's errors are ValueErrors
        return None
    return records if isinstance(records, list) and len(records) == lines else None


def _sort_unique(us: Sequence[int], *cols: Sequence[Any]) -> tuple[Sequence[Any], ...]:
    """Sort by time, keeping the first (in file order) of samples with the same time."""
    order = sorted(range(len(us)), key=us.__getitem__)
    keep = [i for j, i in enumerate(order) if j == 0 or us[i] != us[order[j - 1]]]
    take = itemgetter(*keep) if len(keep) > 1 else (lambda c: (c[keep[0]],))
    return tuple(take(c) for c in (us, *cols))


def _runs(comp: str, region: str, us: Sequence[int], codes: Sequence[int],
          states: bytes, gap: int) -> list[Run]:
    """``sample_runs`` over one sorted, duplicate-free group: cut where the state changes
    or the gap to the previous sample exceeds ``gap``."""
    n = len(us)
    cuts = set(compress(range(1, n), map(ne, states, states[1:])))
    steps = list(map(sub, us[1:], us[:-1]))
    if steps and max(steps) > gap:
        cuts.update(compress(range(1, n), map(gt, steps, repeat(gap))))
    starts = [0, *sorted(cuts)]
    ends = [*starts[1:], n]
    return [Run(comp, region, _STATE_NAMES[states[a]], _from_us(us[a]), _from_us(us[b - 1]),
                b - a, _OUTCOME_LIST[codes[a]]) for a, b in zip(starts, ends, strict=True)]
