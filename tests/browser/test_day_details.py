"""Each day's details by keyboard, touch and screen reader, in Debian's Chromium (issue 19):
the component page's bars are links in the tab order that land on their day's row; the
home page's bars are for pointers and touch, with the day-by-day table one keyboard step
away; the report pages, the day table and the hourly chart pass axe-core."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.browser.conftest import AXE, PALETTES, Served, require
from tests.browser.test_accessibility import BLOCKING, UNNAMED_GRAPHICS, describe

PAGES = ("/components/website/", "/components/cdn/", "/uptime/", "/components/api/uptime/")
CASES = list(itertools.product(("outage", "operational"), PAGES, PALETTES))
ATTACK = "Website, API and dashboard down during a denial-of-service attack"


@contextmanager
def opened(contexts: Any, served: Served, path: str, palette: str = "light",
           **options: Any) -> Iterator[Any]:
    context = contexts("desktop", palette, True) if not options else None
    own = None
    if context is None:
        own = context = served_context(contexts, **options)
    tab = context.new_page()
    foreign: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(served.origin + "/"):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    tab.route("**/*", route)
    try:
        tab.goto(served.origin + path, wait_until="load")
        yield tab
        assert foreign == [], "requests left the local server"
    finally:
        tab.close()
        if own is not None:
            own.close()


def served_context(contexts: Any, **options: Any) -> Any:
    """A context of its own (touch, a phone's viewport): the shared ones are desktop."""
    browser = contexts("desktop", "light", True).browser
    return browser.new_context(service_workers="block", **options)


@pytest.mark.parametrize(("state", "path", "palette"), CASES,
                         ids=["-".join((s, p.strip("/").replace("/", "-"), c))
                              for s, p, c in CASES])
def test_no_serious_violations_on_day_details_and_reports(
        contexts: Any, served: dict[str, Served], state: str, path: str, palette: str) -> None:
    require(str(AXE), AXE.exists())
    with opened(contexts, served[state], path, palette) as tab:
        tab.add_script_tag(path=str(AXE))
        result = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        unnamed = tab.evaluate(UNNAMED_GRAPHICS)
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    assert unnamed == [], "graphics without a text alternative"


FOCUSED = """() => ({id: document.activeElement.id, href: document.activeElement.getAttribute(
  'href'), text: document.activeElement.textContent, hash: location.hash,
  visible: (r => r.top >= 0 && r.bottom <= innerHeight)(
      document.activeElement.getBoundingClientRect())})"""


def test_keyboard_reaches_a_days_details_from_its_bar(contexts: Any,
                                                      served: dict[str, Served]) -> None:
    """Tab through the page to the bar of the day of the attack, press Enter: focus and
    view land on that day's row, which names the incident, the downtime and latency."""
    with opened(contexts, served["outage"], "/components/website/") as tab:
        seen = []
        for _ in range(200):
            tab.keyboard.press("Tab")
            now = tab.evaluate(FOCUSED)
            seen.append(now["href"])
            if now["href"] == "#d2026-10-14":
                break
        assert now["href"] == "#d2026-10-14", seen[-5:]
        assert "#days" in seen  # the link that skips the bars came first
        name = tab.evaluate("() => document.activeElement.getAttribute('aria-label')")
        assert name.startswith("2026-10-14: ") and ATTACK in name
        tab.keyboard.press("Enter")
        tab.wait_for_function("() => location.hash === '#d2026-10-14'")
        row = tab.evaluate(FOCUSED)
        assert row["id"] == "d2026-10-14" and row["visible"], row
        assert ATTACK in row["text"] and "2026-10-14" in row["text"]
        assert tab.evaluate("() => getComputedStyle(document.activeElement).outlineStyle"
                            ) != "none"


def test_skip_link_and_home_page_keep_the_tab_order_short(contexts: Any,
                                                          served: dict[str, Served]) -> None:
    """The skip link jumps over 90 bars; on the home page no bar is a tab stop, and the
    uptime figure under each component's bars leads to its day-by-day table."""
    with opened(contexts, served["outage"], "/components/website/") as tab:
        for _ in range(60):
            tab.keyboard.press("Tab")
            if tab.evaluate(FOCUSED)["href"] == "#days":
                break
        assert tab.evaluate("() => getComputedStyle(document.activeElement).position"
                            ) == "static"  # visible while focused
        tab.keyboard.press("Enter")
        tab.wait_for_function("() => location.hash === '#days'")
        tab.keyboard.press("Tab")  # the next stop is the table's scrolling region
        assert tab.evaluate("() => document.activeElement.getAttribute('aria-labelledby')"
                            ) == "days"
    with opened(contexts, served["outage"], "/") as tab:
        hrefs = []
        for _ in range(120):
            tab.keyboard.press("Tab")
            hrefs.append(tab.evaluate(FOCUSED)["href"] or "")
        assert not [h for h in hrefs if "#d20" in h], "a home page bar is a tab stop"
        assert "components/website/#days" in hrefs
        tab.focus('a[href="components/website/#days"]')
        tab.keyboard.press("Enter")
        tab.wait_for_url("**/components/website/#days")


def test_a_tap_on_a_home_page_bar_opens_its_day(contexts: Any,
                                               served: dict[str, Served]) -> None:
    with opened(contexts, served["outage"], "/", has_touch=True, is_mobile=True,
                viewport={"width": 390, "height": 844}) as tab:
        bar = tab.locator('a[href="components/website/#d2026-10-14"]')
        bar.scroll_into_view_if_needed()
        box = bar.bounding_box()
        tab.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tab.wait_for_url("**/components/website/#d2026-10-14")
        row = tab.locator("#d2026-10-14")
        assert ATTACK in row.inner_text()
        assert row.is_visible()


@pytest.mark.parametrize("path", ["/uptime/", "/components/api/uptime/",
                                  "/components/website/"])
def test_reports_and_day_details_read_without_javascript(contexts: Any,
                                                         served: dict[str, Served],
                                                         path: str) -> None:
    served_state = served["outage"]
    tab = contexts("phone", "light", False).new_page()
    try:
        tab.goto(served_state.origin + path, wait_until="load")
        table = tab.locator("table.mks-report, table.mks-days").first
        assert table.is_visible() and "%" in table.inner_text()
        overflow = tab.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{path} reaches {overflow}px past a phone's width"
    finally:
        tab.close()
