"""Probe-derived status: down_after, regions, staleness, maintenance, `since`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from mkstatus.compute.status import component_states, view
from mkstatus.model import Component, ComponentStatus, Impact, Incident, Kind, SiteConfig
from mkstatus.probes.config import TcpProbe
from mkstatus.probes.verdicts import max_gap_for, probe_history
from mkstatus.samples.compact import compact
from mkstatus.samples.model import Outcome, Sample
from mkstatus.samples.store import append_samples

from tests.sample_oracle import load_runs, sample_runs

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
OK, DOWN, SLOW = Outcome.OK, Outcome.TIMEOUT, Outcome.DEGRADED
MAJOR, PARTIAL = ComponentStatus.MAJOR_OUTAGE, ComponentStatus.PARTIAL_OUTAGE


def config(down_after: int = 2) -> SiteConfig:
    probe = TcpProbe("db.example", 5432, down_after=down_after, interval_minutes=5)
    return SiteConfig("S", "https://s.example/", ZoneInfo("UTC"), "",
                      (Component("db", "DB", None, "", 1, probe),))


def series(region: str, outcomes: list[Outcome], start: datetime = T0) -> list[Sample]:
    """One sample every 5 minutes from `start`."""
    return [Sample(start + timedelta(minutes=5 * i), "db", region, o, latency_ms=50)
            for i, o in enumerate(outcomes)]


def verdict(samples: list[Sample], now: datetime, down_after: int = 2):  # noqa: ANN201
    cfg = config(down_after)
    return probe_history(cfg, sample_runs(samples, max_gap=max_gap_for(cfg)), now)["db"]


def test_one_failure_is_not_down_two_are_and_since_is_the_first() -> None:
    one = verdict(series("a", [OK, OK, DOWN]), T0 + timedelta(minutes=11))
    assert one.verdict.status is ComponentStatus.OPERATIONAL
    assert one.verdict.since == T0
    two = verdict(series("a", [OK, OK, DOWN, DOWN]), T0 + timedelta(minutes=16))
    assert two.verdict.status is MAJOR
    assert two.verdict.since == T0 + timedelta(minutes=10)
    assert two.verdict.detail == "down since 10:10 UTC (timeout)"
    # History: downtime starts at the first failure, not at the confirmation.
    assert two.timeline[-1] == (T0 + timedelta(minutes=10), T0 + timedelta(minutes=16), MAJOR)


def test_down_after_three() -> None:
    h = verdict(series("a", [OK, DOWN, DOWN]), T0 + timedelta(minutes=11), down_after=3)
    assert h.verdict.status is ComponentStatus.OPERATIONAL
    assert [s for _, _, s in h.timeline] == [ComponentStatus.OPERATIONAL]


def test_majority_of_regions_is_major_some_is_partial() -> None:
    now = T0 + timedelta(minutes=11)
    two_of_three = series("a", [DOWN] * 3) + series("b", [DOWN] * 3) + series("c", [OK] * 3)
    h = verdict(two_of_three, now)
    assert h.verdict.status is MAJOR
    assert h.verdict.detail == "down in 2 of 3 regions since 10:00 UTC (timeout)"
    one_of_three = series("a", [DOWN] * 3) + series("b", [OK] * 3) + series("c", [OK] * 3)
    assert verdict(one_of_three, now).verdict.status is PARTIAL
    one_of_two = series("a", [DOWN] * 3) + series("b", [OK] * 3)
    assert verdict(one_of_two, now).verdict.status is PARTIAL  # half is not a majority
    all_of_two = series("a", [DOWN] * 3) + series("b", [DOWN] * 3)
    assert verdict(all_of_two, now).verdict.detail.startswith("down in all 2 regions")


def test_stale_regions_do_not_vote() -> None:
    old = series("b", [OK, OK], start=T0 - timedelta(hours=2))
    h = verdict(series("a", [DOWN] * 3) + old, T0 + timedelta(minutes=11))
    assert h.verdict.status is MAJOR  # one region reported recently, and it is down


def test_no_sample_for_three_intervals_is_no_recent_data() -> None:
    samples = series("a", [OK, OK])  # last sample at 10:05
    fresh = verdict(samples, T0 + timedelta(minutes=19))
    assert fresh.verdict.status is ComponentStatus.OPERATIONAL
    stale = verdict(samples, T0 + timedelta(minutes=21))
    assert stale.verdict.status is None
    assert stale.verdict.since == T0 + timedelta(minutes=5)
    assert stale.verdict.detail == "no recent data (last sample 10:05 UTC)"
    never = probe_history(config(), [], T0)["db"].verdict
    assert never.status is None and never.detail == "no probe samples yet"


def test_degraded_when_latest_is_slow_and_a_blip_keeps_it() -> None:
    h = verdict(series("a", [OK, SLOW, SLOW, DOWN]), T0 + timedelta(minutes=16))
    assert h.verdict.status is ComponentStatus.DEGRADED_PERFORMANCE
    assert h.verdict.since == T0 + timedelta(minutes=5)
    assert h.verdict.detail == "slow since 10:05 UTC"


def test_maintenance_turns_probe_failures_into_under_maintenance() -> None:
    cfg = config()
    now = T0 + timedelta(minutes=16)
    h = verdict(series("a", [OK, OK, DOWN, DOWN]), now)
    window = Incident("2026-11-22-db", "incidents/x.md", Kind.MAINTENANCE, "DB upgrade",
                      Impact.MAINTENANCE, (("db", ComponentStatus.UNDER_MAINTENANCE),), (),
                      scheduled_for=T0, scheduled_until=T0 + timedelta(hours=1))
    v = view(window, now)
    assert v is not None
    state = component_states(cfg, [v], now, {"db": h.verdict})["db"]
    assert state.status is ComponentStatus.UNDER_MAINTENANCE
    outside = component_states(cfg, [], now, {"db": h.verdict})["db"]
    assert outside.status is MAJOR


def test_same_answer_after_compaction(tmp_path: Path) -> None:
    cfg = config()
    day = datetime(2026, 11, 1, 20, tzinfo=UTC)  # the samples cross a UTC midnight
    pattern = ([OK] * 50 + [DOWN] * 3 + [SLOW] * 4 + [OK] * 100 + [DOWN] + [OK] * 130)
    samples = series("a", pattern, start=day) + series("b", [OK] * 280, start=day)
    append_samples(tmp_path, samples)
    gap = max_gap_for(cfg)
    now = day + timedelta(hours=23)
    before = probe_history(cfg, load_runs(tmp_path, max_gap=gap, warn=print), now)
    report = compact(tmp_path, older_than_days=1, now=day + timedelta(days=3), max_gap=gap)
    assert report.files_compacted == 4
    assert not [p for p in tmp_path.rglob("*.jsonl")  # raw files left empty
                if not p.name.endswith(".runs.jsonl") and p.stat().st_size]
    after = probe_history(cfg, load_runs(tmp_path, max_gap=gap, warn=print), now)
    assert before == after
    assert PARTIAL in [s for _, _, s in after["db"].timeline]
    assert after["db"].verdict.status is ComponentStatus.OPERATIONAL
