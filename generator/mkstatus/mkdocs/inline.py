"""The theme layer's CSS and JavaScript: readable files, minified into every page.

A few CSS rules and one small script are not worth a request each (a cold view of the
home page has a budget of 5 requests, and the banner must come within its first 14 KB),
so ``theme/main.html`` inlines them. They are written readably, with comments, in
``theme_inline/`` (outside ``theme/``: MkDocs would publish every file there) and
minified here once per process.

The minifiers are small on purpose and know only strings and comments: strings stay as
written, comments go, and white space goes wherever it separates no two words. So the
script must end every statement with ``;`` (no line break may end one) and hold no
regular expression literal; in the CSS, a space before a selector's ``:`` or after its
``)`` is a descendant combinator and stays.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from importlib import resources

from markupsafe import Markup

FOLDER = "theme_inline"
_STRING = r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`"
_BLOCK_COMMENT = r"/\*.*?\*/"
_JS_TOKENS = re.compile(f"({_STRING})|{_BLOCK_COMMENT}|//[^\\n]*", re.S)
_CSS_TOKENS = re.compile(f"({_STRING})|{_BLOCK_COMMENT}", re.S)
_WORD = re.compile(r"[\w$]")
_HOLE = "\x00{}\x00"  # where a string waits while the code around it is squeezed


def minify_js(text: str) -> str:
    return _minify(text, _JS_TOKENS, _squeeze_js).removesuffix(";")


def minify_css(text: str) -> str:
    return _minify(text, _CSS_TOKENS, _squeeze_css)


def _minify(text: str, tokens: re.Pattern[str], squeeze: Callable[[str], str]) -> str:
    strings: list[str] = []

    def hide(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return " "  # a comment still separates what it stood between
        strings.append(match.group(1))
        return _HOLE.format(len(strings) - 1)

    code = squeeze(tokens.sub(hide, text)).replace(";}", "}")
    return re.sub("\x00(\\d+)\x00", lambda m: strings[int(m.group(1))], code)


def _squeeze_js(code: str) -> str:
    """One space between two words (``const b``) or two of ``+``/``-`` (``a+ +b`` must not
    become ``a++b``); none anywhere else."""

    def space(match: re.Match[str]) -> str:
        before = code[match.start() - 1] if match.start() else ""
        after = code[match.end()] if match.end() < len(code) else ""
        words = bool(_WORD.match(before)) and bool(_WORD.match(after))
        signs = before in ("+", "-") and after in ("+", "-")
        return " " if words or signs else ""

    return re.sub(r"\s+", space, code).strip()


def _squeeze_css(code: str) -> str:
    code = re.sub(r"\s+", " ", code)
    code = re.sub(r"\s*([{};,])\s*", r"\1", code)
    return re.sub(r":\s", ":", code).strip()


@functools.cache
def inline(name: str) -> Markup:
    """``theme_inline/<name>``, minified for a ``<style>`` or ``<script>`` element."""
    return minified(name, inline_source(name))


def inline_source(name: str) -> str:
    """``theme_inline/<name>`` as written."""
    return resources.files("mkstatus.mkdocs").joinpath(FOLDER, name).read_text("utf-8")


def minified(name: str, text: str) -> Markup:
    code = minify_css(text) if name.endswith(".css") else minify_js(text)
    if "</" in code:  # would end the element early
        raise ValueError(f"{FOLDER}/{name}: '</' cannot be inlined in a page")
    return Markup(code)
