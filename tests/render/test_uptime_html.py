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
        DayUptime(START + timedelta(days=2), 99.5, ComponentStatus.MAJOR_OUTAGE, (HOSTILE,),
                  432.0),
        DayUptime(START + timedelta(days=3), 100.0, ComponentStatus.DEGRADED_PERFORMANCE,
                  ("Slow", "outage detected automatically")),
    )
    latency = (LatencyDay(START, 120, 300),  # alone: a point, not a line
               LatencyDay(START + timedelta(days=2), 150, 900),
               LatencyDay(START + timedelta(days=3), 90, 250))
    return ComponentUptime(days, (("24 hours", 100.0), ("4 days", 99.87)), latency)


def parse(fragment: str) -> html.HtmlElement:
    return html.fragment_fromstring(fragment, create_parent="div")


SUMMARY = (f"{HOSTILE}: 99.87% uptime over the past 4 days; 2 days with incidents or "
           "detected problems, 1 day without data.")


def test_bars_show_hostile_text_as_text_and_stay_one_line() -> None:
    """The home page's bars: links to each day's row on the component page, for pointers
    and touch; hidden from screen readers and out of the tab order, with the same summary
    as text and the total linking to the day-by-day table."""
    out = uptime_html.bars_html(HOSTILE, figures(), compact=True, page="components/api/")
    assert "<script>" not in out and "\n" not in out
    root = parse(out)
    [bars] = root.cssselect(".mks-uptime.mks-bars-small .mks-bars")
    assert bars.get("aria-hidden") == "true"
    assert root.cssselect(".mks-sr")[0].text_content() == SUMMARY
    links = bars.cssselect("a")
    assert [a.get("class") for a in links] == ["n", None, "x", "d"]
    assert [a.get("href") for a in links] == [f"components/api/#d2026-01-0{n}"
                                              for n in range(1, 5)]
    assert {a.get("tabindex") for a in links} == {"-1"}
    assert links[2].get("title") == f"2026-01-03: 99.50% — {HOSTILE}"
    assert links[3].get("title") == "2026-01-04: 100% — Slow; outage detected automatically"
    axis = root.cssselect(".mks-bars-axis")[0]
    assert [e.text_content() for e in axis] == ["4 days ago", "99.87% uptime — day by day",
                                                "Today"]
    assert axis[1].get("href") == "components/api/#days"
    assert ">\n<" not in out and "> <" not in out  # no gap between bars


def test_component_page_bars_are_links_in_the_tab_order() -> None:
    root = parse(uptime_html.bars_html(HOSTILE, figures(), compact=False))
    [bars] = root.cssselect(".mks-bars")
    assert bars.get("role") == "group" and bars.get("aria-label") == (
        SUMMARY + " Each bar links to its day's details.")
    links = bars.cssselect("a")
    assert [a.get("href") for a in links] == [f"#d2026-01-0{n}" for n in range(1, 5)]
    assert all(a.get("tabindex") is None and a.get("aria-label") == a.get("title")
               for a in links)
    skip = root.cssselect("a.mks-skip")[0]
    assert (skip.get("href"), skip.text_content()) == (
        "#days", "Skip the 4 daily bars to the day-by-day table")


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
    rows = {tr.get("id"): [td.text_content() for td in tr]
            for tr in root.cssselect(".mks-days tbody tr")}
    assert list(rows) == ["d2026-01-04", "d2026-01-03", "d2026-01-02", "d2026-01-01"]
    assert rows["d2026-01-04"] == ["2026-01-04", "100%", "0 min", "90 / 250 ms",
                                   "Slow; outage detected automatically"]
    assert rows["d2026-01-03"] == ["2026-01-03", "99.50%", "7 min", "150 / 900 ms", HOSTILE]
    assert rows["d2026-01-01"] == ["2026-01-01", "no data", "", "120 / 300 ms", ""]
    assert root.cssselect("#d2026-01-04")[0].get("tabindex") == "-1"  # a link lands on it
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
    assert not root.cssselect(".mks-tls-warning, .mks-chart, #response-time")
    assert root.cssselect("#uptime") and root.cssselect(".mks-legend li")
    assert [tr.get("id") for tr in root.cssselect(".mks-days tbody tr")] == ["d2026-01-01"]


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


def test_a_busy_day_s_bar_names_three_notes_and_counts_the_rest() -> None:
    """The day's row on the component page lists every incident; the bar's title (on the
    home page, 90 per component) names three and says how many more."""
    from mkstatus.i18n import translator

    def titles(notes: tuple[str, ...], language: str = "en") -> list[str]:
        day = DayUptime(START, 90.0, ComponentStatus.MAJOR_OUTAGE, notes, 8640.0)
        bars = uptime_html.bars_html("Mail", ComponentUptime((day,), (("1 days", 90.0),)),
                                     compact=True,
                                     tr=translator(language))
        return [a.get("title") for a in parse(bars).cssselect(".mks-bars a")]

    many = tuple(f"Incident {n}" for n in range(1, 11))
    assert titles(many) == ["2026-01-01: 90.00% — Incident 1; Incident 2; Incident 3; 7 more"]
    assert titles(many[:4]) == [
        "2026-01-01: 90.00% — Incident 1; Incident 2; Incident 3; Incident 4"]
    assert titles(many[:5])[0].endswith("Incident 3; 2 more")
    assert titles(many, "fr")[0].endswith("Incident 3; 7 de plus")
    assert titles(many, "ja")[0].endswith("Incident 3; ほか7件")
