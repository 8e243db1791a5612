"""Uptime maths against figures worked out by hand (site timezone Pacific/Auckland).

2026-11-10 in Auckland (NZDT, UTC+13) runs from 2026-11-09T11:00Z to 2026-11-10T11:00Z;
2026-09-27 is the spring-forward day: 23 hours, 2026-09-26T12:00Z to 2026-09-27T11:00Z.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from mkstatus.compute.uptime import component_uptime, daily_latency, day_bounds
from mkstatus.samples.model import Outcome, Sample

from tests.sample_oracle import aggregate_day

NZ = ZoneInfo("Pacific/Auckland")
MAJOR, PARTIAL, DEGRADED, MAINT, UP = (
    "major_outage", "partial_outage", "degraded_performance", "under_maintenance",
    "operational")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def status(code: str):  # noqa: ANN201
    from mkstatus.model import ComponentStatus

    return ComponentStatus.from_code(code)


def iv(a: str, b: str, code: str) -> tuple[datetime, datetime, object]:
    return (utc(a), utc(b), status(code))


def dv(a: str, b: str, code: str, title: str = "Incident") -> tuple:
    return (utc(a), utc(b), status(code), title)


NOV10 = ("2026-11-09T11:00", "2026-11-10T11:00")
NOW = utc("2026-11-12T23:00")  # 2026-11-13 12:00 NZDT: today is half a day


def day(figures, which: date):  # noqa: ANN001, ANN201
    return next(d for d in figures.days if d.day == which)


def run(probe=(), declared=(), probed=True, now=NOW, days=10):  # noqa: ANN001, ANN201
    return component_uptime(list(probe), list(declared), probed=probed, zone=NZ, now=now,
                            days=days)


ALL_UP = [iv("2026-08-01T00:00", "2026-11-12T23:00", UP)]


def test_day_bounds_follow_the_site_timezone_and_dst() -> None:
    assert day_bounds(date(2026, 11, 10), NZ) == (utc(NOV10[0]), utc(NOV10[1]))
    lo, hi = day_bounds(date(2026, 9, 27), NZ)
    assert (lo, hi - lo) == (utc("2026-09-26T12:00"), timedelta(hours=23))


def test_overlapping_incident_and_outage_count_once() -> None:
    # Declared 12:00-14:00Z, probes down 13:00-15:00Z: 3 hours of the 24, not 4.
    probe = [*ALL_UP, iv("2026-11-09T13:00", "2026-11-09T15:00", MAJOR)]
    declared = [dv("2026-11-09T12:00", "2026-11-09T14:00", MAJOR, "Outage")]
    d = day(run(probe, declared), date(2026, 11, 10))
    assert d.percent == pytest.approx(100 * (1 - 3 / 24))  # 87.5
    assert d.worst is status(MAJOR)
    assert d.notes == ("Outage", "outage detected automatically")


def test_two_overlapping_incidents_take_the_worst_not_the_sum() -> None:
    declared = [dv("2026-11-09T12:00", "2026-11-09T16:00", PARTIAL, "A"),
                dv("2026-11-09T14:00", "2026-11-09T15:00", MAJOR, "B")]
    d = day(run(ALL_UP, declared), date(2026, 11, 10))
    # 3 h partial (0.3) + 1 h major (1.0) = 1.9 h of 24.
    assert d.percent == pytest.approx(100 * (1 - 1.9 / 24))
    assert d.notes == ("A", "B")


def test_degraded_is_not_downtime_partial_weighs_point_three() -> None:
    probe = [*ALL_UP, iv("2026-11-09T12:00", "2026-11-09T18:00", DEGRADED),
             iv("2026-11-09T20:00", "2026-11-09T22:00", PARTIAL)]
    d = day(run(probe), date(2026, 11, 10))
    assert d.percent == pytest.approx(100 * (1 - 0.6 / 24))  # 97.5
    assert d.worst is status(PARTIAL)


def test_maintenance_window_is_not_downtime_even_when_probes_fail() -> None:
    probe = [*ALL_UP, iv("2026-11-09T12:00", "2026-11-09T14:00", MAJOR)]
    declared = [dv("2026-11-09T11:30", "2026-11-09T13:30", MAINT, "Upgrade")]
    d = day(run(probe, declared), date(2026, 11, 10))
    # Only 13:30-14:00, after the window closed, is downtime.
    assert d.percent == pytest.approx(100 * (1 - 0.5 / 24))
    # A human-declared outage inside the window still counts.
    declared.append(dv("2026-11-09T12:00", "2026-11-09T13:00", MAJOR, "Broke"))
    d = day(run(probe, declared), date(2026, 11, 10))
    assert d.percent == pytest.approx(100 * (1 - 1.5 / 24))


def test_outage_across_local_midnight_is_split_between_days() -> None:
    # 10:00-12:00Z is 23:00 on the 10th to 01:00 on the 11th, NZDT.
    declared = [dv("2026-11-10T10:00", "2026-11-10T12:00", MAJOR)]
    f = run(ALL_UP, declared)
    assert day(f, date(2026, 11, 10)).percent == pytest.approx(100 * (1 - 1 / 24))
    assert day(f, date(2026, 11, 11)).percent == pytest.approx(100 * (1 - 1 / 24))


def test_dst_day_has_23_hours() -> None:
    probe = [iv("2026-09-01T00:00", "2026-10-01T00:00", UP)]
    declared = [dv("2026-09-27T00:00", "2026-09-27T02:18", MAJOR)]  # 2.3 h
    f = run(probe, declared, now=utc("2026-09-30T00:00"))
    assert day(f, date(2026, 9, 27)).percent == pytest.approx(90.0)


def test_no_data_is_left_out_and_a_day_without_data_is_grey() -> None:
    # Probes covered 12 h of the 10th (local), with 1.2 h down; nothing on the 11th.
    probe = [iv(NOV10[0], "2026-11-09T21:48", UP), iv("2026-11-09T21:48", "2026-11-09T23:00",
                                                       MAJOR)]
    f = run(probe)
    assert day(f, date(2026, 11, 10)).percent == pytest.approx(90.0)
    assert day(f, date(2026, 11, 10)).coverage == pytest.approx(0.5)  # said beside the 90%
    grey = day(f, date(2026, 11, 11))
    assert (grey.percent, grey.worst, grey.notes, grey.coverage) == (None, None, (), 0.0)
    # A declared incident is data even where probes were silent.
    f = run(probe, [dv("2026-11-10T12:00", "2026-11-10T13:00", PARTIAL, "X")])
    assert day(f, date(2026, 11, 11)).percent == pytest.approx(100 * (1 - 0.3))


def test_component_without_probes_is_covered_by_its_incidents() -> None:
    f = run(probed=False, declared=[dv("2026-11-09T11:00", "2026-11-09T13:24", MAJOR)])
    assert day(f, date(2026, 11, 10)).percent == pytest.approx(90.0)
    assert day(f, date(2026, 11, 11)).percent == 100.0
    assert all(d.percent is not None for d in f.days)


def test_today_is_a_partial_day_and_windows_roll_from_now() -> None:
    # Today (the 13th, local) has run 12 h by NOW; 1.2 h of it down.
    declared = [dv("2026-11-12T12:00", "2026-11-12T13:12", MAJOR)]
    f = run(ALL_UP, declared)
    assert f.days[-1].day == date(2026, 11, 13)
    assert f.days[-1].percent == pytest.approx(90.0)
    assert f.days[-1].coverage == 1.0  # the day so far is all covered
    assert dict(f.windows)["24 hours"] == pytest.approx(100 * (1 - 1.2 / 24))
    assert dict(f.windows)["7 days"] == pytest.approx(100 * (1 - 1.2 / 168))
    assert len(f.days) == 10


def test_daily_latency_is_the_same_from_raw_samples_and_aggregates() -> None:
    t = utc("2026-11-10T00:00")
    samples = [Sample(t + timedelta(minutes=i), "api", "a", Outcome.OK, 200, 100 + i)
               for i in range(20)]
    samples += [Sample(t + timedelta(minutes=i), "api", "b", Outcome.OK, 200, 300)
                for i in range(10)]
    samples.append(Sample(t + timedelta(minutes=30), "api", "b", Outcome.TIMEOUT,
                          latency_ms=9999))  # failures carry no response time
    raw = daily_latency(samples, [])
    # Region a: p50 = 10th of 100..119 = 109, p95 = 19th = 118; region b: 300 and 300,
    # weighted by each region's sample count (20 and 11, as compaction keeps them).
    (only,) = raw["api"]
    assert (only.p50, only.p95) == (round((20 * 109 + 11 * 300) / 31),
                                    round((20 * 118 + 11 * 300) / 31))
    aggs = aggregate_day(date(2026, 11, 10), samples, timedelta(minutes=15))
    assert daily_latency([], aggs) == raw
