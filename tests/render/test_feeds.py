"""RSS and Atom: every published update once, stable ids, RFC 4287 MUSTs, a real reader."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import feedparser
from lxml import etree

from tests.conftest import DEMO_NOW, REPO

ATOM = "{http://www.w3.org/2005/Atom}"


# The occurrences of the demo's monthly maintenance within its window (first Wednesdays).
OCCURRENCES = ("2026-09-02", "2026-10-07", "2026-11-04", "2026-12-02", "2027-01-06",
               "2027-02-03")


def published_update_headings() -> list[str]:
    """An oracle independent of the parser: update headings in non-draft demo files. In a
    recurring maintenance an update with `Occurrence:` belongs to that occurrence, and one
    without it to every occurrence that starts after it."""
    now = datetime.fromisoformat(DEMO_NOW.replace("Z", "+00:00"))
    found = []
    for path in sorted((REPO / "incidents").glob("*.md")):
        text = path.read_text()
        if "\ndraft: true\n" in text or "." in path.stem:  # a translation (<id>.fr.md)
            continue
        for stamp, occurrence in re.findall(
                r"^## (\d{4}-\d{2}-\d{2} \d{2}:\d{2} [+-]\d{2}:\d{2}).*\n(Occurrence: .*)?", text,
                re.MULTILINE):
            if datetime.strptime(stamp, "%Y-%m-%d %H:%M %z") > now:
                continue
            if "\nrecurrence:" not in text:
                found.append(f"{path.stem}/{stamp}")
            elif occurrence:
                found.append(f"{path.stem}-{occurrence.split()[1]}/{stamp}")
            else:
                found += [f"{path.stem}-{day}/{stamp}" for day in OCCURRENCES if day > stamp]
    return found


def test_atom_has_every_update_once_with_required_elements(demo_site: Path) -> None:
    tree = etree.parse(str(demo_site / "history.atom"))
    feed = tree.getroot()
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None and feed.find(f"{ATOM}{name}").text
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == "https://status.example.com/history.atom"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(published_update_headings()) > 20
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("tag:status.example.com,20") for i in ids)
    times = []
    for entry in entries:
        assert entry.findtext(f"{ATOM}title")
        href = entry.find(f"{ATOM}link").get("href")
        assert href.startswith("https://status.example.com/incidents/") and "#update-" in href
        moment = datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        assert moment.tzinfo is not None
        times.append(moment)
    assert times == sorted(times, reverse=True)
    assert "Billing page" not in etree.tostring(feed, encoding="unicode")  # a draft


def test_rss_matches_atom_and_reads_in_feedparser(demo_site: Path) -> None:
    atom = feedparser.parse((demo_site / "history.atom").read_bytes())
    rss = feedparser.parse((demo_site / "history.rss").read_bytes())
    assert atom.bozo == 0 and rss.bozo == 0
    assert [e.title for e in atom.entries] == [e.title for e in rss.entries]
    assert [e.id for e in atom.entries] == [e.id for e in rss.entries]
    assert all(e.published_parsed for e in rss.entries)
    assert atom.entries[0].title == "Delays sending and receiving email — Identified"


def test_component_feeds_only_hold_their_incidents(demo_site: Path) -> None:
    email = feedparser.parse((demo_site / "components/email/history.atom").read_bytes())
    assert email.bozo == 0
    titles = {e.title.split(" — ")[0] for e in email.entries}
    assert titles == {"Delays sending and receiving email",
                      "Incoming email held by the spam filter",
                      *(f"Monthly mail server patching ({day})" for day in OCCURRENCES)}


def test_feeds_are_advertised_on_every_page(demo_site: Path) -> None:
    for page in ("index.html", "history/index.html",
                 "incidents/2026-10-14-denial-of-service-attack/index.html"):
        html = (demo_site / page).read_text()
        assert ('<link rel="alternate" type="application/atom+xml" title="Example Networks '
                'Status (Atom)" href="https://status.example.com/history.atom">') in html
        assert 'type="application/rss+xml"' in html


SITE = "https://status.example.com/"
RSS_ATOM_LINK = "{http://www.w3.org/2005/Atom}link"


def feed_pairs(site: Path) -> list[tuple[str, str]]:
    """Every feed stem of a built site and the page each one follows."""
    pairs = [("history", SITE)]
    for folder in sorted((site / "components").iterdir()):
        if (folder / "history.atom").is_file():
            pairs.append((f"components/{folder.name}/history",
                          f"{SITE}components/{folder.name}/"))
    return pairs


def check_atom(path: Path, self_url: str, page_url: str) -> list[str]:
    """RFC 4287 MUSTs and what readers need: the titles of the entries, in order."""
    feed = etree.parse(str(path)).getroot()
    assert feed.tag == f"{ATOM}feed", path
    for name in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{name}") or "").strip(), (path, name)
    links = {link.get("rel", "alternate"): link.get("href")
             for link in feed.findall(f"{ATOM}link")}
    assert links == {"self": self_url, "alternate": page_url}, path
    titles = []
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), (path, name)
        [link] = entry.findall(f"{ATOM}link")
        assert link.get("rel", "alternate") == "alternate" and link.get("href"), path
        content = entry.find(f"{ATOM}content")
        # Without type="html" a reader shows the escaped markup as text: "<p><strong>…".
        assert content is not None and content.get("type") == "html", path
        assert content.text.startswith("<p><strong>"), path
        titles.append(entry.findtext(f"{ATOM}title"))
    return titles


def check_rss(path: Path, self_url: str, page_url: str) -> list[str]:
    channel = etree.parse(str(path)).getroot().find("channel")
    assert channel is not None, path
    # The channel's <link> is the website the feed follows, not the feed itself.
    assert channel.findtext("link") == page_url, path
    [self_link] = channel.findall(RSS_ATOM_LINK)
    assert (self_link.get("rel"), self_link.get("href")) == ("self", self_url), path
    titles = []
    for item in channel.findall("item"):
        for name in ("title", "link", "guid", "pubDate", "description"):
            assert (item.findtext(name) or "").strip(), (path, name)
        titles.append(item.findtext("title"))
    return titles


def test_every_feed_has_its_structure_and_reads_in_feedparser(demo_site: Path) -> None:
    pairs = feed_pairs(demo_site)
    assert len(pairs) == 8  # the site and its seven components (one upstream)
    for stem, page in pairs:
        atom_titles = check_atom(demo_site / f"{stem}.atom", f"{SITE}{stem}.atom", page)
        rss_titles = check_rss(demo_site / f"{stem}.rss", f"{SITE}{stem}.rss", page)
        assert atom_titles == rss_titles, stem
        atom = feedparser.parse((demo_site / f"{stem}.atom").read_bytes())
        rss = feedparser.parse((demo_site / f"{stem}.rss").read_bytes())
        assert atom.bozo == 0 and rss.bozo == 0, stem
        assert [e.title for e in atom.entries] == atom_titles, stem
        assert [e.title for e in rss.entries] == rss_titles, stem
        assert atom.feed.link == page and rss.feed.link == page, stem
        assert all(e.content[0].type == "text/html" for e in atom.entries), stem
    assert len(check_atom(demo_site / "history.atom", f"{SITE}history.atom", SITE)) > 20
