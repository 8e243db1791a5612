"""Recurring maintenance: a maintenance file with `recurrence:` (an RFC 5545 RRULE).

The file's `scheduled_for`/`scheduled_until` are the first occurrence; the rule repeats
its start at the same wall-clock time in the site timezone (python-dateutil's ``rrule``
does the calendar arithmetic: "the first Wednesday of the month"), and every occurrence
lasts as long as the first (the same exact duration, as RFC 5545 says of DTEND). A start
that does not exist on a spring-forward day is read with the offset before the gap, as
RFC 5545 says (02:30 becomes 03:30); one that exists twice takes the first.

Updates of the file either speak for the series (no `Occurrence:` line; only
`Scheduled` announcements, copied into every occurrence that starts after them) or for
one occurrence, named by its local start date on the line under the heading::

    ## 2026-11-30 09:00 — Cancelled
    Occurrence: 2026-12-02
    No firmware update in December: change freeze.

The build expands the occurrences whose window lies within the site's history window
before ``now`` and the next ``AHEAD`` (``expand_all``); each is then an ordinary
maintenance with its own id (``<file id>-<YYYY-MM-DD>``), page, feed entries and JSON,
and keeps the file's incident as ``series`` (the calendar writes the series as one
event with RRULE and EXDATEs).
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from dateutil.rrule import rrule, rrulestr

from mkstatus.model import Incident, Kind, MaintenanceStatus, SiteConfig, Update

AHEAD = timedelta(days=90)
FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# The time of day comes from scheduled_for, so BYHOUR, BYMINUTE and BYSECOND are not
# taken, nor BYWEEKNO and BYYEARDAY (hardly a maintenance schedule).
PARTS = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS",
         "WKST")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
OCCURRENCE_RE = re.compile(r"occurrence:[ \t]*(?P<date>.*?)[ \t]*", re.IGNORECASE)
# An `Occurrence:` line whose date could not be read (already reported): it names no
# occurrence, but the update is not a series update either.
UNREADABLE = date.min
MAX_OCCURRENCES = 1000  # in one expansion window: a daily rule over 90 + 90 days is 180


class RuleError(ValueError):
    """A `recurrence:` that is not a usable RRULE; the message says what to write."""


def normalize(text: str, zone: tzinfo) -> str:
    """The rule as the calendar writes it: upper case, no `RRULE:`, and an `UNTIL` date
    turned into the UTC end of that local day (RFC 5545 wants UTC with a zoned start)."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body or any(c in body for c in "\r\n:"):
        raise RuleError("expected one RRULE such as FREQ=MONTHLY;BYDAY=1WE (the window's "
                        "start and end are scheduled_for and scheduled_until)")
    parts: list[tuple[str, str]] = []
    for item in body.split(";"):
        key, sep, value = item.partition("=")
        key = key.strip().upper()
        if not sep or key not in PARTS:
            raise RuleError(f"unknown RRULE part {item.strip()!r}; expected KEY=VALUE with "
                            f"KEY one of {', '.join(PARTS)}")
        if key in (k for k, _ in parts):
            raise RuleError(f"{key} is given twice")
        parts.append((key, value.strip().upper()))
    found = dict(parts)
    if found.get("FREQ") not in FREQS:
        raise RuleError(f"FREQ must be one of {', '.join(FREQS)} (a maintenance window "
                        f"repeats at most daily), found {found.get('FREQ')!r}")
    if "COUNT" in found and "UNTIL" in found:
        raise RuleError("give COUNT or UNTIL, not both (RFC 5545)")
    _check_values(found)
    return ";".join(f"{k}={_until(v, zone) if k == 'UNTIL' else v}" for k, v in parts)


def _numbers(found: dict[str, str], key: str, low: int, high: int, signed: bool = False
             ) -> list[int]:
    """A comma-separated list of whole numbers from ``low`` to ``high`` (or their
    negatives), or a RuleError saying so: dateutil would accept some out-of-range values
    and then search the calendar up to the year 9999 for an occurrence."""
    if key not in found:
        return []
    out = []
    for item in found[key].split(","):
        value = int(item) if re.fullmatch(r"[+-]?\d{1,5}", item) else None
        if value is None or not low <= abs(value) <= high or (value < 0 and not signed):
            span = f"{low} to {high}" + (f" or -{high} to -{low}" if signed else "")
            raise RuleError(f"{key} must be {span}, found {found[key]!r}")
        out.append(value)
    return out


