"""No title or name can reorder the page around it, measured in Chromium.

`check` refuses direction controls in titles and names, but the pages must hold even
when one gets through (a name from a probe, a file checked by an older mkstatus): the
demo's pages are rendered in process with a U+202E RIGHT-TO-LEFT OVERRIDE (and no
closing U+202C) at the start of every incident title and component name and group, and
each line that shows one must still read left to right after it: the status after the
title, the status after a component's name.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from lxml import html as lxml_html
from mkstatus.compute.site import compute
from mkstatus.mkdocs.build import load
from mkstatus.render.pages import PageRenderer
from mkstatus.render.uptime_html import page_extra
from mkstatus.times import resolve_now

from tests.conftest import DEMO_NOW, copy_demo

RLO = "\u202e"
# (page, the line, what user text is in, what must stay on its right)
ORDER = [
    ("history.md", ".mks-history li", "a", ".mks-ustatus"),
    ("index.md", ".mks-card-title", "a", ".mks-ustatus"),
    ("index.md", ".mks-component", ".mks-cname", ".mks-status"),
    ("components/email.md", ".mks-history li", "a", ".mks-ustatus"),
    ("components/email.md", ".mks-updated", "time ~ bdi", "a"),
    ("incidents/2026-10-14-denial-of-service-attack.md", ".mks-facts dd:has(a ~ a)", "a",
     "a ~ a"),
]
# Each check: every line found, and in each the first element ends left of the second.
MEASURE = """([line, first, second]) => [...document.querySelectorAll(line)].map(el => {
  const a = el.querySelector(first), b = el.querySelector(second);
  if (!a || !b) return 'missing in ' + el.outerHTML.slice(0, 80);
  const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
  return ra.right <= rb.left + 1 ? 'ok' : el.textContent.trim().slice(0, 60);
})"""


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The demo's pages, rendered with an override in every title, name and group."""
    root = copy_demo(tmp_path_factory.mktemp("direction"))
    site = load(root / "mkdocs.yml", resolve_now(DEMO_NOW))
    components = tuple(dataclasses.replace(c, name=RLO + c.name,
                                           group=RLO + c.group if c.group else None)
                       for c in site.config.components)
    config = dataclasses.replace(site.config, components=components)
    incidents = [dataclasses.replace(i, title=RLO + i.title) for i in site.incidents]
    hostile = compute(config, incidents, site.now, probes=site.probes)
    hostile = dataclasses.replace(hostile, extras=site.extras)
    pages = PageRenderer(hostile, page_extra(hostile))
    return {path: page.body for path, page in [*pages.others(),
                                                 *pages.incidents(hostile.views)]}


@pytest.mark.parametrize(("page", "line", "first", "second"), ORDER,
                         ids=[f"{p}:{line}" for p, line, _, _ in ORDER])
def test_text_after_a_title_or_name_keeps_its_place(browser: Any, hostile_pages: dict[str, str],
                                                    page: str, line: str, first: str,
                                                    second: str) -> None:
    assert RLO in hostile_pages[page]
    context = browser.new_context(viewport={"width": 2400, "height": 900},
                                  java_script_enabled=True)
    try:
        tab = context.new_page()
        tab.set_content('<!doctype html><html lang="en" dir="ltr"><head><style>'
                        "body{white-space:nowrap}</style></head><body>"
                        + hostile_pages[page] + "</body></html>")
        results = tab.evaluate(MEASURE, [line, first, second])
    finally:
        context.close()
    assert results, f"no {line} on {page}"
    assert set(results) == {"ok"}, [r for r in results if r != "ok"]


def test_titles_are_isolated_in_the_markup(hostile_pages: dict[str, str]) -> None:
    """Every override in the text sits inside an isolate, whatever the page (attributes,
    such as a bar's tooltip, and SVG titles are their own paragraphs)."""
    for path, body in hostile_pages.items():
        root = lxml_html.fragment_fromstring(body, create_parent="div")
        found = 0
        for element in root.iter():
            if not isinstance(element.tag, str) or any(
                    a.tag == "svg" for a in element.iterancestors()):
                continue
            for text, holder in ((element.text, element), (element.tail, element.getparent())):
                if text and RLO in text:
                    found += 1
                    assert holder is not None and (holder.tag == "bdi" or any(
                        a.tag == "bdi" for a in holder.iterancestors())), (path, text)
        assert found, path
