"""Uptime reports against figures worked out by hand (site timezone Pacific/Auckland).

Auckland is UTC+12 (NZST) in winter and UTC+13 (NZDT) in summer. In 2026 the clocks go
back on Sunday 5 April (03:00 NZDT becomes 02:00 NZST) and forward on Sunday 27 September
(02:00 NZST becomes 03:00 NZDT). So:

- September 2026 runs from 2026-08-31T12:00Z to 2026-09-30T11:00Z: 30 days less an hour,
  719 hours;
- April 2026 runs from 2026-03-31T11:00Z to 2026-04-30T12:00Z: 721 hours;
- November 2026 runs from 2026-10-31T11:00Z to 2026-11-30T11:00Z: 720 hours.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from mkstatus.compute.reports import (
    component_report,
    error_budget,
    history_start,
    period_of,
    periods_between,
    site_reports,
)
from mkstatus.compute.status import View, view
from mkstatus.compute.uptime import component_uptime
from mkstatus.model import (
    Component,
    ComponentStatus,
    Impact,
    Incident,
    Kind,
    SiteConfig,
    Slo,
    Update,
    UpdateStatus,
)

NZ = ZoneInfo("Pacific/Auckland")
MAJOR = ComponentStatus.MAJOR_OUTAGE
PARTIAL = ComponentStatus.PARTIAL_OUTAGE
DEGRADED = ComponentStatus.DEGRADED_PERFORMANCE
MAINTENANCE = ComponentStatus.UNDER_MAINTENANCE
UP = ComponentStatus.OPERATIONAL
HOUR = 3600.0


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def component(cid: str = "api", *, probed: bool = False, slo: Slo | None = None) -> Component:
    return Component(cid, cid.upper(), None, "", 1, probe=object() if probed else None,
                     slo=slo)


def incident(iid: str, start: str, end: str, *changes: tuple[str, ComponentStatus],
             cid: str = "api", status: ComponentStatus = MAJOR) -> Incident:
    """An incident declaring ``status`` from ``start`` until its resolution at ``end``;
    ``changes`` are further updates (time, new status) in between."""
    updates = [Update(utc(start), UpdateStatus.INVESTIGATING, "", (), 1)]
    updates += [Update(utc(t), UpdateStatus.IDENTIFIED, "", ((cid, s),), 2 + i)
                for i, (t, s) in enumerate(changes)]
    updates.append(Update(utc(end), UpdateStatus.RESOLVED, "", (), 9))
    return Incident(iid, f"incidents/{iid}.md", Kind.INCIDENT, f"Title of {iid}",
                    Impact.MAJOR, ((cid, status),), tuple(updates))


def maintenance(iid: str, start: str, end: str, cid: str = "api") -> Incident:
    return Incident(iid, f"incidents/{iid}.md", Kind.MAINTENANCE, f"Title of {iid}",
                    Impact.MAINTENANCE, ((cid, MAINTENANCE),), (),
                    scheduled_for=utc(start), scheduled_until=utc(end))


def views(now: datetime, *incidents: Incident) -> list[View]:
    out = [view(i, now) for i in incidents]
    return [v for v in out if v is not None]


def month(report, key: str):  # noqa: ANN001, ANN201
    return next(p for p in report.periods["month"] if p.period.key == key)


def test_periods_are_calendar_periods_in_the_site_timezone_across_both_dst_changes() -> None:
    september = period_of("month", date(2026, 9, 15))
    assert (september.key, september.label) == ("2026-09", "September 2026")
    lo, hi = september.bounds(NZ)
    assert (lo, hi) == (utc("2026-08-31T12:00"), utc("2026-09-30T11:00"))
    assert hi - lo == timedelta(hours=719)
    lo, hi = period_of("month", date(2026, 4, 5)).bounds(NZ)
    assert (lo, hi - lo) == (utc("2026-03-31T11:00"), timedelta(hours=721))
    q4 = period_of("quarter", date(2026, 11, 22))
    assert (q4.key, q4.label, q4.first, q4.next) == ("2026-Q4", "Q4 2026", date(2026, 10, 1),
                                                     date(2027, 1, 1))
    year = period_of("year", date(2026, 2, 1))
    assert (year.key, year.first, year.next) == ("2026", date(2026, 1, 1), date(2027, 1, 1))
    assert [p.key for p in periods_between("quarter", date(2025, 12, 31), date(2026, 7, 1))
            ] == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]


def test_a_month_with_a_daylight_saving_change_has_719_hours() -> None:
    # 2 h of major outage (1.0) and 10 h of partial outage (0.3): 5 weighted hours.
    # September has 719 hours: 100 x (1 - 5 / 719) = 99.30459 %, not the 99.30556 % of a
    # 720-hour month.
    item = incident("2026-09-10-outage", "2026-09-10T00:00", "2026-09-10T12:00",
                    ("2026-09-10T02:00", PARTIAL))
    now = utc("2026-10-15T00:00")
    report = component_report(component(), (), views(now, item), zone=NZ,
                              since=utc("2026-08-31T12:00"), now=now)
    sep = month(report, "2026-09")
    assert sep.complete
    assert sep.end - sep.start == timedelta(hours=719)
    assert sep.figures.covered == 719 * HOUR
    assert sep.figures.down == pytest.approx(5 * HOUR)
    assert sep.percent == pytest.approx(100 * (1 - 5 / 719))
    assert sep.percent == pytest.approx(99.304590, abs=1e-6)
    assert sep.figures.seconds(MAJOR) == 2 * HOUR
    assert sep.figures.seconds(PARTIAL) == 10 * HOUR
    assert sep.coverage == 1.0
    q3 = next(p for p in report.periods["quarter"] if p.period.key == "2026-Q3")
    # The history starts on 1 September: Q3 (2207 hours) is covered for 719 of them.
    assert q3.end - q3.start == timedelta(hours=92 * 24 - 1)
    assert q3.coverage == pytest.approx(719 / 2207)
    assert q3.percent == pytest.approx(sep.percent)


def test_maintenance_overlapping_an_outage_counts_only_the_outage_outside_it() -> None:
    # Probes down 01:00-03:00Z; maintenance 02:00-04:00Z. 01:00-02:00 is major outage (1 h
    # of downtime); 02:00-03:00 the failures are inside the window: maintenance (weight 0).
    # November: 720 hours, all covered: 100 x (1 - 1 / 720) = 99.86111 %.
    now = utc("2026-12-05T00:00")
    probe = [(utc("2026-10-20T00:00"), utc("2026-11-10T01:00"), UP),
             (utc("2026-11-10T01:00"), utc("2026-11-10T03:00"), MAJOR),
             (utc("2026-11-10T03:00"), now, UP)]
    window = maintenance("2026-11-10-upgrade", "2026-11-10T02:00", "2026-11-10T04:00")
    report = component_report(component(probed=True), probe, views(now, window), zone=NZ,
                              since=utc("2026-10-20T00:00"), now=now)
    nov = month(report, "2026-11")
    assert nov.figures.covered == 720 * HOUR
    assert nov.figures.down == HOUR
    assert nov.figures.seconds(MAJOR) == HOUR
    assert nov.figures.seconds(MAINTENANCE) == 2 * HOUR
    assert nov.percent == pytest.approx(100 * (1 - 1 / 720))
    [worst] = report.worst_days
    assert worst.day == date(2026, 11, 10)  # 14:00-16:00 NZDT
    assert worst.figures.percent == pytest.approx(100 * (1 - 1 / 24))
    assert worst.incidents == (("2026-11-10-upgrade", "Title of 2026-11-10-upgrade"),)
    assert worst.detected


def test_partial_coverage_is_reported_beside_the_percentage() -> None:
    # A fresh probed site: data from 2026-11-10T00:00Z to 12:00Z, with an hour of partial
    # outage. Uptime over the covered 12 hours: 100 x (1 - 0.3 / 12) = 97.5 %. November
    # so far (from 2026-10-31T11:00Z, 10 days and an hour) is 241 hours: 12 / 241 of it
    # has data.
    now = utc("2026-11-10T12:00")
    probe = [(utc("2026-11-10T00:00"), utc("2026-11-10T05:00"), UP),
             (utc("2026-11-10T05:00"), utc("2026-11-10T06:00"), PARTIAL),
             (utc("2026-11-10T06:00"), now, UP)]
    report = component_report(component(probed=True), probe, [], zone=NZ,
                              since=utc("2026-11-10T00:00"), now=now)
    nov = month(report, "2026-11")
    assert not nov.complete
    assert nov.percent == pytest.approx(97.5)
    assert nov.elapsed == 241 * HOUR
    assert nov.coverage == pytest.approx(12 / 241)
    assert [p.period.key for p in report.periods["month"]] == ["2026-11"]
    # The rolling windows of the component page say the same.
    figures = component_uptime(probe, [], probed=True, zone=NZ, now=now, days=3)
    windows = dict(figures.windows)
    assert windows["24 hours"] == pytest.approx(97.5)
    assert figures.coverage[0] == pytest.approx(12 / 24)
    assert figures.coverage[3] == pytest.approx(12 / (90 * 24))


@pytest.mark.parametrize(("now", "used", "left"), [
    ("2026-11-15T00:30", 30 * 60, 2592 - 1800),  # half an hour down: 13 min 12 s left
    ("2026-11-15T00:43:12", 2592, 0),            # exactly the budget
    ("2026-11-15T01:00", 3600, 2592 - 3600),     # 16 min 48 s over
    ("2026-12-01T00:00", 3600, 2592 - 3600),     # December: a new budget (checked below)
])
def test_error_budget_crossing_zero(now: str, used: float, left: float) -> None:
    # SLO 99.9 % per month; November is 720 hours: the budget is 0.1 % of it, 43 min 12 s
    # (2592 s). A major outage from 2026-11-15T00:00Z uses it up at 00:43:12Z.
    clock = utc(now)
    item = incident("2026-11-15-outage", "2026-11-15T00:00", "2026-11-15T01:00")
    comp = component(slo=Slo(99.9))
    report = component_report(comp, (), views(clock, item), zone=NZ,
                              since=utc("2026-10-01T00:00"), now=clock)
    budget = report.budget
    assert budget is not None
    if clock.month == 12:
        assert budget.report.period.key == "2026-12"
        assert (budget.used, budget.allowed) == (0, pytest.approx(0.001 * 31 * 24 * HOUR))
        nov = error_budget(comp.slo, month(report, "2026-11"), clock)  # type: ignore[arg-type]
        assert (nov.allowed, nov.used) == (pytest.approx(2592), 3600)
        assert nov.exhausted and month(report, "2026-11").percent < 99.9
        return
    assert budget.report.period.key == "2026-11"
    assert budget.allowed == pytest.approx(2592)
    assert budget.used == pytest.approx(used)
    assert budget.left == pytest.approx(left, abs=1e-6)
    assert budget.exhausted is (left < 0)


def test_budget_counts_only_time_with_data() -> None:
    # A quarterly SLO of 99 %, probed, with Q4 2026 (2208 hours, all NZDT: 2026-09-30T11:00Z
    # to 2026-12-31T11:00Z) covered only from 2026-12-01T11:00Z (30 days before its end).
    # At 2026-12-11T11:00Z: 240 hours covered, 480 to come: allowed 1 % of 720 h = 7.2 h,
    # not 1 % of the quarter's 2208 hours.
    now = utc("2026-12-11T11:00")
    probe = [(utc("2026-12-01T11:00"), now, UP)]
    comp = component(probed=True, slo=Slo(99.0, "quarter"))
    report = component_report(comp, probe, [], zone=NZ, since=probe[0][0], now=now)
    assert report.budget is not None
    assert report.budget.report.period.key == "2026-Q4"
    assert report.budget.allowed == pytest.approx(7.2 * HOUR)
    assert report.budget.report.coverage == pytest.approx(240 / (2208 - 480))


def test_site_reports_start_at_the_first_record_and_rank_worst_days() -> None:
    now = utc("2026-11-20T00:00")
    a = incident("2026-11-02-a", "2026-11-02T00:00", "2026-11-02T06:00")
    b = incident("2026-11-05-b", "2026-11-05T00:00", "2026-11-05T02:00", cid="db")
    config = SiteConfig("Site", "https://s.example/", NZ, "",
                        (component("api"), component("db")))
    found = views(now, a, b)
    assert history_start({}, found, now) == utc("2026-11-02T00:00")
    reports = site_reports(config, found, now, probe_timelines={})
    assert reports.since == utc("2026-11-02T00:00")
    assert [(d.component, d.day) for d in reports.worst_days] == [
        ("api", date(2026, 11, 2)), ("db", date(2026, 11, 5))]
    api = reports.components["api"]
    # Covered from the first record on: 2026-11-02T00:00Z to now is 432 hours.
    assert month(api, "2026-11").figures.covered == 432 * HOUR
    assert month(api, "2026-11").percent == pytest.approx(100 * (1 - 6 / 432))
    left_out = site_reports(config, found, now, probe_timelines={}, counted={"api": False})
    assert [d.component for d in left_out.worst_days] == ["db"]
