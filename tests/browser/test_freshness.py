"""Every page says when it was built; past `stale_after` the inline script says the page
may be out of date, with the contact line. The page's own clock is set (Playwright's
clock), so the test says exactly when the reader opens the page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import STATES, Served, visit

STATE = STATES["outage"]  # built at 2026-10-14T03:00:00Z, 16:00 NZDT
BUILT = "2026-10-14 16:00 NZDT"
STALE_AFTER_S = 45 * 60  # the demo probes every 15 minutes: three intervals
LATER = "2026-10-14T03:46:00Z"  # 46 minutes after the build
SOON = "2026-10-14T03:44:00Z"  # 44 minutes after: not stale yet
NOTICE = (f"This page has not been refreshed since {BUILT}; the status may be out of date. "
          "Other ways to reach us: Call 0800 000 000 (free, 24/7) or email help@example.com "
          "while our services are down")


@pytest.mark.parametrize("page", ["home", "component", "incident", "history"])
def test_a_stale_page_says_so_with_the_contact_line(contexts: Any, served: dict[str, Served],
                                                     page: str) -> None:
    with visit(contexts, served["outage"], page, clock=LATER) as seen:
        tab = seen.page
        assert seen.errors == [] and seen.foreign == []
        notice = tab.locator(".mks-stale")
        assert notice.count() == 1 and notice.is_visible()
        assert notice.inner_text() == NOTICE
        assert notice.get_attribute("role") == "alert"
        if page in ("home", "component"):  # the status banner itself turns
            assert tab.locator(".mks-banner.mks-is-stale > .mks-stale").count() == 1
        else:  # a page without a banner: the notice comes first
            first = tab.evaluate("document.querySelector('.md-content__inner')"
                                 ".firstElementChild.className")
            assert first == "mks-stale"
        assert tab.locator("#mks-built").inner_text() == f"This page was built {BUILT}."


def test_a_fresh_page_says_only_when_it_was_built(contexts: Any,
                                                  served: dict[str, Served]) -> None:
    with visit(contexts, served["outage"], "home", clock=SOON) as seen:
        assert seen.page.locator(".mks-stale").count() == 0
        built = seen.page.locator("#mks-built")
        assert built.get_attribute("data-stale-after") == str(STALE_AFTER_S)
        assert built.inner_text() == f"This page was built {BUILT}."


@pytest.mark.parametrize("page", ["home", "incident"])
def test_without_javascript_the_build_time_stays_and_the_page_reads_normally(
        contexts: Any, served: dict[str, Served], page: str) -> None:
    with visit(contexts, served["outage"], page, javascript=False, clock=LATER) as seen:
        tab = seen.page
        assert tab.locator(".mks-stale").count() == 0
        built = tab.locator("#mks-built")
        assert built.is_visible() and built.inner_text() == f"This page was built {BUILT}."
        assert tab.locator("h1").first.is_visible()
        if page == "home":
            assert tab.locator(".mks-banner-text").inner_text().strip().endswith(
                "Major System Outage")
            assert "mks-is-stale" not in (tab.get_attribute(".mks-banner", "class") or "")
