"""The subscribe page, its links from every page, and the demo's `notify --dry-run`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html as lxml_html

from tests.conftest import DEMO_NOW, copy_demo, mkstatus


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_demo(tmp_path_factory.mktemp("subscribe"))
    text = (root / "mkdocs.yml").read_text().replace(
        "      subscribe_email:", "      subscribe_url: https://example.com/signup\n"
        "      websub_hub: https://hub.example.net/\n      subscribe_email:")
    (root / "mkdocs.yml").write_text(text)
    mkstatus("build", "--now", DEMO_NOW, "--strict", cwd=root, check=True)
    return root


def test_the_subscribe_page_lists_every_way_to_follow(demo_root: Path) -> None:
    site = demo_root / "site"
    page = site / "subscribe" / "index.html"
    doc = lxml_html.fromstring(page.read_bytes())
    body = doc.cssselect("article")[0]
    text = body.text_content()
    hrefs = [a.get("href") for a in body.cssselect("a")]
    base = "https://status.example.com/subscribe/"
    local = [h for h in hrefs if not h.startswith(("mailto:", "https://example.com"))]
    for href in local:  # every link of the page names a file the build wrote
        target = urljoin(base, href).removeprefix("https://status.example.com/")
        assert (site / target).is_file() or (site / target / "index.html").is_file(), href
    for comp in ("broadband", "dns", "website", "api", "dashboard", "email"):
        for ext in ("rss", "atom", "json"):
            assert f"../components/{comp}/history.{ext}" in hrefs
    for name in ("../history.rss", "../history.atom", "../history.json",
                 "../maintenance.ics", "../api/v2/summary.json"):
        assert name in hrefs
    assert "mailto:status-subscribe@example.com" in hrefs
    assert "https://example.com/signup" in hrefs
    assert "/feed subscribe https://status.example.com/history.rss" in text
    assert "Microsoft Teams" in text and "https://hub.example.net/" in text
    assert "Call 0800 000 000" in text  # the contact line, as on the home page


def test_every_page_links_to_it_from_its_footer_and_the_home_page_too(
        demo_root: Path) -> None:
    site = demo_root / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        if page.name == "404.html":
            continue
        doc = lxml_html.fromstring(page.read_bytes())
        links = doc.cssselect("footer .mks-footer-subscribe a")
        assert len(links) == 1, page
        rel = page.relative_to(site).as_posix()
        target = urljoin(f"https://x/{rel}", links[0].get("href"))
        tree = "fr/" if rel.startswith("fr/") else ""  # the French tree has its own page
        assert target == f"https://x/{tree}subscribe/", page
    home = lxml_html.fromstring((site / "index.html").read_bytes())
    assert [a.get("href") for a in home.cssselect("article a")
            if a.text_content() == "Subscribe to updates"] == ["subscribe/"]


def test_the_demo_deploy_path_runs_notify_in_dry_run(demo_root: Path) -> None:
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "mkstatus notify --dry-run --now $(DEMO_NOW)" in makefile.split("site:")[1]
    result = mkstatus("notify", "--dry-run", "--now", DEMO_NOW, cwd=demo_root, check=True)
    out = result.stdout
    assert "notify[0] mailtos smtp.example.com: first run:" in out
    assert "notify[1] slack: first run:" in out and "needs SLACK_BOT_TOKEN" in out
    assert "notify[2] webhook hooks.example.com: first run:" in out
    assert "websub https://hub.example.net/" in out
    assert not (demo_root / ".mkstatus").exists()
