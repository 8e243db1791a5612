"""The render stage: one `Site` in, every generated file out, collisions refused.

Renderers are the `stages` of `generate()`; each returns `(path, content)` pairs. Pages
(`.md`) are handed to MkDocs to render with the theme; everything else is written as is.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from importlib import resources
from typing import Any

from . import forked
from .errors import BuildError
from .render import api, badges, calendar, favicon, hosting, jsonfeed
from .render.feeds import render_feeds
from .render.pages import MarkdownConfig, PageRenderer
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
    """Every file of the site that mkstatus makes, sorted, each path made once.

    On a large site a forked child (``forked.Child``) renders the feeds and a share of
    the incident pages while this process renders the rest: the same files, in about
    half the time on two cores."""
    CONVERSIONS.next_build()
    pages = PageRenderer(site, page_extra if page_extra is not None else uptime_extra(site),
                         markdown_config)
    views = list(site.views)
    theirs = _child_share(site) if len(views) >= FORK_MIN_INCIDENTS else 0
    child_stages: list[tuple[str, Renderer]] = [
        ("pages", lambda s: pages.incidents(views[:theirs])),
        ("feeds", render_feeds),
        ("jsonfeed", jsonfeed.render_jsonfeed),
    ]
    stages: list[tuple[str, Renderer]] = [
        ("pages", lambda s: pages.others() + pages.incidents(views[theirs:])),
        ("assets", _asset),
        ("api", api.render_api),
        ("calendar", calendar.render_calendar),
        ("badges", badges.render_badges),
        ("favicon", favicon.render_favicon),
        ("hosting", hosting.render_headers),
        *renderers,
    ]
    with forked.Child(partial(_run, site, child_stages),
                      fork=len(views) >= FORK_MIN_INCIDENTS) as child:
        done = _run(site, stages)
        done += child.result()
    made: dict[str, Output] = {}
    for name, path, content in done:
        safe_path(path)
        if path in made:
            raise BuildError(f"two outputs write {path}: {made[path].source} and {name}")
        made[path] = Output(path, content, name)
    return [made[p] for p in sorted(made)]


# Below this many incidents a build is quick, and forking would cost more than it saves.
FORK_MIN_INCIDENTS = 200


def _child_share(site: Site) -> int:
    """How many incident pages the child renders besides the feeds, so that both
    processes have about as much to do (weights measured with bench/build_scale.py, in
    incident pages: a feed entry costs about a fifth of one, the other pages about 125)."""
    feed_entries = sum(min(site.config.feed_limit, n) for n in _feed_sizes(site))
    return max(0, (len(site.views) + 125 - feed_entries // 5) // 2)


def _feed_sizes(site: Site) -> list[int]:
    """Updates in the site's feed and in each component's feed (before the limit)."""
    total = 0
    per_component = dict.fromkeys((c.id for c in site.config.components), 0)
    for v in site.views:
        count = len(v.updates)
        total += count
        for cid in v.incident.component_ids:
            if cid in per_component:
                per_component[cid] += count
    return [total, *per_component.values()]


def _run(site: Site, stages: Sequence[tuple[str, Renderer]]
         ) -> list[tuple[str, str, str | bytes]]:
    return [(name, path, content) for name, renderer in stages
            for path, content in renderer(site)]


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
