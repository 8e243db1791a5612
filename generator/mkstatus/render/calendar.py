"""/maintenance.ics: scheduled maintenance as an RFC 5545 calendar subscription.

Written with the `icalendar` package: recurrence rules, time zones (VTIMEZONE), escaping
and folding come from a maintained library rather than our own string handling. The
test suite still checks RFC 5545's MUSTs itself, because libraries accept events without
UID or DTSTAMP.

- A one-off maintenance is one event in UTC. A recurring one (`recurrence:`) is one
  event for the whole series: its first window with the site's TZID, the RRULE, and an
  EXDATE for every occurrence cancelled in its file, so calendars show each occurrence at
  the same wall-clock time across daylight-saving changes (the VTIMEZONE of the site
  zone is included). Its occurrences' own updates are on their pages and feeds.
- A calendar client updates an event rather than duplicating it because UID is built
  from the incident (or series) id and the site host; SEQUENCE is the number of
  published updates, so it only grows; DTSTAMP is the latest published update's time (or
  `now` when none is published yet), so two builds with the same inputs are
  byte-identical. Events are sorted by start and id; icalendar writes each event's
  properties in its own fixed order.
- Each calendar is kept in the render store (``render.store``) under a key made of all
  it is drawn from (the views it lists, the site's settings, and the clock where a date
  comes from it), so a build whose maintenance did not change neither renders it nor
  imports icalendar (40 ms of every small build).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mkstatus import __version__
from mkstatus.compute.site import Site
from mkstatus.compute.status import View
from mkstatus.i18n import translator
from mkstatus.incidents.recurrence import AHEAD, series_rule, start_on
from mkstatus.model import Incident, Kind, MaintenanceStatus
from mkstatus.render import urls
from mkstatus.render.rule_words import rule_text
from mkstatus.render.store import RenderStore, digest, files_kept, site_key
from mkstatus.text import clean

if TYPE_CHECKING:
    import icalendar


def render_calendar(site: Site, store: RenderStore | None = None) -> list[tuple[str, bytes]]:
    """The site's calendar, and one per component with its maintenance only; each from
    the render ``store`` when it has it."""
    _ = translator(site.config.language).gettext
    targets: list[tuple[str | None, str]] = [(None, "")]
    targets += [(comp.id, _("%(site)s: %(name)s maintenance") % {
        "site": site.config.site_name, "name": comp.name}) for comp in site.config.components]
    out: list[tuple[str, bytes]] = []
    for component, title in targets:
        views = calendar_views(site, component)
        out += files_kept(store, calendar_key(site, component, title, views),
                          partial(_calendar_file, site, component, title, views))
    return out


def _calendar_file(site: Site, component: str | None, title: str,
                   views: Sequence[View]) -> list[tuple[str, bytes]]:
    return [(urls.calendar(component), calendar_bytes(site, component, title, views))]


def calendar_key(site: Site, component: str | None, title: str,
                 views: Sequence[View]) -> bytes:
    """The render store's key of one calendar: all it is made of. The clock enters
    where a date is drawn from it: an event with no published update is stamped with
    it, a series shows the updates published by then, and the zone's VTIMEZONE spans
    the years from it (with a series or no event at all)."""
    clock: tuple[object, ...] = ()
    if any(v.incident.series is not None or not v.updates for v in views) or not views:
        clock = (site.now,)
    return digest(site_key(site.config), "calendar", repr(component), title, repr(views),
                  repr(clock))


def calendar_views(site: Site, component: str | None = None) -> list[View]:
    """Upcoming and ongoing maintenance, and what ended within `history_days` (of one
    component, when given)."""
    horizon = site.now - timedelta(days=site.config.history_days)
    out = [v for v in site.views if v.kind is Kind.MAINTENANCE
           and (v.end is None or v.end >= horizon)
           and (component is None or component in v.incident.component_ids)]
    return sorted(out, key=lambda v: (_window(v.incident)[0], v.id))


@dataclass(frozen=True, slots=True)
class Series:
    """A recurring maintenance and the occurrences of it the calendar window holds."""

    incident: Incident
    occurrences: tuple[View, ...]


def calendar_bytes(site: Site, component: str | None = None, title: str = "",
                   views: Sequence[View] | None = None) -> bytes:
    import icalendar

    name = title or translator(site.config.language).gettext("%(site)s: maintenance") % {
        "site": site.config.site_name}
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", f"-//mkstatus//mkstatus {__version__}//EN")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", clean(name))
    cal.add("x-wr-calname", clean(name))
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    items: list[tuple[datetime, str, icalendar.Event]] = []
    series: dict[str, list[View]] = {}
    for v in calendar_views(site, component) if views is None else views:
        if v.incident.series is None:
            items.append((_window(v.incident)[0], v.id, one_off(site, v)))
        else:
            series.setdefault(v.incident.series.id, []).append(v)
    for views in series.values():
        first = views[0].incident.series
        assert first is not None
        items.append((_window(first)[0], first.id,
                      recurring(site, Series(first, tuple(views)))))
    if series or not items:
        # A series' TZID needs the zone; and RFC 5545 wants at least one component in a
        # calendar, so one without any maintenance carries the zone too.
        cal.add_component(_timezone(site, [v[0].incident.series for v in series.values()]))
    for _, _, event in sorted(items, key=lambda item: (item[0], item[1])):
        cal.add_component(event)
    return cal.to_ical()


def uid(site_url: str, incident_id: str) -> str:
    host = urlsplit(site_url).hostname or "localhost"
    return f"{incident_id}@{host}"


def one_off(site: Site, v: View) -> icalendar.Event:
    start, end = _window(v.incident)
    cancelled = v.status is MaintenanceStatus.CANCELLED
    stamp = v.updates[-1].time if v.updates else site.now
    url = urls.Urls.of(site.config).page(urls.incident_page(v.id))
    _ = translator(site.config.language).gettext
    title = (_("Cancelled: %(title)s") % {"title": v.incident.title} if cancelled
             else v.incident.title)
    return _event(uid(site.config.site_url, v.id), stamp, start.astimezone(UTC),
                  end.astimezone(UTC), title,
                  _description(site, v, url), url, len(v.updates), cancelled)


def recurring(site: Site, s: Series) -> icalendar.Event:
    """One event for a whole series: RRULE, EXDATEs, times in the site zone."""
    import icalendar

    zone = site.config.zone
    first, until = _window(s.incident)
    published = [u for u in s.incident.updates if u.time <= site.now]
    stamp = max((u.time for u in published), default=site.now)
    rule = series_rule(s.incident, zone)
    cancelled = sorted({u.occurrence for u in published
                        if u.occurrence is not None and u.status is MaintenanceStatus.CANCELLED})
    skipped = [t for t in (start_on(rule, day, zone) for day in cancelled) if t is not None]
    shown = next((v for v in s.occurrences if v.end is None), s.occurrences[-1])
    url = urls.Urls.of(site.config).page(urls.incident_page(shown.id))
    event = _event(uid(site.config.site_url, s.incident.id), stamp, first.astimezone(zone),
                   until.astimezone(zone), s.incident.title,
                   _series_description(site, s, shown, cancelled, url), url, len(published),
                   False)
    assert s.incident.recurrence is not None
    event.add("rrule", icalendar.vRecur.from_ical(s.incident.recurrence))
    if skipped:
        event.add("exdate", skipped)
    return event


def _event(event_uid: str, stamp: datetime, start: datetime, end: datetime, title: str,
           description: str, url: str, sequence: int, cancelled: bool) -> icalendar.Event:
    import icalendar

    event = icalendar.Event()
    event.add("uid", event_uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("last-modified", stamp.astimezone(UTC))
    event.add("dtstart", start)  # in UTC, or in the site zone (a series: with its TZID)
    event.add("dtend", end)
    event.add("summary", clean_text(title))
    event.add("description", clean_text(description))
    event.add("url", url)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    return event


def _timezone(site: Site, series: Sequence[Incident | None]) -> icalendar.Timezone:
    """The site zone's VTIMEZONE, from the first series' start to a few years ahead."""
    import icalendar

    starts = [s.scheduled_for for s in series if s is not None and s.scheduled_for]
    first = min(starts, default=site.now).astimezone(site.config.zone).date()
    last = (site.now + AHEAD).date()
    zone = icalendar.Timezone.from_tzinfo(site.config.zone, first_date=date(first.year, 1, 1),
                                          last_date=date(last.year + 3, 1, 1))
    zone.pop("COMMENT", None)  # icalendar's English note of the range: not for subscribers
    return zone


def _window(incident: Incident) -> tuple[datetime, datetime]:
    """The scheduled window: what a subscriber plans around."""
    start, until = incident.scheduled_for, incident.scheduled_until
    assert start is not None and until is not None  # guaranteed by the parser
    return start, until


def _description(site: Site, v: View, url: str) -> str:
    _ = translator(site.config.language).gettext
    names = {c.id: c.name for c in site.config.components}
    parts = [_("Status: %(status)s") % {"status": _(v.status.label)}]
    affected = [names.get(cid, cid) for cid in v.incident.component_ids]
    if affected:
        parts.append(_("Affected: %(names)s") % {"names": ", ".join(affected)})
    if v.incident.summary:
        parts.append(v.incident.summary.strip())
    if v.updates:
        latest = v.updates[-1]
        parts.append(_("Latest update (%(status)s): %(message)s") % {
            "status": _(latest.label), "message": latest.message.strip()})
    parts.append(url)
    return "\n\n".join(parts)


def _series_description(site: Site, s: Series, shown: View, cancelled: Sequence[date],
                        url: str) -> str:
    tr = translator(site.config.language)
    _ = tr.gettext
    names = {c.id: c.name for c in site.config.components}
    assert s.incident.recurrence is not None
    parts = [_("Repeats: %(rule)s (times in %(zone)s)") % {
        "rule": rule_text(s.incident.recurrence, site.config.zone, tr),
        "zone": site.config.zone.key}]
    affected = [names.get(cid, cid) for cid in s.incident.component_ids]
    if affected:
        parts.append(_("Affected: %(names)s") % {"names": ", ".join(affected)})
    if s.incident.summary:
        parts.append(s.incident.summary.strip())
    when = _window(shown.incident)[0].astimezone(site.config.zone).date().isoformat()
    occurrence = (_("Next occurrence (%(day)s): %(status)s") if shown.end is None
                  else _("Latest occurrence (%(day)s): %(status)s"))
    parts.append(occurrence % {"day": when, "status": _(shown.status.label)})
    if cancelled:
        parts.append(_("Cancelled: %(days)s") % {
            "days": ", ".join(d.isoformat() for d in cancelled)})
    parts.append(url)
    return "\n\n".join(parts)


def clean_text(text: str) -> str:
    """Text as icalendar should receive it: no control characters (not allowed in a
    content line), line breaks as "\\n"; icalendar escapes the rest."""
    return clean(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")


def escape(text: str) -> str:
    """RFC 5545 TEXT as icalendar writes it in the file: backslash, semicolon, comma and
    newlines escaped, control characters dropped."""
    import icalendar

    return icalendar.vText(clean_text(text)).to_ical().decode("utf-8")


def fold(line: str) -> str:
    """A content line as icalendar folds it: at 75 octets, never inside a character."""
    from icalendar.parser import Contentline

    return Contentline(line).to_ical().decode("utf-8")
