"""Recurring maintenance: RRULE expansion across both daylight-saving changes of the
demo's zone (Pacific/Auckland), cancelled and updated occurrences, the calendar's RRULE
and EXDATE, and the exact messages for mistakes.

In 2026 Auckland's clocks go back on Sunday 5 April (03:00 NZDT -> 02:00 NZST, so 02:30
happens twice) and forward on Sunday 27 September (02:00 NZST -> 03:00 NZDT, so 02:30
does not exist). NZST is UTC+12, NZDT UTC+13.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from mkstatus.compute.site import compute
from mkstatus.incidents.parse import parse_incident
from mkstatus.incidents.recurrence import expand, expand_all, normalize
from mkstatus.model import Component, Incident, MaintenanceStatus, SiteConfig
from mkstatus.render.calendar import calendar_bytes

NZ = ZoneInfo("Pacific/Auckland")
CONFIG = SiteConfig("Status", "https://status.example.com/", NZ, "",
                    (Component("email", "Email", None, "", 1),
                     Component("web", "Website", None, "", 2)))
PATH = "incidents/2026-03-04-patching.md"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def parse(front: str, body: str = "", stem: str = "2026-03-04-patching"
          ) -> tuple[Incident | None, list[str]]:
    text = f"---\ntitle: Mail patching\ncomponents: [email]\n{front}---\n\n{body}"
    incident, problems = parse_incident(f"incidents/{stem}.md", stem, text.encode(), CONFIG)
    return incident, [f"{p.line}:{p.col}: {p.message}" for p in problems]


MONTHLY = ('scheduled_for: 2026-03-04 02:00\nscheduled_until: 2026-03-04 03:00\n'
           'recurrence: "FREQ=MONTHLY;BYDAY=1WE"\n')


def test_monthly_window_keeps_its_wall_clock_time_across_both_dst_changes() -> None:
    series, problems = parse(MONTHLY)
    assert problems == [] and series is not None
    assert series.recurrence == "FREQ=MONTHLY;BYDAY=1WE"
    found = expand(series, NZ, utc("2026-07-01T00:00"), timedelta(days=120))
    starts = {o.id: (o.scheduled_for, o.scheduled_until) for o in found}
    # 1 April is NZDT (+13), 6 May and 2 September NZST (+12), 7 October NZDT again.
    assert starts["2026-03-04-patching-2026-04-01"] == (utc("2026-03-31T13:00"),
                                                        utc("2026-03-31T14:00"))
    assert starts["2026-03-04-patching-2026-05-06"] == (utc("2026-05-05T14:00"),
                                                        utc("2026-05-05T15:00"))
    assert starts["2026-03-04-patching-2026-09-02"] == (utc("2026-09-01T14:00"),
                                                        utc("2026-09-01T15:00"))
    assert "2026-03-04-patching-2026-10-07" not in starts  # beyond the 90 days ahead
    for o in found:
        local = o.scheduled_for.astimezone(NZ)  # type: ignore[union-attr]
        assert (local.hour, local.minute, local.weekday(), local.day <= 7) == (2, 0, 2, True)
        assert o.title == f"Mail patching ({local.date().isoformat()})"
        assert o.series is series
    # The window: from the history window (120 days back) to 90 days ahead.
    assert [o.id[-10:] for o in found] == ["2026-03-04", "2026-04-01", "2026-05-06",
                                           "2026-06-03", "2026-07-01", "2026-08-05",
                                           "2026-09-02"]


def test_a_time_missing_or_repeated_at_a_dst_change_follows_rfc_5545() -> None:
    series, problems = parse('scheduled_for: 2026-03-01 02:30\n'
                             'scheduled_until: 2026-03-01 03:30\n'
                             'recurrence: "FREQ=WEEKLY;BYDAY=SU"\n', stem="2026-03-01-weekly")
    assert problems == [] and series is not None
    found = {o.scheduled_for.astimezone(NZ).date(): o  # type: ignore[union-attr]
             for o in expand(series, NZ, utc("2026-08-01T00:00"), timedelta(days=400))}
    # 5 April: 02:30 happens twice; the first (NZDT) is meant.
    april = found[date(2026, 4, 5)]
    assert (april.scheduled_for, april.scheduled_until) == (utc("2026-04-04T13:30"),
                                                            utc("2026-04-04T14:30"))
    # 27 September: 02:30 does not exist; the offset before the gap (NZST) makes it
    # 14:30Z, 03:30 NZDT, and the window keeps its exact length of one hour.
    september = found[date(2026, 9, 27)]
    assert (september.scheduled_for, september.scheduled_until) == (
        utc("2026-09-26T14:30"), utc("2026-09-26T15:30"))
    assert found[date(2026, 10, 4)].scheduled_for == utc("2026-10-03T13:30")  # NZDT


BODY = """Patching the mail servers.

