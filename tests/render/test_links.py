"""Every internal link of a built site resolves, with `use_directory_urls` on and off.

A crawler reads every file a reader or a program follows links from: each `href` and
`src` of every HTML page, the links of the RSS and Atom feeds, the JSON Feed, the
Statuspage JSON (`page.url`, `shortlink`), the calendar's `URL:` lines, MkDocs' sitemap
and the paths of `_headers`. Each link that points into the site must name a file of the
output (a folder URL names its `index.html`), and a `#fragment` into one of our pages an
element with that id. Sites are built for real: the demo and the trouble scenario (month
pages, lists cut at the limit), with `mkstatus build` and with a plain `mkdocs build`.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree, html
from mkstatus.render import urls

from tests.conftest import DEMO_NOW, copy_demo, mkstatus
from tests.render.test_api import TROUBLE_NOW, trouble_files, write_files

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LINK_ATTRIBUTES = ("href", "src")


@dataclass(frozen=True, slots=True)
class Link:
    source: str  # the file it was found in, relative to the site root
    target: str  # as written there

    def __str__(self) -> str:
        return f"{self.source}: {self.target}"


def site_url_of(site: Path) -> str:
    """The site's own absolute URL, as the generator wrote it in the JSON Feed."""
    return str(json.loads((site / "history.json").read_text())["home_page_url"])


def html_links(site: Path, page: Path) -> Iterator[Link]:
    tree = html.parse(str(page))
    source = page.relative_to(site).as_posix()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name in LINK_ATTRIBUTES:
            value = element.get(name)
            if value is not None:
                yield Link(source, value)


def feed_links(site: Path) -> Iterator[Link]:
    for feed in sorted(site.rglob("*.rss")):
        source = feed.relative_to(site).as_posix()
        root = etree.parse(str(feed)).getroot()
        for link in root.iter("link", ATOM + "link"):
            yield Link(source, link.get("href") or link.text or "")
    for feed in sorted(site.rglob("*.atom")):
        source = feed.relative_to(site).as_posix()
        for link in etree.parse(str(feed)).getroot().iter(ATOM + "link"):
            yield Link(source, link.get("href", ""))


def json_links(site: Path) -> Iterator[Link]:
    """Every string value in our JSON that looks like a URL of the site."""
    base = site_url_of(site)
    host = base.rstrip("/")
    for path in sorted([*site.joinpath("api").rglob("*.json"), site / "history.json"]):
        source = path.relative_to(site).as_posix()
        for value in _strings(json.loads(path.read_text())):
            if value == host or value.startswith(base):
                yield Link(source, value)


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def calendar_links(site: Path) -> Iterator[Link]:
    text = (site / "maintenance.ics").read_bytes().decode().replace("\r\n ", "")
    for line in text.split("\r\n"):
        if line.startswith("URL:"):
            yield Link("maintenance.ics", line[4:])


def sitemap_links(site: Path) -> Iterator[Link]:
    for loc in etree.parse(str(site / "sitemap.xml")).getroot().iter(SITEMAP + "loc"):
        yield Link("sitemap.xml", loc.text or "")


def every_link(site: Path) -> list[Link]:
    links = [link for page in sorted(site.rglob("*.html")) for link in html_links(site, page)]
    return [*links, *feed_links(site), *json_links(site), *calendar_links(site),
            *sitemap_links(site)]


def resolve(site: Path, base: str, link: Link) -> tuple[str, str] | None:
    """(path in the site, fragment) that ``link`` points at, or None when it leaves the
    site (another host, mailto:, data:). A relative link that climbs out of the root
    resolves to a path starting with ``../``, which no file has."""
    parts = urlsplit(link.target)
    if parts.scheme in ("data", "mailto", "javascript", "tel"):
        return None
    root = urlsplit(base)
    if parts.scheme or link.target.startswith("//"):
        if (parts.scheme, parts.hostname, parts.port) != (root.scheme, root.hostname,
                                                          root.port):
            return None
        if not (parts.path or "/").startswith(root.path) and parts.path != root.path[:-1]:
            return None
        rel = (parts.path or "/")[len(root.path):]
    elif parts.path.startswith("/"):
        if not parts.path.startswith(root.path):
            return "../" + parts.path, parts.fragment  # outside the site's folder
        rel = parts.path[len(root.path):]
    else:
        folder = posixpath.dirname(link.source)
        rel = posixpath.join(folder, parts.path) if parts.path else link.source
    folder_url = rel == "" or rel.endswith(("/", "/.", "/..")) or rel in (".", "..")
    target = unquote(posixpath.normpath(rel or "."))
    target = "" if target == "." else target
    if folder_url:
        target = posixpath.join(target, "index.html")
    return target, parts.fragment