def _check_values(found: dict[str, str]) -> None:
    """Values that cannot make a rule that never occurs (see ``_numbers``)."""
    freq = found["FREQ"]
    _numbers(found, "INTERVAL", 1, 1000)
    _numbers(found, "COUNT", 1, 10000)
    months = _numbers(found, "BYMONTH", 1, 12)
    days = _numbers(found, "BYMONTHDAY", 1, 31, signed=True)
    weekdays = found["BYDAY"].split(",") if "BYDAY" in found else []
    most = {"MONTHLY": 5, "YEARLY": 53}.get(freq, 0)
    for item in weekdays:
        match = re.fullmatch(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)", item)
        if match is None or (match[1] and not 1 <= abs(int(match[1])) <= most):
            what = (f"a weekday ({', '.join(WEEKDAYS)}) with an optional position from 1 to "
                    f"{most} or -{most} to -1 (1WE: the first Wednesday)" if most else
                    f"a weekday ({', '.join(WEEKDAYS)}) without a position with FREQ={freq}")
            raise RuleError(f"BYDAY must be {what}, found {found['BYDAY']!r}")
    if months and days and not any(abs(d) <= monthrange(2024, m)[1]
                                   for m in months for d in days):
        raise RuleError("BYMONTH and BYMONTHDAY never meet (no such day in those months)")
    limit = {"DAILY": 0, "WEEKLY": len(weekdays),
             "MONTHLY": len(days) or 5 * len(weekdays) or 1, "YEARLY": 366}[freq]
    if "BYSETPOS" in found and not limit:
        raise RuleError(f"BYSETPOS needs a set to choose from: not with FREQ={freq}"
                        + (" without BYDAY" if freq == "WEEKLY" else ""))
    _numbers(found, "BYSETPOS", 1, limit, signed=True)
    if "WKST" in found and found["WKST"] not in WEEKDAYS:
        raise RuleError(f"WKST must be one of {', '.join(WEEKDAYS)}, found {found['WKST']!r}")


def _until(value: str, zone: tzinfo) -> str:
    if re.fullmatch(r"\d{8}T\d{6}Z", value):
        return value
    if re.fullmatch(r"\d{8}", value):
        day = datetime.strptime(value, "%Y%m%d").date()
        end = datetime.combine(day, time(23, 59, 59), tzinfo=zone).astimezone(UTC)
        return end.strftime("%Y%m%dT%H%M%SZ")
    raise RuleError(f"UNTIL must be a date (20271231) or a UTC time (20271231T235959Z), "
                    f"found {value!r}")


def parse_occurrence(text: str) -> date | None:
    """An `Occurrence:` line's date (YYYY-MM-DD), or None when it is not one."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def check_file(text: str, where: tuple[int, int], kind: Kind, meta: Mapping[str, Any],
               updates: Sequence[Update], zone: tzinfo,
               say: Callable[[int, int, str], None]) -> str | None:
    """The file's normalized rule, or None after saying (``say(line, col, message)``)
    what is wrong with it or with its updates."""
    line, col = where
    if kind is not Kind.MAINTENANCE:
        say(line, col, "recurrence: only scheduled maintenance repeats; give the first "
            "window as scheduled_for and scheduled_until")
        return None
    if meta.get("pin"):
        say(line, col, "recurrence: a recurring maintenance cannot be pinned (each "
            "occurrence would stay at the top for ever); remove `pin`")
        return None
    first = meta.get("scheduled_for")
    if first is None:
        return None  # already reported: scheduled_for is missing or invalid
    try:
        normal = normalize(text, zone)
        rule = rule_of(normal, first, zone)
    except RuleError as exc:
        say(line, col, f"recurrence: {exc}")
        return None
    local = first.astimezone(zone)
    found = start_on(rule, local.date(), zone)
    if found != local:
        after = next(iter(rule.xafter(local, count=1)), None)
        hint = f"; its first occurrence after it is {after:%Y-%m-%d %H:%M}" if after else ""
        say(line, col, f"recurrence: scheduled_for ({local:%Y-%m-%d %H:%M}, a {local:%A}) "
            f"must be the rule's first occurrence{hint}")
        return None
    check_updates(rule, zone, updates, say)
    return normal


def rule_of(text: str, first: datetime, zone: tzinfo) -> rrule:
    """The rule, starting at the first occurrence's wall-clock time in the site zone."""
    try:
        parsed = rrulestr(text, dtstart=first.astimezone(zone))
    except (ValueError, TypeError, OverflowError) as exc:
        raise RuleError(f"not a valid RRULE ({exc})") from None
    if not isinstance(parsed, rrule):
        raise RuleError("expected one RRULE")
    return parsed


