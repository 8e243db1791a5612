"""/maintenance.ics: scheduled maintenance as an RFC 5545 calendar subscription.

Written by hand rather than with the `icalendar` package: the format we need is a few
dozen lines of text, and owning the bytes keeps the output deterministic (no clock read,
no library-chosen property order) without a new runtime dependency. The test suite
parses the result with `icalendar` and checks RFC 5545's MUSTs itself, because
libraries accept events without UID or DTSTAMP.

A calendar client updates an event rather than duplicating it because UID is built from
the incident id and the site host; SEQUENCE is the number of published updates, so it
only grows; DTSTAMP is the latest published update's time (or `now` when none is
published yet), so two builds with the same inputs are byte-identical.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from mkstatus import __version__
from mkstatus.compute.site import Site
from mkstatus.compute.status import View
from mkstatus.model import Kind, MaintenanceStatus
from mkstatus.render import urls
from mkstatus.text import clean

LINE_OCTETS = 75


def render_calendar(site: Site) -> list[tuple[str, bytes]]:
    return [(urls.CALENDAR, calendar_text(site).encode("utf-8"))]


def calendar_views(site: Site) -> list[View]:
    """Upcoming and ongoing maintenance, and what ended within `history_days`."""
    horizon = site.now - timedelta(days=site.config.history_days)
    out = [v for v in site.views if v.kind is Kind.MAINTENANCE
           and (v.end is None or v.end >= horizon)]
    return sorted(out, key=lambda v: (_window(v)[0], v.id))


def calendar_text(site: Site) -> str:
    name = f"{site.config.site_name}: maintenance"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0",
             f"PRODID:-//mkstatus//mkstatus {__version__}//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"NAME:{escape(name)}", f"X-WR-CALNAME:{escape(name)}",
             "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H"]
    for v in calendar_views(site):
        lines += event_lines(site, v)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def uid(site_url: str, incident_id: str) -> str:
    host = urlsplit(site_url).hostname or "localhost"
    return f"{incident_id}@{host}"


def event_lines(site: Site, v: View) -> list[str]:
    start, end = _window(v)
    cancelled = v.status is MaintenanceStatus.CANCELLED
    stamp = v.updates[-1].time if v.updates else site.now
    url = urls.Urls.of(site.config).page(urls.incident_page(v.id))
    title = ("Cancelled: " if cancelled else "") + v.incident.title
    return ["BEGIN:VEVENT", f"UID:{uid(site.config.site_url, v.id)}",
            f"DTSTAMP:{stamp_utc(stamp)}", f"LAST-MODIFIED:{stamp_utc(stamp)}",
            f"DTSTART:{stamp_utc(start)}", f"DTEND:{stamp_utc(end)}",
            f"SUMMARY:{escape(title)}", f"DESCRIPTION:{escape(_description(site, v, url))}",
            f"URL:{url}", f"SEQUENCE:{len(v.updates)}",
            f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
            "TRANSP:TRANSPARENT", "END:VEVENT"]


def _window(v: View) -> tuple[datetime, datetime]:
    """The scheduled window: what a subscriber plans around."""
    start, until = v.incident.scheduled_for, v.incident.scheduled_until
    assert start is not None and until is not None  # guaranteed by the parser
    return start, until


def _description(site: Site, v: View, url: str) -> str:
    names = {c.id: c.name for c in site.config.components}
    parts = [f"Status: {v.status.label}"]
    affected = [names.get(cid, cid) for cid in v.incident.component_ids]
    if affected:
        parts.append("Affected: " + ", ".join(affected))
    if v.incident.summary:
        parts.append(v.incident.summary.strip())
    if v.updates:
        latest = v.updates[-1]
        parts.append(f"Latest update ({latest.label}): {latest.message.strip()}")
    parts.append(url)
    return "\n\n".join(parts)


def stamp_utc(moment: datetime) -> str:
    """RFC 5545 FORM #2, UTC time: 20261126T010000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and newlines escaped; CR and other
    control characters dropped (they are not allowed in a content line)."""
    text = clean(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold at 75 octets, never inside a UTF-8 sequence; continuation lines begin with
    one space, which counts toward their 75."""
    pieces: list[str] = []
    current: list[str] = []
    size, limit = 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)
