"""A small, generic reader of any Statuspage API v2 (public, unauthenticated).

Written only from Atlassian's public documentation of the API every Statuspage page
serves under /api/v2/ (summary, components, incidents): it knows nothing about the
site it reads, so a test can point it at any host. It checks what a dashboard relies
on and raises `ConsumerError` with the reason when a documented field is missing or
out of its documented vocabulary.

Usage: python tests/statuspage_consumer.py https://status.example.com
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests

INDICATORS = {"none", "minor", "major", "critical", "maintenance"}
COMPONENT_STATUSES = {"operational", "degraded_performance", "partial_outage",
                      "major_outage", "under_maintenance"}
INCIDENT_STATUSES = {"investigating", "identified", "monitoring", "resolved", "postmortem"}
MAINTENANCE_STATUSES = {"scheduled", "in_progress", "verifying", "completed"}
IMPACTS = {"none", "minor", "major", "critical", "maintenance"}


class ConsumerError(Exception):
    """The page does not answer as the documentation says."""


@dataclass
class Component:
    id: str
    name: str
    status: str
    group: str | None  # the name of its group, if any


@dataclass
class Incident:
    id: str
    name: str
    status: str
    impact: str
    started_at: datetime
    latest: str  # the newest update's body
    updates: list[tuple[datetime, str]]  # (display_at, status), newest first


@dataclass
class Report:
    page_name: str
    indicator: str
    description: str
    components: list[Component] = field(default_factory=list)
    unresolved: list[Incident] = field(default_factory=list)
    maintenances: list[Incident] = field(default_factory=list)
    recent: list[Incident] = field(default_factory=list)


def _time(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise ConsumerError(f"{where}: expected an ISO 8601 time, found {value!r}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ConsumerError(f"{where}: {exc}") from None
    if moment.tzinfo is None:
        raise ConsumerError(f"{where}: time without an offset: {value!r}")
    return moment


def _one_of(value: Any, allowed: set[str], where: str) -> str:
    if value not in allowed:
        raise ConsumerError(f"{where}: {value!r} is not one of {sorted(allowed)}")
    return str(value)


def _get(session: requests.Session, base: str, path: str) -> dict[str, Any]:
    response = session.get(f"{base.rstrip('/')}/api/v2/{path}", timeout=10)
    response.raise_for_status()
    if "json" not in response.headers.get("Content-Type", ""):
        raise ConsumerError(f"{path}: Content-Type {response.headers.get('Content-Type')!r}")
    body = response.json()
    page = body.get("page")
    if not isinstance(page, dict) or not {"id", "name", "url", "updated_at"} <= set(page):
        raise ConsumerError(f"{path}: missing or incomplete 'page'")
    _time(page["updated_at"], f"{path}: page.updated_at")
    return body


def _components(items: list[dict[str, Any]], where: str) -> list[Component]:
    groups = {c["id"]: c["name"] for c in items if c.get("group")}
    out = []
    for item in items:
        _one_of(item.get("status"), COMPONENT_STATUSES, f"{where}: {item.get('name')}")
        if item.get("group"):
            members = item.get("components")
            if not isinstance(members, list):
                raise ConsumerError(f"{where}: group {item['name']!r} lists no components")
            continue
        group_id = item.get("group_id")
        if group_id is not None and group_id not in groups:
            raise ConsumerError(f"{where}: {item['name']!r} is in unknown group {group_id!r}")
        out.append(Component(item["id"], item["name"], item["status"],
                             groups.get(group_id) if group_id else None))
    return out


def _incident(item: dict[str, Any], statuses: set[str], where: str) -> Incident:
    where = f"{where}: {item.get('name')!r}"
    status = _one_of(item.get("status"), statuses, where)
    impact = _one_of(item.get("impact"), IMPACTS, where)
    updates = item.get("incident_updates")
    if not isinstance(updates, list):
        raise ConsumerError(f"{where}: no incident_updates list")
    timeline = []
    for update in updates:
        _one_of(update.get("status"), statuses, f"{where}: update")
        if update.get("incident_id") != item["id"]:
            raise ConsumerError(f"{where}: update of another incident")
        for change in update.get("affected_components") or []:
            _one_of(change.get("new_status"), COMPONENT_STATUSES, f"{where}: affected")
        timeline.append((_time(update.get("display_at"), where), update["status"]))
    if timeline != sorted(timeline, reverse=True):
        raise ConsumerError(f"{where}: incident_updates are not newest first")
    for key in ("created_at", "updated_at", "started_at"):
        _time(item.get(key), f"{where}: {key}")
    for key in ("resolved_at", "monitoring_at"):
        if item.get(key) is not None:
            _time(item[key], f"{where}: {key}")
    return Incident(item["id"], item["name"], status, impact,
                    _time(item["started_at"], where),
                    updates[0]["body"] if updates else "", timeline)


def read(base_url: str, session: requests.Session | None = None) -> Report:
    """Read summary, components and incidents of the page at `base_url`."""
    session = session or requests.Session()
    summary = _get(session, base_url, "summary.json")
    status = summary.get("status") or {}
    report = Report(summary["page"]["name"],
                    _one_of(status.get("indicator"), INDICATORS, "status.indicator"),
                    str(status.get("description", "")))
    report.components = _components(summary.get("components", []), "summary.json")
    report.unresolved = [_incident(i, INCIDENT_STATUSES, "summary.json")
                         for i in summary.get("incidents", [])]
    report.maintenances = [_incident(m, MAINTENANCE_STATUSES, "summary.json")
                           for m in summary.get("scheduled_maintenances", [])]
    components = _get(session, base_url, "components.json")
    if _components(components["components"], "components.json") != report.components:
        raise ConsumerError("components.json disagrees with summary.json")
    incidents = _get(session, base_url, "incidents.json")
    report.recent = [_incident(i, INCIDENT_STATUSES, "incidents.json")
                     for i in incidents["incidents"]]
    if len(report.recent) > 50:
        raise ConsumerError("incidents.json lists more than 50 incidents")
    return report


def main(argv: list[str]) -> int:
    report = read(argv[1])
    print(f"{report.page_name}: {report.description} ({report.indicator})")
    for comp in report.components:
        print(f"  {(comp.group + ' / ') if comp.group else ''}{comp.name}: {comp.status}")
    for item in report.unresolved:
        print(f"  open: {item.name} [{item.status}, impact {item.impact}]")
    for item in report.maintenances:
        print(f"  maintenance: {item.name} [{item.status}]")
    print(f"  {len(report.recent)} recent incidents")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