def dead_links(site: Path) -> tuple[list[str], int]:
    """The links that name no file (or no element), and how many internal links there
    were in all."""
    base = site_url_of(site)
    ids: dict[str, set[str]] = {}
    dead: list[str] = []
    internal = 0
    for link in every_link(site):
        where = resolve(site, base, link)
        if where is None:
            continue
        internal += 1
        path, fragment = where
        file = site / path
        if path.startswith("../") or not file.is_file():
            dead.append(f"{link} -> no file {path}")
            continue
        if fragment and path.endswith(".html"):
            if path not in ids:
                ids[path] = {str(i) for i in html.parse(str(file)).getroot().xpath("//@id")}
            if fragment not in ids[path]:
                dead.append(f"{link} -> no id {fragment!r} in {path}")
    return dead, internal


def headers_problems(site: Path) -> list[str]:
    """Each `_headers` rule path names a file of the site, or (with a splat or a
    placeholder) matches one, so no page falls outside its cache rule unnoticed."""
    files = ["/" + p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    problems = []
    for line in (site / "_headers").read_text().splitlines():
        if not line.startswith("/"):
            continue
        pattern = re.escape(line).replace(r"\*", ".*")
        pattern = re.sub(r":[a-z]+", "[^/]+", pattern)
        pattern += "(index\\.html)?" if line.endswith("/") else ""
        if not any(re.fullmatch(pattern, f) for f in files):
            problems.append(f"_headers: {line} matches no file")
    return problems


def with_directory_urls(config: Path, value: bool) -> None:
    text = config.read_text()
    assert "use_directory_urls" not in text
    config.write_text(f"use_directory_urls: {str(value).lower()}\n" + text)


@pytest.fixture(scope="module")
def flat_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with `use_directory_urls: false`, built with `mkstatus build`."""
    root = copy_demo(tmp_path_factory.mktemp("flat-demo"))
    with_directory_urls(root / "mkdocs.yml", False)
    mkstatus("build", "--now", DEMO_NOW, "--strict", cwd=root, check=True)
    return root / "site"


@pytest.fixture(scope="module")
def flat_trouble(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trouble scenario with `use_directory_urls: false`, built with plain
    `mkdocs build`, as a site that never calls mkstatus' own command would be."""
    root = tmp_path_factory.mktemp("flat-trouble")
    config = write_files(root, trouble_files())
    with_directory_urls(config, False)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(NO_MKDOCS_2_WARNING="1", MKSTATUS_NOW=TROUBLE_NOW)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return root / "site"


SITES = ["demo", "trouble", "flat_demo", "flat_trouble"]


@pytest.mark.parametrize("name", SITES)
def test_every_internal_link_resolves(request: pytest.FixtureRequest, name: str) -> None:
    site = request.getfixturevalue(name)
    dead, internal = dead_links(site)
    assert dead == [], f"{len(dead)} of {internal} internal links are dead:\n" + "\n".join(
        dead)
    assert internal > 100, "the crawler found too few links: is it reading the pages?"


@pytest.mark.parametrize("name", ["trouble", "flat_trouble"])
def test_every_headers_rule_matches_a_file(request: pytest.FixtureRequest, name: str) -> None:
    """The trouble scenario has every kind of page (month pages too)."""
    assert headers_problems(request.getfixturevalue(name)) == []


def test_flat_site_has_pages_as_files(flat_demo: Path, flat_trouble: Path) -> None:
    """The setting really was applied: no folder-per-page, and month pages too."""
    assert (flat_demo / "incidents" / "2026-11-22-email-delivery-delays.html").is_file()
    assert not (flat_demo / "incidents" / "2026-11-22-email-delivery-delays").exists()
    assert (flat_demo / "components" / "api.html").is_file()
    assert list((flat_trouble / "history").glob("*.html")), "no month page was built"


@pytest.mark.parametrize(("directory_urls", "source", "served"), [
    (True, urls.HOME, ""), (False, urls.HOME, "index.html"),
    (True, urls.HISTORY, "history/"), (False, urls.HISTORY, "history.html"),
    (True, urls.month_page("2025-10"), "history/2025-10/"),
    (False, urls.month_page("2025-10"), "history/2025-10.html"),
    (True, urls.incident_page("2026-01-02-a"), "incidents/2026-01-02-a/"),
    (False, urls.component_page("api"), "components/api.html"),
    (True, "about/index.md", "about/"), (False, "about/index.md", "about/index.html"),
])
def test_pages_are_served_where_mkdocs_puts_them(directory_urls: bool, source: str,
                                                 served: str) -> None:
    assert urls.Urls("https://s.test/", directory_urls).page_url(source) == served


@pytest.mark.parametrize(("here", "target", "link"), [
    ("", "", "./"), ("", "components/api/", "components/api/"),
    ("incidents/a/", "", "../../"), ("incidents/a/", "history/", "../../history/"),
    ("components/api/", "components/api/history.rss", "history.rss"),
    ("history/", "", "../"), ("history/", "history/2025-10/", "2025-10/"),
    ("history/2025-11/", "history/2025-10/", "../2025-10/"),
    ("history/2025-11/", "history/", "../"),
    ("index.html", "history.html", "history.html"),
    ("incidents/a.html", "index.html", "../index.html"),
    ("components/api.html", "components/api/history.atom", "api/history.atom"),
    ("history/2025-11.html", "history.html", "../history.html"),
    ("history.html", "history/2025-10.html", "history/2025-10.html"),
])
def test_relative_links_are_the_shortest_path(here: str, target: str, link: str) -> None:
    assert urls.relative(target, here) == link


def test_the_crawler_finds_dead_links(tmp_path: Path) -> None:
    """The oracle can fail: a dead link in a page, in a feed, in JSON and in the
    calendar, a bad fragment and a link climbing out of the root are each reported;
    links to other hosts and data: URIs are not; a `_headers` path that names nothing
    is reported too."""
    site = tmp_path / "site"
    files = {
        "history.json": json.dumps({"home_page_url": "https://s.test/", "items": [
            {"url": "https://s.test/incidents/a/"}, {"url": "https://other.test/"}]}),
        "api/v2/status.json": json.dumps({"page": {"url": "https://s.test"}}),
        "index.html": '<a id="top" href="incidents/a.html">a</a><a href="missing/">m</a>'
                      '<a href="#nowhere">n</a><a href="https://other.test/x">o</a>'
                      '<img src="data:image/png," alt=""><a href="/incidents/a.html#top">t</a>',
        "incidents/a.html": '<a href="../../up.html">up</a><a href="../#top">ok</a>',
        "history.rss": '<rss><channel><link>https://s.test/nope/</link></channel></rss>',
        "history.atom": f'<feed xmlns="{ATOM[1:-1]}"><link href="https://s.test/"/></feed>',
        "maintenance.ics": "BEGIN:VCALENDAR\r\nURL:https://s.test/incidents/\r\n b/\r\n",
        "sitemap.xml": f'<urlset xmlns="{SITEMAP[1:-1]}"><url><loc>https://s.test/</loc>'
                       "</url></urlset>",
        "_headers": "/*\n  X: y\n/incidents/*\n  X: y\n/history/:month/\n  X: y\n",
    }
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    dead, internal = dead_links(site)
    assert sorted(dead) == [
        "history.json: https://s.test/incidents/a/ -> no file incidents/a/index.html",
        "history.rss: https://s.test/nope/ -> no file nope/index.html",
        "incidents/a.html: ../../up.html -> no file ../up.html",
        "index.html: #nowhere -> no id 'nowhere' in index.html",
        "index.html: /incidents/a.html#top -> no id 'top' in incidents/a.html",
        "index.html: missing/ -> no file missing/index.html",
        "maintenance.ics: https://s.test/incidents/b/ -> no file incidents/b/index.html",
    ]
    assert internal == 13
    assert headers_problems(site) == ["_headers: /history/:month/ matches no file"]
