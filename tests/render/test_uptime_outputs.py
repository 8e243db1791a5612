"""The uptime reports as built: /api/uptime.json against its published schema (with
`date-time` really checked), the same figures on the pages, badges beside the status
badges, and the method printed beside the numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from lxml import html

SCHEMA_URL = "https://status.example.com/api/uptime.schema.json"


def load(site: Path, path: str) -> dict:
    return json.loads((site / path).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def uptime(demo: Path) -> dict:
    return load(demo, "api/uptime.json")


@pytest.fixture(scope="module")
def validator(demo: Path) -> Draft202012Validator:
    schema = load(demo, "api/uptime.schema.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def test_uptime_json_matches_its_published_schema(uptime: dict,
                                                  validator: Draft202012Validator) -> None:
    assert uptime["$schema"] == SCHEMA_URL
    errors = sorted(validator.iter_errors(uptime), key=lambda e: list(e.path))
    assert errors == [], "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_the_schema_can_fail(uptime: dict, validator: Draft202012Validator) -> None:
    """date-time is checked (rfc3339-validator is installed), and so are the shapes."""
    broken = json.loads(json.dumps(uptime))
    broken["generated_at"] = "2026-11-22 21:00"
    broken["components"][0]["months"][0]["coverage_percent"] = 120
    del broken["components"][1]["budget"]
    messages = {e.message for e in validator.iter_errors(broken)}
    assert any("date-time" in m for m in messages), messages
    assert any("120" in m for m in messages), messages
    assert any("'budget' is a required property" in m for m in messages), messages


def test_every_period_figure_can_be_recomputed_from_its_seconds(uptime: dict) -> None:
    periods = [p for c in uptime["components"] for kind in ("months", "quarters", "years")
               for p in c[kind]]
    assert len(periods) >= 6 * 6
    for p in periods:
        s = p["seconds"]
        if s["covered"] == 0:
            assert p["uptime_percent"] is None
            continue
        assert p["uptime_percent"] == pytest.approx(
            100 * (1 - s["downtime_weighted"] / s["covered"]), abs=1e-5)
        assert p["coverage_percent"] == pytest.approx(100 * s["covered"] / s["elapsed"],
                                                      abs=1e-5)
        weights = uptime["method"]["weights"]
        assert s["downtime_weighted"] == pytest.approx(
            sum(weights[k] * s[k] for k in weights), abs=0.01)


def test_demo_budget_and_partial_coverage(uptime: dict) -> None:
    by_id = {c["id"]: c for c in uptime["components"]}
    api = by_id["api"]
    assert api["slo"] == {"target": 99.9, "period": "month"}
    # November 2026 is 720 hours and the API has data for all of it so far: 0.1 % of
    # 720 h is 43 min 12 s, untouched.
    assert api["budget"] == {"period": "2026-11", "allowed_seconds": 2592.0,
                             "used_seconds": 0.0, "left_seconds": 2592.0,
                             "exhausted": False}
    august = api["months"][-1]
    assert august["period"] == "2026-08" and august["coverage_percent"] < 30
    october = next(m for m in api["months"] if m["period"] == "2026-10")
    assert october["complete"] and october["uptime_percent"] < 99.9  # the DDoS attack
    assert by_id["dashboard"]["budget"]["period"] == "2026-Q4"
    assert by_id["broadband"]["slo"] is None and by_id["broadband"]["budget"] is None


def test_worst_days_link_to_their_incidents(demo: Path, uptime: dict) -> None:
    api = next(c for c in uptime["components"] if c["id"] == "api")
    worst = api["worst_days"][0]
    assert worst["date"] == "2026-10-14" and worst["detected_by_probes"]
    assert [i["id"] for i in worst["incidents"]] == ["2026-10-14-denial-of-service-attack"]
    page = html.parse(str(demo / "components" / "api" / "uptime" / "index.html"))
    links = page.xpath('//ol[@class="mks-worst"]/li[1]//a/@href')
    assert links == ["../../../incidents/2026-10-14-denial-of-service-attack/"]


def test_the_budget_line_reads_as_a_sentence(demo: Path) -> None:
    page = html.parse(str(demo / "components" / "api" / "uptime" / "index.html"))
    [budget] = page.xpath('//p[contains(@class, "mks-budget")]')
    assert " ".join(budget.text_content().split()).endswith(
        ": the objective is 99.9% uptime per month.")


def test_report_pages_print_the_method_and_partial_coverage(demo: Path) -> None:
    for path in ("uptime/index.html", "components/dns/uptime/index.html"):
        page = html.parse(str(demo / path))
        method = " ".join(page.xpath('//section[@class="mks-method"]//text()'))
        assert "major outage 1, partial outage 0.3, degraded 0, maintenance 0" in method
        assert "left out" in method and "Pacific/Auckland" in method
        cells = [" ".join(td.itertext()) for td in page.xpath("//table//td")]
        assert any("(data for 24.1% of the period)" in c for c in cells), path
    site_page = html.parse(str(demo / "uptime" / "index.html"))
    assert site_page.xpath('//h2[@id="months"]') and site_page.xpath('//h2[@id="years"]')
    budget = site_page.xpath('//ul[@class="mks-budgets"]/li')[0].text_content()
    assert budget.startswith("Public API: 99.9% per month, November 2026: 43 min 12 s left")


def test_uptime_and_latency_badges_beside_the_status_badges(demo: Path) -> None:
    for kind in ("uptime", "p95"):
        svg = (demo / "badges" / kind / "api.svg").read_text()
        shields = load(demo, f"badges/{kind}/api.json")
        assert shields["schemaVersion"] == 1
        assert f"{shields['label']}: {shields['message']}" in svg
    assert load(demo, "badges/uptime/api.json")["message"] == "100%"
    assert load(demo, "badges/p95/api.json")["message"].endswith(" ms")
    assert not (demo / "badges" / "p95" / "broadband.json").exists()  # no probe


def test_the_guides_worked_example_is_what_the_demo_builds(demo: Path, uptime: dict) -> None:
    """guide/uptime.md recomputes Broadband's September 2026 by hand: the demo agrees."""
    from tests.conftest import REPO

    broadband = next(c for c in uptime["components"] if c["id"] == "broadband")
    september = next(m for m in broadband["months"] if m["period"] == "2026-09")
    assert september["seconds"] == {
        "elapsed": 2588400.0, "covered": 2588400.0, "downtime_weighted": 12300.0,
        "major_outage": 9600.0, "partial_outage": 9000.0, "degraded_performance": 33600.0,
        "under_maintenance": 0.0}
    assert september["uptime_percent"] == 99.524803
    guide = (REPO / "guide" / "uptime.md").read_text()
    for figure in ("12,300 s", "2,588,400 s", "99.524%", '"uptime_percent": 99.524803'):
        assert figure in guide, figure
    page = html.parse(str(demo / "components" / "broadband" / "uptime" / "index.html"))
    row = page.xpath('//h2[@id="months"]/following::table[1]//tr[th[.="September 2026"]]')[0]
    assert row.xpath("string(td[1])") == "99.524%"


