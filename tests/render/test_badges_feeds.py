"""Badges, the JSON Feed and the `_headers` file of real builds."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from jsonschema import FormatChecker
from lxml import etree
from mkstatus.compute.site import compute
from mkstatus.compute.status import ProbeVerdict
from mkstatus.errors import BuildError
from mkstatus.model import Component, SiteConfig
from mkstatus.render.badges import render_badges
from mkstatus.render.hosting import IMMUTABLE, SHORT

from tests.render.test_api import ATOM, load

SVG = "{http://www.w3.org/2000/svg}"




def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                  for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def check_badge(site: Path, stem: str) -> tuple[str, str]:
    """Both forms of one badge agree; the text says the status; colours are legible."""
    endpoint = json.loads((site / "badges" / f"{stem}.json").read_text())
    assert endpoint["schemaVersion"] == 1
    assert endpoint["label"] and endpoint["message"]
    tree = etree.parse(str(site / "badges" / f"{stem}.svg"))
    root = tree.getroot()
    title = root.findtext(f"{SVG}title")
    assert root.get("role") == "img" and root.get("aria-label") == title
    assert title == f"{endpoint['label']}: {endpoint['message']}"
    assert [t.text for t in root.iter(f"{SVG}text")] == [endpoint["label"],
                                                         endpoint["message"]]
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert fills == [endpoint["labelColor"], endpoint["color"]]
    text_fill = root.find(f"{SVG}g").get("fill")
    assert all(contrast(text_fill, fill) >= 4.5 for fill in fills)
    return endpoint["message"], endpoint["color"]


@pytest.mark.parametrize("site_name", ["demo", "trouble"])
def test_badges(request: pytest.FixtureRequest, site_name: str) -> None:
    site = request.getfixturevalue(site_name)
    components = [c for c in load(site, "components.json")["components"] if not c["group"]]
    names = {p.stem for p in (site / "badges").glob("*.svg")}
    assert names == {p.stem for p in (site / "badges").glob("*.json")}
    assert len(names) == len(components) + 1 and "status" in names
    for stem in names:
        check_badge(site, stem)
    status = load(site, "status.json")["status"]
    assert check_badge(site, "status")[0] == status["description"].lower()
    by_name = {c["name"]: c["status"].replace("_", " ") for c in components}
    for stem in names - {"status"}:
        endpoint = json.loads((site / "badges" / f"{stem}.json").read_text())
        # Statuspage has no "unknown": the JSON says operational where the badge, like
        # the page, says a probe has gone quiet.
        assert endpoint["message"] in (by_name[endpoint["label"]], "no recent data")
        if endpoint["message"] == "no recent data":
            assert by_name[endpoint["label"]] == "operational"


def test_badge_colours_follow_the_status(trouble: Path, demo: Path) -> None:
    assert check_badge(trouble, "api") == ("major outage", "#cf222e")
    assert check_badge(trouble, "status") == ("major system outage", "#cf222e")
    assert check_badge(demo, "email") == ("degraded performance", "#9a6700")
    assert check_badge(demo, "broadband") == ("operational", "#1a7f37")


def _config(*ids: str) -> SiteConfig:
    return SiteConfig(site_name="T", site_url="https://t.test/", timezone=None, contact="",
                      components=tuple(Component(i, i.upper(), None, "", n + 1)
                                       for n, i in enumerate(ids)))


def test_a_component_called_status_is_refused() -> None:
    site = compute(_config("web", "status"), [], datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(BuildError, match="component id 'status' is reserved"):
        render_badges(site)


def test_no_recent_data_is_never_shown_as_up() -> None:
    site = compute(_config("web"), [], datetime(2026, 1, 1, tzinfo=UTC),
                   probes={"web": ProbeVerdict(None, None)})
    files = dict(render_badges(site))
    assert json.loads(files["badges/web.json"])["message"] == "no recent data"
    assert "operational" not in files["badges/web.svg"]


def test_json_feed_has_the_atom_entries(demo: Path) -> None:
    check_json_feed(demo, "")


@pytest.mark.parametrize("cid", ["email", "website", "api", "dashboard"])
def test_each_components_json_feed_has_its_atom_entries(demo: Path, cid: str) -> None:
    """/components/<id>/history.json beside that component's RSS and Atom (issue 19)."""
    feed = check_json_feed(demo, f"components/{cid}/")
    assert feed["home_page_url"] == f"https://status.example.com/components/{cid}/"
    assert feed["feed_url"] == f"https://status.example.com/components/{cid}/history.json"


