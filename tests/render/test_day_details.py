"""Each day's details, by link rather than by tooltip; the 48-hour hourly chart from raw
samples; a component's own link, JSON Feed and calendar (issue 19.4). The keyboard and
axe-core checks in Chromium are in tests/browser/test_accessibility.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
from lxml import etree, html
from mkstatus.compute.latency import hourly_latency
from mkstatus.i18n import translator
from mkstatus.render.hourly_chart import hourly_geometry
from mkstatus.samples.model import Outcome, Sample

NOW = datetime(2026, 11, 22, 21, 30, tzinfo=UTC)
NZ = ZoneInfo("Pacific/Auckland")
SVG = "{http://www.w3.org/2000/svg}"


def sample(minutes_ago: int, ms: int | None, outcome: Outcome = Outcome.OK) -> Sample:
    return Sample(NOW - timedelta(minutes=minutes_ago), "api", "nz", outcome, 200, ms)


def test_hourly_latency_buckets_and_gaps() -> None:
    samples = [sample(10, 100), sample(20, 300), sample(25, None, Outcome.TIMEOUT),
               sample(70, 200), sample(48 * 60 + 40, 999),  # hours ago: 0, 0, 0, 1, gone
               sample(-5, 5000)]  # after now: not counted
    hours = hourly_latency(samples, NOW)
    assert len(hours) == 49 and hours[-1].start == datetime(2026, 11, 22, 21, tzinfo=UTC)
    assert hours[0].start == datetime(2026, 11, 20, 21, tzinfo=UTC)
    last, before = hours[-1], hours[-2]
    assert (last.count, last.failed, last.p50, last.p95) == (2, 1, 100, 300)
    assert (before.count, before.p50, before.p95) == (1, 200, 200)
    assert all(h.count == 0 and h.p95 is None for h in hours[:-2])
    chart = hourly_geometry("api", hours, NZ, translator())
    assert [len(run) for _, runs in chart.series for run in runs] == [2, 2]  # p95, p50
    assert chart.latest is last and chart.worst is last
    assert (chart.samples, chart.failed) == (3, 1)
    assert [label for _, _, label in chart.ticks] == [
        "2026-11-21 10:00 NZDT", "2026-11-22 10:00 NZDT", "2026-11-23 10:00 NZDT"]
    assert [label for _, _, label in chart.grid] == [0, 250, 500]


def test_component_page_rows_charts_and_links(demo: Path) -> None:
    page = html.parse(str(demo / "components" / "api" / "index.html"))
    bars = page.xpath('//div[@class="mks-bars"]/a')
    assert len(bars) == 90
    rows = {tr.get("id"): tr for tr in page.xpath('//table[@class="mks-days"]/tbody/tr')}
    assert [a.get("href")[1:] for a in bars] == list(rows)[::-1]  # every bar has its row
    attack = rows["d2026-10-14"]
    cells = [td.text_content() for td in attack.xpath("th|td")]
    assert cells[:3] == ["2026-10-14", "86.22%", "3 h 18 min"]
    assert attack.xpath(".//a/@href") == [
        "../../incidents/2026-10-14-denial-of-service-attack/"]
    assert "outage detected automatically" in cells[4]
    [hourly, daily] = page.xpath('//figure[@class="mks-chart"]/*[local-name()="svg"]')
    chart = etree.fromstring(html.tostring(hourly))
    assert chart.findtext(SVG + "title") == (
        "Response time of Public API, hour by hour over the last 48 hours")
    assert "from 384 successful samples; 0 failed." in chart.findtext(SVG + "desc")
    assert len(list(chart.iter(SVG + "polyline"))) == 2
    assert "per UTC day" in etree.fromstring(html.tostring(daily)).findtext(SVG + "desc")
    subscribe = page.xpath('//p[@class="mks-links"][contains(., "Subscribe")]/a/@href')
    assert subscribe == ["history.rss", "history.atom", "history.json", "maintenance.ics"]


def test_home_bars_link_each_day_to_its_row(demo: Path) -> None:
    home = html.parse(str(demo / "index.html"))
    hrefs = home.xpath('//div[@class="mks-bars"]/a/@href')
    assert len(hrefs) == 7 * 90
    assert "components/website/#d2026-10-14" in hrefs
    assert set(home.xpath('//div[@class="mks-bars"]/a/@tabindex')) == {"-1"}
    axis = home.xpath('//p[@class="mks-bars-axis"]/a/@href')
    assert "components/api/#days" in axis


def test_a_component_has_its_own_link_and_calendar(demo: Path) -> None:
    cdn = html.parse(str(demo / "components" / "cdn" / "index.html"))
    assert cdn.xpath('//p[@class="mks-service-link"]/a/@href') == ["https://www.cloudflare.com/"]
    assert not html.parse(str(demo / "components" / "api" / "index.html")).xpath(
        '//p[@class="mks-service-link"]')
    summaries = {}
    for cid in ("email", "dashboard", "api"):
        cal = icalendar.Calendar.from_ical((demo / "components" / cid / "maintenance.ics")
                                           .read_bytes())
        summaries[cid] = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
        assert str(cal["X-WR-CALNAME"]).endswith(" maintenance")
    assert summaries == {"email": ["Monthly mail server patching"],
                         "dashboard": ["Database upgrade for the customer dashboard"],
                         "api": []}
