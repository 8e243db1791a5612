"""Hostile incident text in Chromium: no canary's script runs on any page.

The canaries (tests/canaries.py) sit in summaries, update messages, a postmortem, a
notice and a maintenance. Each page is opened with JavaScript on; the test fails on any
dialog (every canary calls `alert(N)`), and on what could still run later: an event
handler attribute, a script, frame or form in the content, or a link or source with a
`javascript:`/`data:` scheme. The same site built with `allow_raw_html: true` must set
the canaries off, which shows the oracle can fail.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import serve
from tests.canaries import CANARIES, NOW, canary_site
from tests.conftest import mkstatus

PAGES = ("/", "/incidents/2026-01-10-canaries/", "/incidents/2026-01-11-more-canaries/",
         "/incidents/2026-01-12-canary-notice/", "/incidents/2026-02-05-canary-maintenance/",
         "/history/", "/components/api/")
# What in the content could still run script after the page has loaded.
LEFTOVERS = """() => {
  const content = document.querySelector('.md-content');
  const out = [];
  for (const e of content.querySelectorAll('*')) {
    for (const a of e.attributes) {
      if (a.name.startsWith('on')) out.push(e.tagName + ' ' + a.name);
      if (['href', 'src', 'action', 'formaction', 'data', 'srcdoc'].includes(a.name)
          && /^\\s*(javascript|data|vbscript):/i.test(a.value.replace(/[\\t\\n\\r]/g, '')))
        out.push(e.tagName + ' ' + a.name + '=' + a.value);
    }
    if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'FORM', 'BASE', 'META', 'LINK', 'STYLE',
         'INPUT', 'BUTTON', 'SVG', 'MATH'].includes(e.tagName.toUpperCase()))
      out.push(e.tagName);
  }
  return out;
}"""


def build(tmp_path: Path, allow_raw_html: bool) -> Path:
    config = canary_site(tmp_path / "src", allow_raw_html=allow_raw_html)
    out = tmp_path / "site"
    mkstatus("build", "-f", str(config), "--now", NOW, "-d", str(out), cwd=tmp_path,
             check=True)
    return out


@contextlib.contextmanager
def served_canaries(tmp_path: Path, allow_raw_html: bool) -> Iterator[str]:
    server = serve(build(tmp_path, allow_raw_html))
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def sanitized(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_canaries(tmp_path_factory.mktemp("canaries"), False) as origin:
        yield origin


def open_page(browser: Any, url: str) -> tuple[list[str], list[str]]:
    """The alerts a page raised while it loaded (and shortly after), and its leftovers."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=True, service_workers="block")
    alerts: list[str] = []
    try:
        tab = context.new_page()
        tab.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
        tab.goto(url, wait_until="load")
        tab.mouse.move(640, 450)  # hover handlers, such as an element covering the page
        tab.wait_for_timeout(300)  # autofocus, animations and frames that start late
        leftovers = tab.evaluate(LEFTOVERS) if tab.url.startswith(url.split("#")[0]) else [
            f"navigated away to {tab.url}"]
    finally:
        context.close()
    return alerts, leftovers


@pytest.mark.parametrize("page", PAGES)
def test_no_canary_runs(browser: Any, sanitized: str, page: str) -> None:
    alerts, leftovers = open_page(browser, sanitized + page)
    assert alerts == [], f"canaries fired: {alerts}"
    assert leftovers == []


def test_every_canary_is_on_a_page() -> None:
    """Each canary's number appears in the text shown, so none was left out of the run."""
    numbers = {int(n) for c in CANARIES for n in re.findall(r"alert\((\d+)\)", c)}
    assert numbers == set(range(1, len(CANARIES) + 1))


def test_canaries_fire_when_raw_html_is_allowed(browser: Any, tmp_path: Path) -> None:
    """The oracle works: with `allow_raw_html: true` (the output before sanitizing), the
    canaries run."""
    fired: set[str] = set()
    with served_canaries(tmp_path, True) as origin:
        for page in PAGES:
            alerts, _ = open_page(browser, origin + page)
            fired.update(alerts)
    assert len(fired) >= 15, sorted(fired, key=int)
