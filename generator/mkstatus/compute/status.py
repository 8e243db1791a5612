"""What is true at `now`: pure functions of incidents, probe verdicts and the time.

Everything the site shows about "current status" is computed here, once; renderers only
format it. No function reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from mkstatus.model import (
    ComponentStatus,
    Impact,
    Incident,
    Indicator,
    Kind,
    MaintenanceStatus,
    SiteConfig,
    Status,
    Update,
    UpdateStatus,
)

HOLD = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class View:
    """An incident, notice or maintenance as published at `now`."""

    incident: Incident
    updates: tuple[Update, ...]  # published ones, oldest first
    status: Status
    start: datetime
    end: datetime | None  # resolution, or the end of maintenance; None while open
    auto: tuple[tuple[datetime, MaintenanceStatus], ...] = ()  # clock-made maintenance transitions

    @property
    def id(self) -> str:
        return self.incident.id

    @property
    def kind(self) -> Kind:
        return self.incident.kind

    @property
    def resolved_at(self) -> datetime | None:
        return self.end if self.status.ends else None

    @property
    def is_open(self) -> bool:
        return self.end is None and self.status is not MaintenanceStatus.SCHEDULED

    @property
    def last_time(self) -> datetime:
        return self.updates[-1].time if self.updates else self.start

    @property
    def next_update(self) -> datetime | None:
        """When the latest published update promised the next one, while still open."""
        if self.end is not None or not self.updates:
            return None
        return self.updates[-1].next_update

    def overdue(self, now: datetime) -> bool:
        """The promised time has passed with no newer published update."""
        return self.next_update is not None and self.next_update < now

    def declared(self, cid: str, moment: datetime) -> ComponentStatus | None:
        """The status this incident gives a component at a moment, if any."""
        far = moment + timedelta(days=1)  # open incidents last past `moment`
        for begin, finish, status in self.intervals(cid, far):
            if begin <= moment < finish:
                return status
        return None

    def intervals(self, cid: str, now: datetime) -> list[tuple[datetime, datetime,
                                                               ComponentStatus]]:
        """Half-open intervals during which this incident set the component's status."""
        if (cid not in self.incident.component_ids or self.kind is Kind.NOTICE
                or self.status in (MaintenanceStatus.SCHEDULED, MaintenanceStatus.CANCELLED)):
            return []
        finish = self.end if self.end is not None else now
        if self.kind is Kind.MAINTENANCE:
            affected = cid in dict(self.incident.components)
            return [(self.start, finish, ComponentStatus.UNDER_MAINTENANCE)] if (
                affected and self.start < finish) else []
        current = dict(self.incident.components).get(cid)
        points: list[tuple[datetime, ComponentStatus | None]] = [(self.start, current)]
        for update in self.updates:
            change = dict(update.components).get(cid)
            if change is not None:
                points.append((max(update.time, self.start), change))
        out: list[tuple[datetime, datetime, ComponentStatus]] = []
        for (begin, status), (after, _) in zip(points, points[1:] + [(finish, None)],
                                               strict=True):
            end = min(after, finish)
            if status is not None and status is not ComponentStatus.OPERATIONAL and begin < end:
                out.append((begin, end, status))
        return out


def view(incident: Incident, now: datetime) -> View | None:
    """The incident as the public sees it at `now`, or None if nothing is published.

    A maintenance without updates is published at once (the file is its announcement);
    one with updates, like an incident, from its first update on: an announcement dated
    tomorrow is not shown today."""
    if incident.draft:
        return None
    published = tuple(u for u in incident.updates if u.time <= now)
    if incident.updates and not published:
        return None
    if incident.kind is Kind.MAINTENANCE:
        return _maintenance_view(incident, published, now)
    if not published:
        return None
    latest = published[-1]
    start = incident.started or published[0].time
    end = latest.time if latest.status is UpdateStatus.RESOLVED else None
    return View(incident, published, latest.status, start, end)


def _maintenance_view(incident: Incident, published: tuple[Update, ...],
                      now: datetime) -> View:
    window_start, until = incident.scheduled_for, incident.scheduled_until
    assert window_start is not None and until is not None  # guaranteed by the parser
    latest = published[-1] if published else None
    early = next((u.time for u in published if u.status.active and u.time < window_start),
                 None)
    start = early or window_start
    auto: list[tuple[datetime, MaintenanceStatus]] = []
    if latest is not None and latest.status.ends:
        ends_at = latest.time
        begin = min(start, ends_at) if latest.status is COMPLETED else ends_at
        if latest.status is COMPLETED and early is None and window_start < ends_at:
            auto.append((window_start, IN_PROGRESS))
        return View(incident, published, latest.status, begin, ends_at, tuple(auto))
    if now < start:
        return View(incident, published, MaintenanceStatus.SCHEDULED, start, None)
    if early is None:
        auto.append((window_start, IN_PROGRESS))
    posted_inside = latest is not None and latest.status.active and \
        latest.time >= start
    if now < until:
        status = latest.status if posted_inside and latest else IN_PROGRESS
        return View(incident, published, status, start, None, tuple(auto))
    held = posted_inside and latest is not None and latest.time < until + HOLD
    if held and latest is not None and now < until + HOLD:
        return View(incident, published, latest.status, start, None, tuple(auto))
    end = until + HOLD if held else until
    auto.append((end, COMPLETED))
    return View(incident, published, COMPLETED, start, end, tuple(auto))


