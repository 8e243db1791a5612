"""The uptime snippets (bars, legend, a component's uptime, the response-time chart) are
made by a Jinja template with autoescape, like the pages: hostile text in a day's notes
or a component's name is shown as text, the markup is well formed, and the bars stay one
compact line. The goldens and the built demo pin the bytes; these tests pin the meaning,
including the branches the demo does not reach (a chart point alone, days without data,
a certificate expiring tomorrow)."""

from __future__ import annotations

import ast
import inspect
import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from lxml import etree, html
from mkstatus.compute.uptime import ComponentUptime, DayUptime, LatencyDay
from mkstatus.model import ComponentStatus
from mkstatus.render import uptime_html

HOSTILE = "<script>alert(1)</script> \"quoted\" & 'single'"
START = date(2026, 1, 1)


def figures() -> ComponentUptime:
    days = (
        DayUptime(START, None, None, ()),
        DayUptime(START + timedelta(days=1), 100.0, ComponentStatus.OPERATIONAL, ()),
        DayUptime(START + timedelta(days=2), 99.5, ComponentStatus.MAJOR_OUTAGE, (HOSTILE,)),
        DayUptime(START + timedelta(days=3), 100.0, ComponentStatus.DEGRADED_PERFORMANCE,
                  ("Slow", "outage detected automatically")),
    )
    latency = (LatencyDay(START, 120, 300),  # alone: a point, not a line
               LatencyDay(START + timedelta(days=2), 150, 900),
               LatencyDay(START + timedelta(days=3), 90, 250))
    return ComponentUptime(days, (("24 hours", 100.0), ("4 days", 99.87)), latency)


def parse(fragment: str) -> html.HtmlElement:
    return html.fragment_fromstring(fragment, create_parent="div")


def test_bars_show_hostile_text_as_text_and_stay_one_line() -> None:
    out = uptime_html.bars_html(HOSTILE, figures(), compact=True)
    assert "<script>" not in out and "\n" not in out
    root = parse(out)
    [bars] = root.cssselect(".mks-uptime.mks-bars-small .mks-bars")
    assert bars.get("aria-label") == (
        f"{HOSTILE}: 99.87% uptime over the past 4 days; 2 days with incidents or "
        "detected problems, 1 day without data.")
    spans = bars.cssselect("span")
    assert [s.get("class") for s in spans] == ["n", None, "x", "d"]
    assert spans[2].get("title") == f"2026-01-03: 99.50% — {HOSTILE}"
    assert spans[3].get("title") == "2026-01-04: 100% — Slow; outage detected automatically"
    assert [s.text_content() for s in root.cssselect(".mks-bars-axis span")] == [
        "4 days ago", "99.87% uptime", "Today"]
    assert ">\n<" not in out and "> <" not in out  # no gap between bars


def test_component_section_with_chart_table_and_certificate() -> None:
    site = SimpleNamespace(now=datetime(2026, 1, 4, 12, tzinfo=UTC),
                           config=SimpleNamespace(zone=ZoneInfo("Pacific/Auckland"),
                                                  language="en"))
    expiry = site.now + timedelta(days=1, hours=3)
    out = uptime_html.component_html(site, "api", HOSTILE, figures(), expiry)
    assert "<script>" not in out
    root = parse(out)
    warning = root.cssselect(".mks-tls-warning")[0].text_content()
    assert warning.endswith("(in 1 day).")
    assert [(dt.text, dd.text) for dt, dd in zip(root.cssselect(".mks-windows dt"),
                                                 root.cssselect(".mks-windows dd"),
                                                 strict=True)] == [
        ("24 hours", "100%"), ("4 days", "99.87%")]
    rows = [[td.text_content() for td in tr] for tr in root.cssselect(".mks-trouble tbody tr")]
    assert rows == [["2026-01-04", "100%", "Slow; outage detected automatically"],
                    ["2026-01-03", "99.50%", HOSTILE]]
    svg = out[out.index("<svg"):out.index("</svg>") + len("</svg>")]
    chart = etree.fromstring(svg)  # well-formed XML, as inline SVG should be
    ns = "{http://www.w3.org/2000/svg}"
    assert chart.find(ns + "title").text == f"Response time of {HOSTILE}, daily"
    assert "Highest p95: 900 ms on 2026-01-03." in chart.find(ns + "desc").text
    assert [len(p.get("points").split()) for p in chart.iter(ns + "polyline")] == [2, 2]
    assert len(list(chart.iter(ns + "circle"))) == 2  # the lone first day, p95 and p50
    assert [t.text for t in chart.iter(ns + "text")] == [
        "0 ms", "500 ms", "1000 ms", "2026-01-01", "2026-01-04"]


def test_no_certificate_table_or_chart_when_there_is_nothing_to_show() -> None:
    site = SimpleNamespace(now=datetime(2026, 1, 4, tzinfo=UTC),
                           config=SimpleNamespace(zone=ZoneInfo("UTC"), language="en"))
    quiet = ComponentUptime((DayUptime(START, 100.0, ComponentStatus.OPERATIONAL, ()),),
                            (("24 hours", 100.0),))
    out = uptime_html.component_html(site, "api", "API", quiet, None)
    root = parse(out)
    assert not root.cssselect(".mks-tls-warning, .mks-trouble, .mks-chart, #response-time")
    assert root.cssselect("#uptime") and root.cssselect(".mks-legend li")


def test_uptime_html_writes_no_markup_itself() -> None:
    """One way to make HTML: the markup is in templates/uptime.html.j2, not in strings."""
    tree = ast.parse(inspect.getsource(uptime_html))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
                  and node.body and isinstance(node.body[0], ast.Expr)}
    markup = [node.value for node in ast.walk(tree)
              if isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docstrings and re.search(r"</?[a-z]", node.value)]
    assert markup == []
