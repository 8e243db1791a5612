"""The Statuspage API v2, as static JSON files under /api/v2/.

Dashboards, chat bots and aggregators already speak Atlassian Statuspage's public API;
writing the same shapes, field names and vocabularies lets them read an mkstatus site
unchanged, from plain files on a CDN. Everything is derived from the `Site` computed for
`now`: drafts and updates dated after `now` were never in it.

Mapping choices (documented in guide/api.md):

- ids are 12 lowercase base-36 characters, like Statuspage's, hashed from the site host
  and the mkstatus id, so they are stable across builds and differ between sites;
- a component group becomes a component with `group: true` listing its members' ids, and
  each member carries the group's id in `group_id`;
- notices (informational) are incidents with impact `none`; scheduled maintenance only
  appears under /scheduled-maintenances*, as Statuspage does;
- a cancelled maintenance is `completed` (Statuspage has no `cancelled`), with
  `resolved_at` at the cancellation;
- transitions made by the clock change `status` and `updated_at` but add no
  `incident_updates` entry, exactly as they add no feed entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any
from urllib.parse import urlsplit

from mkstatus.compute.site import Site
from mkstatus.compute.status import View
from mkstatus.model import (
    ComponentStatus,
    Kind,
    MaintenanceStatus,
    SiteConfig,
    Status,
    UpdateStatus,
)
from mkstatus.render import urls
from mkstatus.times import iso_utc

INCIDENT_LIMIT = 50
UNRESOLVED = (UpdateStatus.INVESTIGATING, UpdateStatus.IDENTIFIED, UpdateStatus.MONITORING)
# Statuspage has no "cancelled" maintenance status: a cancelled one reads as completed.
CANCELLED_AS = MaintenanceStatus.COMPLETED

Json = dict[str, Any]


def api_id(site_url: str, kind: str, key: str) -> str:
    """A Statuspage-like id: 12 base-36 characters, stable for one site and one key."""
    host = urlsplit(site_url).hostname or "localhost"
    number = int.from_bytes(hashlib.sha256(f"{host}\n{kind}\n{key}".encode()).digest(), "big")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = []
    for _ in range(12):
        number, rest = divmod(number, 36)
        out.append(digits[rest])
    return "".join(out)


def dumps(document: Json) -> str:
    """Deterministic bytes: sorted keys, no NaN, a trailing newline; two-space indents.

    The text is exactly ``json.dumps(document, sort_keys=True, allow_nan=False,
    ensure_ascii=False, indent=2)``'s, made by ``_encode`` in half the time: with an
    indent, ``json`` encodes in Python, one generator per container, and at ten thousand
    incidents that was a fifth of the API's cost. A document ``_encode`` does not know
    (a key that is not a string) goes to ``json`` itself, which converts or refuses it."""
    out: list[str] = []
    try:
        _encode(document, out, "\n")
    except _Unusual:
        return json.dumps(document, sort_keys=True, allow_nan=False, ensure_ascii=False,
                          indent=2) + "\n"
    out.append("\n")
    return "".join(out)


class _Unusual(Exception):
    """A value ``_encode`` leaves to ``json.dumps`` (which refuses or converts it)."""


_INFINITIES = (float("inf"), float("-inf"))


def _encode(value: Any, out: list[str], newline: str) -> None:
    """``value`` as ``json.dumps(..., indent=2)`` writes it, at the depth ``newline`` (a
    newline and the current indent) says. The type tests are ``json``'s, in its order,
    so ``str`` and ``int`` subclasses (enums) are written as ``json`` writes them."""
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        if value != value or value in _INFINITIES:
            raise _Unusual
        out.append(float.__repr__(value))
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _encode(item, out, inner)
            separator = "," + inner
        out.append(newline + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key in sorted(value):  # raises TypeError on mixed key types, as json does
            if not isinstance(key, str):
                raise _Unusual
            out.append(separator)
            out.append(encode_basestring(key))
            out.append(": ")
            _encode(value[key], out, inner)
            separator = "," + inner
        out.append(newline + "}")
    else:
        raise _Unusual


def render_api(site: Site) -> list[tuple[str, str]]:
    """Every /api/v2 endpoint as (path, JSON text)."""
    api = Api(site)
    page = api.page()
    incidents = [api.incident(v) for v in _candidates(api.incident_views(), site.now,
                                                       api.created_at)]
    maintenances = [api.incident(v) for v in _candidates(api.maintenance_views(), site.now,
                                                         api.created_at)]
    unresolved = [i for i in incidents if i["status"] in UNRESOLVED]
    upcoming = _by_schedule([m for m in maintenances
                             if m["status"] is MaintenanceStatus.SCHEDULED])
    active = _by_schedule([m for m in maintenances if m["status"].active])
    status = {"indicator": site.indicator.code, "description": site.indicator.banner}
    components = api.components()
    documents: dict[str, Json] = {
        "summary.json": {"page": page, "status": status, "components": components,
                         "incidents": unresolved,
                         "scheduled_maintenances": _by_schedule(active + upcoming)},
        "status.json": {"page": page, "status": status, "mkstatus": api.freshness()},
        "components.json": {"page": page, "components": components},
        "incidents.json": {"page": page, "incidents": _latest(incidents)},
        "incidents/unresolved.json": {"page": page, "incidents": unresolved},
        "scheduled-maintenances.json": {"page": page,
                                        "scheduled_maintenances": _latest(maintenances)},
        "scheduled-maintenances/upcoming.json": {"page": page,
                                                 "scheduled_maintenances": upcoming},
        "scheduled-maintenances/active.json": {"page": page,
                                               "scheduled_maintenances": active},
    }
    return [(urls.api(name), dumps(doc)) for name, doc in sorted(documents.items())]


def _created(v: View, now: datetime, unknown: datetime) -> datetime:
    """When the public could first see it: its first published update, or for a
    maintenance without updates the start of its window once begun; before that the
    time its file was published is ``unknown`` to mkstatus (never the build time)."""
    if v.updates:
        return v.updates[0].time
    return v.start if v.start <= now else unknown


def _candidates(views: list[View], now: datetime, unknown: datetime) -> list[View]:
    """Only what the endpoints can show: every unresolved item and the newest resolved
    ones (ties kept), so a site with ten thousand incidents does not shape them all."""
    closed = sorted((v for v in views if v.resolved_at is not None),
                    key=lambda v: _created(v, now, unknown), reverse=True)
    if len(closed) > INCIDENT_LIMIT:
        cutoff = _created(closed[INCIDENT_LIMIT - 1], now, unknown)
        closed = [v for v in closed if _created(v, now, unknown) >= cutoff]
    return [v for v in views if v.resolved_at is None] + closed


def _latest(items: list[Json]) -> list[Json]:
    """Statuspage's "50 most recent", which always include every unresolved one."""
    ordered = sorted(items, key=lambda i: (i["created_at"], i["id"]), reverse=True)
    open_ = [i for i in ordered if i["resolved_at"] is None]
    closed = [i for i in ordered if i["resolved_at"] is not None]
    chosen = {i["id"] for i in open_ + closed[: max(0, INCIDENT_LIMIT - len(open_))]}
    return [i for i in ordered if i["id"] in chosen]


