"""Incident text is sanitized: the HTML its Markdown makes passes an allowlist (nh3).

Incident files are no longer written only by trusted committers: issue forms and
workflow dispatches put a reporter's text in them. Python-Markdown passes raw HTML and
any link scheme through, so a message could run script on the status page (an
`<img onerror>`, a `javascript:` link, an `{: onclick=… }` attribute list). The rendered
HTML of summaries, messages and postmortems keeps what Markdown and its usual extensions
make (paragraphs, lists, tables, code, admonitions, footnotes, headings with their ids)
and links and images to http(s), mailto and relative URLs; everything else goes. The
site's own pages in `docs/` are MkDocs' and are not touched. `allow_raw_html: true`
restores raw HTML for sites whose every incident author is trusted.

``findings`` says what the allowlist would remove, in words an author can act on, and
``markup_warnings`` where, so `mkstatus check` warns before anything disappears from a
published message.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from typing import Any, NamedTuple

import nh3

from mkstatus.errors import Problem
from mkstatus.model import Incident

# What Markdown and its usual extensions make, and the inline formatting people type by
# hand (<b>, <i>, <u>, <br>): none of it can run anything.
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul",
})
# Elements removed with their content: what is inside them was never meant as text.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript",
                                  "template", "textarea", "title", "xmp", "noembed",
                                  "noframes", "plaintext", "math", "svg"})
GENERIC_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir"})
ATTRIBUTES = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start"}),
    "li": frozenset({"value"}),
    "td": frozenset({"align", "colspan", "rowspan", "style"}),
    "th": frozenset({"align", "colspan", "rowspan", "scope", "style"}),
    "details": frozenset({"open"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Python-Markdown's tables align columns with `style="text-align: …"`; nothing else may
# style a message.
STYLE_PROPERTIES = frozenset({"text-align"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")  # browsers drop these before the scheme
_STYLE = re.compile(r"\s*([a-zA-Z-]+)\s*:")


def sanitize(html: str) -> str:
    """``html`` with only the allowlist left (links keep their own `rel`: none is added,
    as no link may open a window)."""
    return _cleaner()(html)


def nh3_options() -> dict[str, Any]:
    """The allowlist, as nh3's keyword arguments."""
    return {"tags": set(TAGS), "clean_content_tags": set(DROPPED_WITH_CONTENT),
            "attributes": {"*": set(GENERIC_ATTRIBUTES),
                           **{k: set(v) for k, v in ATTRIBUTES.items()}},
            "url_schemes": set(URL_SCHEMES), "link_rel": None,
            "filter_style_properties": set(STYLE_PROPERTIES)}


@functools.cache
def _cleaner() -> Callable[[str], str]:
    """nh3's sanitizer, set up once: ``nh3.clean`` builds its allowlist again on every
    call, which cost 15 times the cleaning itself (nh3 0.3: 600 against 37 µs per update
    message). ``nh3.Cleaner`` keeps it; an nh3 without it gets ``nh3.clean``."""
    options = nh3_options()
    cleaner = getattr(nh3, "Cleaner", None)
    if cleaner is not None:
        return cleaner(**options).clean  # type: ignore[no-any-return]
    return functools.partial(nh3.clean, **options)


class Finding(NamedTuple):
    what: str  # "<script> element", "onerror= attribute on <img>", "javascript: URL in <a href>"
    needle: str  # how it most likely reads in the Markdown source, to find its line


def findings(html: str) -> list[Finding]:
    """What ``sanitize`` removes from ``html``, each once, in the order first met."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return list(dict.fromkeys(finder.found))


# Only Markdown with one of these can make HTML that the allowlist changes: raw HTML or
# an autolink (`<`), a link or image (`](`, or `]:` for a reference), an attribute list
# (`{`). The rest, nearly every message, is not converted twice.
_MAY_CHANGE = re.compile(r"<|\]\s*[(:]|\{")
# With Python-Markdown's own extensions only (``builtin_extensions``), a link or reference
# to an http(s) or mailto URL makes an <a> or <img> the allowlist keeps whole: such links
# alone (most messages have one) need no conversion either.
_MAY_CHANGE_BUT_WEB_LINKS = re.compile(r"<|\{|\](?=\s*[(:])(?!\s*[(:]\s*(?:https?://|mailto:))")
BUILTIN_EXTENSIONS = frozenset({
    "abbr", "admonition", "attr_list", "def_list", "extra", "fenced_code", "footnotes",
    "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc", "wikilinks",
    "codehilite", "legacy_attrs", "legacy_em"})


def builtin_extensions(extensions: Iterable[object]) -> bool:
    """Whether every Markdown extension is one of Python-Markdown's own, by name."""
    return all(isinstance(e, str) and e.removeprefix("markdown.extensions.")
               in BUILTIN_EXTENSIONS for e in extensions)


