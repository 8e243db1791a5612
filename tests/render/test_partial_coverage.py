"""A fresh site never shows a bare "70.00%" (issue 19): every uptime figure built from a
few minutes of samples says, next to it, how little of its period has data.

The site below started probing at 2026-11-10T09:00Z (10:00 in Paris, UTC+1 in November),
one sample a minute. The last three samples time out, so with ``down_after: 2`` the API
is in major outage from 09:07Z. The build runs at 09:10Z:

- covered: 09:00-09:10Z, 600 s; weighted downtime 09:07-09:10Z, 180 s:
  100 x (1 - 180 / 600) = 70%;
- today (Paris) so far: from 2026-11-09T23:00Z, 10 h 10 min = 610 min, 10 of them with
  data: 1.639...% -> "1.6%";
- November so far: from 2026-10-31T23:00Z, 9 d 10 h 10 min = 814,200 s: 600 s with data
  is 0.0737% -> "<0.1%" (never a "0.0%" that would deny the data the figure comes from);
- the rolling 24 hours: 600 / 86,400 s = 0.69% -> "0.6%"; 7, 30, 90 days: "<0.1%".

The component also has a public ``link:`` distinct from its probe URL: its page shows the
link, and no file of the site holds the probe's address.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import html
from mkstatus.samples.model import Outcome, Sample
from mkstatus.samples.store import append_samples

from tests.conftest import mkstatus

START = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
NOW = "2026-11-10T09:10:00Z"
LINK = "https://developer.example.org/"
PROBE_URL = "https://api.example.org/health"
CONFIG = f"""site_name: Fresh Status
site_url: https://status.example.org/
theme: {{name: material, font: false}}
plugins:
  - mkstatus:
      timezone: Europe/Paris
      components:
        - id: api
          name: Public API
          link: {LINK}
          slo: 99.9
          probe: {{url: "{PROBE_URL}", interval_minutes: 1}}
"""
PAGES = ("index.html", "components/api/index.html", "uptime/index.html",
         "components/api/uptime/index.html")
# A figure of this site: 70%, written with two or three decimals.
SEVENTY = re.compile(r"\b70\.00+%")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fresh")
    (root / "mkdocs.yml").write_text(CONFIG)
    (root / "incidents").mkdir()
    (root / "docs").mkdir()
    append_samples(root / "samples", [
        Sample(START + timedelta(minutes=m), "api", "eu", Outcome.TIMEOUT, error="timed out")
        if m >= 7 else
        Sample(START + timedelta(minutes=m), "api", "eu", Outcome.OK, 200, 120)
        for m in range(10)])
    mkstatus("build", "--now", NOW, "--strict", cwd=root, check=True)
    return root / "site"


def test_no_page_shows_the_figure_without_its_coverage(fresh: Path) -> None:
    """Wherever 70% is written (text, a bar's title or its name for screen readers), the
    same element says how much of the period had data."""
    found = 0
    for path in PAGES:
        page = html.parse(str(fresh / path)).getroot()
        for el in page.iter():
            if not isinstance(el.tag, str):
                continue
            texts = [el.text or "", el.get("title") or "", el.get("aria-label") or ""]
            for text in texts:
                if not SEVENTY.search(text):
                    continue
                found += 1
                context = text if "data for" in text else el.text_content()
                assert "data for" in context, (path, el.tag, text)
    assert found >= 12  # the home bar and figure, four windows, a day, three reports...


def test_each_figure_names_its_own_coverage(fresh: Path) -> None:
    home = html.parse(str(fresh / "index.html"))
    assert home.xpath('string(//p[@class="mks-bars-axis"]/a)').startswith(
        "70.00% uptime (data for <0.1% of them)")
    assert home.xpath('//div[@class="mks-bars"]/a/@title')[-1] == (
        "2026-11-10: 70.00% (data for 1.6% of the period) — outage detected automatically")
    page = html.parse(str(fresh / "components" / "api" / "index.html"))
    windows = {dt.text: dt.getnext().text_content() for dt in page.xpath(
        '//dl[@class="mks-windows"]//dt')}
    assert windows == {"24 hours": "70.00% (data for 0.6% of them)",
                       "7 days": "70.00% (data for <0.1% of them)",
                       "30 days": "70.00% (data for <0.1% of them)",
                       "90 days": "70.00% (data for <0.1% of them)"}
    [today] = page.xpath('//tr[@id="d2026-11-10"]')
    assert today.xpath("string(td[1])") == "70.00% (data for 1.6% of the period)"
    assert today.xpath("string(td[2])") == "3 min"
    assert page.xpath('//div[@class="mks-bars"]/a/@aria-label')[-1].startswith(
        "2026-11-10: 70.00% (data for 1.6% of the period)")
    report = html.parse(str(fresh / "components" / "api" / "uptime" / "index.html"))
    row = report.xpath('//h2[@id="months"]/following::table[1]//tr[th]')[-1]
    assert row.xpath("string(th)") == "November 2026 (so far)"
    assert " ".join(row.xpath("string(td[1])").split()) == (
        "70.000% (data for <0.1% of the period)")


def test_badge_and_json_carry_the_coverage(fresh: Path) -> None:
    badge = json.loads((fresh / "badges" / "uptime" / "api.json").read_text())
    assert badge["message"] == "70.00%, <0.1% data"
    assert "70.00%, &lt;0.1% data" in (fresh / "badges" / "uptime" / "api.svg").read_text()
    [api] = json.loads((fresh / "api" / "uptime.json").read_text())["components"]
    [november] = api["months"]
    assert november["uptime_percent"] == 70.0 and not november["complete"]
    assert november["seconds"]["covered"] == 600.0
    assert november["seconds"]["elapsed"] == 814200.0
    assert november["coverage_percent"] == pytest.approx(100 * 600 / 814200, abs=1e-6)
    # The budget counts time with data so far and time to come: 0.1% of (600 s +
    # 2026-11-10T09:10Z to 2026-11-30T23:00Z, 1,777,800 s) = 1,778.4 s, 180 s used.
    assert api["budget"] == {"period": "2026-11", "allowed_seconds": 1778.4,
                             "used_seconds": 180.0, "left_seconds": 1598.4,
                             "exhausted": False}


def test_the_public_link_is_shown_and_the_probe_url_is_not(fresh: Path) -> None:
    page = (fresh / "components" / "api" / "index.html").read_text()
    links = html.fromstring(page).xpath('//p[@class="mks-service-link"]/a')
    assert [(a.get("href"), a.text_content()) for a in links] == [(LINK, "Public API")]
    published = [str(f.relative_to(fresh)) for f in fresh.rglob("*") if f.is_file()
                 and b"api.example.org" in f.read_bytes()]
    assert published == []  # the probe's address is ours to know, not the page's
