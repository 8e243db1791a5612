"""Samples as columns, reduced to what status, uptime and latency need.

The reader (``samples.read``) turns a day-file into columns — time in µs, component,
outcome code, latency, certificate expiry — grouped by component. This module reduces
one component's columns to its *runs* (``runs_of``: consecutive samples in one state, no
gap above ``max_gap``), its sample count and latency p50/p95, and its latest certificate;
and a whole file to a ``FilePart``, the form that compaction commits and the cache keeps.
Each step exists once: ``sort_unique`` orders and deduplicates, ``runs_of`` builds runs,
``merge_runs`` joins them across files, ``keep_latest`` picks the latest certificate.
Per-sample work is done by C-level ``map``s over columns, not Python statements.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import compress, repeat
from operator import gt, is_not, itemgetter, lt, ne, sub
from typing import Any

from mkstatus.samples.model import FilePart, Outcome, Run, from_us, percentile

DAY_US = 86_400_000_000
OUTCOME_CODES = list(Outcome)  # OK is 0, DEGRADED is 1, failures and vendor reports after
CODES = {o.value: i for i, o in enumerate(OUTCOME_CODES)}
STATE_NAMES = ("ok", "degraded", "failed", Outcome.UPSTREAM_PARTIAL.value,
                Outcome.UPSTREAM_MAJOR.value)
# outcome code -> index of its run state in STATE_NAMES (2, failed, for every failure)
_STATE = bytes(STATE_NAMES.index(OUTCOME_CODES[i].state) if i < len(OUTCOME_CODES) else 2
               for i in range(256))

# time (µs), component, outcome code, latency, certificate expiry, HTTP code, error text
Columns = tuple[Sequence[int], Sequence[str], Sequence[int], Sequence[Any],
                Sequence[datetime | None], Sequence[int | None], Sequence[str | None]]


@dataclass(frozen=True, slots=True)
class Window:
    """Samples with ``lo <= time <= hi`` count (µs; None: no bound); runs are cut at
    gaps above ``gap`` (µs)."""

    lo: int | None
    hi: int | None
    gap: int


@dataclass(slots=True)
class Group:
    """One component's samples of one region, reduced: runs, latency rows ``(first µs,
    count, p50, p95)`` (one, or one per UTC day) and the latest certificate ``(µs,
    expiry)``."""

    runs: list[Run]
    rows: list[tuple[int, int, int | None, int | None]]
    cert: tuple[int, datetime] | None


def reduce_file(region: str, columns: Columns, window: Window) -> FilePart:
    """Reduce a file's (grouped) columns, one component at a time."""
    part = FilePart()
    for comp, group_columns in components(columns):
        group = reduce_group(comp, region, *group_columns, window=window, split_days=False)
        if group is None:
            continue
        part.runs += group.runs
        part.rows += [(comp, count, p50, p95) for _, count, p50, p95 in group.rows]
        if group.cert is not None:
            part.certs[comp] = group.cert
    return part


