"""/maintenance.ics: RFC 5545's MUSTs checked by hand (libraries accept events without
UID or DTSTAMP), then a parse with `icalendar`, on the demo and the trouble scenario."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from mkstatus.render.calendar import escape, fold

from tests.render.test_api import DEMO_NOW, build_site, demo_copy, load


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b""), "bare LF"
    assert b"\r" not in data.replace(b"\r\n", b""), "bare CR"
    return data[:-2].split(b"\r\n")


def content_lines(data: bytes) -> list[str]:
    """Unfolded content lines; each physical line must be ≤ 75 octets and valid UTF-8."""
    out: list[str] = []
    for raw in physical_lines(data):
        assert len(raw) <= 75, raw
        text = raw.decode("utf-8")  # a fold never splits a character
        if text.startswith(" "):
            out[-1] += text[1:]
        else:
            out.append(text)
    return out


def events(lines: list[str]) -> list[dict[str, str]]:
    """Each VEVENT's properties by name, and their parameters under "@NAME"; nested
    blocks refused."""
    out, current = [], None
    for line in lines:
        head, _, value = line.partition(":")
        name, _, params = head.partition(";")
        if line == "BEGIN:VEVENT":
            assert current is None
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            out.append(current)
            current = None
        elif current is not None:
            assert name not in current, f"{name} twice in one event"
            current[name] = value
            current["@" + name] = params
    return out


def timezones(lines: list[str]) -> set[str]:
    """The TZIDs the calendar defines in VTIMEZONE components."""
    inside, out = False, set()
    for line in lines:
        if line in ("BEGIN:VTIMEZONE", "END:VTIMEZONE"):
            inside = line.startswith("BEGIN")
        elif inside and line.startswith("TZID:"):
            out.add(line[5:])
    return out


def utc(value: str) -> datetime:
    assert re.fullmatch(r"\d{8}T\d{6}Z", value), value
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def moment(event: dict[str, str], name: str, zones: set[str]) -> datetime:
    """A DATE-TIME property as an instant: UTC, or local time with a TZID that a
    VTIMEZONE of the calendar defines (RFC 5545 3.2.19)."""
    params = dict(p.split("=", 1) for p in event["@" + name].split(";") if p)
    if "TZID" not in params:
        return utc(event[name])
    assert params["TZID"] in zones, f"{name}: TZID {params['TZID']} has no VTIMEZONE"
    assert re.fullmatch(r"\d{8}T\d{6}", event[name]), event[name]
    local = datetime.strptime(event[name], "%Y%m%dT%H%M%S")
    return local.replace(tzinfo=ZoneInfo(params["TZID"])).astimezone(UTC)


@pytest.mark.parametrize("site_name", ["demo", "trouble"])
def test_rfc5545_musts(request: pytest.FixtureRequest, site_name: str) -> None:
    data = (request.getfixturevalue(site_name) / "maintenance.ics").read_bytes()
    assert check_musts(data)


def test_each_components_calendar_meets_the_same_musts(demo: Path) -> None:
    """/components/<id>/maintenance.ics: the same checks (an empty one still carries its
    VTIMEZONE), and each event is the site calendar's event for that maintenance."""
    site = {str(e["UID"]): e.to_ical() for e in icalendar.Calendar.from_ical(
        (demo / "maintenance.ics").read_bytes()).walk("VEVENT")}
    counts = {}
    for path in sorted(demo.glob("components/*/maintenance.ics")):
        data = path.read_bytes()
        found = check_musts(data)
        if not found:  # an empty calendar still carries the zone (a TZID is checked above)
            assert timezones(content_lines(data)) == {"Pacific/Auckland"}, path
        counts[path.parent.name] = len(found)
        for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
            assert event.to_ical() == site[str(event["UID"])], path
    assert len(counts) == 7 and counts["api"] == 0
    assert counts["email"] == 1  # the monthly patching, one event with its RRULE


def check_musts(data: bytes) -> list[dict[str, str]]:
    """RFC 5545's MUSTs for one calendar; its events (there may be none)."""
    lines = content_lines(data)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    head = lines[: lines.index("BEGIN:VEVENT")] if "BEGIN:VEVENT" in lines else lines
    assert "VERSION:2.0" in head
    assert any(line.startswith("PRODID:") and len(line) > 7 for line in head)
    found = events(lines)
    zones = timezones(lines)
    for event in found:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE"):
            assert event.get(required), (required, event)
        assert moment(event, "DTEND", zones) > moment(event, "DTSTART", zones)
        utc(event["DTSTAMP"])
        if "EXDATE" in event:  # same value type and zone as DTSTART (RFC 5545 3.8.5.1)
            assert event["@EXDATE"] == event["@DTSTART"]
        assert event["STATUS"] in ("CONFIRMED", "CANCELLED")
        assert int(event["SEQUENCE"]) >= 0
    uids = [e["UID"] for e in found]
    assert len(uids) == len(set(uids))
    calendar = icalendar.Calendar.from_ical(data)
    parsed = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in parsed] == uids
    assert all(e.decoded("DTEND") > e.decoded("DTSTART") for e in parsed)
    return found


