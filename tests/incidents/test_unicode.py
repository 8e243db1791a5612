"""Any Unicode works everywhere: emoji, CJK, combining marks and other astral-plane text in
incident titles (through `mkstatus new`) and component names, through `check` and a real
build, onto pages, feeds and the JSON API."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from lxml import html as lxml_html

from tests.conftest import mkstatus

NOW = "2026-12-01T12:00:00Z"
TITLES = {
    "emoji": "Checkout 🔥 failing",
    "cjk": "支付页面无法打开",
    "combining": "Ze\u0301ro ca\u0301fe\u0301 Z\u0324\u0354\u0367\u0311",
    "astral": "𝕮𝖍𝖊𝖈𝖐𝖔𝖚𝖙 𓀀 𠜎 👩\u200d💻",
}
COMPONENT = "API 🚀 接口 e\u0301 𝔸"


def unicode_site(tmp_path: Path) -> Path:
    mkstatus("init", "s", "--site-url", "https://status.example.com/", "--timezone", "UTC",
             cwd=tmp_path, check=True)
    root = tmp_path / "s"
    config = root / "mkdocs.yml"
    text = config.read_text()
    assert "          name: API\n" in text
    config.write_text(text.replace("          name: API\n", f'          name: "{COMPONENT}"\n'))
    for title in TITLES.values():
        mkstatus("new", title, "-c", "api=partial_outage", "-m", f"{title} — details",
                 "--at", "2026-12-01 10:00 Z", cwd=root, check=True)
    return root


def test_any_unicode_title_and_name_builds(tmp_path: Path) -> None:
    root = unicode_site(tmp_path)
    check = mkstatus("check", "--now", NOW, cwd=root)
    assert check.returncode == 0, check.stdout + check.stderr
    build = mkstatus("build", "--now", NOW, cwd=root)
    assert build.returncode == 0, build.stderr
    site = root / "site"
    ids = sorted(p.name for p in (site / "incidents").iterdir() if p.is_dir())
    assert len(ids) == len(TITLES)
    shown = set()
    for incident in ids:
        page = lxml_html.parse(str(site / "incidents" / incident / "index.html")).getroot()
        heading = page.cssselect("h1")[0].text_content()
        assert page.cssselect("title")[0].text == f"{heading} — Example Status"
        assert COMPONENT in page.text_content()
        shown.add(heading)
    assert shown == set(TITLES.values())
    home = lxml_html.parse(str(site / "index.html")).getroot().text_content()
    assert all(title in home for title in TITLES.values()) and COMPONENT in home
    component = lxml_html.parse(str(site / "components/api/index.html")).getroot()
    assert component.cssselect("h1")[0].text_content() == COMPONENT
    assert component.cssselect("title")[0].text.startswith(f"{COMPONENT}: Partial outage")
    for name in ("history.atom", "history.rss", "components/api/history.atom"):
        feed = feedparser.parse((site / name).read_bytes())
        assert feed.bozo == 0, name
        titles = {e.title.split(" — ")[0] for e in feed.entries}
        assert titles == set(TITLES.values()), name
    api = json.loads((site / "api/v2/incidents.json").read_text(encoding="utf-8"))
    assert {i["name"] for i in api["incidents"]} == set(TITLES.values())
    assert {c["name"] for c in api["incidents"][0]["components"]} == {COMPONENT}
    badge = json.loads((site / "badges/api.json").read_text(encoding="utf-8"))
    assert badge["label"] == COMPONENT
    assert f"<title>{COMPONENT}: partial outage</title>" in \
        (site / "badges/api.svg").read_text(encoding="utf-8")