def start_on(rule: rrule, day: date, zone: tzinfo) -> datetime | None:
    """The start of the occurrence on a local day (in the site zone), if there is one."""
    lo = datetime.combine(day, time(0), tzinfo=zone)
    hi = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    found = next(iter(rule.xafter(lo, count=1, inc=True)), None)
    return found if found is not None and found < hi else None


def nearby(rule: rrule, day: date, zone: tzinfo) -> list[date]:
    """Occurrence dates around ``day``, for a "did you mean"."""
    lo = datetime.combine(day - timedelta(days=45), time(0), tzinfo=zone)
    return [d.date() for d in rule.xafter(lo, count=3, inc=True)]


def check_updates(rule: rrule, zone: tzinfo, updates: Sequence[Update],
                  say: Callable[[int, int, str], None]) -> None:
    """Series updates must be announcements; each `Occurrence:` must name an occurrence;
    nothing may follow an occurrence's completion or cancellation."""
    ended: dict[date, Update] = {}
    for update in updates:
        day = update.occurrence
        if day == UNREADABLE:
            continue
        if day is None:
            if update.status is not MaintenanceStatus.SCHEDULED:
                say(update.line, 4, f"'{update.label}' for the whole series: name the "
                    "occurrence on the line under the heading (Occurrence: YYYY-MM-DD); "
                    "only 'Scheduled' announcements speak for every occurrence")
            continue
        if start_on(rule, day, zone) is None:
            close = ", ".join(d.isoformat() for d in nearby(rule, day, zone))
            say(update.line + 1, 1, f"Occurrence: {day.isoformat()} is not an occurrence "
                f"of this maintenance" + (f"; nearby: {close}" if close else ""))
            continue
        if day in ended:
            before = ended[day]
            say(update.line, 4, f"update after the {before.label.lower()} update of the "
                f"{day.isoformat()} occurrence on line {before.line}: nothing may follow it")
        elif update.status.ends:
            ended[day] = update


def expand_all(incidents: Iterable[Incident], config: SiteConfig, now: datetime
               ) -> list[Incident]:
    """Every recurring maintenance replaced by its occurrences near ``now``."""
    out: list[Incident] = []
    for incident in incidents:
        if incident.recurrence is None:
            out.append(incident)
        else:
            out += expand(incident, config.zone, now, timedelta(days=config.history_days))
    return sorted(out, key=lambda i: i.id)


def expand(series: Incident, zone: tzinfo, now: datetime, history: timedelta,
           ahead: timedelta = AHEAD) -> list[Incident]:
    """The occurrences whose window ends after ``now - history`` and starts before
    ``now + ahead``, each an ordinary maintenance."""
    first, until = series.scheduled_for, series.scheduled_until
    assert first is not None and until is not None and series.recurrence is not None
    rule = rule_of(series.recurrence, first, zone)
    length = until - first
    lo = (now - history - length).astimezone(zone)
    starts: list[datetime] = []
    for start in rule.xafter(lo, inc=True):
        if start >= now + ahead or len(starts) >= MAX_OCCURRENCES:
            break
        starts.append(start)
    return [occurrence(series, start.astimezone(UTC), length, zone) for start in starts]


def occurrence(series: Incident, start: datetime, length: timedelta, zone: tzinfo
               ) -> Incident:
    day = start.astimezone(zone).date()
    updates = [u for u in series.updates
               if u.occurrence == day or (u.occurrence is None and u.time < start)]
    return replace(series, id=f"{series.id}-{day.isoformat()}",
                   title=f"{series.title} ({day.isoformat()})", updates=tuple(updates),
                   scheduled_for=start, scheduled_until=start + length, series=series)


def series_rule(series: Incident, zone: tzinfo) -> rrule:
    assert series.scheduled_for is not None and series.recurrence is not None
    assert series.kind is Kind.MAINTENANCE
    return rule_of(series.recurrence, series.scheduled_for, zone)