IN_PROGRESS, COMPLETED = MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.COMPLETED



def views(incidents: Iterable[Incident], now: datetime) -> list[View]:
    """Published views, most recent first (by their latest update or start)."""
    out = [v for v in (view(i, now) for i in incidents) if v is not None]
    out.sort(key=lambda v: (v.last_time, v.id), reverse=True)
    return out


@dataclass(frozen=True, slots=True)
class ProbeVerdict:
    """What the probes say of one component now (computed from samples elsewhere)."""

    status: ComponentStatus | None  # None: no recent data, which is never "up"
    since: datetime | None
    detail: str = ""  # in English, for the CLI: "down in 2 of 3 regions since 14:05 NZDT"
    # The same in parts, for pages in any language (``render.verdicts``):
    state: str = ""  # "down", "slow" or "up" in the regions that agree; "" for a vendor
    hit: int = 0  # regions in that state
    regions: int = 0  # regions with recent data
    outcomes: tuple[str, ...] = ()  # the failures seen ("timeout", "tls_expired")


@dataclass(frozen=True, slots=True)
class ComponentState:
    status: ComponentStatus
    declared: ComponentStatus | None
    probe: ProbeVerdict | None
    in_maintenance: bool
    incidents: tuple[str, ...]  # ids of open incidents and maintenance that affect it


def component_states(config: SiteConfig, published: Sequence[View], now: datetime,
                     probes: Mapping[str, ProbeVerdict] | None = None) -> dict[
                         str, ComponentState]:
    """Each component's status now: the worst of declarations and probes."""
    probes = probes or {}
    # Only the views that name a component can declare its status: each view is asked
    # about the components it names (not every view about every component: 200,000
    # questions for 10,000 incidents and 20 components).
    said: dict[str, list[tuple[ComponentStatus, str]]] = {c.id: [] for c in config.components}
    for item in published:
        for cid in item.incident.component_ids:
            status = item.declared(cid, now) if cid in said else None
            if status is not None:
                said[cid].append((status, item.id))
    out: dict[str, ComponentState] = {}
    for comp in config.components:
        declared = [status for status, _ in said[comp.id]]
        sources = [source for _, source in said[comp.id]]
        in_maintenance = ComponentStatus.UNDER_MAINTENANCE in declared
        verdict = probes.get(comp.id)
        probe_status = verdict.status if verdict is not None else None
        if in_maintenance and probe_status is not None and \
                probe_status > ComponentStatus.OPERATIONAL:
            probe_status = ComponentStatus.UNDER_MAINTENANCE
        worst_declared = max(declared, default=None)
        status = max([s for s in (worst_declared, probe_status) if s is not None],
                     default=ComponentStatus.OPERATIONAL)
        out[comp.id] = ComponentState(status, worst_declared, verdict, in_maintenance,
                                      tuple(sorted(set(sources))))
    return out


def indicator(published: Sequence[View], states: Mapping[str, ComponentState]) -> Indicator:
    """The overall indicator: unresolved impacts and component statuses, worst first."""
    level = Indicator.NONE
    impact_map = {Impact.MINOR: Indicator.MINOR, Impact.MAJOR: Indicator.MAJOR,
                  Impact.CRITICAL: Indicator.CRITICAL}
    for item in published:
        if item.kind is Kind.INCIDENT and item.is_open:
            level = max(level, impact_map.get(item.incident.impact, Indicator.NONE))
    statuses = [s.status for s in states.values()]
    for status in statuses:
        if status is ComponentStatus.MAJOR_OUTAGE:
            level = max(level, Indicator.MAJOR)
        elif status in (ComponentStatus.PARTIAL_OUTAGE, ComponentStatus.DEGRADED_PERFORMANCE):
            level = max(level, Indicator.MINOR)
    if statuses and all(s is ComponentStatus.MAJOR_OUTAGE for s in statuses):
        level = Indicator.CRITICAL
    maintenance = any(v.kind is Kind.MAINTENANCE and v.is_open for v in published)
    if level is Indicator.NONE and maintenance:
        level = Indicator.MAINTENANCE
    return level

