"""Incident Markdown is sanitized (nh3): what Markdown makes stays, script never reaches a
page or a feed, `check` warns at the line of what would be removed, and
`allow_raw_html: true` restores raw HTML."""

from __future__ import annotations

import json
from pathlib import Path

import markdown
import nh3
import pytest
from lxml import etree
from lxml import html as lxml_html
from mkstatus.render.sanitize import findings, may_change, nh3_options, sanitize, url_scheme

from tests.canaries import CANARIES, NOW, canary_site
from tests.conftest import REPO, mkstatus

EXTENSIONS = ["md_in_html", "tables", "admonition", "attr_list", "toc", "fenced_code",
              "footnotes", "abbr", "def_list"]
RICH = """## A heading {: #custom-id }

Text with **bold**, *italics*, `code`, ~~not strike~~, a [link](https://example.com/a?b=1&c=2 "T"),
[mail](mailto:help@example.com), [relative](../other/#anchor) and an ![image](https://example.com/i.png).
A footnote[^1] and HTML.

| left | right |
|:-----|------:|
| 1    | 2     |

!!! warning "Be careful"
    Inside an admonition.

```python
x = "<b>" & 'y'
```

> A quote
> - with a list

1. one
2. two

Term
:   Definition

*[HTML]: Hyper Text Markup Language
[^1]: The note.
"""


def convert(text: str) -> str:
    return markdown.Markdown(extensions=EXTENSIONS).convert(text)


def leftovers(fragment: str) -> list[str]:
    """What could run script, found by parsing the sanitized HTML as a browser would."""
    out = []
    for element in lxml_html.fragments_fromstring(f"<div>{fragment}</div>")[0].iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("script", "iframe", "object", "embed", "form", "base", "meta",
                           "link", "style", "svg", "math", "input", "button"):
            out.append(element.tag)
        for name, value in element.attrib.items():
            if name.startswith("on"):
                out.append(f"{element.tag} {name}")
            if name in ("href", "src", "action", "data") and url_scheme(value) not in (
                    None, "http", "https", "mailto"):
                out.append(f"{element.tag} {name}={value}")
    return out


def test_what_markdown_makes_is_kept() -> None:
    html = convert(RICH)
    assert findings(html) == []
    clean = sanitize(html)
    before = lxml_html.fragment_fromstring(html, create_parent="div")
    after = lxml_html.fragment_fromstring(clean, create_parent="div")
    assert [(e.tag, dict(e.attrib)) for e in after.iter()] == [
        (e.tag, {k: v.replace(": ", ":").rstrip(";") if k == "style" else v
                 for k, v in e.attrib.items()}) for e in before.iter()]
    assert after.text_content() == before.text_content()


@pytest.mark.parametrize("number", range(1, len(CANARIES) + 1))
def test_every_canary_is_found_and_removed(number: int) -> None:
    """A canary that Markdown alone leaves dangerous is warned about; none is left
    dangerous after sanitizing."""
    html = convert(CANARIES[number - 1])
    if leftovers(html):
        assert findings(html), f"canary {number} would be removed without a warning"
    assert leftovers(sanitize(html)) == []


WEB_LINKS = ["See [the FAQ](https://example.com/faq).", "[a] ( http://x.example/ )",
             "![chart](https://example.com/c.png \"Chart\")", "Mail [us](mailto:ops@x.example)",
             "[ref]\n\n[ref]: https://example.com/ref", "[a](https://x.example/?q=<b>)"]


def test_web_links_alone_are_not_converted_and_nothing_hides_behind_one() -> None:
    """With Python-Markdown's own extensions, a text whose only link syntax points at
    http(s) or mailto is not converted for warnings: it makes nothing to remove. A
    canary next to such a link is still converted and found."""
    for text in WEB_LINKS:
        assert findings(convert(text)) == []
        assert may_change(text) and may_change(text, True) == ("<" in text), text
    for canary in CANARIES:
        for text in (canary, f"{canary} {WEB_LINKS[0]}", f"{WEB_LINKS[0]}\n\n{canary}"):
            if findings(convert(text)):
                assert may_change(text, True), text


def test_the_kept_cleaner_cleans_as_nh3_clean() -> None:
    """``sanitize`` sets nh3 up once (``nh3.Cleaner``); the result is ``nh3.clean``'s."""
    for html in [convert(RICH), *map(convert, CANARIES), *CANARIES]:
        assert sanitize(html) == nh3.clean(html, **nh3_options())


def test_most_canaries_are_dangerous_before_sanitizing() -> None:
    """The test above can fail: Markdown passes most canaries through as they are."""
    dangerous = [c for c in CANARIES if leftovers(convert(c))]
    assert len(dangerous) >= len(CANARIES) - 4


