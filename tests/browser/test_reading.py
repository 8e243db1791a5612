"""Pages readers need during an outage, in Chromium: the active incident on the first
phone screen, nothing wider than a 375 px phone even with long names, dark without
JavaScript, a full-width banner whose colours tell minor from major, and an About link
on a fresh site's home page."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import AXE, serve
from tests.conftest import DEMO_NOW, copy_demo, mkstatus, require

LONG_GROUP = "Online services for business and residential customers in every region"
LONG_WORD = "Customerdashboardandselfserviceaccountmanagementportal"
PAGES = ("/", "/incidents/2026-11-22-email-delivery-delays/", "/history/",
         "/components/email/", "/components/dashboard/", "/subscribe/", "/uptime/",
         "/components/email/uptime/")
WIDEST = "document.documentElement.scrollWidth - innerWidth"
# Computed colours a reader sees; equal with and without JavaScript in the same palette.
COLOURS = """() => Object.fromEntries([['body', 'backgroundColor'], ['body', 'color'],
  ['.md-header', 'backgroundColor'], ['.md-typeset a', 'color'], ['.mks-update, .mks-card',
  'backgroundColor'], ['.mks-ustatus', 'color'], ['.md-footer', 'backgroundColor'],
  ['.mks-current, .mks-banner', 'color']]
  .map(([s, p]) => [s + ' ' + p, getComputedStyle(document.querySelector(s))[p]]))"""


@contextlib.contextmanager
def served_site(root: Path) -> Iterator[str]:
    server = serve(root)
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo at its pinned clock (an active incident and a pinned notice), with a long
    group name and a component name that is one long word."""
    root = copy_demo(tmp_path_factory.mktemp("reading"))
    config = root / "mkdocs.yml"
    text = config.read_text()
    assert "group: Online services\n" in text and "name: Customer dashboard\n" in text
    config.write_text(text.replace("group: Online services\n", f"group: {LONG_GROUP}\n")
                      .replace("name: Customer dashboard\n", f"name: {LONG_WORD}\n"))
    mkstatus("build", "--now", DEMO_NOW, "-d", str(root / "out"), cwd=root, check=True)
    with served_site(root / "out") as url:
        yield url


def open_tab(browser: Any, url: str, width: int, javascript: bool = True,
             scheme: str = "light") -> Any:
    context = browser.new_context(viewport={"width": width, "height": 844},
                                  java_script_enabled=javascript, color_scheme=scheme,
                                  service_workers="block")
    tab = context.new_page()
    tab.goto(url, wait_until="load")
    return context, tab


@pytest.mark.parametrize("width", [375, 390])
def test_active_incident_is_on_the_first_phone_screen(browser: Any, origin: str,
                                                      width: int) -> None:
    context, tab = open_tab(browser, origin + "/", width)
    try:
        card = tab.locator("#active-incidents + .mks-card").bounding_box()
        pinned = tab.locator("#pinned").bounding_box()
    finally:
        context.close()
    assert card["y"] + 60 < 844, f"the active incident starts at {card['y']} px"
    assert card["y"] < pinned["y"]


@pytest.mark.parametrize("width", [375, 390])
@pytest.mark.parametrize("page", PAGES)
def test_nothing_is_wider_than_a_phone(browser: Any, origin: str, page: str,
                                       width: int) -> None:
    context, tab = open_tab(browser, origin + page, width)
    try:
        overflow = tab.evaluate(WIDEST)
    finally:
        context.close()
    assert overflow <= 0, f"{page} reaches {overflow} px past a {width} px phone"


@pytest.mark.parametrize("page", ["/", "/incidents/2026-11-22-email-delivery-delays/"])
@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_palette_follows_the_reader_without_javascript(browser: Any, origin: str,
                                                       page: str, scheme: str) -> None:
    seen = {}
    for javascript in (True, False):
        context, tab = open_tab(browser, origin + page, 1280, javascript, scheme)
        try:
            seen[javascript] = tab.evaluate(COLOURS)
        finally:
            context.close()
    assert seen[False] == seen[True]
    background = seen[False]["body backgroundColor"]
    assert (background == "rgb(255, 255, 255)") == (scheme == "light"), background


