"""What there is to tell subscribers at `now`: the feeds' entries and the clock's.

Every published update is a feed entry with a stable tag-URI id; notifications are those
same entries (``feeds.entries``, so the same ids, titles and text, and the same
``feed_limit`` window). Maintenance adds three clock events that are no feed entry:
starting soon (a destination's ``reminder_minutes`` before the window), started and
completed (the transitions the clock makes, ``View.auto``). Their ids are the tag URI of
the window's moment with a fragment, so each is sent once, by whichever run first sees it
due; one more than ``CLOCK_WINDOW`` overdue is stale news and is never sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from mkstatus.compute.site import Site
from mkstatus.compute.status import View
from mkstatus.model import (
    STATUSES,
    Destination,
    Kind,
    MaintenanceStatus,
    Status,
    UpdateStatus,
)
from mkstatus.render import urls
from mkstatus.render.feeds import Entry, entries, entry_title, entry_url, tag_uri
from mkstatus.text import clean

CLOCK_WINDOW = timedelta(days=2)
REMINDERS = {"soon": "starting soon", "started": "started", "completed": "completed"}


@dataclass(frozen=True, slots=True)
class Event:
    """One thing to tell: a feed entry, or a maintenance reminder (``reminder`` set)."""

    id: str  # the feed entry's id; the idempotency key of the signed webhook
    kind: str  # one of model.NOTIFY_EVENTS
    time: datetime  # the update's time, or when the reminder fell due
    view: View
    status: Status  # the update's status, or the one the clock gives
    title: str
    message: str  # the update's Markdown ("" for a reminder)
    link: str
    index: int | None = None  # position of the update in view.updates (oldest first)
    reminder: str = ""  # "soon", "started" or "completed"

    @property
    def components(self) -> tuple[str, ...]:
        return self.view.incident.component_ids


def feed_events(site: Site) -> list[Event]:
    """The feeds' entries as events, oldest first (the order subscribers should read)."""
    site_urls = urls.Urls.of(site.config)
    out = [_from_entry(site_urls, item) for item in entries(site)]
    return sorted(out, key=lambda e: (e.time, e.id))


def _from_entry(site_urls: urls.Urls, item: Entry) -> Event:
    v = item.view
    index = next(i for i, u in enumerate(v.updates) if u.time == item.time)
    if v.kind is Kind.MAINTENANCE:
        kind = "maintenance"
    elif v.kind is Kind.NOTICE:
        kind = "notice"
    elif item.status is UpdateStatus.RESOLVED:
        kind = "resolved"
    else:
        kind = "incident" if index == 0 else "update"
    return Event(id=tag_uri(site_urls.site_url, v.id, item.time), kind=kind, time=item.time,
                 view=v, status=STATUSES[item.status], title=entry_title(item),
                 message=item.message, link=entry_url(site_urls, item), index=index)


def clock_events(site: Site, lead: timedelta) -> list[Event]:
    """Maintenance reminders due at `site.now`, oldest first."""
    out: list[Event] = []
    for v in site.views:
        if v.kind is Kind.MAINTENANCE and v.status is not MaintenanceStatus.CANCELLED:
            out += _reminders(site, v, lead)
    fresh = [e for e in out if site.now - e.time <= CLOCK_WINDOW]
    return sorted(fresh, key=lambda e: (e.time, e.id))


def _reminders(site: Site, v: View, lead: timedelta) -> Iterable[Event]:
    begins = v.incident.scheduled_for
    assert begins is not None  # every maintenance has a window (the parser sees to it)
    if v.status is MaintenanceStatus.SCHEDULED and begins - lead <= site.now < begins:
        yield _reminder(site, v, "soon", begins, begins - lead, MaintenanceStatus.SCHEDULED)
    for moment, status in v.auto:
        if moment > site.now:
            continue
        if status is MaintenanceStatus.IN_PROGRESS and v.end is None:
            yield _reminder(site, v, "started", moment, moment, status)
        elif status is MaintenanceStatus.COMPLETED:
            yield _reminder(site, v, "completed", moment, moment, status)


def _reminder(site: Site, v: View, which: str, anchor: datetime, due: datetime,
              status: MaintenanceStatus) -> Event:
    site_urls = urls.Urls.of(site.config)
    return Event(id=f"{tag_uri(site_urls.site_url, v.id, anchor)}#{which}", kind="reminder",
                 time=due, view=v, status=status,
                 title=clean(f"{v.incident.title} — Maintenance {REMINDERS[which]}"),
                 message="", link=site_urls.page(urls.incident_page(v.id)), reminder=which)


def wanted(destination: Destination, event: Event) -> bool:
    """The destination's filters: an event must match both, when they are given."""
    if destination.events and event.kind not in destination.events:
        return False
    return not destination.components or bool(
        set(destination.components) & set(event.components))
