"""The render stage: one `Site` in, every generated file out, collisions refused.

Renderers are the `stages` of `generate()`; each returns `(path, content)` pairs. Pages
(`.md`, a `GeneratedPage`: metadata and finished HTML) are handed to MkDocs to wrap in the
theme; everything else is written as is.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from mkstatus import parallel
from mkstatus.compute.site import Site
from mkstatus.compute.status import View
from mkstatus.errors import BuildError
from mkstatus.render import api, badges, calendar, favicon, hosting, jsonfeed, subscribe, urls
from mkstatus.render.feeds import render_feeds
from mkstatus.render.pages import GeneratedPage, MarkdownConfig, PageRenderer
from mkstatus.render.report_badges import render_report_badges
from mkstatus.render.reports import render_report_pages
from mkstatus.render.reuse import CONVERSIONS
from mkstatus.render.uptime_html import page_extra as uptime_extra
from mkstatus.render.uptime_json import render_uptime_json

CSS_PARTS = ("mkstatus.css", "uptime.css")


@dataclass(frozen=True, slots=True)
class Output:
    path: str  # relative to docs_dir (pages) or the site root (everything else)
    data: str | bytes | GeneratedPage
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
        return self.data.markdown() if isinstance(self.data, GeneratedPage) else self.data


Renderer = Callable[[Site], Iterable[tuple[str, str | bytes | GeneratedPage]]]


def _asset(site: Site) -> list[tuple[str, bytes]]:
    """One stylesheet, so a cold page view costs one request for all of our CSS."""
    folder = resources.files("mkstatus.render").joinpath("assets")
    css = b"".join(folder.joinpath(name).read_bytes() for name in CSS_PARTS)
    return [(urls.CSS, css)]


def generate(site: Site, page_extra: dict[str, Any] | None = None,
             renderers: Sequence[tuple[str, Renderer]] = (),
             markdown_config: MarkdownConfig | None = None,
             views: Sequence[View] | None = None, skip: Collection[str] = ()
             ) -> list[Output]:
    """Every file of the site that mkstatus makes, sorted, each path made once; with
    ``views``, the incident pages of those views only, and without the stages named in
    ``skip`` (`mkstatus serve` keeps the others from its last build, when their inputs
    are unchanged: see ``mkstatus.mkdocs.incremental``).

    On a large site, worker processes render the feeds and the incident pages (in parts,
    ``parallel.map_parts_beside``) while this process renders the other pages and files:
    the same files in about half the time on two cores. The workers inherit the renderer
    through ``_JOB`` (they are forked), so each task only names its part."""
    CONVERSIONS.next_build()
    pages = PageRenderer(site, page_extra if page_extra is not None else uptime_extra(site),
                         markdown_config)
    views = list(site.views if views is None else views)
    # A language tree (``project.language_site``) shares the main site's JSON and badges,
    # byte for byte: the Statuspage API stays in the main language, and every link of the
    # tree's pages still works. Only the site's root holds `_headers`.
    main: Site = site.extras.get("main") or site
    stages: list[tuple[str, Renderer]] = [
        ("pages", lambda s: pages.others()),
        ("assets", _asset),
        ("api", lambda s: api.render_api(main)),
        ("calendar", calendar.render_calendar),
        ("badges", lambda s: badges.render_badges(main)),
        ("favicon", favicon.render_favicon),
        *([("hosting", hosting.render_headers)] if main is site else []),
        ("reports", lambda s: render_report_pages(s, pages.env, pages.urls)),
        ("uptime-json", lambda s: render_uptime_json(main)),
        ("report-badges", lambda s: render_report_badges(main)),
        ("subscribe", subscribe.render_subscribe),
        *renderers,
    ]
    stages = [stage for stage in stages if stage[0] not in skip]
    parts = parallel.split(views, PART)
    tasks = [-1, *range(len(parts))]  # -1: the feeds
    _JOB.update(site=site, pages=pages, parts=parts, skip=skip)
    try:
        if len(views) >= PARALLEL_MIN_INCIDENTS:
            done, rendered = parallel.map_parts_beside(_task, tasks, lambda: _run(site, stages))
        else:
            done, rendered = _run(site, stages), [_task(task) for task in tasks]
    finally:
        _JOB.clear()
    done += [item for part in rendered for item in part]
    made: dict[str, Output] = {}
    for name, path, content in done:
        safe_path(path)
        if path in made:
            raise BuildError(f"two outputs write {path}: {made[path].source} and {name}")
        made[path] = Output(path, content, name)
    return [made[p] for p in sorted(made)]


# Below this many incidents a build is quick, and workers would cost more than they save.
PARALLEL_MIN_INCIDENTS = 200
# Incident pages per part shared between processes.
PART = 10
# What the workers of the build under way inherit when they are forked (see ``generate``).
_JOB: dict[str, Any] = {}
FEED_STAGES: tuple[tuple[str, Renderer], ...] = (
    ("feeds", render_feeds),
    ("jsonfeed", jsonfeed.render_jsonfeed),
)


def _task(task: int) -> list[tuple[str, str, str | bytes | GeneratedPage]]:
    """One worker task of ``generate``: the feeds (-1) or one part of incident pages."""
    if task < 0:
        return _run(_JOB["site"], [s for s in FEED_STAGES if s[0] not in _JOB["skip"]])
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
