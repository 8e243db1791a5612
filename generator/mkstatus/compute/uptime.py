"""Uptime and latency figures: pure maths over intervals, with ``now`` passed in.

Per component, the probe-derived statuses (``probestatus``) and the declared incident and
maintenance intervals (``View.intervals``) are merged into one timeline of *effective*
statuses: at every moment the worst of what was declared and what the probes saw, except
that inside a maintenance window probe failures count as maintenance. Overlaps therefore
count once, at the worst status. Weights (DESIGN.md): major_outage 1.0, partial_outage
0.3, degraded_performance and under_maintenance 0.

Coverage (the denominator): for a probed component, only time with probe data or a
declared interval counts; time with neither is left out, and a day with no covered time
is grey (``None``). A component without probes has no other source than its incidents,
so all of its time is covered: no incident means it was up. That is the promise a
status page without probes makes, and saying "no data" for it every day would hide the
incidents it does record.

Days are calendar days in the site's timezone (23 or 25 hours on a daylight-saving
change); today is a partial day up to ``now``. Latency is per UTC day, because compacted
days keep per-UTC-day, per-region percentiles only: computing raw days the same way keeps
every figure identical after ``mkstatus compact``.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, TypeVar

from mkstatus.compute.status import View
from mkstatus.i18n import N_
from mkstatus.model import ComponentStatus, SiteConfig
from mkstatus.probes.upstream import UpstreamProbe
from mkstatus.samples.model import DayAggregate, Sample, percentile

WEIGHTS = {ComponentStatus.MAJOR_OUTAGE: 1.0, ComponentStatus.PARTIAL_OUTAGE: 0.3}
WINDOWS = ((N_("24 hours"), timedelta(hours=24)), (N_("7 days"), timedelta(days=7)),
           (N_("30 days"), timedelta(days=30)), (N_("90 days"), timedelta(days=90)))
Interval = tuple[datetime, datetime, ComponentStatus]


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch with one effective status and, if probed, what the probes alone said."""

    start: datetime
    end: datetime
    status: ComponentStatus
    probe: ComponentStatus | None = None


@dataclass(frozen=True, slots=True)
class DayUptime:
    day: date
    percent: float | None  # None: no data that day (grey)
    worst: ComponentStatus | None
    notes: tuple[str, ...]  # incident titles, "outage detected automatically"
    down: float = 0.0  # weighted downtime, seconds
    incidents: tuple[tuple[str, str], ...] = ()  # (id, title) declared that day, for links
    # The share of the day (so far, today) with data: a day's "70.00%" from ten minutes
    # of samples must say so, as every other figure does (``coverage_note``).
    coverage: float = 1.0


@dataclass(frozen=True, slots=True)
class LatencyDay:
    day: date  # a UTC day
    p50: int
    p95: int


@dataclass(frozen=True, slots=True)
class ComponentUptime:
    days: tuple[DayUptime, ...]  # oldest first, the last one is today
    windows: tuple[tuple[str, float | None], ...]
    latency: tuple[LatencyDay, ...] = ()
    # Per window, the share of it with data (0-1): a percentage of a few covered minutes
    # must say so (see ``coverage_note``).
    coverage: tuple[float, ...] = ()


def effective_pieces(probe: Sequence[Interval], declared: Sequence[Interval], *,
                     probed: bool, start: datetime, end: datetime) -> list[Piece]:
    """The merged timeline over [start, end); uncovered time has no piece.

    A sweep over interval ends with a count of open intervals per (source, status rank),
    so a year of probe history stays linear in the number of intervals. Counts are kept
    in lists indexed by rank, and which ranks are open in a bit mask per source (the
    worst open one is its highest bit), not in ``Counter``s keyed by the enum: with ten
    thousand incidents the enum's Python-level hash was most of the sweep.
    """
    events: list[tuple[datetime, int, int, int]] = []
    for source, items in ((0, declared), (1, probe)):
        for a, b, status in items:
            if a < end and b > start and a < b:
                rank = status.rank
                events += [(max(a, start), 1, source, rank), (min(b, end), -1, source, rank)]
    # Events at one time are all applied before the stretch after them is looked at, so
    # their order among themselves does not matter; the tuple order is the cheapest sort.
    events.sort()
    counts = ([0] * len(_BY_RANK), [0] * len(_BY_RANK))
    masks = [0, 0]  # said (declared), seen (probes): bit r set while rank r is open
    out: list[list[Any]] = []
    t = start
    for at, step, source, rank in events:
        if t < at:
            _add_piece(out, t, at, masks[0], masks[1], probed)
        count = counts[source]
        count[rank] += step
        if count[rank]:
            masks[source] |= 1 << rank
        else:
            masks[source] &= ~(1 << rank)
        t = at if at > t else t
    if t < end:
        _add_piece(out, t, end, masks[0], masks[1], probed)
    return [Piece(a, b, status, probe_status) for a, b, status, probe_status in out]


