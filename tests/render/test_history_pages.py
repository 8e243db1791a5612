"""Long histories: the history page lists recent whole months; older months get a page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

from lxml import html as lhtml
from mkstatus.render.pages import LIST_LIMIT

from tests.render.test_api import trouble_files


def _page(path: Path) -> lhtml.HtmlElement:
    return lhtml.fromstring(path.read_bytes())


def _incident_links(doc: lhtml.HtmlElement) -> list[str]:
    return [a.get("href").rstrip("/").rsplit("/", 1)[-1]
            for a in doc.cssselect("ul.mks-history a")]


def _target(site: Path, page: Path, href: str) -> Path:
    url = urljoin("/" + page.parent.relative_to(site).as_posix() + "/", href)
    return site / url.lstrip("/") / "index.html"


def test_history_keeps_recent_whole_months_and_archives_the_rest(trouble: Path) -> None:
    main = trouble / "history" / "index.html"
    doc = _page(main)
    shown = _incident_links(doc)
    months = [h.text_content() for h in doc.cssselect("h2")]
    assert months[-1] == "Older months" and len(shown) >= LIST_LIMIT
    # Whole months: dropping the oldest month shown would show fewer than the limit.
    last = doc.cssselect("ul.mks-history")[-1]
    assert len(shown) - len(last.cssselect("li")) < LIST_LIMIT
    archive = [a.get("href") for a in doc.cssselect("ul.mks-archive a")]
    assert archive and all(re.fullmatch(r"\d{4}-\d{2}/", href) for href in archive)

    listed = list(shown)
    for href in archive:
        page = _target(trouble, main, href)
        month = _page(page)
        assert month.cssselect("h1")[0].text_content().startswith("Incident history: ")
        listed += _incident_links(month)
        for link in month.cssselect("p.mks-links a, p.mks-current a"):
            target = link.get("href")
            if target.endswith("/"):
                assert _target(trouble, page, target).is_file(), (page, target)
        for item in month.cssselect("ul.mks-history a"):
            assert _target(trouble, page, item.get("href")).is_file(), (page, item.get("href"))
    # Every published, started incident exactly once across the history's pages.
    expected = sorted(p.name for p in (trouble / "incidents").iterdir()
                      if "future-window" not in p.name)  # still scheduled: not history
    assert sorted(listed) == expected


def test_component_page_lists_the_most_recent_incidents(trouble: Path) -> None:
    page = trouble / "components" / "cdn" / "index.html"
    doc = _page(page)
    items = doc.cssselect("ul.mks-history li")
    assert len(items) == LIST_LIMIT
    note = [p.text_content() for p in doc.cssselect("p") if "older incident" in p.text_content()]
    assert note and re.match(r"\d+ older incidents? affected ", note[0])
    more = int(note[0].split()[0])
    # The oracle: the scenario's own files that name cdn and are published.
    sources = [text.split("\n---", 1)[0] for name, text in trouble_files().items()
               if name.startswith("incidents/")]
    cdn = [head for head in sources if "cdn" in head and "draft: true" not in head]
    assert LIST_LIMIT + more == len(cdn) > LIST_LIMIT