def test_badge_figures_by_hand() -> None:
    """The p95 badge is the nearest-rank 95th percentile of the successful samples of the
    24 hours before the build: of 20 latencies 100, 200, ... 2000 ms, rank ceil(0.95 x 20)
    = 19, so 1900 ms (p50: rank 10, 1000 ms). A failed sample has no latency, and a sample
    older than 24 hours is out. The uptime badge says its coverage, coloured by the SLO."""
    from datetime import UTC, datetime, timedelta

    from mkstatus.compute.latency import recent_latency
    from mkstatus.compute.uptime import ComponentUptime
    from mkstatus.render.badges import NO_DATA
    from mkstatus.render.report_badges import FAIR, GOOD, POOR, latency_badge, uptime_badge
    from mkstatus.samples.model import Outcome, Sample

    now = datetime(2026, 11, 22, 21, 0, tzinfo=UTC)
    ms = [100 * k for k in range(1, 21)]
    samples = [Sample(now - timedelta(minutes=30 * i + 1), "api", "nz", Outcome.OK, 200, v)
               for i, v in enumerate(reversed(ms))]
    samples += [Sample(now - timedelta(minutes=7), "api", "nz", Outcome.TIMEOUT),
                Sample(now - timedelta(hours=24, seconds=1), "api", "nz", Outcome.OK, 200,
                       9999),
                Sample(now, "api", "nz", Outcome.OK, 200, 9999)]  # [now - 24 h, now)
    latency = recent_latency(samples, now)["api"]
    assert (latency.count, latency.failed, latency.p50, latency.p95) == (20, 1, 1000, 1900)
    assert latency_badge(latency, 1500) == ("1900 ms", FAIR)  # above degraded_ms
    assert latency_badge(latency, 1900) == ("1900 ms", GOOD)
    assert latency_badge(None, 1000) == NO_DATA

    def figures(value: float, share: float) -> ComponentUptime:
        return ComponentUptime((), (("24 hours", 100.0), ("30 days", value)),
                               coverage=(1.0, share))

    assert uptime_badge(figures(99.95, 0.4), 99.9) == ("99.95%, 40.0% data", GOOD)
    assert uptime_badge(figures(99.95, 1.0), 99.99) == ("99.95%", FAIR)  # within a point
    assert uptime_badge(figures(98.5, 1.0), 99.9) == ("98.50%", POOR)
    assert uptime_badge(figures(99.999, 1.0), 99.9) == ("99.99%", GOOD)  # never rounded up
