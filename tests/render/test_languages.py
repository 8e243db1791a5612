"""The demo in English and French (`languages: [en, fr]`): the /fr/ tree, its feeds,
`hreflang` links, the visible switch, and the note where a text is not translated yet
(issue 17.4 and 17.6)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.conftest import DEMO_NOW, copy_demo, mkstatus
from tests.render.test_i18n import _english_phrases, _neutral, _texts

TRANSLATED = "2026-10-14-denial-of-service-attack"  # incidents/<id>.fr.md in the demo
UNTRANSLATED = "2026-11-03-slow-api-responses"
OPEN = "2026-11-22-email-delivery-delays"  # open at DEMO_NOW, not translated
ATOM = "{http://www.w3.org/2005/Atom}"


def _page(site: Path, rel: str) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(site / rel / "index.html")).getroot()


def test_the_french_tree_is_in_french_with_the_themes_chrome(demo_site: Path) -> None:
    fr = demo_site / "fr"
    home = _page(fr, "")
    assert home.get("lang") == "fr"
    text = " ".join(home.text_content().split())
    assert "En-tête" in home.xpath("//@aria-label")  # Material's own words, in its French
    assert "Dernière mise à jour le" in text  # ours
    page = _page(fr, f"incidents/{TRANSLATED}")
    assert page.findtext(".//h1/bdi") == ("Site web, API et espace client indisponibles "
                                          "pendant une attaque par déni de service")
    assert page.find(".//h1").get("lang") is None
    text = " ".join(page.text_content().split())
    assert "pas encore traduit" not in text
    assert "L’attaque a atteint 180 Gbit/s" in text  # the postmortem, translated
    english = _page(demo_site, f"incidents/{TRANSLATED}")
    assert english.findtext(".//h1/bdi") == ("Website, API and dashboard down during a "
                                             "denial-of-service attack")
    card = home.find_class("mks-card")[0]  # the open incident, not translated: noted
    assert card.find(".//a").get("lang") == "en"
    assert [n.text for n in card.find_class("mks-untranslated")] == [
        "Cette mise à jour n’est pas encore traduite."]
    assert not (fr / "_headers").exists() and (demo_site / "_headers").exists()


def test_docs_pages_in_french_take_the_place_of_the_english_ones(demo_site: Path) -> None:
    """docs/about.fr.md is /fr/about/, docs/index.fr.md the French home's introduction;
    neither is a page of its own in either tree."""
    assert _page(demo_site / "fr", "about").findtext(".//h1").strip() == \
        "À propos de cette page"
    assert _page(demo_site, "about").findtext(".//h1").strip() == "About this page"
    intro = _page(demo_site / "fr", "").find_class("mks-intro")[0]
    assert intro.get("lang") is None
    assert intro.text_content().strip().startswith("Cette page indique en direct")
    assert not list(demo_site.rglob("index.fr*")) and not list(demo_site.rglob("about.fr*"))


def test_untranslated_text_falls_back_with_a_note(demo_site: Path) -> None:
    page = _page(demo_site / "fr", f"incidents/{UNTRANSLATED}")
    assert page.find(".//h1").get("lang") == "en"
    updates = page.find_class("mks-update")
    assert len(updates) == 4
    for update in updates:
        note = update.find_class("mks-untranslated")
        assert [n.text for n in note] == ["Cette mise à jour n’est pas encore traduite."]
        assert note[0].getnext().get("lang") == "en"
    assert "Response times stayed normal" in page.text_content()


def test_feeds_per_language_with_the_same_entry_ids(demo_site: Path) -> None:
    ids = {}
    for tree in ("", "fr/"):
        rss = etree.parse(str(demo_site / tree / "history.rss"))
        assert rss.findtext("channel/language") == (tree.rstrip("/") or "en")
        assert rss.findtext("channel/link") == f"https://status.example.com/{tree}"
        atom = etree.parse(str(demo_site / tree / "components/email/history.atom")).getroot()
        assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == (
            tree.rstrip("/") or "en")
        feed = json.loads((demo_site / tree / "history.json").read_text())
        assert feed["language"] == (tree.rstrip("/") or "en")
        ids[tree] = ([g.text for g in rss.iterfind("channel/item/guid")],
                     [e.findtext(f"{ATOM}id") for e in atom.iterfind(f"{ATOM}entry")],
                     [item["id"] for item in feed["items"]])
    assert ids[""] == ids["fr/"] and all(ids[""])
    rss = etree.parse(str(demo_site / "fr/history.rss"))
    titles = [i.findtext("title") for i in rss.iterfind("channel/item")]
    assert ("Site web, API et espace client indisponibles pendant une attaque par déni de "
            "service — Résolu") in titles
    untranslated = next(i for i in rss.iterfind("channel/item")
                        if i.findtext("guid").startswith(
                            f"tag:status.example.com,2026-11-03:{UNTRANSLATED}/"))
    assert "Cette mise à jour n’est pas encore traduite." in untranslated.findtext(
        "description")


def test_the_json_api_stays_in_the_main_language(demo_site: Path) -> None:
    for endpoint in ("summary.json", "incidents.json"):
        main = (demo_site / "api/v2" / endpoint).read_bytes()
        assert (demo_site / "fr/api/v2" / endpoint).read_bytes() == main
    incidents = json.loads((demo_site / "fr/api/v2/incidents.json").read_text())["incidents"]
    assert "Website, API and dashboard down during a denial-of-service attack" in [
        i["name"] for i in incidents]


@pytest.mark.parametrize("rel", ["", f"incidents/{TRANSLATED}/", f"incidents/{OPEN}/",
                                 "history/",
                                 "components/email/"])
def test_hreflang_links_and_the_visible_switch(demo_site: Path, rel: str) -> None:
    for tree, other in (("", "fr/"), ("fr/", "")):
        page = lxml_html.parse(str(demo_site / tree / rel / "index.html")).getroot()
        links = [(link.get("hreflang"), link.get("href"))
                 for link in page.head.iterfind("link[@hreflang]")]
        assert links == [("en", f"https://status.example.com/{rel}"),
                         ("fr", f"https://status.example.com/fr/{rel}"),
                         ("x-default", f"https://status.example.com/{rel}")]
        switch = page.find_class("mks-languages")
        assert len(switch) == 1
        current = switch[0].find(".//*[@aria-current]")
        assert current.text == ("Français" if tree else "English")
        (link,) = switch[0].iterfind(".//a")
        assert link.get("hreflang") == (other.rstrip("/") or "en")
        here = f"https://status.example.com/{tree}{rel}"
        assert urljoin(here, link.get("href")) == f"https://status.example.com/{other}{rel}"
        assert (demo_site / other / rel / "index.html").exists()


@pytest.mark.slow
def test_the_french_tree_has_no_english_word_of_ours(tmp_path: Path) -> None:
    """As `test_i18n` checks a French site, for the /fr/ tree of the bilingual demo (its
    incident text neutralised, so any English left can only be ours; the notes of the
    untranslated updates are ours, in French)."""
    root = copy_demo(tmp_path / "demo")
    for path in (root / "incidents").glob("*.md"):
        path.write_text(_neutral(path.read_text()))
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - Status: ", "  - État: "))
    (root / "docs" / "index.fr.md").unlink()  # the English introduction, marked as such
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    intro = _page(root / "site" / "fr", "").find_class("mks-intro")[0]
    assert intro.get("lang") == "en"
    texts = {rel: text.replace("Example Networks Status", "")
             for rel, text in _texts(root / "site" / "fr").items()}
    assert len(texts) > 20
    phrases = _english_phrases("fr")
    found = {(rel, phrase) for rel, text in texts.items() for phrase in phrases
             if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)}
    assert sorted({p for _, p in found}) == [], sorted({p: r for r, p in found}.items())


@pytest.mark.slow
def test_plain_mkdocs_build_makes_every_language_too(tmp_path: Path) -> None:
    """The plugin builds the trees, so `mkdocs build` (not only `mkstatus build`) does."""
    root = copy_demo(tmp_path / "demo")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root,
                            env={**os.environ, "MKSTATUS_NOW": DEMO_NOW,
                                 "NO_MKDOCS_2_WARNING": "1"},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert _page(root / "site" / "fr", f"incidents/{TRANSLATED}").get("lang") == "fr"
    assert (root / "site" / "fr" / "history.rss").is_file()
