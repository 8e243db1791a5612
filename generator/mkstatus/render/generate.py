"""The render stage: one `Site` in, every generated file out, collisions refused.

Renderers are the `stages` of `generate()`; each returns `(path, content)` pairs. Pages
(`.md`, a `GeneratedPage`: metadata and finished HTML) are handed to MkDocs to wrap in the
theme; everything else is written as is.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from importlib import resources
from typing import Any

from mkstatus import parallel
from mkstatus.compute.site import Site
from mkstatus.compute.status import View
from mkstatus.errors import BuildError
from mkstatus.render import api, badges, calendar, favicon, hosting, jsonfeed, subscribe, urls
from mkstatus.render.feeds import render_feeds
from mkstatus.render.pages import GeneratedPage, MarkdownConfig, PageRenderer, RenderedIncident
from mkstatus.render.report_badges import render_report_badges
from mkstatus.render.reports import render_report_pages
from mkstatus.render.reuse import CONVERSIONS
from mkstatus.render.store import Later, RenderStore
from mkstatus.render.uptime_html import page_extra as uptime_extra
from mkstatus.render.uptime_json import render_uptime_json

CSS_PARTS = ("mkstatus.css", "uptime.css")


@dataclass(frozen=True, slots=True)
class Output:
    path: str  # relative to docs_dir (pages) or the site root (everything else)
    data: bytes | GeneratedPage | Later  # Later: made when written (``store.Later``)
    source: str  # which renderer made it, for collision messages

    @property
    def is_page(self) -> bool:
        return isinstance(self.data, GeneratedPage)

    @property
    def page(self) -> GeneratedPage:
        assert isinstance(self.data, GeneratedPage), self.path
        return self.data

    @property
    def content(self) -> str | bytes:
        """The file's text: a page as Markdown with front matter (see ``GeneratedPage``)."""
        if isinstance(self.data, GeneratedPage):
            return self.data.markdown()
        return self.data() if isinstance(self.data, Later) else self.data


Renderer = Callable[[Site], Iterable[tuple[str, str | bytes | GeneratedPage]]]


def _asset(site: Site) -> list[tuple[str, bytes]]:
    """One stylesheet, so a cold page view costs one request for all of our CSS."""
    folder = resources.files("mkstatus.render").joinpath("assets")
    css = b"".join(folder.joinpath(name).read_bytes() for name in CSS_PARTS)
    return [(urls.CSS, css)]


