"""Reading and showing times.

Times in incident files are written by people under stress, so we accept the common
spellings (`2026-11-22 14:05`, `...T14:05:00Z`, `+12:00`, `+1200`, `UTC`) and refuse
everything that could silently mean two things: zone abbreviations (`IST` is three
different zones), naive times without a site timezone, and local times that fall into a
daylight-saving gap or overlap.

Times must also lie between 1970 and 8999 (UTC): near the ends of Python's range (years 1
and 9999) showing a time in another zone, or adding an hour to it, overflows, so such a
time is refused where it is read, with its location, instead of crashing a build.
"""

from __future__ import annotations

import math
import os
import re
import time as _time
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TIME_RE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<hm>\d{2}:\d{2})(?::(?P<s>\d{2}))?"
    r"(?:\s*(?P<zone>Z|UTC|[+-]\d{2}:?\d{2}))?"
)
ABBREVIATION_RE = re.compile(r"\s*(?P<abbr>[A-Z][A-Za-z]{1,4})\b")
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)  # excluded
RANGE_TEXT = "times must lie between 1970-01-01 and 8999-12-31 (UTC)"


class TimeError(ValueError):
    """A time that cannot be read without guessing; the text says how to fix it."""


def load_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimeError(f"unknown timezone {name!r} "
                        "(use an IANA name such as Europe/Paris)") from exc


def parse_time(text: str, zone: tzinfo | None) -> datetime:
    """Parse a whole string as a time; the result is always timezone-aware."""
    text = text.strip()
    match = TIME_RE.fullmatch(text)
    if match is None:
        prefix = TIME_RE.match(text)
        rest = text[prefix.end():] if prefix else ""
        abbr = ABBREVIATION_RE.fullmatch(rest)
        if prefix and abbr:
            raise TimeError(
                f"zone abbreviation {abbr['abbr']!r} is ambiguous: "
                "write an offset such as +12:00, or Z for UTC"
            )
        raise TimeError(
            f"expected a time like 2026-11-22 14:05 +01:00, found {text!r}"
        )
    return from_match(match, zone)


def from_match(match: re.Match[str], zone: tzinfo | None) -> datetime:
    try:
        naive = datetime.fromisoformat(f"{match['date']}T{match['hm']}:{match['s'] or '00'}")
    except ValueError as exc:
        raise TimeError(f"not a real date or time: {match.group(0)!r} ({exc})") from None
    if not EARLIEST.year - 1 <= naive.year < LATEST.year + 1:
        raise TimeError(f"{match.group(0)!r} is out of range: {RANGE_TEXT}")
    return in_range(_aware(naive, match, zone), match.group(0))


def in_range(moment: datetime, shown: str) -> datetime:
    """`moment`, if it lies in the supported range (so every zone can show it)."""
    if not EARLIEST <= moment < LATEST:
        raise TimeError(f"{shown!r} is out of range: {RANGE_TEXT}")
    return moment


def _aware(naive: datetime, match: re.Match[str], zone: tzinfo | None) -> datetime:
    offset = match["zone"]
    if offset in ("Z", "UTC"):
        return naive.replace(tzinfo=UTC)
    if offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            raise TimeError(f"offset {offset!r} is out of range")
        return naive.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))
    if zone is None:
        raise TimeError(
            f"{match.group(0)!r} has no timezone and the site has no `timezone` setting: "
            "add an offset such as +00:00"
        )
    return localize(naive, zone)


def localize(naive: datetime, zone: tzinfo) -> datetime:
    """Attach a zone to a wall-clock time, refusing DST gaps and overlaps."""
    early, late = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        roundtrip = early.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if roundtrip != naive:
            raise TimeError(
                f"{naive:%Y-%m-%d %H:%M} does not exist in {zone} (clocks moved forward): "
                "write an explicit offset"
            )
        raise TimeError(
            f"{naive:%Y-%m-%d %H:%M} happens twice in {zone} (clocks moved back): "
            "write an explicit offset"
        )
    return early


def resolve_now(option: str | None, environ: dict[str, str] | None = None) -> datetime:
    """`--now`, else SOURCE_DATE_EPOCH, else the clock: the only clock read in a build."""
    env = os.environ if environ is None else environ
    if option:
        if re.fullmatch(r"\d+", option.strip()):
            return _from_epoch(option.strip())
        return parse_time(option, UTC)
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise TimeError(f"SOURCE_DATE_EPOCH must be whole seconds, found {epoch!r}")
        return _from_epoch(epoch)
    # whole seconds, rounded up: a sample the probe wrote earlier in this same second is
    # not in the build's future (the scheduled job probes, then builds at once)
    return datetime.fromtimestamp(math.ceil(_time.time()), UTC)


def _from_epoch(seconds: str) -> datetime:
    if int(seconds) >= LATEST.timestamp():
        raise TimeError(f"{seconds} seconds is out of range: {RANGE_TEXT}")
    return datetime.fromtimestamp(int(seconds), UTC)


def iso_utc(moment: datetime) -> str:
    """RFC 3339 in UTC with a Z, the form of every machine-readable output."""
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def show(moment: datetime, zone: tzinfo) -> str:
    """How a person reads a time on the page: local, absolute, with the zone named."""
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {zone_name(local)}"


def zone_name(local: datetime) -> str:
    """The zone of a local time by its name (``NZDT``), else as ``UTC+05:30``."""
    name = local.tzname() or ""
    if not name or name[0] in "+-":
        name = "UTC" + local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]
        if local.utcoffset() == timedelta(0):
            name = "UTC"
    return name


def show_duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts)


DURATION_RE = re.compile(
    r"(?:in\s+)?(?:(?P<d>\d+)\s*(?:d|days?)\b\s*)?(?:(?P<h>\d+)\s*(?:h|hrs?|hours?)\b\s*)?"
    r"(?:(?P<m>\d+)\s*(?:m|mins?|minutes?)\b)?", re.IGNORECASE)
DURATION_HINT = "a duration such as 30 min, 1 h or 1 h 30 min"


def parse_duration(text: str) -> timedelta:
    """`30 min`, `1 h`, `1 h 30 min`, `2 hours`, `1 d`: what people write under stress.

    Whole units only, and above zero; anything else is refused with what to write."""
    match = DURATION_RE.fullmatch(text.strip())
    if match is None or not any(match.group(k) for k in "dhm"):
        raise TimeError(f"expected {DURATION_HINT}, found {text.strip()!r}")
    delta = timedelta(days=int(match["d"] or 0), hours=int(match["h"] or 0),
                      minutes=int(match["m"] or 0))
    if delta <= timedelta(0):
        raise TimeError(f"expected a duration above zero, found {text.strip()!r}")
    return delta


def next_update_time(text: str, after: datetime, zone: tzinfo | None) -> datetime:
    """A promised next update: a duration from `after` (the update's time) or a time."""
    value = text.strip()
    if TIME_RE.match(value):
        moment = parse_time(value, zone)
    else:
        try:
            moment = after + parse_duration(value)
        except TimeError:
            raise TimeError(f"expected {DURATION_HINT}, or a time such as 2026-11-22 10:30, "
                            f"found {value!r}") from None
    if moment <= after:
        raise TimeError(f"the next update ({iso_utc(moment)}) must come after this update "
                        f"({iso_utc(after)})")
    return moment


def show_near(moment: datetime, now: datetime, zone: tzinfo) -> str:
    """`10:30 NZDT` on the day of `now` (in the site's zone), the full time otherwise."""
    full = show(moment, zone)
    same_day = moment.astimezone(zone).date() == now.astimezone(zone).date()
    return full.split(" ", 1)[1] if same_day else full
