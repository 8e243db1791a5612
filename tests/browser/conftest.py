"""Real-browser fixtures: the demo built in three states, served on loopback, one Chromium.

Everything expensive is session-scoped (each state is built once, one browser is shared)
so the whole browser suite stays around a minute on two cores. Debian's Chromium is used
as installed by scripts/setup; Playwright's own browser download is never used, so the
tests run without network access. Where Chromium is missing the suite skips with the
reason, except in CI (`CI` set), where a skipped oracle would be a silent pass.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, copy_demo, mkstatus, require

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
PALETTES = ("light", "dark")


@dataclass(frozen=True, slots=True)
class State:
    """A site state made from the demo by moving its clock, and pages that show it."""

    name: str
    now: str
    banner: str  # the home page banner text
    incident: str  # an incident page relevant to the state
    component: str  # a component the state affects
    component_status: str

    def paths(self) -> dict[str, str]:
        return {"home": "/", "incident": f"/incidents/{self.incident}/",
                "history": "/history/", "component": f"/components/{self.component}/",
                "subscribe": "/subscribe/", "uptime": "/uptime/",
                "component-uptime": f"/components/{self.component}/uptime/",
                # The demo's French tree (`languages: [en, fr]`), its chrome in French too.
                "fr-home": "/fr/", "fr-incident": f"/fr/incidents/{self.incident}/"}


STATES = {s.name: s for s in (
    State("operational", "2026-11-05T00:00:00Z", "All Systems Operational",
          "2026-11-03-slow-api-responses", "api", "Operational"),
    State("outage", "2026-10-14T03:00:00Z", "Major System Outage",
          "2026-10-14-denial-of-service-attack", "website", "Major outage"),
    State("maintenance", "2026-11-07T11:30:00Z", "Service Under Maintenance",
          "2026-11-08-database-upgrade", "dashboard", "Under maintenance"),
)}
PAGES = ("home", "incident", "history", "component", "subscribe")
FR_PAGES = ("fr-home", "fr-incident")  # checked by axe-core (test_accessibility) too


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file server that keeps the test output clean."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass(frozen=True, slots=True)
class Served:
    state: State
    root: Path
    origin: str  # http://127.0.0.1:PORT

    def url(self, page: str) -> str:
        return self.origin + self.state.paths()[page]


def serve(site: Path) -> ThreadingHTTPServer:
    """A static server for one built site on a free loopback port, in a daemon thread."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def build_and_serve(demo: Path, state: State, site: Path) -> tuple[ThreadingHTTPServer, Served]:
    """Build the demo copy at the state's clock into `site` and serve it."""
    mkstatus("build", "--now", state.now, "-d", str(site), cwd=demo, check=True)
    server = serve(site)
    return server, Served(state, site, f"http://127.0.0.1:{server.server_port}")


# The demo's navigation labels (mkdocs.yml `nav`, the site's own words) as a site in that
# language writes them.
NAV_WORDS = {"ar": ("الحالة", "السجل", "التوفر", "من نحن")}


def language_demo(dest: Path, language: str) -> Path:
    """The demo with `language` as its main language (`theme.language`): mkstatus's words,
    Material's chrome and the navigation in it, the site's own text (incidents, names) as
    written."""
    demo = copy_demo(dest, monolingual=True)
    config = demo / "mkdocs.yml"
    text = re.sub(r"(?m)^theme:\n", f"theme:\n  language: {language}\n",
                  config.read_text(), count=1)
    for english, own in zip(("Status", "History", "Uptime", "About"),
                            NAV_WORDS.get(language, ()), strict=False):
        text = text.replace(f"  - {english}: ", f"  - {own}: ")
    config.write_text(text)
    return demo


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Served]]:
    """Each state built once and served on its own loopback port for the whole session."""
    demo = copy_demo(tmp_path_factory.mktemp("browser-demo"))
    servers: list[ThreadingHTTPServer] = []
    out: dict[str, Served] = {}
    for state in STATES.values():
        server, out[state.name] = build_and_serve(
            demo, state, tmp_path_factory.mktemp(f"site-{state.name}"))
        servers.append(server)
    yield out
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Debian Chromium for the session; contexts per test keep tests independent."""
    require(str(CHROMIUM), CHROMIUM.exists())
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@dataclass(slots=True)
class Visit:
    """A page opened in its own context, with what went wrong while it loaded."""

    page: Any
    foreign: list[str]  # requests to any host other than the local server (all blocked)
    errors: list[str]  # console errors and uncaught exceptions


@pytest.fixture(scope="session")
def contexts(browser: Any) -> Iterator[Callable[..., Any]]:
    """Browser contexts shared by viewport, palette and JavaScript setting: making one
    costs about as much as loading a page, and the suite loads about a hundred."""
    made: dict[tuple[str, str, bool], Any] = {}

    def get(viewport: str, palette: str, javascript: bool) -> Any:
        key = (viewport, palette, javascript)
        if key not in made:
            made[key] = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=palette,
                                            java_script_enabled=javascript,
                                            service_workers="block")
        return made[key]

    yield get
    for context in made.values():
        context.close()


@contextlib.contextmanager
def visit(contexts: Callable[..., Any], served: Served, page: str, viewport: str = "desktop",
          palette: str = "light", javascript: bool = True,
          clock: str | None = None) -> Iterator[Visit]:
    """Open one page the way a reader would, blocking and recording any request that
    leaves the local server: a status page must load while other services are down.

    The page's clock reads `clock`, by default the state's build time: a reader who opens
    the page as it is published (older than `stale_after`, it says it may be out of date)."""
    tab = contexts(viewport, palette, javascript).new_page()
    tab.clock.set_fixed_time(clock or served.state.now)
    seen = Visit(page=tab, foreign=[], errors=[])

    def route(r: Any) -> None:
        if r.request.url.startswith(served.origin + "/"):
            r.continue_()
        else:
            seen.foreign.append(r.request.url)
            r.abort()

    tab.route("**/*", route)
    tab.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: seen.errors.append(str(e)))
    try:
        tab.goto(served.url(page), wait_until="load")
        yield seen
    finally:
        tab.close()
