"""User text is direction-isolated in the HTML: every title, component name, group,
description and the contact line sits in a `<bdi>`, so a right-to-left title or a stray
U+202E cannot reorder the status, times and links written after it (the browser test
tests/browser/test_direction.py measures that in Chromium)."""

from __future__ import annotations

from pathlib import Path

import yaml
from lxml import html as lxml_html

from tests.conftest import REPO

PAGES = ("index.html", "history/index.html", "uptime/index.html",
         "incidents/2026-11-22-email-delivery-delays/index.html",
         "incidents/2026-10-14-denial-of-service-attack/index.html",
         "incidents/2026-11-26-network-core-upgrade/index.html",
         "components/email/index.html", "components/email/uptime/index.html",
         "subscribe/index.html")


def user_texts() -> set[str]:
    """Every title and name of the demo, read from its files, not from mkstatus."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text())
    plugin = next(p["mkstatus"] for p in config["plugins"] if isinstance(p, dict))
    texts = {plugin["contact"]}
    for comp in plugin["components"]:
        texts |= {comp["name"], comp.get("group"), comp.get("description")}
    for path in (REPO / "incidents").glob("*.md"):
        front = path.read_text().split("\n---\n")[0]
        texts.add(yaml.safe_load(front.removeprefix("---\n"))["title"])
    return {t for t in texts if t}


def test_every_user_text_is_isolated(demo_site: Path) -> None:
    texts = user_texts()
    assert len(texts) > 20
    seen: set[str] = set()
    for page in PAGES:
        content = lxml_html.parse(str(demo_site / page)).getroot().cssselect(".md-content")[0]
        for element in content.iter():
            for text, holder in ((element.text, element), (element.tail, element.getparent())):
                value = (text or "").strip()
                if value not in texts:
                    continue
                seen.add(value)
                assert holder is not None and (holder.tag == "bdi" or any(
                    a.tag == "bdi" for a in holder.iterancestors())), (page, value)
    assert len(seen) > 15, "too few titles and names were found on the pages"
