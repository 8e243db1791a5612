"""The uptime sweeps give exactly what the obvious scans gave, on random timelines.

``effective_pieces``, ``overlapping``, the worst days' ranking and
``intervals_by_component`` were rewritten for ten thousand incidents (sweeps and rank
lists instead of a scan of every interval per day and ``Counter``s keyed by the enum).
The oracles below are the straightforward versions they replaced; a figure that moved by
one float ulp or a note in another order would change a page, so equality is exact.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from mkstatus.compute import reports, uptime
from mkstatus.compute.reports import component_report
from mkstatus.compute.status import View, view
from mkstatus.compute.uptime import (
    WEIGHTS,
    Piece,
    day_bounds,
    effective_pieces,
    intervals_by_component,
    overlapping,
    tallies,
    view_intervals,
)
from mkstatus.model import (
    Component,
    ComponentStatus,
    Impact,
    Incident,
    Kind,
    Update,
    UpdateStatus,
)

PARIS = ZoneInfo("Europe/Paris")
T0 = datetime(2026, 3, 1, tzinfo=UTC)
STATUSES = list(ComponentStatus)


def _intervals(rng: random.Random, count: int, span_h: int = 24 * 50
               ) -> list[tuple[datetime, datetime, ComponentStatus]]:
    out = []
    for _ in range(count):
        a = T0 + timedelta(minutes=rng.randrange(span_h * 60))
        b = a + timedelta(minutes=rng.choice([0, 1, 5, 90, 600, 3000]))
        out.append((a, b, rng.choice(STATUSES)))
    return out


def _pieces_by_counters(probe, declared, *, probed, start, end):  # noqa: ANN001, ANN202
    """The merged timeline as it was computed before: ``Counter``s per source."""
    none = ComponentStatus.OPERATIONAL
    events = [(start, 0, 0, none)]
    for source, items in ((0, declared), (1, probe)):
        for a, b, status in items:
            if a < end and b > start and a < b:
                events += [(max(a, start), 1, source, status), (min(b, end), -1, source,
                                                                  status)]
    events.sort(key=lambda e: (e[0], e[1]))
    open_: list[Counter[ComponentStatus]] = [Counter(), Counter()]
    out: list[Piece] = []
    for (t, step, source, status), (nxt, *_) in zip(events, [*events[1:], (end, 0, 0, none)],
                                                   strict=True):
        if step:
            open_[source][status] += step
        if t < nxt:
            said, seen = +open_[0], +open_[1]
            if not (said or seen or not probed):
                continue
            declared_status = max(said, default=none)
            probe_status = max(seen, default=none)
            if ComponentStatus.UNDER_MAINTENANCE in said and probe_status > none:
                probe_status = ComponentStatus.UNDER_MAINTENANCE
            piece = Piece(t, nxt, max(declared_status, probe_status),
                          probe_status if seen else None)
            if out and out[-1].end == t and (out[-1].status, out[-1].probe) == (
                    piece.status, piece.probe):
                out[-1] = Piece(out[-1].start, nxt, piece.status, piece.probe)
            else:
                out.append(piece)
    return out


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("probed", [True, False])
def test_effective_pieces_equal_the_counter_sweep(seed: int, probed: bool) -> None:
    rng = random.Random(seed)
    probe = sorted(_intervals(rng, rng.randrange(20, 60)))
    declared = _intervals(rng, rng.randrange(10, 40))
    start = T0 + timedelta(days=rng.randrange(0, 20))
    end = start + timedelta(days=rng.randrange(1, 40))
    got = effective_pieces(probe, declared, probed=probed, start=start, end=end)
    assert got == _pieces_by_counters(probe, declared, probed=probed, start=start, end=end)
    assert len(got) > 3  # the windows cross many intervals


@pytest.mark.parametrize("seed", range(12))
def test_overlapping_equals_a_scan_of_every_item_per_day(seed: int) -> None:
    rng = random.Random(seed)
    items = [(a, b, rng.choice("abcdefg")) for a, b, _ in _intervals(rng, 80)]
    if seed % 2:
        rng.shuffle(items)  # not in time order: the items' own order still decides
    days = [date(2026, 3, 1) + timedelta(days=n) for n in range(0, 70, rng.choice([1, 2]))]
    bounds = [day_bounds(d, PARIS) for d in days]
    bounds[-1] = (bounds[-1][0], bounds[-1][0])  # "now" at midnight: an empty last day
    expected = [tuple(dict.fromkeys(v for a, b, v in items if a < hi and b > lo))
                for lo, hi in bounds]
    assert overlapping(items, bounds) == expected
    assert any(len(x) > 1 for x in expected)


def _incident(iid: str, start: datetime, hours: int, *changes: tuple[str, str]) -> Incident:
    comps = tuple((cid, ComponentStatus.from_code(code)) for cid, code in changes)
    middle = start + timedelta(hours=hours / 2)
    updates = (Update(start, UpdateStatus.INVESTIGATING, "", (), 1),
               Update(middle, UpdateStatus.IDENTIFIED, "", comps[:1], 2),
               Update(start + timedelta(hours=hours), UpdateStatus.RESOLVED, "", (), 3))
    # Titles repeat, so the links of one day are ordered by title, then by id.
    return Incident(iid, f"incidents/{iid}.md", Kind.INCIDENT, f"Title {int(iid[-3:]) % 7}",
                    Impact.MINOR, comps, updates)


def _views(rng: random.Random, now: datetime, count: int) -> tuple[View, ...]:
    out = []
    for n in range(count):
        start = T0 + timedelta(hours=rng.randrange(24 * 200))
        cids = rng.sample(["api", "web", "db", "dns"], k=rng.randint(1, 3))
        incident = _incident(f"{start:%Y-%m-%d}-i{n:03d}", start, rng.randint(1, 80),
                             *((cid, rng.choice(["partial_outage", "major_outage",
                                                 "degraded_performance"])) for cid in cids))
        v = view(incident, now)
        if v is not None:
            out.append(v)
    return tuple(out)


def test_intervals_by_component_equal_asking_every_view_and_are_copies() -> None:
    rng = random.Random(3)
    now = T0 + timedelta(days=150)
    views = _views(rng, now, 120)
    cids = ["api", "web", "db", "dns", "nothing"]

    def asked(cid: str) -> list[tuple]:
        found = [(a, min(b, now), s, v) for v in views for a, b, s in v.intervals(cid, now)
                 if a < min(b, now)]
        return sorted(found, key=lambda x: (x[0], x[3].incident.title, x[3].id))

    first = intervals_by_component(views, cids, now)
    assert first == {cid: asked(cid) for cid in cids}
    assert first["nothing"] == [] and len(first["api"]) > 10
    first["api"].clear()  # a caller's copy: the answer kept for the next caller is intact
    second = intervals_by_component(views, cids, now)
    assert second == {cid: asked(cid) for cid in cids}
    assert uptime._LAST == []  # kept for one more call only, then let go
    assert intervals_by_component(views, cids, now) == second
    assert view_intervals(list(views), "web", now) == asked("web")


def test_worst_days_rank_as_full_tallies_do() -> None:
    rng = random.Random(11)
    now = T0 + timedelta(days=150)
    views = _views(rng, now, 150)
    probe = effective_pieces((), _intervals(rng, 30), probed=False, start=T0, end=now)
    timeline = [(p.start, p.end, p.status) for p in probe]
    comp = Component("api", "API", None, "", 1)
    report = component_report(comp, timeline, views, zone=PARIS, since=T0, now=now,
                              worst=25)
    # The oracle: every day tallied in full, ranked by its percentage, newest first.
    declared = view_intervals(views, "api", now)
    pieces = effective_pieces(timeline, [(a, b, s) for a, b, s, _ in declared],
                              probed=False, start=T0, end=now)
    first = T0.astimezone(PARIS).date()
    days = [first + timedelta(days=n) for n in range((now - T0).days + 1)]
    bounds = [day_bounds(d, PARIS) for d in days]
    figures = tallies(pieces, [(lo, min(hi, now)) for lo, hi in bounds])
    bad = sorted(((f.percent, d, f) for d, f in zip(days, figures, strict=True)
                  if f.down > 0 and f.percent is not None),
                 key=lambda x: (x[0], -x[1].toordinal()))
    assert [(d.day, d.figures) for d in report.worst_days] == [(d, f) for _, d, f in
                                                               bad[:25]]
    assert len(report.worst_days) == 25


def test_downtimes_are_the_tallies_sums() -> None:
    rng = random.Random(5)
    pieces = effective_pieces(_intervals(rng, 40), _intervals(rng, 40), probed=True,
                              start=T0, end=T0 + timedelta(days=60))
    bounds = [day_bounds(date(2026, 3, 1) + timedelta(days=n), PARIS) for n in range(60)]
    assert reports._downtimes(pieces, bounds) == [(t.covered, t.down) for t in
                                                  tallies(pieces, bounds)]
    assert any(down for _, down in reports._downtimes(pieces, bounds))
    assert set(WEIGHTS) == {ComponentStatus.MAJOR_OUTAGE, ComponentStatus.PARTIAL_OUTAGE}


def test_daily_latency_of_one_region_is_the_weighted_mean_as_before() -> None:
    """One region's day takes its percentiles as they are; only where a float cannot
    hold them (absurd latencies) does the weighted mean's rounding still apply."""
    from mkstatus.compute.uptime import daily_latency
    from mkstatus.samples.model import DayAggregate

    day = date(2026, 11, 20)
    rows = [DayAggregate(day, "api", "eu", 288, 140, 210, ()),
            DayAggregate(day, "web", "eu", 7, 2**63 + 1, -(2**60) - 1, ()),
            DayAggregate(day, "db", "eu", 3, 10, 20, ()),
            DayAggregate(day, "db", "us", 1, 30, 41, ())]
    got = {c: [(x.p50, x.p95) for x in days] for c, days in daily_latency((), rows).items()}
    assert got == {"api": [(140, 210)], "web": [(round(7 * (2**63 + 1) / 7),
                                                  round(7 * (-(2**60) - 1) / 7))],
                   "db": [(15, 25)]}
    assert got["web"] != [(2**63 + 1, -(2**60) - 1)]