def _by_schedule(items: list[Json]) -> list[Json]:
    return sorted(items, key=lambda m: (m["scheduled_for"], m["id"]))


class Api:
    """Ids and shapes for one site; one instance per build."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.config: SiteConfig = site.config
        self.urls = urls.Urls.of(site.config)
        self.page_id = api_id(self.config.site_url, "page", "")
        self.created_at = self._epoch()
        # Each view's latest visible change, worked out once: the page, every component
        # and every group ask for them.
        self._changes = [(self._updated(v), v) for v in site.views]
        self._by_component = self._latest_by_component()
        self._components = self._build_components()

    def id(self, kind: str, key: str) -> str:
        return api_id(self.config.site_url, kind, key)

    def _epoch(self) -> datetime:
        """mkstatus does not know when a component was added: use the first event."""
        times = [v.start for v in self.site.views] + [
            u.time for v in self.site.views for u in v.updates]
        return min([t for t in times if t <= self.site.now], default=self.site.now)

    def incident_views(self) -> list[View]:
        return [v for v in self.site.views if v.kind is not Kind.MAINTENANCE]

    def maintenance_views(self) -> list[View]:
        return [v for v in self.site.views if v.kind is Kind.MAINTENANCE]

    def page(self) -> Json:
        zone = self.config.timezone
        return {"id": self.page_id, "name": self.config.site_name,
                "url": self.config.site_url.rstrip("/"),
                "time_zone": zone.key if zone is not None else "Etc/UTC",
                "updated_at": iso_utc(self._page_updated())}

    def _page_updated(self) -> datetime:
        """The last change the public could see, not the build time: it moves only
        when something did."""
        times = [t for t, _ in self._changes]
        times += [p.since for p in self.site.probes.values() if p.since is not None]
        return max([t for t in times if t <= self.site.now], default=self.created_at)

    def _updated(self, v: View) -> datetime:
        """Its latest change the public could see (see ``_created`` when there is none)."""
        times = [u.time for u in v.updates] + [t for t, _ in v.auto if t <= self.site.now]
        return max(times, default=_created(v, self.site.now, self.created_at))

    def components(self) -> list[Json]:
        return list(self._components.values())

    def freshness(self) -> Json:
        """mkstatus' own fields in status.json, beside Statuspage's (guide/api.md): when
        this build was made and how old it may get (the watchdog workflow reads them), and
        the next update each open incident promised."""
        promises = [{"id": self.id("incident", v.id), "name": v.incident.title,
                     "shortlink": self.urls.page(urls.incident_page(v.id)),
                     "next_update_at": iso_utc(v.next_update),
                     "overdue": v.overdue(self.site.now)}
                    for v in self.site.views if v.next_update is not None]
        return {"built_at": iso_utc(self.site.now),
                "stale_after_s": int(self.config.stale_after.total_seconds()),
                "next_updates": promises}

    def _build_components(self) -> dict[str, Json]:
        """Groups first, each followed by its members, in configuration order; positions
        count within each level, as on Statuspage."""
        out: dict[str, Json] = {}
        for top, (group, members) in enumerate(self.config.groups, start=1):
            if group is None:
                out[members[0].id] = self._component(members[0].id, top, None)
                continue
            gid = self.id("group", group)
            member_ids = [self.id("component", c.id) for c in members]
            status = self.site.group_status([c.id for c in members])
            out["group:" + group] = self._shape(
                gid, group, status.code, top, None, None,
                self._latest_change([c.id for c in members]), group=True) | {
                "components": member_ids}
            for position, comp in enumerate(members, start=1):
                out[comp.id] = self._component(comp.id, position, gid)
        return out

    def _component(self, cid: str, position: int, group_id: str | None) -> Json:
        comp = self.config.component(cid)
        return self._shape(self.id("component", cid), comp.name,
                           self.site.states[cid].status.code, position,
                           comp.description or None, group_id, self._latest_change([cid]),
                           group=False)

    def _shape(self, cid: str, name: str, status: str, position: int,
               description: str | None, group_id: str | None, updated: datetime, *,
               group: bool) -> Json:
        return {"id": cid, "name": name, "status": status,
                "created_at": iso_utc(self.created_at), "updated_at": iso_utc(updated),
                "position": position, "description": description,
                "showcase": not group, "start_date": None, "group_id": group_id,
                "page_id": self.page_id, "group": group, "only_show_if_degraded": False}

    def _latest_by_component(self) -> dict[str, datetime]:
        """Per component, the latest visible change (up to ``now``) of the views that
        name it; a group's is the latest of its members'."""
        out: dict[str, datetime] = {}
        for t, v in self._changes:
            if t > self.site.now:
                continue
            for cid in v.incident.component_ids:
                if cid not in out or t > out[cid]:
                    out[cid] = t
        return out

    def _latest_change(self, cids: Iterable[str]) -> datetime:
        wanted = set(cids)
        times = [self._by_component[cid] for cid in wanted if cid in self._by_component]
        times += [p.since for cid, p in self.site.probes.items()
                  if cid in wanted and p.since is not None]
        return max([t for t in times if t <= self.site.now], default=self.created_at)

    def component_ref(self, cid: str) -> Json:
        return self._components[cid]

    def incident(self, v: View) -> Json:
        maintenance = v.kind is Kind.MAINTENANCE
        status = _statuspage(v.status)
        iid = self.id("incident", v.id)
        monitoring = next((u.time for u in v.updates if u.status is UpdateStatus.MONITORING),
                          None)
        created = _created(v, self.site.now, self.created_at)
        out: Json = {
            "id": iid, "name": v.incident.title, "status": status,
            "created_at": iso_utc(created), "updated_at": iso_utc(self._updated(v)),
            "monitoring_at": iso_utc(monitoring) if monitoring else None,
            "resolved_at": iso_utc(v.resolved_at) if v.resolved_at else None,
            "impact": v.incident.impact.code,
            "shortlink": self.urls.page(urls.incident_page(v.id)),
            "started_at": iso_utc(v.start), "page_id": self.page_id,
            "incident_updates": self._updates(v, iid),
            "components": [self.component_ref(c) for c in v.incident.component_ids],
        }
        if maintenance:
            assert v.incident.scheduled_for and v.incident.scheduled_until  # by the parser
            out["scheduled_for"] = iso_utc(v.incident.scheduled_for)
            out["scheduled_until"] = iso_utc(v.incident.scheduled_until)
        return out

    def _updates(self, v: View, iid: str) -> list[Json]:
        """Newest first, as Statuspage lists them."""
        out = []
        for update, changes in zip(v.updates, affected_components(v), strict=True):
            when = iso_utc(update.time)
            out.append({
                "id": self.id("update", f"{v.id}/{when}"),
                "status": _statuspage(update.status),
                "body": update.message, "incident_id": iid, "created_at": when,
                "updated_at": when, "display_at": when,
                "affected_components": [
                    {"code": self.id("component", cid),
                     "name": self.config.component(cid).name,
                     "old_status": old.code, "new_status": new.code}
                    for cid, old, new in changes] or None,
                "deliver_notifications": True, "custom_tweet": None, "tweet_id": None,
            })
        return out[::-1]


Change = tuple[str, ComponentStatus, ComponentStatus]


def _statuspage(status: Status) -> Status:
    return CANCELLED_AS if status is MaintenanceStatus.CANCELLED else status



def affected_components(v: View) -> list[list[Change]]:
    """For each published update, oldest first, the components whose status this
    incident declared changed with it (Statuspage's old → new status).

    The first update brings the front matter's statuses in; a resolution (or the end of
    a maintenance) hands every component it still held back as operational.
    """
    ok, held = ComponentStatus.OPERATIONAL, ComponentStatus.UNDER_MAINTENANCE
    current: dict[str, ComponentStatus] = {}
    out: list[list[Change]] = []
    for index, update in enumerate(v.updates):
        wanted = dict(current)
        if v.kind is Kind.MAINTENANCE:
            if update.status.active:
                wanted = {cid: held for cid, _ in v.incident.components}
            elif update.status.ends:
                wanted = {cid: ok for cid in current}
        elif v.kind is Kind.INCIDENT:
            if index == 0:
                wanted.update(v.incident.components)
            wanted.update(update.components)
            if update.status is UpdateStatus.RESOLVED:
                wanted = {cid: ok for cid in wanted}
        changes = [(cid, current.get(cid, ok), new) for cid, new in wanted.items()
                   if current.get(cid, ok) is not new]
        current = {cid: s for cid, s in wanted.items() if s is not ok}
        out.append(changes)
    return out
