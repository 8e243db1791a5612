"""The render stage: one `Site` in, every generated file out, collisions refused.

Renderers are the `stages` of `generate()`; each returns `(path, content)` pairs. Pages
(`.md`) are handed to MkDocs to render with the theme; everything else is written as is.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .errors import BuildError
from .render import api, badges, calendar, favicon, hosting, jsonfeed
from .render.feeds import render_feeds
from .render.pages import MarkdownConfig, render_pages
from .render.reuse import CONVERSIONS
from .render.uptime_html import page_extra as uptime_extra
from .site import Site

CSS_PATH = "assets/mkstatus.css"
CSS_PARTS = ("mkstatus.css", "uptime.css")


@dataclass(frozen=True, slots=True)
class Output:
    path: str  # relative to docs_dir (pages) or the site root (everything else)
    content: str | bytes
    source: str  # which renderer made it, for collision messages

    @property
    def is_page(self) -> bool:
        return self.path.endswith(".md")

    def split_page(self) -> tuple[str, str]:
        """A page's front matter (for MkDocs) and its finished HTML body."""
        text = str(self.content)
        end = text.index("\n---\n", 3) + len("\n---\n")
        return text[:end], text[end:]


Renderer = Callable[[Site], Iterable[tuple[str, str | bytes]]]


def _asset(site: Site) -> list[tuple[str, bytes]]:
    """One stylesheet, so a cold page view costs one request for all of our CSS."""
    folder = resources.files("mkstatus").joinpath("assets")
    css = b"".join(folder.joinpath(name).read_bytes() for name in CSS_PARTS)
    return [(CSS_PATH, css)]


def generate(site: Site, page_extra: dict[str, Any] | None = None,
             renderers: Sequence[tuple[str, Renderer]] = (),
             markdown_config: MarkdownConfig | None = None) -> list[Output]:
    """Every file of the site that mkstatus makes, sorted, each path made once."""
    CONVERSIONS.next_build()
    made: dict[str, Output] = {}
    stages: list[tuple[str, Renderer]] = [
        ("pages", lambda s: render_pages(
            s, page_extra if page_extra is not None else uptime_extra(s), markdown_config)),
        ("feeds", render_feeds),
        ("assets", _asset),
        ("api", api.render_api),
        ("calendar", calendar.render_calendar),
        ("badges", badges.render_badges),
        ("favicon", favicon.render_favicon),
        ("jsonfeed", jsonfeed.render_jsonfeed),
        ("hosting", hosting.render_headers),
        *renderers,
    ]
    for name, renderer in stages:
        for path, content in renderer(site):
            safe_path(path)
            if path in made:
                raise BuildError(f"two outputs write {path}: {made[path].source} and {name}")
            made[path] = Output(path, content, name)
    return [made[p] for p in sorted(made)]


def safe_path(path: str) -> str:
    """Every output path stays inside the output root, whatever an id looked like."""
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or "\x00" in path or any(
            p in ("", ".", "..") for p in parts):
        raise BuildError(f"refusing to write outside the site: {path!r}")
    return path


def head_html(site: Site) -> str:
    """Links every page carries: the feeds, so readers and browsers find them, and the
    favicon that shows the current status in the tab."""
    base = site.config.site_url
    name = html.escape(site.config.site_name, quote=True)
    return (f'<link rel="alternate" type="application/rss+xml" title="{name} (RSS)" '
            f'href="{base}history.rss">\n'
            f'<link rel="alternate" type="application/atom+xml" title="{name} (Atom)" '
            f'href="{base}history.atom">\n'
            f'<link rel="alternate" type="application/feed+json" title="{name} (JSON Feed)" '
            f'href="{base}history.json">\n'
            + favicon.link_tag(site))