def generate(site: Site, page_extra: dict[str, Any] | None = None,
             renderers: Sequence[tuple[str, Renderer]] = (),
             markdown_config: MarkdownConfig | None = None,
             views: Sequence[View] | None = None, skip: Collection[str] = (),
             store: RenderStore | None = None) -> list[Output]:
    """Every file of the site that mkstatus makes, sorted, each path made once; with
    ``views``, the incident pages of those views only, and without the stages named in
    ``skip`` (`mkstatus serve` keeps the others from its last build, when their inputs
    are unchanged: see ``mkstatus.mkdocs.incremental``).

    With a render ``store`` (``render.store``), incident pages and feeds that the last
    build made from the same inputs are taken from it, and read when MkDocs writes them.
    When many incident pages must be rendered (a first build), worker processes render
    them (in parts, ``parallel.map_parts_beside``) while this process renders the other
    pages and files: the same files in about half the time on two
    cores. The workers inherit the renderer through ``_JOB`` (they are forked), so each
    task only names its part."""
    CONVERSIONS.next_build()
    pages = PageRenderer(site, page_extra if page_extra is not None else uptime_extra(site),
                         markdown_config, store=store if store and store.enabled else None)
    views = list(site.views if views is None else views)
    found, todo = pages.lookup(views)
    # A language tree (``project.language_site``) shares the main site's JSON and badges,
    # byte for byte: the Statuspage API stays in the main language, and every link of the
    # tree's pages still works. Only the site's root holds `_headers`.
    main: Site = site.extras.get("main") or site
    stages: list[tuple[str, Renderer]] = [
        ("pages", lambda s: pages.others()),
        ("assets", _asset),
        ("api", lambda s: api.render_api(main)),
        ("calendar", lambda s: calendar.render_calendar(s, pages.store)),
        ("badges", lambda s: badges.render_badges(main)),
        ("favicon", favicon.render_favicon),
        *([("hosting", hosting.render_headers)] if main is site else []),
        ("reports", lambda s: render_report_pages(s, pages.env, pages.urls)),
        ("uptime-json", lambda s: render_uptime_json(main)),
        ("report-badges", lambda s: render_report_badges(main)),
        ("subscribe", subscribe.render_subscribe),
        *((name, partial(render, store=pages.store)) for name, render in FEED_STAGES),
        *renderers,
    ]
    stages = [stage for stage in stages if stage[0] not in skip]
    parts = parallel.split(todo, PART)
    tasks = range(len(parts))
    _JOB.update(pages=pages, parts=parts)
    done: list[tuple[str, str, str | bytes | GeneratedPage]] = [
        ("pages", path, page) for path, page in found]
    try:
        if len(todo) >= PARALLEL_MIN_INCIDENTS:
            mine, rendered = parallel.map_parts_beside(
                _task, tasks, lambda: _run(site, stages), take=partial(_keep, pages))
        else:
            mine, rendered = _run(site, stages), [_keep(pages, _task(task)) for task in tasks]
    finally:
        _JOB.clear()
    done += mine
    done += [item for part in rendered for item in part]
    if pages.store is not None:
        pages.store.flush()
    made: dict[str, Output] = {}
    for name, path, content in done:
        safe_path(path)
        if path in made:
            raise BuildError(f"two outputs write {path}: {made[path].source} and {name}")
        # Held until written as UTF-8, not as text: Python keeps a text with one
        # character beyond Latin-1 (an em dash) at two or four bytes a character.
        made[path] = Output(path, content.encode("utf-8") if isinstance(content, str)
                            else content, name)
    return [made[p] for p in sorted(made)]


# Below this many incident pages to render, workers would cost more than they save.
PARALLEL_MIN_INCIDENTS = 200
# Incident pages per part shared between processes.
PART = 10
# What the workers of the build under way inherit when they are forked (see ``generate``).
_JOB: dict[str, Any] = {}
FEED_STAGES: tuple[tuple[str, Callable[..., Iterable[tuple[str, str | bytes]]]], ...] = (
    ("feeds", render_feeds),
    ("jsonfeed", jsonfeed.render_jsonfeed),
)


def _keep(pages: PageRenderer, part: list[tuple[str, str, Any]]
          ) -> list[tuple[str, str, str | bytes | GeneratedPage]]:
    """A task's answer as this process holds it: each incident page kept in the render
    store (and let go of here) or held (``PageRenderer.keep``)."""
    return [(name, path, pages.keep(content) if isinstance(content, RenderedIncident)
             else content) for name, path, content in part]


def _task(task: int) -> list[tuple[str, str, Any]]:
    """One worker task of ``generate``: one part of the incident pages to render."""
    return [("pages", path, content) for path, content in _JOB["pages"].incidents(
        _JOB["parts"][task])]


def _run(site: Site, stages: Sequence[tuple[str, Renderer]]
         ) -> list[tuple[str, str, str | bytes | GeneratedPage]]:
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
    site_urls = urls.Urls.of(site.config)
    name = html.escape(site.config.site_name, quote=True)
    return (f'<link rel="alternate" type="application/rss+xml" title="{name} (RSS)" '
            f'href="{site_urls.absolute(urls.feed("rss"))}">\n'
            f'<link rel="alternate" type="application/atom+xml" title="{name} (Atom)" '
            f'href="{site_urls.absolute(urls.feed("atom"))}">\n'
            f'<link rel="alternate" type="application/feed+json" title="{name} (JSON Feed)" '
            f'href="{site_urls.absolute(urls.JSON_FEED)}">\n'
            + favicon.link_tag(site))