def may_change(text: str, web_links_safe: bool = False) -> bool:
    """Whether ``text``'s HTML may hold something the allowlist removes (else it is not
    converted to look); ``web_links_safe``: see ``markup_warnings``."""
    return bool((_MAY_CHANGE_BUT_WEB_LINKS if web_links_safe else _MAY_CHANGE).search(text))


def markup_warnings(incidents: Iterable[Incident], convert: Callable[[str], str],
                    lines_of: Callable[[Incident], list[str]],
                    web_links_safe: bool = False) -> list[Problem]:
    """A warning for each thing ``sanitize`` would remove from an incident's summary,
    update messages or postmortem, at the line of the Markdown it comes from (found by
    searching from the section's heading, else the heading itself). ``web_links_safe``:
    the site's Markdown extensions are all ``builtin_extensions``."""
    out: list[Problem] = []
    for incident in incidents:
        texts = [(incident.summary, 0), (incident.postmortem, -1)]
        texts += [(u.message, u.line) for u in incident.updates]
        lines: list[str] | None = None
        for text, start in texts:
            if not text or not may_change(text, web_links_safe):
                continue
            found = findings(convert(text))
            if found and lines is None:
                lines = lines_of(incident)
            for finding in found:
                line, col = _locate(lines or [], start, finding.needle)
                out.append(Problem(incident.path, line, col, f"{finding.what} would be "
                                   "removed: incident text is sanitized (set "
                                   "`allow_raw_html: true` for the mkstatus plugin in "
                                   "mkdocs.yml to publish raw HTML)", warning=True))
    return out


def _locate(lines: list[str], start: int, needle: str) -> tuple[int, int]:
    """1-based line and column of ``needle`` (any case) from line ``start`` (1-based;
    0: after the front matter; -1: from the postmortem heading) on."""
    if start == 0:
        start = next((i + 1 for i in range(1, len(lines)) if lines[i].rstrip() == "---"), 1)
    elif start < 0:
        start = next((i + 1 for i, line in enumerate(lines)
                      if re.match(r"##\s*post-?mortem", line, re.IGNORECASE)), 1)
    for index in range(max(start - 1, 0), len(lines)):
        col = lines[index].lower().find(needle.lower())
        if col >= 0:
            return index + 1, col + 1
    return max(start, 1), 1


def url_scheme(value: str) -> str | None:
    """The scheme of a URL as a browser reads it (tabs and newlines inside it ignored), or
    None for a relative URL."""
    match = _SCHEME.match(_URL_NOISE.sub("", value))
    return match[1].lower() if match else None


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Finding] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self.found.append(Finding(f"<{tag}> element", f"<{tag}"))
            return
        allowed = GENERIC_ATTRIBUTES | ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            if name not in allowed:
                self.found.append(Finding(f"{name}= attribute on <{tag}>", name))
            elif name in URL_ATTRIBUTES and value is not None:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in URL_SCHEMES:
                    self.found.append(Finding(f"{scheme}: URL in <{tag} {name}>",
                                              f"{scheme}:"))
            elif name == "style" and value:
                for prop in _STYLE.findall(value):
                    if prop.lower() not in STYLE_PROPERTIES:
                        self.found.append(Finding(f"style {prop.lower()} on <{tag}>",
                                                  prop))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_decl(self, decl: str) -> None:
        self.found.append(Finding("<!…> declaration", "<!"))

    def handle_pi(self, data: str) -> None:
        self.found.append(Finding("<?…> processing instruction", "<?"))

    def unknown_decl(self, data: str) -> None:
        self.found.append(Finding("<![…]> section", "<!["))