## 2026-09-30 09:00 — Cancelled
Occurrence: 2026-10-07
Change freeze: no patching in October.

## 2026-09-02 02:45 — Completed
Occurrence: 2026-09-02
Done early.

## 2026-09-02 02:01 — In progress
Occurrence: 2026-09-02
Components: email=under_maintenance
Restarting the servers.

## 2026-08-20 10:00 — Scheduled
We patch on the first Wednesday of every month, 2 am to 3 am.
"""


def test_cancelled_and_updated_occurrences() -> None:
    series, problems = parse(MONTHLY, BODY)
    assert problems == [] and series is not None
    now = utc("2026-10-10T00:00")
    occurrences = expand_all([series], CONFIG, now)
    site = compute(CONFIG, occurrences, now)
    views = {v.id[-10:]: v for v in site.views}
    # Before the series announcement: no update of its own, so the clock decides.
    assert views["2026-08-05"].status is MaintenanceStatus.COMPLETED
    assert views["2026-08-05"].updates == ()
    september = views["2026-09-02"]
    assert september.status is MaintenanceStatus.COMPLETED
    assert [u.status.value for u in september.updates] == ["scheduled", "in_progress",
                                                           "completed"]
    assert september.end == utc("2026-09-01T14:45")  # the completed update, 02:45 NZST
    october = views["2026-10-07"]
    assert october.status is MaintenanceStatus.CANCELLED
    assert [u.message for u in october.updates][-1] == "Change freeze: no patching in October."
    november = views["2026-11-04"]
    assert november.status is MaintenanceStatus.SCHEDULED
    assert [u.status.value for u in november.updates] == ["scheduled"]
    # The same updates are each occurrence's own: ids and feed entries differ.
    assert len({v.id for v in site.views}) == len(site.views)


def test_calendar_writes_one_series_with_rrule_exdate_and_vtimezone() -> None:
    series, _ = parse(MONTHLY, BODY)
    assert series is not None
    now = utc("2026-10-10T00:00")
    site = compute(CONFIG, expand_all([series], CONFIG, now), now)
    data = calendar_bytes(site)
    assert data == calendar_bytes(site)  # deterministic
    cal = icalendar.Calendar.from_ical(data)
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == "2026-03-04-patching@status.example.com"
    assert event.decoded("DTSTART") == datetime(2026, 3, 4, 2, 0, tzinfo=NZ)
    assert str(event["DTSTART"].params["TZID"]) == "Pacific/Auckland"
    assert [t.dt for t in event["EXDATE"].dts] == [datetime(2026, 10, 7, 2, 0, tzinfo=NZ)]
    assert int(event["SEQUENCE"]) == 4  # every update of the file published by now
    [zone] = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Pacific/Auckland"
    assert b"RRULE:FREQ=MONTHLY;BYDAY=1WE\r\n" in data
    # A calendar client expanding the RRULE in the zone finds our occurrences, minus the
    # cancelled one, at 02:00 local before and after the DST change.
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=event.decoded("DTSTART"))
    client = [t for t in rule.between(datetime(2026, 9, 1, tzinfo=NZ),
                                      datetime(2026, 12, 1, tzinfo=NZ))
              if t not in [x.dt for x in event["EXDATE"].dts]]
    assert [t.astimezone(UTC) for t in client] == [utc("2026-09-01T14:00"),
                                                   utc("2026-11-03T13:00")]


@pytest.mark.parametrize(("rule", "days"), [
    ("FREQ=MONTHLY;BYDAY=1WE;COUNT=3", ["2026-03-04", "2026-04-01", "2026-05-06"]),
    # UNTIL as a date is the whole local day: 2 September 02:00 NZST is included, though
    # it is 1 September in UTC; 7 October is not.
    ("FREQ=MONTHLY;BYDAY=1WE;UNTIL=20260902", ["2026-03-04", "2026-04-01", "2026-05-06",
                                               "2026-06-03", "2026-07-01", "2026-08-05",
                                               "2026-09-02"]),
    # UNTIL as a UTC time: 2026-09-01T13:59:59Z is 01:59:59 NZST on 2 September, a
    # minute before that occurrence starts.
    ("FREQ=MONTHLY;BYDAY=1WE;UNTIL=20260901T135959Z", ["2026-03-04", "2026-04-01",
                                                       "2026-05-06", "2026-06-03",
                                                       "2026-07-01", "2026-08-05"]),
])
def test_count_and_until_end_the_series(rule: str, days: list[str]) -> None:
    series, problems = parse(MONTHLY.replace("FREQ=MONTHLY;BYDAY=1WE", rule))
    assert problems == [] and series is not None
    found = expand(series, NZ, utc("2026-10-01T00:00"), timedelta(days=400))
    assert [o.id[-10:] for o in found] == days
    assert all(o.scheduled_until - o.scheduled_for == timedelta(hours=1)  # type: ignore[operator]
               for o in found)


def test_count_counts_from_the_first_window_not_the_expansion_window() -> None:
    # On 1 July with 100 days of history the expansion starts on 23 March: of the three
    # occurrences (4 March, 1 April, 6 May), two are left; COUNT does not start again.
    series, _ = parse(MONTHLY.replace("BYDAY=1WE", "BYDAY=1WE;COUNT=3"))
    assert series is not None
    found = expand(series, NZ, utc("2026-07-01T00:00"), timedelta(days=100))
    assert [o.id[-10:] for o in found] == ["2026-04-01", "2026-05-06"]


def test_normalize_turns_an_until_date_into_utc() -> None:
    assert normalize("rrule:freq=weekly;until=20261231", NZ) == \
        "FREQ=WEEKLY;UNTIL=20261231T105959Z"
    assert normalize("FREQ=DAILY;COUNT=3", NZ) == "FREQ=DAILY;COUNT=3"


@pytest.mark.parametrize(("front", "body", "expected"), [
    (MONTHLY.replace("FREQ=MONTHLY;BYDAY=1WE", "FREQ=HOURLY"), "",
     ["6:13: recurrence: FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY (a maintenance "
      "window repeats at most daily), found 'HOURLY'"]),
    (MONTHLY.replace("BYDAY=1WE", "BYDAY=1XX"), "",
     ["6:13: recurrence: BYDAY must be a weekday (MO, TU, WE, TH, FR, SA, SU) with an "
      "optional position from 1 to 5 or -5 to -1 (1WE: the first Wednesday), found '1XX'"]),
    # Rules that never occur: dateutil would search up to the year 9999 for them.
    (MONTHLY.replace("BYDAY=1WE", "BYDAY=6WE"), "",
     ["6:13: recurrence: BYDAY must be a weekday (MO, TU, WE, TH, FR, SA, SU) with an "
      "optional position from 1 to 5 or -5 to -1 (1WE: the first Wednesday), found '6WE'"]),
    (MONTHLY.replace("FREQ=MONTHLY;BYDAY=1WE", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"), "",
     ["6:13: recurrence: BYMONTH and BYMONTHDAY never meet (no such day in those months)"]),
    (MONTHLY.replace("BYDAY=1WE", "BYMONTHDAY=32"), "",
     ["6:13: recurrence: BYMONTHDAY must be 1 to 31 or -31 to -1, found '32'"]),
    (MONTHLY.replace("BYDAY=1WE", "INTERVAL=0"), "",
     ["6:13: recurrence: INTERVAL must be 1 to 1000, found '0'"]),
    (MONTHLY.replace("FREQ=MONTHLY;BYDAY=1WE", "FREQ=DAILY;BYSETPOS=2"), "",
     ["6:13: recurrence: BYSETPOS needs a set to choose from: not with FREQ=DAILY"]),
    (MONTHLY.replace("BYDAY=1WE", "BYDAY=WE;BYSETPOS=6"), "",
     ["6:13: recurrence: BYSETPOS must be 1 to 5 or -5 to -1, found '6'"]),
    (MONTHLY.replace("BYDAY=1WE", "BYDAY=1TU"), "",
     ["6:13: recurrence: scheduled_for (2026-03-04 02:00, a Wednesday) must be the rule's "
      "first occurrence; its first occurrence after it is 2026-04-07 02:00"]),
    (MONTHLY.replace("BYDAY=1WE", "COUNT=3;UNTIL=20270101"), "",
     ["6:13: recurrence: give COUNT or UNTIL, not both (RFC 5545)"]),
    (MONTHLY.replace("BYDAY=1WE", "UNTIL=20270101T000000"), "",
     ["6:13: recurrence: UNTIL must be a date (20271231) or a UTC time (20271231T235959Z), "
      "found '20270101T000000'"]),
    (MONTHLY.replace("BYDAY=1WE", "COLOUR=RED"), "",
     ["6:13: recurrence: unknown RRULE part 'COLOUR=RED'; expected KEY=VALUE with KEY one "
      "of FREQ, UNTIL, COUNT, INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, WKST"]),
    (MONTHLY, "## 2026-09-02 02:01 — In progress\nWe started.\n",
     ["9:4: 'In progress' for the whole series: name the occurrence on the line under the "
      "heading (Occurrence: YYYY-MM-DD); only 'Scheduled' announcements speak for every "
      "occurrence"]),
    (MONTHLY, "## 2026-09-02 02:01 — In progress\nOccurrence: 2026-09-03\nWe started.\n",
     ["10:1: Occurrence: 2026-09-03 is not an occurrence of this maintenance; nearby: "
      "2026-08-05, 2026-09-02, 2026-10-07"]),
    (MONTHLY, "## 2026-09-02 02:01 — In progress\nOccurrence: 2 Sept\n",
     ["10:1: Occurrence: expected the occurrence's start date as YYYY-MM-DD (site time), "
      "found '2 Sept'"]),
    (MONTHLY, "## 2026-09-02 02:30 — In progress\nOccurrence: 2026-09-02\n\n"
              "## 2026-09-02 02:20 — Cancelled\nOccurrence: 2026-09-02\n",
     ["9:4: update after the cancelled update of the 2026-09-02 occurrence on line 12: "
      "nothing may follow it"]),
    ("scheduled_for: 2026-03-04 02:00\nscheduled_until: 2026-03-04 03:00\n",
     "## 2026-03-01 09:00 — Scheduled\nOccurrence: 2026-03-04\n",
     ["9:1: Occurrence: only a recurring maintenance (with `recurrence:`) has occurrences"]),
    (MONTHLY + "pin: true\n", "",
     ["6:13: recurrence: a recurring maintenance cannot be pinned (each occurrence would "
      "stay at the top for ever); remove `pin`"]),
])
def test_mistakes_are_reported_exactly(front: str, body: str, expected: list[str]) -> None:
    incident, problems = parse(front, body)
    assert problems == expected
    assert incident is None


def test_an_incident_cannot_recur() -> None:
    _, problems = parse('recurrence: "FREQ=DAILY"\n',
                        "## 2026-03-04 09:00 — Investigating\nSlow.\n")
    assert "4:13: recurrence: only scheduled maintenance repeats; give the first window as " \
           "scheduled_for and scheduled_until" in problems


def test_demo_occurrences_are_maintenance_everywhere(demo) -> None:  # noqa: ANN001
    """The demo's monthly patching: pages, feed entries, JSON and the calendar."""
    import json

    from lxml import etree, html

    stem = "2026-09-02-mail-server-patching"
    december = html.parse(str(demo / "incidents" / f"{stem}-2026-12-02" / "index.html"))
    assert "Cancelled" in december.xpath('string(//*[contains(@class, "mks-ustatus")])')
    assert december.xpath("string(//h1)") == "Monthly mail server patching (2026-12-02)"
    atom = etree.parse(str(demo / "history.atom"))
    ids = atom.xpath("//a:entry/a:id/text()", namespaces={"a": "http://www.w3.org/2005/Atom"})
    assert f"tag:status.example.com,2026-11-20:{stem}-2026-12-02/2026-11-20T03:00:00Z" in ids
    assert f"tag:status.example.com,2026-11-04:{stem}-2026-11-04/2026-11-03T13:40:00Z" in ids
    items = json.loads((demo / "api" / "v2" / "scheduled-maintenances.json").read_text())
    names = {m["name"] for m in items["scheduled_maintenances"]}
    assert {f"Monthly mail server patching ({d})" for d in
            ("2026-09-02", "2026-10-07", "2026-11-04", "2026-12-02", "2027-01-06")} <= names
    calendar = icalendar.Calendar.from_ical((demo / "maintenance.ics").read_bytes())
    series = next(e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(stem))
    assert [t.dt for t in series["EXDATE"].dts] == [datetime(2026, 12, 2, 2, 0, tzinfo=NZ)]
