"""The dark palette by CSS alone: Material's rules of each media-chosen palette, rewritten
for the body Material writes (the first palette), inside that palette's media query."""

from __future__ import annotations

from pathlib import Path

import material
from mkstatus.mkdocs.palette import no_script_css, parse

PALETTES = [
    {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "indigo"},
    {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "indigo"},
]
CSS = """@media screen{[data-md-color-scheme=slate]{--bg:black;color-scheme:dark}
[data-md-color-scheme=slate] img[src$="#only-light"]{display:none}}
[data-md-color-scheme=slate][data-md-color-primary=indigo]{--a:blue}
[data-md-color-scheme=slate][data-md-color-primary=pink]{--a:pink}
[data-md-color-primary=lime]:not([data-md-color-scheme=slate]){--p:lime}
[data-md-color-primary=indigo]{--p:indigo}
:root{--x:1}
/* a comment { with braces } */
[data-md-color-scheme="slate"]{--mks-ok:#5fd38d}"""


def test_dark_rules_are_copied_for_the_light_body_inside_the_media_query() -> None:
    assert no_script_css([CSS], PALETTES) == (
        "@media (prefers-color-scheme: dark){"
        "@media screen{body[data-md-color-scheme=default]{--bg:black;color-scheme:dark}"
        'body[data-md-color-scheme=default] img[src$="#only-light"]{display:none}}'
        "body[data-md-color-scheme=default][data-md-color-primary=indigo]{--a:blue}"
        "body[data-md-color-scheme=default]{--mks-ok:#5fd38d}}")


def test_nothing_without_a_second_palette_chosen_by_media() -> None:
    assert no_script_css([CSS], PALETTES[:1]) == ""
    assert no_script_css([CSS], {"scheme": "slate"}) == ""
    assert no_script_css([CSS], [PALETTES[0], {"scheme": "slate"}]) == ""


def test_a_different_primary_is_carried_too() -> None:
    teal = [PALETTES[0], {**PALETTES[1], "primary": "teal"}]
    css = "[data-md-color-primary=teal]{--p:teal}[data-md-color-primary=indigo]{--p:indigo}"
    assert no_script_css([css], teal) == (
        "@media (prefers-color-scheme: dark){body[data-md-color-primary=indigo]{--p:teal}}")


def test_materials_own_palette_css_gives_the_whole_slate_scheme() -> None:
    folder = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    [palette] = folder.glob("palette.*.min.css")
    out = no_script_css([palette.read_text()], PALETTES)
    assert out.startswith("@media (prefers-color-scheme: dark){")
    assert "body[data-md-color-scheme=default]{color-scheme:dark;" in out
    assert "slate" not in out and "pink" not in out
    assert len(parse(out)) == 1