BANNERS = "".join(
    f'<div class="mks-banner {cls}" role="status"><p class="mks-banner-text">{text}</p>'
    f'<p class="mks-updated">As of <time>2026-11-23 10:00 NZDT</time> · '
    f'<a href="#">all services</a></p></div>'
    for cls, text in [("mks-i-none", "All Systems Operational"),
                      ("mks-i-maintenance", "Service Under Maintenance"),
                      ("mks-i-minor", "Minor Service Outage"),
                      ("mks-i-major", "Partial System Outage"),
                      ("mks-i-critical", "Major System Outage"),
                      ("mks-c-operational", "Operational"),
                      ("mks-c-under_maintenance", "Under maintenance"),
                      ("mks-c-degraded_performance", "Degraded performance"),
                      ("mks-c-partial_outage", "Partial outage"),
                      ("mks-c-major_outage", "Major outage")])
BANNER_COLOURS = """() => [...document.querySelectorAll('.mks-banner')].map(b =>
  [b.className, getComputedStyle(b).backgroundColor, getComputedStyle(b).color,
   b.getBoundingClientRect().width])"""


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_banners_are_full_width_distinct_and_readable(browser: Any, origin: str,
                                                      scheme: str) -> None:
    """Every banner colour, on a page with the site's CSS: axe finds no contrast problem,
    each fills the content's width, and minor (amber) and major (orange) differ."""
    require(str(AXE), AXE.exists())
    context, tab = open_tab(browser, origin + "/", 1280)
    try:
        tab.evaluate("""([html, scheme]) => {
          document.body.dataset.mdColorScheme = scheme;
          document.querySelector('.md-content__inner').innerHTML = html; }""",
                     [BANNERS, scheme])
        tab.add_script_tag(path=str(AXE))
        result = tab.evaluate("() => axe.run('.md-content', {runOnly: ['color-contrast']})")
        banners = tab.evaluate(BANNER_COLOURS)
        width = tab.evaluate(
            "() => document.querySelector('.md-content__inner').getBoundingClientRect().width")
    finally:
        context.close()
    assert result["violations"] == [], result["violations"]
    colours = {cls.split()[1]: (bg, fg) for cls, bg, fg, _ in banners}
    assert all(abs(w - width) <= 1 for *_, w in banners), (banners, width)
    assert len({bg for bg, _ in colours.values()}) == 5  # one per status level
    minor, major = colours["mks-i-minor"][0], colours["mks-i-major"][0]
    assert _distance(minor, major) > 100, (minor, major)
    assert colours["mks-i-critical"][0] != major


def _distance(a: str, b: str) -> float:
    """Euclidean distance of two `rgb(...)` colours (0-441)."""
    def rgb(text: str) -> list[float]:
        return [float(x) for x in text[text.index("(") + 1:-1].split(",")[:3]]
    return sum((x - y) ** 2 for x, y in zip(rgb(a), rgb(b), strict=True)) ** 0.5


@pytest.mark.parametrize("javascript", [True, False])
def test_a_fresh_sites_home_page_links_to_about_on_desktop(
        browser: Any, tmp_path_factory: pytest.TempPathFactory, javascript: bool) -> None:
    root = tmp_path_factory.mktemp("fresh")
    mkstatus("init", "site", "--timezone", "UTC", cwd=root, check=True)
    mkstatus("build", "--now", "2026-12-01T00:00:00Z", cwd=root / "site", check=True)
    with served_site(root / "site" / "site") as url:
        context, tab = open_tab(browser, url + "/", 1280, javascript)
        try:
            about = tab.get_by_role("link", name="About", exact=True)
            visible = [about.nth(i).bounding_box() for i in range(about.count())
                       if about.nth(i).is_visible()]
        finally:
            context.close()
    assert visible and all(0 <= box["y"] < 844 for box in visible), visible
