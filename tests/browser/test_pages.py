"""The pages as readers see them, in Debian's Chromium: three site states, phone and
desktop, light and dark. Each visit saves a screenshot to test-artifacts/screenshots/ for
a human to look at, and fails on what a human would not see in a screenshot: a request
to another host, a console error, a palette that ignores the reader's setting, a page
wider than the phone."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import unquote

import pytest
from lxml import html as lxml_html

from tests.browser.conftest import PAGES, PALETTES, STATES, VIEWPORTS, Served, visit

CASES = list(itertools.product(STATES, PAGES, VIEWPORTS, PALETTES))
SITE_NAME = "Example Networks Status"
# How far the page reaches past the viewport's right edge. Material hides horizontal
# overflow on <html>, so a too-wide table or chart would be cut off, not scrollable.
WIDEST = "document.documentElement.scrollWidth - innerWidth"
ICONS = {"operational": "✓", "outage": "✖", "maintenance": "⚙"}


@pytest.mark.parametrize(("state", "page", "viewport", "palette"), CASES,
                         ids=["-".join(c) for c in CASES])
def test_page_renders(contexts: Any, served: dict[str, Served], screenshot_dir: Any,
                      state: str, page: str, viewport: str, palette: str) -> None:
    with visit(contexts, served[state], page, viewport, palette) as seen:
        tab = seen.page
        tab.screenshot(path=str(screenshot_dir / f"{state}-{page}-{viewport}-{palette}.png"),
                       full_page=True, animations="disabled")
        scheme = tab.get_attribute("body", "data-md-color-scheme")
        overflow = tab.evaluate(WIDEST)
        assert seen.foreign == [], "requests left the local server"
        assert seen.errors == [], "console errors"
        assert scheme == ("slate" if palette == "dark" else "default"), \
            "the palette does not follow prefers-color-scheme"
        assert overflow <= 0, f"content reaches {overflow}px past the {viewport} viewport"


NO_JS = list(itertools.product(STATES, PAGES))


@pytest.mark.parametrize(("state", "page"), NO_JS, ids=["-".join(c) for c in NO_JS])
def test_status_readable_without_javascript(contexts: Any, served: dict[str, Served],
                                            state: str, page: str) -> None:
    """Anxious readers on locked-down or failing browsers still get the status."""
    s = STATES[state]
    expected = {"home": (".mks-banner", s.banner),
                "component": (".mks-banner", s.component_status),
                "incident": (".mks-incident-head .mks-ustatus", None),
                "history": (".mks-history a", None),
                "subscribe": (".mks-subscribe-feeds a", "RSS")}
    selector, text = expected[page]
    with visit(contexts, served[state], page, javascript=False) as seen:
        first = seen.page.locator(selector).first
        assert first.is_visible(), f"{selector} is not visible without JavaScript"
        content = first.inner_text().strip()
        assert content, f"{selector} is empty"
        if text is not None:
            assert text.lower() in content.lower()
        assert seen.foreign == []


@pytest.mark.parametrize("state", list(STATES))
def test_title_and_favicon_carry_the_status(served: dict[str, Served], state: str) -> None:
    """A tab in the background still says whether things are broken, in words and in a
    shape, not only in a colour."""
    s = STATES[state]
    doc = lxml_html.fromstring((served[state].root / "index.html").read_bytes())
    assert doc.findtext(".//title") == f"{ICONS[state]} {s.banner} — {SITE_NAME}"
    icons = doc.xpath('//link[contains(concat(" ", @rel, " "), " icon ")]')
    assert len(icons) == 1, "Material's favicon.png must not compete with the status icon"
    assert icons[0].get("type") == "image/svg+xml"
    href = icons[0].get("href")
    assert href.startswith("data:image/svg+xml,")
    svg = unquote(href.removeprefix("data:image/svg+xml,"))
    assert f"<title>{s.banner}</title>" in svg
    assert (served[state].root / "favicon.svg").read_text().strip() == svg.replace("'", '"')
    updated = doc.find_class("mks-updated")[0].find(".//time")
    assert updated.get("datetime").endswith("Z"), "machine-readable time must be absolute"
    assert updated.text.endswith((" NZDT", " NZST")), "readers need the time zone"


def test_favicon_shapes_differ() -> None:
    """Colour is not the only difference between the icons."""
    from mkstatus.render.favicon import SHAPES
    shapes = [shape + glyph for shape, glyph in SHAPES.values()]
    assert len(set(shapes)) == len(shapes)



def test_phone_menu_works_without_materials_bundle(contexts: Any,
                                                   served: dict[str, Served]) -> None:
    """The demo drops Material's JavaScript bundle (the plugin's theme/main.html); the phone menu
    must still open, as Material's CSS drives it from a checkbox."""
    with visit(contexts, served["outage"], "incident", "phone") as seen:
        link = seen.page.locator(".md-sidebar--primary .md-nav__link", has_text="History")
        assert link.bounding_box()["x"] < 0, "the menu is open before it was asked for"
        seen.page.click(".md-header label[for=__drawer]")
        seen.page.wait_for_function(
            "() => document.querySelector('.md-sidebar--primary').getBoundingClientRect().x >= 0")
        assert link.bounding_box()["x"] >= 0
        assert seen.errors == []
