"""Status semantics: pure functions of the incident files and `now`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from mkstatus.compute.site import compute
from mkstatus.compute.status import view
from mkstatus.config import parse_config
from mkstatus.incidents.parse import parse_incident
from mkstatus.model import ComponentStatus, Indicator, Kind

CONFIG, _ = parse_config(
    {"timezone": "UTC", "components": [{"id": "api"}, {"id": "web"}, {"id": "db"}]},
    site_name="T", site_url="https://status.example.com/")
assert CONFIG is not None


def incident(text: str, stem: str = "2026-01-01-x"):  # type: ignore[no-untyped-def]
    parsed, problems = parse_incident(f"incidents/{stem}.md", stem, text.encode(), CONFIG)
    assert not problems, [str(p) for p in problems]
    return parsed


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


OUTAGE = """---
title: API down
impact: major
components: {api: major_outage}
---
## 2026-01-01 12:00 Z — Resolved
Components: api=operational

## 2026-01-01 11:00 Z — Monitoring
Components: api=degraded_performance

## 2026-01-01 10:00 Z — Investigating
"""


@pytest.mark.parametrize(("moment", "status", "api", "ind"), [
    ("2026-01-01T09:59", None, ComponentStatus.OPERATIONAL, Indicator.NONE),
    ("2026-01-01T10:00", "investigating", ComponentStatus.MAJOR_OUTAGE, Indicator.MAJOR),
    ("2026-01-01T11:30", "monitoring", ComponentStatus.DEGRADED_PERFORMANCE, Indicator.MAJOR),
    ("2026-01-01T12:00", "resolved", ComponentStatus.OPERATIONAL, Indicator.NONE),
])
def test_incident_follows_its_published_updates(moment: str, status: str | None,
                                                api: ComponentStatus, ind: Indicator) -> None:
    inc = incident(OUTAGE)
    site = compute(CONFIG, [inc], at(moment))
    assert (site.views[0].status if site.views else None) == status
    assert site.states["api"].status is api
    assert site.states["web"].status is ComponentStatus.OPERATIONAL
    assert site.indicator is ind


def test_every_component_down_is_critical_and_banner_texts() -> None:
    text = """---
title: All down
impact: minor
components: {api: major_outage, web: major_outage, db: major_outage}
---
## 2026-01-01 10:00 Z — Investigating
"""
    site = compute(CONFIG, [incident(text)], at("2026-01-01T10:30"))
    assert site.indicator is Indicator.CRITICAL
    assert site.indicator.banner == "Major System Outage"
    assert [i.banner for i in Indicator] == [
        "All Systems Operational", "Service Under Maintenance", "Minor Service Outage",
        "Partial System Outage", "Major System Outage"]


def test_backdated_start_and_resolution_time() -> None:
    text = OUTAGE.replace("impact: major\n", "impact: major\nstarted: 2026-01-01 09:30 Z\n")
    v = view(incident(text), at("2026-01-02T00:00"))
    assert v is not None
    assert v.start == at("2026-01-01T09:30")
    assert v.resolved_at == at("2026-01-01T12:00")
    assert v.intervals("api", at("2026-01-02T00:00")) == [
        (at("2026-01-01T09:30"), at("2026-01-01T11:00"), ComponentStatus.MAJOR_OUTAGE),
        (at("2026-01-01T11:00"), at("2026-01-01T12:00"), ComponentStatus.DEGRADED_PERFORMANCE)]


MAINTENANCE = """---
title: DB upgrade
components: [db]
scheduled_for: 2026-01-05 10:00 Z
scheduled_until: 2026-01-05 12:00 Z
---
## 2026-01-01 09:00 Z — Scheduled
Planned.
"""


@pytest.mark.parametrize(("moment", "status", "db", "ind"), [
    ("2026-01-04T00:00", "scheduled", ComponentStatus.OPERATIONAL, Indicator.NONE),
    ("2026-01-05T10:00", "in_progress", ComponentStatus.UNDER_MAINTENANCE, Indicator.MAINTENANCE),
    ("2026-01-05T12:00", "completed", ComponentStatus.OPERATIONAL, Indicator.NONE),
])
def test_maintenance_follows_the_clock(moment: str, status: str, db: ComponentStatus,
                                       ind: Indicator) -> None:
    site = compute(CONFIG, [incident(MAINTENANCE)], at(moment))
    assert site.views[0].kind is Kind.MAINTENANCE
    assert site.views[0].status == status
    assert site.states["db"].status is db
    assert site.indicator is ind


def test_verifying_holds_at_most_an_hour_past_the_window() -> None:
    text = MAINTENANCE + "\n## 2026-01-05 11:50 Z — Verifying\nChecking.\n"
    inc = incident(text)
    held = view(inc, at("2026-01-05T12:30"))
    done = view(inc, at("2026-01-05T13:00"))
    assert held is not None and held.status == "verifying" and held.end is None
    assert done is not None and done.status == "completed"
    assert done.end == at("2026-01-05T13:00")
    assert [s for _, s in done.auto] == ["in_progress", "completed"]


def test_cancelled_and_completed_updates_end_it_at_once() -> None:
    cancelled = view(incident(MAINTENANCE + "\n## 2026-01-02 09:00 Z — Cancelled\n"),
                     at("2026-01-05T11:00"))
    assert cancelled is not None and cancelled.status == "cancelled"
    assert cancelled.intervals("db", at("2026-01-05T11:00")) == []
    early = view(incident(MAINTENANCE + "\n## 2026-01-05 10:40 Z — Completed\n"),
                 at("2026-01-05T11:00"))
    assert early is not None and early.status == "completed"
    assert early.end == at("2026-01-05T10:40")


def test_notice_affects_no_status_and_pin_and_draft() -> None:
    notice = incident("---\ntitle: Hello\ninformational: true\npin: true\n---\n"
                      "## 2026-01-01 10:00 Z — Resolved\nNews.\n", "2026-01-01-n")
    draft = incident(OUTAGE.replace("impact: major\n", "impact: major\ndraft: true\n"),
                     "2026-01-01-d")
    site = compute(CONFIG, [notice, draft], at("2026-01-02T00:00"))
    assert [v.id for v in site.views] == ["2026-01-01-n"]
    assert [v.id for v in site.pinned] == ["2026-01-01-n"]
    assert site.indicator is Indicator.NONE


def test_future_updates_are_held_back_and_named() -> None:
    site = compute(CONFIG, [incident(OUTAGE)], at("2026-01-01T10:30"))
    assert len(site.views[0].updates) == 1
    assert [str(w) for w in site.warnings] == [
        "incidents/2026-01-01-x.md:6:4: update 'Resolved' at 2026-01-01 12:00 UTC is in the "
        "future: not published yet",
        "incidents/2026-01-01-x.md:9:4: update 'Monitoring' at 2026-01-01 11:00 UTC is in the "
        "future: not published yet"]


def test_worst_of_two_incidents_and_groups() -> None:
    other = incident("---\ntitle: Slow\nimpact: minor\ncomponents: {api: partial_outage}\n---\n"
                     "## 2026-01-01 10:15 Z — Identified\n", "2026-01-01-y")
    site = compute(CONFIG, [incident(OUTAGE), other], at("2026-01-01T11:30"))
    assert site.states["api"].status is ComponentStatus.PARTIAL_OUTAGE
    assert site.states["api"].incidents == ("2026-01-01-x", "2026-01-01-y")
    assert site.group_status(["api", "web"]) is ComponentStatus.PARTIAL_OUTAGE
