"""The obvious sample reader, kept as the oracle that the package's fast reader must equal.

Every line becomes a ``Sample``; samples are sorted and deduplicated, runs are built one
sample at a time, and a day's aggregate is computed from its samples directly. Slow (a
year of 5-minute samples for 20 components is 2.1 million objects) but plainly right:
``tests/samples/test_samples_fast.py`` checks that ``summarize_samples``, compaction and the cache
give exactly these answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from mkstatus.samples.aggregates import load_aggregates
from mkstatus.samples.model import DEFAULT_MAX_GAP, DayAggregate, Outcome, Run, Sample, percentile
from mkstatus.samples.read import RawSummary, read_file
from mkstatus.samples.reduce import merge_runs
from mkstatus.samples.store import aggregate_file, day_files, raw_files


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
        for path in raw_files(d):
            region = path.stem
            if aggregate_file(d, region) is not None:
                if path.stat().st_size:  # an empty file is what compaction leaves
                    warn(f"{path}: day already compacted; raw samples ignored "
                         "(run compact again)")
                continue
            found.extend(read_file(path, region, warn))
    if since_utc:
        found = [s for s in found if s.time >= since_utc]
    return sort_unique(found)


_OUTCOME_ORDER = {o: i for i, o in enumerate(Outcome)}


def sort_unique(samples: Iterable[Sample]) -> list[Sample]:
    """Sorted by time, component and region, then by content; only samples equal in
    every field are one sample (guide/probes.md, "Samples and git")."""
    def key(s: Sample) -> tuple[object, ...]:
        rest = (s.latency_ms, s.cert_expires, s.http_code, s.error)
        return (s.time, s.component, s.region, _OUTCOME_ORDER[s.outcome],
                *((v is not None, 0 if v is None else v) for v in rest))

    out: list[Sample] = []
    for s in sorted(samples, key=key):
        if not out or out[-1] != s:
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


def aggregate_day(day: date, samples: Sequence[Sample], max_gap: timedelta) -> list[DayAggregate]:
    """Per component/region aggregates of one day; latency of successful samples only."""
    out: list[DayAggregate] = []
    by_key: dict[tuple[str, str], list[Sample]] = {}
    for s in sort_unique(samples):
        by_key.setdefault((s.component, s.region), []).append(s)
    for (comp, region), seq in sorted(by_key.items()):
        lat = sorted(s.latency_ms for s in seq if s.latency_ms is not None and not s.outcome.failed)
        out.append(DayAggregate(day, comp, region, len(seq), percentile(lat, 0.5),
                                percentile(lat, 0.95), tuple(sample_runs(seq, max_gap=max_gap))))
    return out


def load_runs(
    root: Path, *, since: datetime | None = None, max_gap: timedelta = DEFAULT_MAX_GAP,
    warn: Callable[[str], None],
) -> list[Run]:
    """Runs from compacted and raw days alike: the input status and uptime need."""
    raw = load_samples(root, since=since, warn=warn)
    aggs = load_aggregates(root, since=since.date() if since else None, warn=warn)
    runs = [r for a in aggs for r in a.runs] + sample_runs(raw, max_gap=max_gap)
    return merge_runs(runs, max_gap=max_gap)


def reference_summary(root: Path, *, since: datetime | None, until: datetime | None,
                      max_gap: timedelta, warn: Callable[[str], None]) -> RawSummary:
    """The slow, obviously right path: every sample as a ``Sample``."""
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
    rows = [DayAggregate(day, comp, region, counts[day, comp, region],
                         percentile(sorted(v), 0.5), percentile(sorted(v), 0.95), ())
            for (day, comp, region), v in sorted(values.items())]
    return RawSummary(sample_runs(samples, max_gap=max_gap), rows, certs)
