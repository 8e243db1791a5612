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
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo

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

    A sweep over interval ends with a count of open intervals per (source, status), so a
    year of probe history stays linear in the number of intervals.
    """
    events: list[tuple[datetime, int, int, ComponentStatus]] = [(start, 0, 0, _NONE)]
    for source, items in ((0, declared), (1, probe)):
        for a, b, status in items:
            if a < end and b > start and a < b:
                events += [(max(a, start), 1, source, status), (min(b, end), -1, source,
                                                                  status)]
    events.sort(key=lambda e: (e[0], e[1]))
    open_: list[Counter[ComponentStatus]] = [Counter(), Counter()]
    out: list[Piece] = []
    for (t, step, source, status), (nxt, *_) in zip(events, [*events[1:], (end, 0, 0, _NONE)],
                                                   strict=True):
        if step:
            open_[source][status] += step
        if t < nxt:
            piece = _piece(t, nxt, +open_[0], +open_[1], probed)
            if piece is None:
                continue
            if out and out[-1].end == t and (out[-1].status, out[-1].probe) == (
                    piece.status, piece.probe):
                out[-1] = Piece(out[-1].start, nxt, piece.status, piece.probe)
            else:
                out.append(piece)
    return out


_NONE = ComponentStatus.OPERATIONAL  # placeholder status of the start event


def _piece(a: datetime, b: datetime, said: Counter[ComponentStatus],
           seen: Counter[ComponentStatus], probed: bool) -> Piece | None:
    """The effective status of one elementary stretch, or None when nothing covers it."""
    if not (said or seen or not probed):
        return None
    declared = max(said, default=ComponentStatus.OPERATIONAL)
    probe_status = max(seen, default=ComponentStatus.OPERATIONAL)
    if ComponentStatus.UNDER_MAINTENANCE in said and probe_status > ComponentStatus.OPERATIONAL:
        probe_status = ComponentStatus.UNDER_MAINTENANCE
    return Piece(a, b, max(declared, probe_status), probe_status if seen else None)


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


def _tally_from(pieces: Sequence[Piece], first: int, start: datetime, end: datetime
                ) -> Tally:
    covered = down = 0.0
    spent: dict[ComponentStatus, float] = {}
    for p in pieces[first:]:
        if p.start >= end:
            break
        span = (min(p.end, end) - max(p.start, start)).total_seconds()
        if span > 0:
            covered += span
            down += span * WEIGHTS.get(p.status, 0.0)
            if p.status is not ComponentStatus.OPERATIONAL:
                spent[p.status] = spent.get(p.status, 0.0) + span
    return Tally(covered, down, tuple(sorted(spent.items(), key=lambda kv: -kv[0].rank)))


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
    out = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        lo, hi = day_bounds(day, zone)
        hi = min(hi, now)
        found = _day(day, pieces, declared, lo, hi, notes)
        named = tuple(dict.fromkeys((i, t) for a, b, i, t in links if a < hi and b > lo))
        out.append(replace(found, incidents=named) if named else found)
    tallies = [(label, span, tally(pieces, now - span, now)) for label, span in WINDOWS]
    windows = tuple((label, t.percent) for label, _, t in tallies)
    coverage = tuple(t.covered / span.total_seconds() for _, span, t in tallies)
    return ComponentUptime(tuple(out), windows, coverage=coverage)


def _day(day: date, pieces: Sequence[Piece], declared: Sequence[tuple[datetime, datetime,
         ComponentStatus, str]], lo: datetime, hi: datetime,
         seen: tuple[str, str] = DETECTED) -> DayUptime:
    inside = [p for p in pieces if p.start < hi and p.end > lo]
    worst = max((p.status for p in inside), default=None)
    notes = list(dict.fromkeys(title for a, b, _, title in declared if a < hi and b > lo))
    detected = max((p.probe for p in inside if p.probe is not None), default=None)
    if detected in WEIGHTS:
        notes.append(seen[0])
    elif detected is ComponentStatus.DEGRADED_PERFORMANCE:
        notes.append(seen[1])
    figures = tally(pieces, lo, hi) if lo < hi else Tally(0.0, 0.0)
    share = figures.covered / (hi - lo).total_seconds() if lo < hi else 0.0
    return DayUptime(day, figures.percent, worst, tuple(notes), figures.down,
                     coverage=min(share, 1.0))


def declared_intervals(views: Iterable[View], cid: str, now: datetime
                       ) -> list[tuple[datetime, datetime, ComponentStatus, str]]:
    """Every published incident's and maintenance's intervals for one component."""
    return [(a, b, status, v.incident.title) for a, b, status, v in
            view_intervals(views, cid, now)]


def view_intervals(views: Iterable[View], cid: str, now: datetime
                   ) -> list[tuple[datetime, datetime, ComponentStatus, View]]:
    """``declared_intervals`` with the view each interval comes from (for links)."""
    out = []
    for v in views:
        for a, b, status in v.intervals(cid, now):
            if a < min(b, now):
                out.append((a, min(b, now), status, v))
    return sorted(out, key=lambda x: (x[0], x[3].incident.title, x[3].id))


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
        total = sum(n for n, _, _ in rows)
        p50 = round(sum(n * v for n, v, _ in rows) / total)
        p95 = round(sum(n * v for n, _, v in rows) / total)
        out.setdefault(comp, []).append(LatencyDay(day, p50, p95))
    return out


def site_uptime(config: SiteConfig, views: Sequence[View], now: datetime, *,
                probe_timelines: Mapping[str, Sequence[Interval]],
                latency: Mapping[str, Sequence[LatencyDay]]) -> dict[str, ComponentUptime]:
    """Every component's figures for the site's ``history_days``."""
    out = {}
    days = max(config.history_days, 1)
    oldest = (now - timedelta(days=days + 1)).astimezone(UTC).date()
    for comp in config.components:
        notes = REPORTED if isinstance(comp.probe, UpstreamProbe) else DETECTED
        declared = view_intervals(views, comp.id, now)
        figures = component_uptime(
            probe_timelines.get(comp.id, ()), [(a, b, s, v.incident.title)
                                               for a, b, s, v in declared],
            probed=comp.probe is not None, zone=config.zone, now=now, days=days, notes=notes,
            links=[(a, b, v.id, v.incident.title) for a, b, _, v in declared])
        lat = tuple(x for x in latency.get(comp.id, ()) if x.day >= oldest)
        out[comp.id] = ComponentUptime(figures.days, figures.windows, lat, figures.coverage)
    return out
