"""The reader's light/dark setting without JavaScript: a CSS media query.

Material colours a page from the `data-md-color-scheme`, `-primary` and `-accent`
attributes of `<body>`, which its HTML sets to the *first* palette of `theme.palette`;
a script (ours, theme_inline/palette.js) switches them to the palette whose `media`
query matches. With JavaScript off, a reader who asked for dark got the light page.

``no_script_css`` takes Material's palette CSS (and our own CSS, which has dark rules
too) and, for each further palette chosen by a media query, copies the rules that give
that palette its colours, rewritten to apply to the body as Material wrote it, inside
that media query. Once the script has run, the body carries the chosen palette's own
attributes, which the copies do not match, so nothing changes for readers with
JavaScript. The plugin appends the result to mkstatus.css (no further request).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

KEYS = ("scheme", "primary", "accent")
_ATTRIBUTE = re.compile(r"""\[data-md-color-(scheme|primary|accent)=["']?([\w-]+)["']?\]""")
_NOT = re.compile(r""":not\(\[data-md-color-(scheme|primary|accent)=["']?([\w-]+)["']?\]\)""")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@dataclass(frozen=True, slots=True)
class Palette:
    media: str | None
    colors: Mapping[str, str]  # scheme, primary, accent as Material writes them

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> Palette:
        """A `theme.palette` entry, with Material's defaults (base.html)."""
        defaults = {"scheme": "default", "primary": "indigo", "accent": "indigo"}
        colors = {k: str(entry.get(k) or defaults[k]).replace(" ", "-") for k in KEYS}
        media = entry.get("media")
        return cls(str(media) if media else None, colors)


def palettes(theme_palette: Any) -> list[Palette]:
    if isinstance(theme_palette, Mapping):
        return [Palette.of(theme_palette)]
    return [Palette.of(p) for p in theme_palette or () if isinstance(p, Mapping)]


def no_script_css(sources: Iterable[str], theme_palette: Any) -> str:
    """CSS that gives a reader without JavaScript the palette their media queries pick."""
    found = palettes(theme_palette)
    if len(found) < 2:
        return ""
    rules = [rule for source in sources for rule in parse(_COMMENT.sub("", source))]
    out = []
    for palette in found[1:]:
        if palette.media is None or palette.colors == found[0].colors:
            continue
        body = "".join(_rewrite(rules, palette.colors, found[0].colors))
        if body:
            out.append(f"@media {palette.media}{{{body}}}")
    return "".join(out)


Rule = tuple[str, "str | list[Rule]"]


def parse(css: str) -> list[Rule]:
    """Top-level rules as (prelude, declarations) or, for an at-rule with a block,
    (prelude, its rules). Enough for Material's minified CSS and ours."""
    rules: list[Rule] = []
    pos = 0
    while True:
        start = css.find("{", pos)
        if start < 0:
            return rules
        prelude = css[pos:start].strip()
        end = _closing(css, start)
        inner = css[start + 1:end]
        if prelude.startswith("@"):
            rules.append((prelude, parse(inner)))
        else:
            rules.append((prelude, inner.strip()))
        pos = end + 1


def _closing(css: str, start: int) -> int:
    depth = 0
    for index in range(start, len(css)):
        if css[index] == "{":
            depth += 1
        elif css[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return len(css)


def _rewrite(rules: Sequence[Rule], target: Mapping[str, str], first: Mapping[str, str]
             ) -> list[str]:
    out = []
    for prelude, block in rules:
        if isinstance(block, list):
            inner = "".join(_rewrite(block, target, first))
            if inner and prelude.startswith(("@media", "@supports")):
                out.append(f"{prelude}{{{inner}}}")
            continue
        selectors = [s for s in (_selector(part.strip(), target, first)
                                 for part in _split(prelude)) if s]
        if selectors and block:
            out.append(f"{','.join(selectors)}{{{block}}}")
    return out


def _split(prelude: str) -> list[str]:
    """A selector list at its top-level commas."""
    parts, depth, current = [], 0, ""
    for char in prelude:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _selector(selector: str, target: Mapping[str, str], first: Mapping[str, str]
              ) -> str | None:
    """``selector``, if it gives the ``target`` palette what the ``first`` lacks, made to
    match a body that still has the first palette's attributes; else None."""
    for key, value in _NOT.findall(selector):
        if target[key] == value:
            return None
    rest = _NOT.sub("", selector)
    wanted = _ATTRIBUTE.findall(rest)
    if not wanted or any(target[k] != v for k, v in wanted):
        return None
    if all(first[k] == v for k, v in wanted):
        return None  # it applies already
    rewritten = _ATTRIBUTE.sub(lambda m: f"[data-md-color-{m[1]}={first[m[1]]}]", rest)
    return "body" + rewritten if rewritten.startswith("[") else rewritten
