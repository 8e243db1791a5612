"""A right-to-left site, measured in Chromium: the demo with `theme.language: ar`.

Material sets `dir="rtl"` on the body; mkstatus's own markup must follow it. Time runs
from right to left for an Arabic reader, so the uptime bars read oldest to newest in that
direction (the oldest day on the right, today on the left) and the response-time charts
are mirrored the same way, their millisecond labels on the right. None of this depends on
the Arabic catalog being complete: the layout is checked, not the words.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import (
    AXE,
    Served,
    State,
    build_and_serve,
    language_demo,
    require,
    visit,
)
from tests.browser.test_accessibility import BLOCKING, describe
from tests.conftest import DEMO_NOW, copy_demo

# The demo's own clock: its component pages have both charts (the last 48 hours need raw
# samples of those hours).
STATE = State("now", DEMO_NOW, "Minor Service Outage", "2026-11-22-email-delivery-delays",
              "api", "Operational")
PAGES = ("home", "component", "component-uptime", "uptime", "incident", "history")

# The x of each day's bar, oldest first; the x of the axis' two ends.
BARS = """() => {
  const bars = [...document.querySelectorAll('.mks-bars')].pop();
  const xs = [...bars.children].map(a => a.getBoundingClientRect().left);
  const [ago, , today] = [...document.querySelector('.mks-bars-axis').children];
  return {xs, ago: ago.getBoundingClientRect().left, today: today.getBoundingClientRect().left,
          dir: getComputedStyle(bars).direction};
}"""
# Per chart: its first and last date labels (or hours) and where its "ms" labels and grid
# lines are.
CHARTS = """() => [...document.querySelectorAll('.mks-chart svg')].map(svg => {
  const texts = [...svg.querySelectorAll('.mks-grid text')];
  const ms = texts.filter(t => t.textContent.endsWith(' ms')).map(t => t.getBoundingClientRect());
  const axis = texts.filter(t => !t.textContent.endsWith(' ms'))
    .map(t => t.getBoundingClientRect().left + t.getBoundingClientRect().width / 2);
  const grid = svg.querySelector('.mks-grid line').getBoundingClientRect();
  return {first: axis[0], last: axis[axis.length - 1],
          msLeft: Math.min(...ms.map(r => r.left)), msRight: Math.max(...ms.map(r => r.right)),
          gridLeft: grid.left, gridRight: grid.right};
})"""
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    demo = language_demo(tmp_path_factory.mktemp("ar-demo"), "ar")
    server, served = build_and_serve(demo, STATE, tmp_path_factory.mktemp("site-ar"))
    yield served
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The same clock in English, the left-to-right reference."""
    demo = copy_demo(tmp_path_factory.mktemp("en-demo"), monolingual=True)
    server, served = build_and_serve(demo, STATE, tmp_path_factory.mktemp("site-en"))
    yield served
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_an_arabic_page_is_right_to_left_and_fits(contexts: Any, arabic: Served, page: str,
                                                 viewport: str) -> None:
    with visit(contexts, arabic, page, viewport) as seen:
        assert seen.page.get_attribute("html", "lang") == "ar"
        assert seen.page.get_attribute("body", "dir") == "rtl"
        assert seen.page.evaluate("getComputedStyle(document.querySelector("
                                  "'.md-content')).direction") == "rtl"
        width, inner = seen.page.evaluate(WIDTH)
        assert not seen.errors and not seen.foreign
    assert width <= inner, f"{page} is {width - inner} px wider than the {viewport}"


@pytest.mark.parametrize(("language", "oldest"), [("ar", "right"), ("en", "left")])
def test_the_bars_read_oldest_to_newest_in_the_reader_direction(
        contexts: Any, arabic: Served, served: dict[str, Served], language: str,
        oldest: str) -> None:
    site = arabic if language == "ar" else served["outage"]
    with visit(contexts, site, "component") as seen:
        bars = seen.page.evaluate(BARS)
    xs = bars["xs"]
    assert len(xs) == 90
    steps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    if oldest == "right":  # each newer day left of the one before; "90 days ago" on the right
        assert all(step < 0 for step in steps) and bars["ago"] > bars["today"]
    else:
        assert all(step > 0 for step in steps) and bars["ago"] < bars["today"]


@pytest.mark.parametrize(("language", "oldest"), [("ar", "right"), ("en", "left")])
def test_the_charts_are_mirrored_with_the_bars(contexts: Any, arabic: Served,
                                               english: Served, language: str,
                                               oldest: str) -> None:
    """The first date (or hour) is on the oldest side, the millisecond labels sit beside
    the plot on the side a reader starts from, outside the grid lines."""
    site = arabic if language == "ar" else english
    with visit(contexts, site, "component") as seen:
        charts = seen.page.evaluate(CHARTS)
    assert len(charts) == 2  # the last 48 hours and the daily chart
    for chart in charts:
        if oldest == "right":
            assert chart["first"] > chart["last"]
            assert chart["msLeft"] >= chart["gridRight"] - 1, chart
        else:
            assert chart["first"] < chart["last"]
            assert chart["msRight"] <= chart["gridLeft"] + 1, chart


@pytest.mark.parametrize("page", PAGES)
def test_no_serious_accessibility_violations_right_to_left(contexts: Any, arabic: Served,
                                                          page: str) -> None:
    require(str(AXE), AXE.exists())
    with visit(contexts, arabic, page) as seen:
        seen.page.add_script_tag(path=str(AXE))
        result = seen.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
