"""Rebuild the README's screenshots (screenshots/*.png) from the demo in its three states.

    .venv/bin/python -m tests.browser.readme_screenshots

Committed images go stale silently, so they are made by this command rather than by
hand: the home page in each state (desktop, light) and one phone in dark, each cropped to
the first screen so a PNG stays well under 250 KB. The outage is shown once more with the
site in Arabic (`theme.language: ar`, right to left), on a desktop and a phone: mkstatus's
words and Material's chrome in Arabic, the demo's own incident text as written.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    STATES,
    VIEWPORTS,
    build_and_serve,
    language_demo,
)
from tests.conftest import REPO, copy_demo

OUT = REPO / "screenshots"
SHOTS = [(f"home-{name}.png", name, "desktop", "light") for name in STATES] + [
    ("home-outage-phone-dark.png", "outage", "phone", "dark"),
    ("home-outage-ar.png", "outage-ar", "desktop", "light"),
    ("home-outage-ar-phone.png", "outage-ar", "phone", "light")]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        demo = copy_demo(Path(tmp) / "demo")
        served = {}
        for state in STATES.values():
            server, served[state.name] = build_and_serve(demo, state, Path(tmp) / state.name)
        arabic = language_demo(Path(tmp) / "demo-ar", "ar")
        server, served["outage-ar"] = build_and_serve(arabic, STATES["outage"],
                                                      Path(tmp) / "outage-ar")
        with sync_playwright() as pw:
            browser: Any = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for filename, state_name, viewport, palette in SHOTS:
                page = browser.new_page(viewport=VIEWPORTS[viewport], color_scheme=palette)
                page.clock.set_fixed_time(served[state_name].state.now)  # just published
                page.goto(served[state_name].url("home"), wait_until="load")
                page.screenshot(path=str(OUT / filename), animations="disabled")
                page.close()
                size = (OUT / filename).stat().st_size
                print(f"{OUT.relative_to(REPO) / filename}: {size // 1024} KB")
            browser.close()


if __name__ == "__main__":
    main()