def test_demo_matches_the_json_api(demo: Path) -> None:
    """Each maintenance of the JSON API is an event, or an occurrence of a recurring
    event's RRULE (its id is the series' id and the occurrence's date)."""
    lines = content_lines((demo / "maintenance.ics").read_bytes())
    found = {e["UID"]: e for e in events(lines)}
    series = {uid.split("@")[0]: e for uid, e in found.items() if "RRULE" in e}
    assert series, "the demo has a recurring maintenance"
    for item in load(demo, "scheduled-maintenances.json")["scheduled_maintenances"]:
        incident_id = item["shortlink"].rstrip("/").rsplit("/", 1)[1]
        stem = next((s for s in series if incident_id.startswith(s + "-")), None)
        if stem is not None:
            event = series[stem]
            start = moment(event, "DTSTART", timezones(lines))
            zone = ZoneInfo(event["@DTSTART"].split("=", 1)[1])
            rule = rrulestr(event["RRULE"], dtstart=start.astimezone(zone))
            expected = datetime.fromisoformat(item["scheduled_for"].replace("Z", "+00:00"))
            assert expected in list(rule.between(expected - timedelta(days=1),
                                                 expected + timedelta(days=1), inc=True))
            assert incident_id.endswith(expected.astimezone(zone).date().isoformat())
            continue
        event = found[f"{incident_id}@status.example.com"]
        assert int(event["SEQUENCE"]) == len(item["incident_updates"])
        assert utc(event["DTSTART"]).isoformat().replace("+00:00", "Z") == item["scheduled_for"]
        assert event["URL"] == item["shortlink"]
        assert event["SUMMARY"] == escape(item["name"])


def test_uids_and_bytes_stable_across_builds(tmp_path_factory: pytest.TempPathFactory) -> None:
    first = build_site(tmp_path_factory, "demo-first", demo_copy(tmp_path_factory), DEMO_NOW)
    again = build_site(tmp_path_factory, "demo-again", demo_copy(tmp_path_factory), DEMO_NOW)
    assert (first / "maintenance.ics").read_bytes() == (again / "maintenance.ics").read_bytes()


def test_trouble_scenario(trouble: Path) -> None:
    calendar = icalendar.Calendar.from_ical((trouble / "maintenance.ics").read_bytes())
    by_uid = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    assert sorted(by_uid) == ["2026-03-10-db-migration", "2026-03-15-cancelled-upgrade",
                              "2026-03-20-future-window"]  # the 2025 window is too old
    cancelled = by_uid["2026-03-15-cancelled-upgrade"]
    assert (str(cancelled["STATUS"]), int(cancelled["SEQUENCE"])) == ("CANCELLED", 2)
    assert str(cancelled["SUMMARY"]) == "Cancelled: Website upgrade"
    future = by_uid["2026-03-20-future-window"]
    assert int(future["SEQUENCE"]) == 0
    assert future.decoded("DTSTAMP") == datetime(2026, 3, 10, 12, tzinfo=UTC)  # `now`
    assert "éèà ünïcödé ✓" in str(future["SUMMARY"])
    migration = by_uid["2026-03-10-db-migration"]
    assert str(migration["STATUS"]) == "CONFIRMED"
    assert migration.decoded("DTSTAMP") == datetime(2026, 3, 10, 11, 31, tzinfo=UTC)
    assert "Started." in str(migration["DESCRIPTION"])


def test_text_escaping_and_folding_round_trip() -> None:
    text = "a, b; c \\ d\nline two ✓ " + "é" * 80
    line = "DESCRIPTION:" + escape(text)
    folded = fold(line).encode("utf-8") + b"\r\n"
    assert all(len(raw) <= 75 for raw in physical_lines(folded))
    event = icalendar.Event.from_ical(b"BEGIN:VEVENT\r\n" + folded + b"END:VEVENT\r\n")
    assert str(event["DESCRIPTION"]) == text
    assert escape("bad\x00control\x07") == "badcontrol"