def test_check_warns_at_the_line_and_strict_fails(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "incidents").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\nsite_url: https://status.example.com/\ntheme: {name: material}\n"
        "plugins:\n  - mkstatus:\n      timezone: UTC\n      components: [{id: api}]\n")
    (tmp_path / "incidents" / "2026-01-10-x.md").write_text(
        "---\ntitle: X\nimpact: minor\ncomponents: {api: partial_outage}\n---\n\n"
        "Summary with a [bad link](javascript:alert(1)).\n\n"
        "## 2026-01-10 11:00 Z — Identified\nFine text.\n\n"
        "## 2026-01-10 10:00 Z — Investigating\nWe are <b>looking</b> <i>now</i>.\n"
        "Here: <img src=x onerror=alert(2)>\n<script>alert(3)</script>\n")
    result = mkstatus("check", "--now", NOW, cwd=tmp_path)
    tail = ("would be removed: incident text is sanitized (set `allow_raw_html: true` for "
            "the mkstatus plugin in mkdocs.yml to publish raw HTML)")
    assert result.stdout.splitlines() == [
        f"warning: incidents/2026-01-10-x.md:7:27: javascript: URL in <a href> {tail}",
        f"warning: incidents/2026-01-10-x.md:14:18: onerror= attribute on <img> {tail}",
        f"warning: incidents/2026-01-10-x.md:15:1: <script> element {tail}",
    ]
    assert result.returncode == 0
    assert mkstatus("check", "--now", NOW, "--strict", cwd=tmp_path).returncode == 1
    github = mkstatus("check", "--now", NOW, "--format", "github", cwd=tmp_path)
    assert github.stdout.splitlines()[2].startswith(
        "::warning file=incidents/2026-01-10-x.md,line=15,col=1::<script> element")


def test_allow_raw_html_keeps_todays_output_and_says_nothing(tmp_path: Path) -> None:
    config = canary_site(tmp_path / "raw", allow_raw_html=True)
    check = mkstatus("check", "-f", str(config), "--now", NOW, cwd=tmp_path)
    assert (check.returncode, check.stdout) == (0, "")
    mkstatus("build", "-f", str(config), "--now", NOW, cwd=tmp_path, check=True)
    page = (tmp_path / "raw/site/incidents/2026-01-10-canaries/index.html").read_text()
    assert "<img src=x onerror=alert(2)>" in page
    atom = (tmp_path / "raw/site/history.atom").read_text()
    assert "onerror=alert(2)" in atom


def test_canary_site_is_sanitized_everywhere_with_a_warning_per_canary(tmp_path: Path
                                                                      ) -> None:
    config = canary_site(tmp_path / "safe")
    check = mkstatus("check", "-f", str(config), "--now", NOW, cwd=tmp_path)
    warned = check.stdout.splitlines()
    assert check.returncode == 0 and warned and all(w.startswith("warning: ") for w in warned)
    mkstatus("build", "-f", str(config), "--now", NOW, cwd=tmp_path, check=True)
    site = tmp_path / "safe" / "site"
    for page in site.rglob("*.html"):
        content = lxml_html.parse(str(page)).getroot().cssselect(".md-content")
        for block in content:
            assert leftovers(lxml_html.tostring(block, encoding="unicode")) == [], page
    atom = etree.parse(str(site / "history.atom")).getroot()
    rss = etree.parse(str(site / "history.rss")).getroot()
    feeds = {"atom": [e.text for e in atom.iter("{http://www.w3.org/2005/Atom}content")],
             "rss": [e.text for e in rss.iter("description") if e.getparent().tag == "item"],
             "json": [i["content_html"] for i in json.loads(
                 (site / "history.json").read_text())["items"]]}
    for name, contents in feeds.items():
        assert len(contents) == len(CANARIES) + 4, name  # every update, a canary or two
        for content in contents:
            assert leftovers(content) == [], (name, content)


def test_allow_raw_html_must_be_true_or_false(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\nsite_url: https://status.example.com/\ntheme: {name: material}\n"
        "plugins:\n  - mkstatus:\n      allow_raw_html: yes please\n")
    result = mkstatus("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "mkdocs.yml:6:23: allow_raw_html: expected true or false, found 'yes please'"]


def test_the_demo_needs_no_raw_html() -> None:
    """The demo is built with --strict in the suite; this says why it would fail."""
    result = mkstatus("check", "--now", "2026-11-22T21:00:00Z", "--strict", cwd=REPO)
    assert "would be removed" not in result.stdout