_BY_RANK = sorted(ComponentStatus, key=lambda s: s.rank)
_MAINTENANCE = ComponentStatus.UNDER_MAINTENANCE.rank


def _add_piece(out: list[list[Any]], a: datetime, b: datetime, said: int, seen: int,
               probed: bool) -> None:
    """The effective status of one elementary stretch [a, b), from the masks of the
    ranks declared (``said``) and seen by the probes (``seen``), joined to the previous
    piece when that one ends at ``a`` with the same statuses; nothing when nothing
    covers it."""
    if not (said or seen or not probed):
        return
    probe_rank = max(seen.bit_length() - 1, 0)
    if said >> _MAINTENANCE & 1 and probe_rank > 0:
        probe_rank = _MAINTENANCE
    status = _BY_RANK[max(said.bit_length() - 1, probe_rank)]
    probe_status = _BY_RANK[probe_rank] if seen else None
    if out and out[-1][1] == a and out[-1][2] is status and out[-1][3] is probe_status:
        out[-1][1] = b
    else:
        out.append([a, b, status, probe_status])


@dataclass(frozen=True, slots=True)
class Tally:
    """What happened over a stretch of time, in seconds: the figures behind a percentage.

    ``covered`` is the time with data, ``down`` the weighted downtime within it, and
    ``by_status`` the unweighted time in each status other than operational."""

    covered: float
    down: float
    by_status: tuple[tuple[ComponentStatus, float], ...] = ()

    @property
    def percent(self) -> float | None:
        """Weighted uptime in percent; None when nothing was covered."""
        return None if self.covered == 0 else 100.0 * (1 - self.down / self.covered)

    def seconds(self, status: ComponentStatus) -> float:
        return dict(self.by_status).get(status, 0.0)


def tally(pieces: Sequence[Piece], start: datetime, end: datetime) -> Tally:
    """Covered time, weighted downtime and time per status over [start, end)."""
    return _tally_from(pieces, bisect_right([p.end for p in pieces], start), start, end)


WEIGHT_BY_RANK = [WEIGHTS.get(s, 0.0) for s in _BY_RANK]


def _tally_from(pieces: Sequence[Piece], first: int, start: datetime, end: datetime
                ) -> Tally:
    """``tally`` from the piece at ``first`` (the first that ends after ``start``).
    By index, not by a slice: a slice copies the rest of a year's pieces per day."""
    covered = down = 0.0
    spent = [0.0] * len(_BY_RANK)
    for i in range(first, len(pieces)):
        p = pieces[i]
        if p.start >= end:
            break
        span = (min(p.end, end) - max(p.start, start)).total_seconds()
        if span > 0:
            covered += span
            rank = p.status.rank
            down += span * WEIGHT_BY_RANK[rank]
            if rank:
                spent[rank] += span
    return Tally(covered, down, tuple((_BY_RANK[r], spent[r])
                                      for r in range(len(spent) - 1, 0, -1) if spent[r]))


def percent(pieces: Sequence[Piece], start: datetime, end: datetime) -> float | None:
    """Weighted uptime over [start, end) in percent; None when nothing was covered."""
    return tally(pieces, start, end).percent


@functools.lru_cache(maxsize=8192)  # the same days for every component and report
def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """A local calendar day as UTC instants: 23 or 25 hours on a DST change."""
    def midnight(d: date) -> datetime:
        return datetime(d.year, d.month, d.day, tzinfo=zone).astimezone(UTC)

    return midnight(day), midnight(day + timedelta(days=1))


DETECTED = (N_("outage detected automatically"), N_("slow responses detected automatically"))
REPORTED = (N_("outage reported by the provider's status page"),
            N_("degraded performance reported by the provider's status page"))