def check_json_feed(demo: Path, folder: str) -> dict:
    text = (demo / folder / "history.json").read_text(encoding="utf-8")
    assert text.endswith("}\n")
    feed = json.loads(text)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"].endswith("/history.json")
    assert feed["home_page_url"].startswith("https://")
    atom = etree.parse(str(demo / folder / "history.atom")).getroot()
    entries = atom.findall(f"{ATOM}entry")
    items = feed["items"]
    assert len(items) == len(entries) > 0
    checker = FormatChecker()
    for item, entry in zip(items, entries, strict=True):
        assert item["id"] == entry.findtext(f"{ATOM}id")
        assert item["title"] == entry.findtext(f"{ATOM}title")
        assert item["url"] == entry.find(f"{ATOM}link").get("href")
        assert checker.conforms(item["date_published"], "date-time")
        updated = datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        assert datetime.fromisoformat(item["date_published"].replace("Z", "+00:00")) == updated
        assert item["content_html"].startswith("<p><strong>")
    assert len({i["id"] for i in items}) == len(items)
    return feed


def parse_headers(text: str) -> list[tuple[str, dict[str, str]]]:
    rules: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("/"):
            rules.append((line, {}))
        else:
            assert line.startswith("  ") and rules, line
            name, _, value = line.strip().partition(": ")
            assert name not in rules[-1][1]
            rules[-1][1][name] = value
    return rules


def pattern(rule: str) -> re.Pattern[str]:
    """Netlify's matching (packages/headers-parser): `*` a whole trailing-optional
    segment, `:name` one segment; Cloudflare Pages matches these the same way."""
    parts = []
    for part in filter(None, rule.split("/")):
        if part == "*":
            parts.append("?(.*)")
        elif part.startswith(":"):
            parts.append("([^/]+)")
        else:
            assert "*" not in part, "splats inside a segment are not portable"
            parts.append(re.escape(part))
    return re.compile("^/" + "/".join(parts) + "/?$")


def headers_for(rules: list[tuple[str, dict[str, str]]], url: str) -> dict[str, str]:
    """Every header for a URL; a header set by two matching rules is a test failure,
    because Cloudflare would join both values with a comma."""
    out: dict[str, str] = {}
    for rule, headers in rules:
        if pattern(rule).match(url):
            for name, value in headers.items():
                assert name not in out, f"{url}: {name} set by two rules"
                out[name] = value
    return out


def site_urls(site: Path) -> list[str]:
    urls = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        urls.append("/" + rel)
        if rel.endswith("index.html"):
            urls.append("/" + rel[: -len("index.html")])
    return urls


def test_headers_file(demo: Path) -> None:
    rules = parse_headers((demo / "_headers").read_text())  # MkDocs copied it
    fingerprinted = re.compile(r"\.[0-9a-f]{8}\.min\.(css|js)(\.map)?$")
    for url in site_urls(demo):
        got = headers_for(rules, url)
        assert got.get("X-Content-Type-Options") == "nosniff"
        if fingerprinted.search(url):
            assert got["Cache-Control"] == IMMUTABLE, url
        else:
            assert got.get("Cache-Control") != IMMUTABLE, url
        if url.endswith(".html") or url.endswith("/"):
            assert got.get("Cache-Control", SHORT) == SHORT, url
    assert any(fingerprinted.search(u) for u in site_urls(demo))
    expect = {
        "/": {"Cache-Control": SHORT},
        "/incidents/2026-11-22-email-delivery-delays/": {"Cache-Control": SHORT},
        "/api/v2/summary.json": {"Cache-Control": SHORT, "Access-Control-Allow-Origin": "*",
                                 "Content-Type": "application/json; charset=utf-8"},
        "/api/v2/incidents/unresolved.json": {"Access-Control-Allow-Origin": "*"},
        "/history.rss": {"Content-Type": "application/rss+xml; charset=utf-8",
                         "Access-Control-Allow-Origin": "*", "Cache-Control": SHORT},
        "/history.atom": {"Content-Type": "application/atom+xml; charset=utf-8"},
        "/history.json": {"Content-Type": "application/json; charset=utf-8"},
        "/maintenance.ics": {"Content-Type": "text/calendar; charset=utf-8",
                             "Access-Control-Allow-Origin": "*"},
        "/badges/email.svg": {"Access-Control-Allow-Origin": "*", "Cache-Control": SHORT},
        "/components/email/history.atom": {
            "Content-Type": "application/atom+xml; charset=utf-8",
            "Access-Control-Allow-Origin": "*", "Cache-Control": SHORT},
    }
    for url, wanted in expect.items():
        assert (demo / url.lstrip("/")).exists() or (demo / url.lstrip("/") / "index.html"
                                                     ).exists(), url
        got = headers_for(rules, url)
        assert {k: got.get(k) for k in wanted} == wanted, url
    assert "Access-Control-Allow-Origin" not in headers_for(rules, "/")
