"""The theme layer's CSS and script live in readable files (mkdocs/theme_inline/) and
are minified into every page; main.html holds none of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html
from mkstatus.mkdocs import inline

THEME = Path(inline.__file__).parent / "theme"
FILES = Path(inline.__file__).parent / inline.FOLDER


def test_main_html_inlines_readable_files_only() -> None:
    text = (THEME / "main.html").read_text()
    bodies = re.findall(r"<(style|script)>(.*?)</\1>", text, re.S)
    assert bodies == [("style", '{{ mkstatus_inline("material-fixes.css") }}'),
                      ("script", '{{ mkstatus_inline("palette.js") }}'),
                      ("script", '{{ mkstatus_inline("stale.js") }}')]
    for name in ("material-fixes.css", "palette.js", "stale.js"):
        readable = (FILES / name).read_text()
        assert "/*" in readable and readable.count("\n") > 10, f"{name} is not readable"


def test_built_pages_carry_the_minified_files(demo_site: Path) -> None:
    pages = [demo_site / "index.html", demo_site / "incidents" /
             "2026-11-22-email-delivery-delays" / "index.html"]
    for page in pages:
        root = html.parse(str(page)).getroot()
        assert [s.text for s in root.iter("style")] == [inline.inline("material-fixes.css")]
        scripts = [s.text for s in root.iter("script") if s.get("src") is None]
        # after Material's own settings; then the staleness notice (render/freshness.py)
        assert scripts[-2:] == [inline.inline("palette.js"), inline.inline("stale.js")]
    assert not (demo_site / "material-fixes.css").exists()  # not published as a file
    assert not list(demo_site.rglob("palette.js")) and not list(demo_site.rglob("stale.js"))


@pytest.mark.parametrize(("source", "minified"), [
    ("a {\n  color: red;\n  margin: 0 auto;\n}\n", "a{color:red;margin:0 auto}"),
    (".x :is(p, li) a { b: c }", ".x :is(p,li) a{b:c}"),  # descendant combinators stay
    ('/* note */ a::before { content: "a  b /* c */"; }', 'a::before{content:"a  b /* c */"}'),
])
def test_css_minifier(source: str, minified: str) -> None:
    assert inline.minify_css(source) == minified


@pytest.mark.parametrize(("source", "minified"), [
    ("const a = 1,\n  b = a + +2;  // sum\n", "const a=1,b=a+ +2"),
    ('f("http://x  y", \'it\\\'s\');', 'f("http://x  y",\'it\\\'s\')'),
    ("for (const k of [1]) {\n  g(k);\n}\n", "for(const k of[1]){g(k)}"),
    ("x = `a  ${b}`; /* gone */ y = a - -b;", "x=`a  ${b}`;y=a- -b"),
])
def test_js_minifier(source: str, minified: str) -> None:
    assert inline.minify_js(source) == minified


def test_an_element_end_cannot_be_inlined() -> None:
    with pytest.raises(ValueError, match="x.js: '</' cannot be inlined"):
        inline.minified("x.js", 'a = "</script>";')
