"""Uptime reports: every component by calendar month, quarter and year, error budgets
and worst days, as pure functions of the merged timelines and ``now``.

The figures are the daily bars' (``uptime.py``): the same merged timeline of effective
statuses (``effective_pieces``), the same weights (major_outage 1.0, partial_outage 0.3,
degraded_performance and under_maintenance 0) and the same rule for missing data (left
out of the percentage). A report adds what a promise needs beside the percentage:

- **coverage**, the share of the period (so far) with data, so "70.00 %" after a few
  minutes of data says so;
- the **error budget** of an ``slo:``: ``allowed = (100 - target) % x (time with data
  so far + time still to come in the period)``, ``used`` the weighted downtime so far,
  ``left = allowed - used`` (negative once the promise is broken). Counting only time
  with data keeps the budget and the percentage consistent: a finished period's budget
  is left (>= 0) exactly when its uptime met the target;
- **worst days**, with the incidents and maintenance that touched them.

Periods are calendar periods in the site's timezone: a month with a daylight-saving
change is an hour shorter or longer. The history starts at the site's first record (its
first probe sample or published incident, whichever is older): a component without
probes is covered from then on; a probed one only where it has data or a declared status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from mkstatus.compute.status import View
from mkstatus.compute.uptime import (
    WEIGHT_BY_RANK,
    WEIGHTS,
    Interval,
    Piece,
    Tally,
    day_bounds,
    effective_pieces,
    intervals_by_component,
    tallies,
    view_intervals,
)
from mkstatus.model import Component, ComponentStatus, SiteConfig, Slo

PERIOD_KINDS = ("month", "quarter", "year")
WORST_DAYS = 10
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar month, quarter or year in the site's timezone."""

    kind: str  # month, quarter or year
    key: str  # 2026-11, 2026-Q4, 2026
    label: str  # November 2026, Q4 2026, 2026
    first: date  # its first local day
    next: date  # the first local day after it

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        return day_bounds(self.first, zone)[0], day_bounds(self.next, zone)[0]


@dataclass(frozen=True, slots=True)
class PeriodReport:
    period: Period
    start: datetime
    end: datetime  # exclusive
    until: datetime  # min(end, now): the part that has happened
    figures: Tally

    @property
    def complete(self) -> bool:
        return self.until >= self.end

    @property
    def elapsed(self) -> float:
        return max(0.0, (self.until - self.start).total_seconds())

    @property
    def percent(self) -> float | None:
        return self.figures.percent

    @property
    def coverage(self) -> float:
        """Share of the elapsed period with data, 0 to 1."""
        return self.figures.covered / self.elapsed if self.elapsed else 0.0


@dataclass(frozen=True, slots=True)
class Budget:
    """An SLO's error budget for the period under way, in seconds."""

    slo: Slo
    report: PeriodReport
    allowed: float
    used: float

    @property
    def left(self) -> float:
        return self.allowed - self.used

    @property
    def exhausted(self) -> bool:
        return self.used > self.allowed


@dataclass(frozen=True, slots=True)
class WorstDay:
    component: str
    day: date
    figures: Tally
    incidents: tuple[tuple[str, str], ...]  # (id, title) of what was declared that day
    detected: bool  # the probes saw trouble that day


@dataclass(frozen=True, slots=True)
class ComponentReport:
    component: str
    since: datetime | None  # its first data; None: none yet
    periods: Mapping[str, tuple[PeriodReport, ...]]  # by kind, newest first
    budget: Budget | None
    worst_days: tuple[WorstDay, ...]
    counted: bool = True  # in the site's figures (False: an upstream service)


@dataclass(frozen=True, slots=True)
class Reports:
    since: datetime  # the site's first record
    now: datetime
    components: Mapping[str, ComponentReport]
    worst_days: tuple[WorstDay, ...]  # across the counted components


def period_of(kind: str, day: date) -> Period:
    """The month, quarter or year that holds a local day."""
    if kind == "month":
        first = day.replace(day=1)
        return Period(kind, f"{day:%Y-%m}", f"{MONTHS[day.month - 1]} {day.year}", first,
                      _add_months(first, 1))
    if kind == "quarter":
        quarter = (day.month - 1) // 3 + 1
        first = date(day.year, 3 * quarter - 2, 1)
        return Period(kind, f"{day.year}-Q{quarter}", f"Q{quarter} {day.year}", first,
                      _add_months(first, 3))
    if kind == "year":
        return Period(kind, str(day.year), str(day.year), date(day.year, 1, 1),
                      date(day.year + 1, 1, 1))
    raise ValueError(kind)


def periods_between(kind: str, first: date, last: date) -> list[Period]:
    """Every period of a kind from the one holding ``first`` to the one holding ``last``,
    oldest first."""
    out = [period_of(kind, first)]
    while out[-1].next <= last:
        out.append(period_of(kind, out[-1].next))
    return out


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def history_start(probe_timelines: Mapping[str, Sequence[Interval]],
                  views: Iterable[View], now: datetime) -> datetime:
    """The site's first record: its oldest probe data or published incident start."""
    firsts = [t[0][0] for t in probe_timelines.values() if t]
    firsts += [v.start for v in views if v.start <= now]
    return min([*firsts, now])