def reduce_group(comp: str, region: str, us: Sequence[int], codes: Sequence[int],
                 lat: Sequence[Any], certs: Sequence[datetime | None],
                 http: Sequence[int | None], errors: Sequence[str | None], *,
                 window: Window, split_days: bool) -> Group | None:
    """One component's samples of one region, in file order: sorted, deduplicated, cut to
    the window, reduced (None when the window leaves none). Latency rows are per UTC day
    with ``split_days``, else one for all."""
    if not all(map(lt, us, us[1:])):
        us, codes, lat, certs = sort_unique(us, codes, lat, certs, http, errors)[:4]
    lo = 0 if window.lo is None else bisect_left(us, window.lo)
    hi = len(us) if window.hi is None else bisect_right(us, window.hi)
    if lo >= hi:
        return None
    us, codes, lat, certs = us[lo:hi], codes[lo:hi], lat[lo:hi], certs[lo:hi]
    states = bytes(codes).translate(_STATE)
    bounds = [0, len(us)]
    if split_days:
        days = range(us[0] - us[0] % DAY_US + DAY_US, us[-1] + 1, DAY_US)
        bounds[1:1] = [bisect_left(us, d) for d in days]
    rows = [(us[a], b - a, *_latency(states[a:b], lat[a:b]))
            for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    cert = None
    if certs.count(None) != len(certs):
        i = len(certs) - 1
        while certs[i] is None:
            i -= 1
        cert = (us[i], certs[i])
    return Group(runs_of(comp, region, us, codes, states, window.gap), rows,
                 cert)  # type: ignore[arg-type]


def _latency(states: bytes, lat: Sequence[Any]) -> tuple[int | None, int | None]:
    """p50 and p95 of the latencies of samples that did not fail."""
    values = list(compress(lat, map(ne, states, repeat(2)))) if 2 in states else list(lat)
    if None in values:
        values = list(compress(values, map(is_not, values, repeat(None))))
    values.sort()
    return percentile(values, 0.5), percentile(values, 0.95)


def grouped(columns: Columns) -> Columns:
    """Columns in file order -> grouped by component: sorted by component, stable (so in
    file order within each)."""
    n = len(columns[0])
    if n < 2:
        return columns
    take = itemgetter(*sorted(range(n), key=columns[1].__getitem__))
    return tuple(take(c) for c in columns)  # type: ignore[return-value]


def components(columns: Columns) -> Iterator[tuple[str, tuple[Sequence[Any], ...]]]:
    """Each component's slice of grouped columns (but the component's), in component
    order."""
    us, comps, *rest = columns
    at = 0
    for comp in sorted(set(comps)):
        end = bisect_right(comps, comp, at)
        yield comp, (us[at:end], *(c[at:end] for c in rest))
        at = end


def sort_unique(us: Sequence[int], *cols: Sequence[Any]) -> tuple[Sequence[Any], ...]:
    """One component's samples of one region as columns (time first), sorted, and
    deduplicated by their whole content: samples equal in every column are one sample
    (the same line twice: a union merge, an append repeated), and samples that differ in
    any are all kept, in an order that depends on their content only (two probe
    processes that both recorded a sample at the same millisecond)."""
    keep = unique_order(us, *cols)
    take = itemgetter(*keep) if len(keep) > 1 else (lambda c: (c[keep[0]],))
    return tuple(take(c) for c in (us, *cols))


def unique_order(us: Sequence[int], *cols: Sequence[Any]) -> list[int]:
    """The indices ``sort_unique`` keeps, in its order: by time, then by the other
    columns in turn (None first); one index for samples equal in every column."""
    def key(i: int) -> tuple[Any, ...]:
        return (us[i], *((v is not None, 0 if v is None else v) for v in (c[i] for c in cols)))

    ordered = sorted((key(i), i) for i in range(len(us)))
    return [i for j, (k, i) in enumerate(ordered) if j == 0 or k != ordered[j - 1][0]]


def runs_of(comp: str, region: str, us: Sequence[int], codes: Sequence[int],
            states: bytes, gap: int) -> list[Run]:
    """The runs of one component's sorted, duplicate-free samples of one region: cut
    where the state changes or the gap to the previous sample exceeds ``gap`` (µs)."""
    n = len(us)
    cuts = set(compress(range(1, n), map(ne, states, states[1:])))
    steps = list(map(sub, us[1:], us[:-1]))
    if steps and max(steps) > gap:
        cuts.update(compress(range(1, n), map(gt, steps, repeat(gap))))
    starts = [0, *sorted(cuts)]
    ends = [*starts[1:], n]
    return [Run(comp, region, STATE_NAMES[states[a]], from_us(us[a]), from_us(us[b - 1]),
                b - a, OUTCOME_CODES[codes[a]]) for a, b in zip(starts, ends, strict=True)]


def merge_runs(runs: Iterable[Run], *, max_gap: timedelta) -> list[Run]:
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


def keep_latest(certs: dict[str, tuple[int, str, datetime]], comp: str, us: int,
                region: str, expires: datetime) -> None:
    """The latest certificate: of the latest sample that saw one (the larger region
    name between samples of the same time)."""
    if comp not in certs or (us, region) > certs[comp][:2]:
        certs[comp] = (us, region, expires)
