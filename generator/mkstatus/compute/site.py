"""The `Site`: everything renderers receive, computed once for one `now`.

`compute` takes what `project.load_project` gathered (configuration, incidents, the
introduction, probe verdicts) and computes every status once; renderers only format the
resulting `Site`. Nothing is read or written here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mkstatus.compute.status import (
    ComponentState,
    ProbeVerdict,
    View,
    component_states,
    indicator,
    views,
)
from mkstatus.errors import Problem
from mkstatus.model import ComponentStatus, Incident, Indicator, Kind, SiteConfig
from mkstatus.times import show, show_duration

RECENT = timedelta(days=7)


@dataclass(frozen=True)
class Site:
    """Everything a renderer needs, computed once for one `now`."""

    config: SiteConfig
    now: datetime
    incidents: tuple[Incident, ...]
    views: tuple[View, ...]  # published, most recent first
    states: Mapping[str, ComponentState]
    indicator: Indicator
    introduction: str = ""
    warnings: tuple[Problem, ...] = ()
    probes: Mapping[str, ProbeVerdict] = field(default_factory=dict)
    extras: Mapping[str, Any] = field(default_factory=dict)  # uptime, samples (issue 3)

    @property
    def open_incidents(self) -> list[View]:
        return [v for v in self.views if v.kind is Kind.INCIDENT and v.is_open]

    @property
    def pinned(self) -> list[View]:
        return [v for v in self.views if v.incident.pin]

    @property
    def notices(self) -> list[View]:
        return [v for v in self.views if v.kind is Kind.NOTICE and v.is_open
                and not v.incident.pin]

    @property
    def maintenance_now_and_next(self) -> list[View]:
        items = [v for v in self.views if v.kind is Kind.MAINTENANCE and v.end is None]
        return sorted(items, key=lambda v: (v.start, v.id))

    @property
    def overdue(self) -> list[View]:
        """Open items whose promised next update is late, most recent first."""
        return [v for v in self.views if v.overdue(self.now)]

    @property
    def recently_resolved(self) -> list[View]:
        return [v for v in self.views if v.kind is Kind.INCIDENT and v.end is not None
                and self.now - v.end <= RECENT]

    def group_status(self, members: list[str]) -> ComponentStatus:
        return max(self.states[cid].status for cid in members)


def compute(config: SiteConfig, incidents: list[Incident], now: datetime, *,
            introduction: str = "", probes: Mapping[str, ProbeVerdict] | None = None,
            extras: Mapping[str, Any] | None = None) -> Site:
    published = views(incidents, now)
    states = component_states(config, published, now, probes)
    # Upstream services (affects_overall: false) are shown, not counted.
    counted = {c.id: states[c.id] for c in config.components if c.affects_overall}
    return Site(
        config=config, now=now, incidents=tuple(incidents), views=tuple(published),
        states=states, indicator=indicator(published, counted), introduction=introduction,
        warnings=tuple(future_warnings(incidents, now, config)), probes=probes or {},
        extras=extras or {},
    )


def future_warnings(incidents: list[Incident], now: datetime,
                    config: SiteConfig) -> list[Problem]:
    """Updates dated after `now` are held back; say so by name, they are often typos.
    (Each is said once, though the occurrences of a recurring maintenance share them.)"""
    out = []
    for incident in incidents:
        for update in incident.updates:
            if update.time > now and not incident.draft:
                out.append(Problem(incident.path, update.line, 4,
                                   f"update '{update.label}' at {show(update.time, config.zone)}"
                                   " is in the future: not published yet", warning=True))
    return sorted(set(out))



def overdue_warnings(site: Site) -> list[Problem]:
    """A promised update that is late, by name, for `check` and `status`: the CI log and
    the team see it. Never a reason to stop a build (not in ``Site.warnings``, so
    `--strict` ignores it): a late update is a reason to post one, not to stop publishing
    the page."""
    out = []
    for v in site.overdue:
        latest, due = v.updates[-1], v.next_update
        assert due is not None
        late = show_duration(site.now - due)
        out.append(Problem(v.incident.path, latest.line, 1,
                           f"an update was due at {show(due, site.config.zone)} ({late} ago):"
                           f" post one with `mkstatus update {v.id}`", warning=True))
    return sorted(out)