def component_report(comp: Component, probe: Sequence[Interval], views: Sequence[View], *,
                     zone: tzinfo, since: datetime, now: datetime, counted: bool = True,
                     worst: int = WORST_DAYS,
                     declared: Sequence[tuple[datetime, datetime, ComponentStatus, View]]
                     | None = None) -> ComponentReport:
    """One component's periods (month, quarter, year), budget and worst days;
    ``declared``: its ``view_intervals`` when the caller has them already."""
    if declared is None:
        declared = view_intervals(views, comp.id, now)
    pieces = effective_pieces(probe, [(a, b, s) for a, b, s, _ in declared],
                              probed=comp.probe is not None, start=since, end=now)
    first = pieces[0].start if pieces else None
    first_day = (first or now).astimezone(zone).date()
    today = now.astimezone(zone).date()
    periods = {kind: _period_reports(kind, pieces, first_day, today, zone, now)
               for kind in PERIOD_KINDS}
    budget = None
    if comp.slo is not None:
        budget = error_budget(comp.slo, periods[comp.slo.period][0], now)
    days = _worst_days(comp.id, pieces, declared, first_day, today, zone, now, worst)
    return ComponentReport(comp.id, first, periods, budget, days, counted)


def _period_reports(kind: str, pieces: Sequence[Piece], first: date, last: date,
                    zone: tzinfo, now: datetime) -> tuple[PeriodReport, ...]:
    periods = periods_between(kind, first, last)
    bounds = [p.bounds(zone) for p in periods]
    figures = tallies(pieces, [(lo, min(hi, now)) for lo, hi in bounds])
    out = [PeriodReport(p, lo, hi, min(hi, now), f)
           for p, (lo, hi), f in zip(periods, bounds, figures, strict=True)]
    return tuple(reversed(out))


def error_budget(slo: Slo, report: PeriodReport, now: datetime) -> Budget:
    """The budget of the period under way (see the module docstring for the formula)."""
    remaining = max(0.0, (report.end - max(now, report.start)).total_seconds())
    # Rounded to the millisecond: 100 - 99.9 is 0.0999999999999943 in floating point,
    # and a budget used to the second must not read as overspent.
    allowed = round((100.0 - slo.target) * (report.figures.covered + remaining) / 100.0, 3)
    return Budget(slo, report, allowed, report.figures.down)


def _worst_days(cid: str, pieces: Sequence[Piece],
                declared: Sequence[tuple[datetime, datetime, ComponentStatus, View]],
                first: date, last: date, zone: tzinfo, now: datetime, limit: int
                ) -> tuple[WorstDay, ...]:
    # Only days that overlap some downtime can be among the worst: a year of days is
    # tallied in a few hundredths of a second then, whatever the number of components.
    candidates: set[date] = set()
    for p in pieces:
        if p.status in WEIGHTS:
            day = p.start.astimezone(zone).date()
            while day <= min(p.end.astimezone(zone).date(), last):
                candidates.add(day)
                day += timedelta(days=1)
    days = sorted(d for d in candidates if d >= first)
    bounds = [day_bounds(d, zone) for d in days]
    # Ranked on covered and weighted downtime alone (the same sums, in the same order, as
    # ``tally``'s), and tallied in full only for the days kept.
    bad = [(100.0 * (1 - down / covered), d, lo, hi) for d, (lo, hi), (covered, down)
           in zip(days, bounds, _downtimes(pieces, [(lo, min(hi, now)) for lo, hi in bounds]),
                  strict=True) if down > 0 and covered != 0]
    bad.sort(key=lambda x: (x[0], -x[1].toordinal()))
    kept = bad[:limit]
    figures = tallies(pieces, [(lo, min(hi, now)) for _, _, lo, hi in kept])
    out = []
    for (_, day, lo, hi), f in zip(kept, figures, strict=True):
        named = dict.fromkeys((v.id, v.incident.title) for a, b, _, v in declared
                              if a < hi and b > lo)
        seen = any(p.probe in WEIGHTS for p in pieces if p.start < hi and p.end > lo)
        out.append(WorstDay(cid, day, f, tuple(named), seen))
    return tuple(out)


def _downtimes(pieces: Sequence[Piece], bounds: Sequence[tuple[datetime, datetime]]
               ) -> list[tuple[float, float]]:
    """(covered, weighted downtime) over each stretch of ``bounds`` (in time order): what
    ``tallies`` adds up, without the time per status a ranking does not need."""
    out = []
    first = 0
    count = len(pieces)
    for lo, hi in bounds:
        while first < count and pieces[first].end <= lo:
            first += 1
        covered = down = 0.0
        for i in range(first, count):
            p = pieces[i]
            if p.start >= hi:
                break
            span = (min(p.end, hi) - max(p.start, lo)).total_seconds()
            if span > 0:
                covered += span
                down += span * WEIGHT_BY_RANK[p.status.rank]
        out.append((covered, down))
    return out


def site_reports(config: SiteConfig, views: Sequence[View], now: datetime, *,
                 probe_timelines: Mapping[str, Sequence[Interval]],
                 counted: Mapping[str, bool] | None = None) -> Reports:
    """Every component's report; ``counted`` names the components left out of the
    site's own figures (upstream services)."""
    since = history_start(probe_timelines, views, now)
    counted = counted or {}
    declared = intervals_by_component(views, [c.id for c in config.components], now)
    out = {}
    for comp in config.components:
        out[comp.id] = component_report(
            comp, probe_timelines.get(comp.id, ()), views, zone=config.zone, since=since,
            now=now, counted=counted.get(comp.id, True), declared=declared[comp.id])
    worst = sorted((d for r in out.values() if r.counted for d in r.worst_days),
                   key=lambda d: (d.figures.percent or 0.0, -d.day.toordinal(),
                                  d.component))
    return Reports(since.astimezone(UTC), now, out, tuple(worst[:WORST_DAYS]))
