"""What a build needs from the sample store, read fast: runs, daily latency, certificates.

A year of 5-minute samples for 20 components is 2.1 million lines; one ``Sample`` object
per line (a datetime, an enum, a frozen dataclass) would take ~50 s and ~850 MB. A build
needs far less: the runs of each component and region, the sample count and latency
percentiles of each (UTC day, component, region), and each component's latest certificate
expiry. ``summarize_samples`` computes exactly that, one day-file at a time
(``_Reader``: a ``FilePart``), with per-sample work done by C-level ``map``s over columns.
Compaction (``reduce_day_file``) and the derived cache keep the same ``FilePart``.

The answer equals that of the obvious reader (every line a ``Sample``, sorted, runs built
one sample at a time), which lives in ``tests/sample_oracle.py``; ``tests/
test_samples_fast.py`` checks it on awkward stores. How:

- A day-file (strict UTF-8) is decoded by msgspec into typed structs in one call on its
  lines joined as a JSON array. That equals decoding
  each line alone when every line starts with ``{``, the file holds no ``[`` and the
  array has one element per line: a newline kept in every separator cannot be inside a
  string (raw control characters are invalid there), and a separator inside an object
  would be followed by ``{`` where a key is required, so no two lines can merge into one
  value and no line can split into two without changing the count. A file with a ``[``
  (say an IPv6 address in an error text) is decoded line by line, by the same decoder.
- Anything msgspec refuses or might read differently from ``json.loads`` — a torn or
  invalid line, a blank line, a ``true`` where an integer belongs, a lone surrogate
  (``\\ud800``), bytes that are not UTF-8, a time not written as
  ``YYYY-MM-DDTHH:MM:SS[.mmm]Z`` — sends that file through ``read_file``, one
  ``json.loads`` per line, which warns with the line number of each line it skips.
- Within a file, each component's samples are sorted and deduplicated (``sort_unique``:
  only samples equal in every field are one sample).
  Across files no duplicate or disorder is possible while every sample lies in its
  file's UTC day, which ``append_samples`` guarantees; a sample outside its day (a
  hand-edited file) makes the whole window be read again as one set (``_Scan.exact``).
- Runs are built per file (``runs_of``) and joined across midnight with ``merge_runs``,
  which gives the answer of building them over all samples at once because runs inside
  a file already split on state and gaps.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from itertools import repeat
from operator import add, attrgetter, getitem
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkstatus import parallel
from mkstatus.samples.cache import SampleCache, file_digest
from mkstatus.samples.model import (
    DayAggregate,
    FilePart,
    Run,
    Sample,
    from_us,
    parse_line,
    parse_time,
    to_us,
)
from mkstatus.samples.reduce import (
    CODES,
    DAY_US,
    OUTCOME_CODES,
    Columns,
    Window,
    components,
    grouped,
    keep_latest,
    merge_runs,
    reduce_file,
    reduce_group,
    unique_order,
)
from mkstatus.samples.store import (
    aggregate_file,
    day_files,
    raw_files,
)

if TYPE_CHECKING:
    from mkstatus.samples.decode import Record

_FRACTIONS = {"Z": 0, **{f".{ms:03d}Z": ms * 1000 for ms in range(1000)}}
_CERT_CACHE_LIMIT = 4096
_FILES_PER_WORKER = 24
_PART = 4  # day-files per part shared out between processes

@dataclass(frozen=True, slots=True)
class RawSummary:
    """Raw samples in [since, until], reduced to what status, uptime and latency need.

    ``runs`` are the runs of those samples; ``latency`` has one row per (UTC day,
    component, region) with its sample count and latency p50/p95 (``runs`` empty);
    ``certs`` maps a component to the time and certificate expiry of its latest sample
    that saw a certificate.
    """

    runs: list[Run]
    latency: list[DayAggregate]
    certs: dict[str, tuple[datetime, datetime]]


class _OutOfDay(Exception):
    """A sample lies outside its file's UTC day: only reading the window as one set of
    samples is exact then."""


def summarize_samples(root: Path, *, since: datetime | None, until: datetime | None,
                      max_gap: timedelta, warn: Callable[[str], None],
                      cache: Path | None = None) -> RawSummary:
    """The raw samples in [since, until], summarized. With ``cache`` (a file, see
    ``samples.cache``), day-files read before are not parsed again."""
    store = None if cache is None else SampleCache(cache, root, max_gap // timedelta(
        microseconds=1))
    scan = _Scan(since, until, max_gap, store)
    files = scan.files(root)
    try:
        summary, warnings = scan.by_file(files)
    except _OutOfDay:
        summary, warnings = scan.exact(files)
    for message in warnings:
        warn(message)
    return summary


def raw_samples(root: Path, *, since: datetime, until: datetime,
                warn: Callable[[str], None]) -> list[Sample]:
    """The raw samples in [since, until] as ``Sample`` objects, sorted and deduplicated
    as everywhere (``reduce.unique_order``), for the few day-files whose figures need
    every sample (the last hours' latency); compacted days have none. Each file is read
    as ``summarize_samples`` reads it (``_Reader``: msgspec, else line by line)."""
    lo, hi = to_us(since), to_us(until)
    reader = _Reader()
    us: list[int] = []
    found: list[Sample] = []
    # Each line decodes its own copy of the component id; the samples, kept through the
    # build, share one per component.
    names: dict[str, str] = {}
    for day, d in day_files(root, since.astimezone(UTC).date()):
        for path in raw_files(d):
            if aggregate_file(d, path.stem) is not None:
                continue
            reader.warnings = []
            region = path.stem
            times, comps, codes, lat, certs, http, errors = reader.columns(
                path, path.read_bytes(), day, region, strict=False)
            for message in reader.warnings:
                warn(message)
            keep = [i for i, t in enumerate(times) if lo <= t <= hi]
            us += [times[i] for i in keep]
            found += [Sample(time=from_us(times[i]),
                             component=names.setdefault(comps[i], comps[i]), region=region,
                             outcome=OUTCOME_CODES[codes[i]], http_code=http[i],
                             latency_ms=lat[i], cert_expires=certs[i], error=errors[i])
                      for i in keep]
    if not found:
        return []
    # Sorted by (time, component, region), a prefix of ``unique_order``'s key: when no
    # two samples share all three, that is its order, and there is nothing to drop.
    keys = [(t, s.component, s.region) for t, s in zip(us, found, strict=True)]
    order = sorted(range(len(found)), key=keys.__getitem__)
    if all(keys[a] != keys[b] for a, b in zip(order, order[1:], strict=False)):
        return [found[i] for i in order]
    columns = zip(*((s.component, s.region, CODES[s.outcome.value], s.latency_ms,
                     s.cert_expires, s.http_code, s.error) for s in found), strict=True)
    return [found[i] for i in unique_order(us, *columns)]


def reduce_day_file(day: date, region: str, path: Path, data: bytes, max_gap: timedelta,
                    warn: Callable[[str], None]) -> FilePart:
    """What compaction keeps of one day-file's bytes: every sample in it counts for
    ``day``, wherever its time lies."""
    window = Window(None, None, max_gap // timedelta(microseconds=1))
    reader = _Reader()
    part = reduce_file(region, reader.columns(path, data, day, region, strict=False), window)
    for message in reader.warnings:
        warn(message)
    return part


def read_file(path: Path, region: str, warn: Callable[[str], None],
              data: bytes | None = None) -> list[Sample]:
    """Every valid line of a day-file as a ``Sample``, in file order; each invalid line
    is skipped with a warning that names its line."""
    out: list[Sample] = []
    lines = (path.read_bytes() if data is None else data).splitlines(keepends=True)
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            out.append(parse_line(raw, region))
        except (ValueError, TypeError) as e:
            name = "JSONDecodeError" if isinstance(e, json.JSONDecodeError) else type(e).__name__
            warn(f"{path}:{n}: skipped an invalid sample line ({name}: {e})")
    return out


_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])")


def _time_of_day(text: str) -> int:
    """``"HH:MM:SS"`` -> microseconds since midnight; KeyError unless it is a valid time
    of day written that way (as a lookup in a table of every valid time would raise)."""
    found = _CLOCK.fullmatch(text)
    if found is None:
        raise KeyError(text)
    h, m, sec = map(int, found.groups())
    return ((h * 60 + m) * 60 + sec) * 1_000_000


def _midnight(day: date) -> int:
    return to_us(datetime(day.year, day.month, day.day, tzinfo=UTC))


@dataclass(slots=True)
class _Parsed:
    """A day-file read by a ``_Reader``: its part, its warnings, and what the cache keys
    on (size, modification time before the read, digest when asked for)."""

    part: FilePart
    warnings: list[str]
    size: int
    mtime_ns: int
    digest: str | None


_File = tuple[date, str, Path]


class _Scan:
    """One pass over the day-files in a window.

    Files whose whole day lies in the window come from the cache when it has them; the
    others are read by ``_Reader``s, in worker processes when there are many (a cold
    cache: a fresh clone, the first build of a year of samples).
    """

    def __init__(self, since: datetime | None, until: datetime | None, max_gap: timedelta,
                 cache: SampleCache | None) -> None:
        self.since = since.astimezone(UTC) if since else None
        self.window = Window(to_us(since) if since else None, to_us(until) if until else None,
                             max_gap // timedelta(microseconds=1))
        self.max_gap = max_gap
        self.cache = cache

    def files(self, root: Path) -> list[str | _File]:
        """The raw day-files in the window, in order, and a warning where one lies next
        to its day's aggregate."""
        items: list[str | _File] = []
        for day, d in day_files(root, self.since.date() if self.since else None):
            for path in raw_files(d):
                region = path.stem
                if aggregate_file(d, region) is None:
                    items.append((day, region, path))
                elif path.stat().st_size:  # empty: what compaction leaves
                    items.append(f"{path}: day already compacted; raw samples ignored "
                                 "(run compact again)")
        return items

    def by_file(self, items: list[str | _File]) -> tuple[RawSummary, list[str]]:
        """Each file reduced on its own (or taken from the cache), runs joined across
        files; raises ``_OutOfDay`` for a sample outside its file's day."""
        parts = self._parts([i for i in items if not isinstance(i, str)])
        warnings: list[str] = []
        runs: list[Run] = []
        rows: list[DayAggregate] = []
        certs: dict[str, tuple[int, str, datetime]] = {}
        for item in items:
            if isinstance(item, str):
                warnings.append(item)
                continue
            day, region, path = item
            part, messages = parts[path]
            warnings += messages
            runs += part.runs
            rows += [DayAggregate(day, comp, region, count, p50, p95, ())
                     for comp, count, p50, p95 in part.rows]
            for comp, (us, expires) in part.certs.items():
                keep_latest(certs, comp, us, region, expires)
        if self.cache is not None:
            self.cache.save()
        return self._summary(runs, rows, certs), warnings

    def exact(self, items: list[str | _File]) -> tuple[RawSummary, list[str]]:
        """Every sample of the window as one set per (component, region): right even when
        a file holds samples of another day, and never from the cache."""
        reader = _Reader()
        warnings: list[str] = []
        by_region: dict[str, list[Columns]] = {}
        for item in items:
            if isinstance(item, str):
                warnings.append(item)
                continue
            day, region, path = item
            reader.warnings = []
            by_region.setdefault(region, []).append(
                reader.columns(path, path.read_bytes(), day, region, strict=False))
            warnings += reader.warnings
        runs: list[Run] = []
        rows: list[DayAggregate] = []
        certs: dict[str, tuple[int, str, datetime]] = {}
        for region, parts in sorted(by_region.items()):
            joined = grouped(tuple([v for c in parts for v in c[i]]  # type: ignore[misc, arg-type]
                                   for i in range(len(parts[0]))))
            for comp, columns in components(joined):
                group = reduce_group(comp, region, *columns, window=self.window,
                                     split_days=True)
                if group is None:
                    continue
                runs += group.runs
                rows += [DayAggregate(from_us(start).date(), comp, region, count, p50, p95, ())
                         for start, count, p50, p95 in group.rows]
                if group.cert is not None:
                    us, expires = group.cert
                    keep_latest(certs, comp, us, region, expires)
        return self._summary(runs, rows, certs), warnings

    def _summary(self, runs: list[Run], rows: list[DayAggregate],
                 certs: dict[str, tuple[int, str, datetime]]) -> RawSummary:
        rows.sort(key=lambda a: (a.day, a.component, a.region))
        return RawSummary(merge_runs(runs, max_gap=self.max_gap), rows,
                          {c: (from_us(us), x) for c, (us, _, x) in sorted(certs.items())})

    def _parts(self, files: list[_File]) -> dict[Path, tuple[FilePart, list[str]]]:
        """Each file's part and warnings: from the cache when the file's whole day is
        inside the window (so the window cuts nothing), else read (and then stored in the
        cache if it warned of nothing)."""
        out: dict[Path, tuple[FilePart, list[str]]] = {}
        todo: list[tuple[date, str, Path, bool]] = []
        lo, hi = self.window.lo, self.window.hi
        for day, region, path in files:
            start = _midnight(day)
            whole = self.cache is not None and ((lo is None or start >= lo)
                                                and (hi is None or start + DAY_US - 1 <= hi))
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
        if len(todo) < 2 * _FILES_PER_WORKER:
            return _read_files(self.window, todo)
        done = parallel.map_parts(partial(_read_files, self.window),
                                  parallel.split(todo, _PART))
        return [parsed for part in done for parsed in part]


def _read_files(window: Window, todo: list[tuple[date, str, Path, bool]]) -> list[_Parsed]:
    """Read and reduce day-files (in a worker process or here); ``_OutOfDay`` propagates."""
    reader = _Reader()
    out = []
    for day, region, path, digest in todo:
        mtime_ns = path.stat().st_mtime_ns
        data = path.read_bytes()
        reader.warnings = []
        part = reduce_file(region, reader.columns(path, data, day, region, strict=True), window)
        out.append(_Parsed(part, reader.warnings, len(data), mtime_ns,
                           file_digest(data) if digest else None))
    return out


class _Reader:
    """Reads day-files into columns, keeping the warnings of the last file read and the
    certificate times it parsed (a few distinct values, on every line)."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.cert_cache: dict[object, datetime | None] = {None: None}
        # The times of day met so far (a few hundred distinct ones: probes run on a
        # schedule), parsed once each. A table of all 86,400 cost a tenth of a second and
        # 10 MB in every build that read one day-file.
        self.clock_cache: dict[str, int] = {}

    def columns(self, path: Path, data: bytes, day: date, region: str, *,
                strict: bool) -> Columns:
        """A file's samples (``data``, read from ``path``) as columns, grouped by component
        (sorted, in file order within each): time (µs), component, outcome code, latency,
        certificate expiry. Raises ``_OutOfDay`` if ``strict`` and a sample lies outside
        ``day``."""
        if _utf8(data):
            plain = _parse_records(data)
            if plain is not None:
                try:
                    return grouped(self._plain_columns(plain, day))
                except (TypeError, ValueError, KeyError):
                    pass
        samples = read_file(path, region, self.warnings.append, data)
        us = [to_us(s.time) for s in samples]
        start = _midnight(day)
        if strict and us and (min(us) < start or max(us) >= start + DAY_US):
            raise _OutOfDay(path)
        return grouped((us, [s.component for s in samples],
                        [CODES[s.outcome.value] for s in samples],
                        [s.latency_ms for s in samples], [s.cert_expires for s in samples],
                        [s.http_code for s in samples], [s.error for s in samples]))

    def _plain_columns(self, records: list[Record], day: date) -> Columns:
        """Columns of records msgspec decoded (so typed as ``parse_line`` accepts them);
        raises unless every time is canonical and in ``day`` and every outcome known."""
        if not records:
            return [], [], [], [], [], [], []
        times, comps, outcomes, lat, certs, http, errors = (
            list(map(attrgetter(key), records)) for key in ("t", "c", "o", "l", "x", "h", "e"))
        prefix = f"{day.isoformat()}T"
        if not all(map(str.startswith, times, repeat(prefix))):
            raise ValueError("not a canonical time of this day")
        clock: list[str] = list(map(getitem, times, repeat(slice(11, 19))))
        known = self.clock_cache
        for text in set(clock).difference(known):
            known[text] = _time_of_day(text)  # KeyError: invalid
        of_frac: Callable[[Any], int] = _FRACTIONS.__getitem__
        sod = map(known.__getitem__, clock)
        frac = map(of_frac, map(getitem, times, repeat(slice(19, None))))
        us = list(map(add, map(add, sod, frac), repeat(_midnight(day))))
        codes: list[Any] = list(map(CODES.get, outcomes))
        if None in codes:
            raise ValueError("unknown outcome")
        cache = self.cert_cache
        if len(cache) > _CERT_CACHE_LIMIT:
            cache.clear()
            cache[None] = None
        for text in set(certs).difference(cache):
            cache[text] = parse_time(text)
        return us, comps, codes, lat, list(map(cache.__getitem__, certs)), http, errors


def _utf8(data: bytes) -> bool:
    """Whether ``data`` is strict UTF-8: msgspec skips an unknown key's string without
    checking it, where ``json.loads`` refuses the line."""
    if data.isascii():
        return True
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


def _parse_records(data: bytes) -> list[Record] | None:
    """Every line's decoded record, or None when one call cannot be proved to equal
    per-line decoding (see the module docstring) or a line does not decode."""
    body = data[:-1] if data.endswith(b"\n") else data
    if not body:
        return []
    lines = body.count(b"\n") + 1
    if not body.startswith(b"{") or body.count(b"\n{") != lines - 1:
        return None
    # msgspec is imported on the first day-file read: a site without samples never loads it.
    from mkstatus.samples.decode import decode_array, decode_lines

    records = decode_lines(body.split(b"\n")) if b"[" in body else decode_array(
        b"[" + body.replace(b"\n", b"\n,") + b"]")
    return records if records is not None and len(records) == lines else None