def component_uptime(probe: Sequence[Interval], declared: Sequence[tuple[datetime, datetime,
                     ComponentStatus, str]], *, probed: bool, zone: tzinfo, now: datetime,
                     days: int = 90, notes: tuple[str, str] = DETECTED,
                     links: Sequence[tuple[datetime, datetime, str, str]] = ()
                     ) -> ComponentUptime:
    """Daily values for the last ``days`` local days (today last) and rolling windows;
    ``notes`` name what the probes saw (an outage, slowness) on a day's list, ``links``
    the (start, end, id, title) of what was declared, for each day's links."""
    today = now.astimezone(zone).date()
    first, _ = day_bounds(today - timedelta(days=days - 1), zone)
    begin = min(first, now - WINDOWS[-1][1])
    plain = [(a, b, s) for a, b, s, _ in declared]
    pieces = effective_pieces(probe, plain, probed=probed, start=begin, end=now)
    dates = [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    bounds = [(lo, min(hi, now)) for lo, hi in (day_bounds(d, zone) for d in dates)]
    titles = overlapping([(a, b, title) for a, b, _, title in declared], bounds)
    # One (id, title) pair per link, shared by every day that names it.
    named = overlapping([(a, b, (i, t)) for a, b, i, t in links], bounds)
    ends = [p.end for p in pieces]
    out = tuple(_day(day, pieces, bisect_right(ends, lo), lo, hi, said, notes, linked)
                for day, (lo, hi), said, linked in zip(dates, bounds, titles, named,
                                                       strict=True))
    tallied = [(label, span, _tally_from(pieces, bisect_right(ends, now - span), now - span,
                                         now)) for label, span in WINDOWS]
    windows = tuple((label, t.percent) for label, _, t in tallied)
    coverage = tuple(t.covered / span.total_seconds() for _, span, t in tallied)
    return ComponentUptime(out, windows, coverage=coverage)


T = TypeVar("T")


def overlapping(items: Sequence[tuple[datetime, datetime, T]],
                bounds: Sequence[tuple[datetime, datetime]]) -> list[tuple[T, ...]]:
    """Per stretch ``(lo, hi)`` of ``bounds`` (in time order, as days are), the values of
    the ``(start, end, value)`` items that overlap it, each value once, in the items'
    order. One sweep with the items open at the time, not a scan of every item per day:
    ten thousand incidents made that the largest part of a component's figures."""
    order = sorted(range(len(items)), key=lambda k: items[k][0])
    active: list[int] = []
    taken = 0
    out = []
    for lo, hi in bounds:
        while taken < len(order) and items[order[taken]][0] < hi:
            active.append(order[taken])
            taken += 1
        active = [k for k in active if items[k][1] > lo]
        out.append(tuple(dict.fromkeys(items[k][2] for k in sorted(active))))
    return out


def _day(day: date, pieces: Sequence[Piece], first: int, lo: datetime, hi: datetime,
         titles: tuple[str, ...], seen: tuple[str, str],
         incidents: tuple[tuple[str, str], ...]) -> DayUptime:
    """One day's figures from the pieces from ``first`` on (the first ending after
    ``lo``) and the titles and links of what was declared that day."""
    inside = []
    for i in range(first, len(pieces)):
        if pieces[i].start >= hi:
            break
        inside.append(pieces[i])
    worst = max((p.status for p in inside), default=None)
    notes = list(titles)
    detected = max((p.probe for p in inside if p.probe is not None), default=None)
    if detected in WEIGHTS:
        notes.append(seen[0])
    elif detected is ComponentStatus.DEGRADED_PERFORMANCE:
        notes.append(seen[1])
    figures = _tally_from(pieces, first, lo, hi) if lo < hi else Tally(0.0, 0.0)
    share = figures.covered / (hi - lo).total_seconds() if lo < hi else 0.0
    return DayUptime(day, figures.percent, worst, tuple(notes), figures.down, incidents,
                     coverage=min(share, 1.0))


def declared_intervals(views: Iterable[View], cid: str, now: datetime
                       ) -> list[tuple[datetime, datetime, ComponentStatus, str]]:
    """Every published incident's and maintenance's intervals for one component."""
    return [(a, b, status, v.incident.title) for a, b, status, v in
            view_intervals(views, cid, now)]


def view_intervals(views: Iterable[View], cid: str, now: datetime
                   ) -> list[tuple[datetime, datetime, ComponentStatus, View]]:
    """``declared_intervals`` with the view each interval comes from (for links)."""
    return intervals_by_component(views, [cid], now)[cid]


def intervals_by_component(views: Iterable[View], cids: Iterable[str], now: datetime
                           ) -> dict[str, list[tuple[datetime, datetime, ComponentStatus,
                                                     View]]]:
    """``view_intervals`` of several components in one pass over the views, each view
    asked only about the components it names (with ten thousand incidents, asking every
    view about every component was a fifth of the uptime figures).

    The daily figures and the reports of one build both ask, with the same ``views``
    (a tuple of frozen views) and the same ``now``: the answer is kept for that pair, by
    identity, until it is asked for again, once (so it is not held through the rest of
    the build)."""
    cids = tuple(cids)
    key = (views, now, cids) if isinstance(views, tuple) else None
    if key is not None and _LAST and _LAST[0][0] is views and _LAST[0][1] is now \
            and _LAST[0][2] == cids:
        return _LAST.pop()[3]
    found: dict[str, list[tuple[datetime, datetime, ComponentStatus, View]]] = {
        cid: [] for cid in cids}
    for v in views:
        for cid in v.incident.component_ids:
            into = found.get(cid)
            if into is None:
                continue
            for a, b, status in v.intervals(cid, now):
                if a < min(b, now):
                    into.append((a, min(b, now), status, v))
    out = {cid: sorted(items, key=lambda x: (x[0], x[3].incident.title, x[3].id))
           for cid, items in found.items()}
    if key is not None:
        _LAST[:] = [(*key, {cid: list(items) for cid, items in out.items()})]
    return out


_LAST: list[tuple[Any, ...]] = []  # (views, now, cids, answer) kept for one more call


def tallies(pieces: Sequence[Piece], bounds: Sequence[tuple[datetime, datetime]]
            ) -> list[Tally]:
    """``tally`` over many stretches (days, months) with one index of the pieces."""
    ends = [p.end for p in pieces]
    return [_tally_from(pieces, bisect_right(ends, lo), lo, hi) for lo, hi in bounds]


def daily_latency(samples: Iterable[Sample], aggregates: Iterable[DayAggregate]
                  ) -> dict[str, list[LatencyDay]]:
    """Per component and UTC day: p50/p95 per region, combined weighted by sample count.

    Per-region nearest-rank percentiles are what compaction keeps, so raw and compacted
    days give the same figures; failed samples have no meaningful latency and are skipped.
    """
    per: dict[tuple[str, date], list[tuple[int, int, int]]] = {}
    for a in aggregates:
        if a.latency_p50 is not None and a.latency_p95 is not None:
            per.setdefault((a.component, a.day), []).append((a.count, a.latency_p50,
                                                              a.latency_p95))
    raw: dict[tuple[str, date, str], list[int]] = {}
    counts: dict[tuple[str, date, str], int] = {}
    for s in samples:
        key = (s.component, s.time.astimezone(UTC).date(), s.region)
        counts[key] = counts.get(key, 0) + 1  # all samples, as aggregates count them
        if s.latency_ms is not None and not s.outcome.failed:
            raw.setdefault(key, []).append(s.latency_ms)
    for (comp, day, region), values in raw.items():
        values.sort()
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        if p50 is not None and p95 is not None:
            per.setdefault((comp, day), []).append((counts[comp, day, region], p50, p95))
    out: dict[str, list[LatencyDay]] = {}
    for (comp, day), rows in sorted(per.items()):
        if len(rows) == 1 and abs(rows[0][1]) < _EXACT and abs(rows[0][2]) < _EXACT:
            _, p50, p95 = rows[0]  # one region: n * v / n is v (exact in a float)
        else:
            total = sum(n for n, _, _ in rows)
            p50 = round(sum(n * v for n, v, _ in rows) / total)
            p95 = round(sum(n * v for n, _, v in rows) / total)
        out.setdefault(comp, []).append(LatencyDay(day, p50, p95))
    return out


_EXACT = 2**53  # integers below this are exact as floats


def site_uptime(config: SiteConfig, views: Sequence[View], now: datetime, *,
                probe_timelines: Mapping[str, Sequence[Interval]],
                latency: Mapping[str, Sequence[LatencyDay]]) -> dict[str, ComponentUptime]:
    """Every component's figures for the site's ``history_days``."""
    out = {}
    days = max(config.history_days, 1)
    oldest = (now - timedelta(days=days + 1)).astimezone(UTC).date()
    by_component = intervals_by_component(views, [c.id for c in config.components], now)
    for comp in config.components:
        notes = REPORTED if isinstance(comp.probe, UpstreamProbe) else DETECTED
        declared = by_component[comp.id]
        figures = component_uptime(
            probe_timelines.get(comp.id, ()), [(a, b, s, v.incident.title)
                                               for a, b, s, v in declared],
            probed=comp.probe is not None, zone=config.zone, now=now, days=days, notes=notes,
            links=[(a, b, v.id, v.incident.title) for a, b, _, v in declared])
        lat = tuple(x for x in latency.get(comp.id, ()) if x.day >= oldest)
        out[comp.id] = ComponentUptime(figures.days, figures.windows, lat, figures.coverage)
    return out
