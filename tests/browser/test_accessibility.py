"""axe-core in the real page, both palettes: a status page is read by everyone, including
people on screen readers and people who cannot tell green from red."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.browser.conftest import (
    AXE,
    FR_PAGES,
    PAGES,
    PALETTES,
    STATES,
    Served,
    require,
    visit,
)

CASES = list(itertools.product(STATES, PAGES + FR_PAGES, PALETTES))
BLOCKING = ("serious", "critical")

# Every element that shows a status by colour, and the text that must come with it.
UNLABELLED = """() => [...document.querySelectorAll('.mks-status, .mks-ustatus')]
  .filter(e => !e.textContent.trim()).map(e => e.outerHTML)"""
# Graphics a screen reader would meet: each is hidden from it or has a text alternative.
UNNAMED_GRAPHICS = """() => [...document.querySelectorAll(
    '.md-content svg, .md-content [role=img]')]
  .filter(e => !e.closest('[aria-hidden=true]'))
  .filter(e => !(e.getAttribute('aria-label') || '').trim()
            && !e.getAttribute('aria-labelledby')
            && !(e.querySelector(':scope > title')?.textContent || '').trim())
  .map(e => e.outerHTML.slice(0, 120))"""


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}): "
                     + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
                     for v in violations)


@pytest.mark.parametrize(("state", "page", "palette"), CASES, ids=["-".join(c) for c in CASES])
def test_no_serious_accessibility_violations(contexts: Any, served: dict[str, Served],
                                             state: str, page: str, palette: str) -> None:
    require(str(AXE), AXE.exists())
    with visit(contexts, served[state], page, "desktop", palette) as seen:
        seen.page.add_script_tag(path=str(AXE))
        result = seen.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        unlabelled = seen.page.evaluate(UNLABELLED)
        unnamed = seen.page.evaluate(UNNAMED_GRAPHICS)
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    assert unlabelled == [], "status shown by colour alone"
    assert unnamed == [], "graphics without a text alternative"
