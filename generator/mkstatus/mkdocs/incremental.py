"""`mkstatus serve`'s rebuilds: after an incident edit, only what changed is re-rendered.

A full build renders every page through MkDocs and the theme: seconds at 1,000
incidents. After a full build the preview keeps what it made: MkDocs' config, files,
navigation and Jinja environment, and each generated file's content. The next rebuild
is incremental when nothing but mkstatus' own inputs (incidents, samples) changed:

1. **Nothing else changed.** ``mkdocs.yml``, ``docs/``, the theme's ``custom_dir`` and
   ``watch:`` have the same files with the same size and modification time as at the
   last full build (any file modified within ``RACY`` of that snapshot counts as
   changed, since a second edit in the same clock tick would not show); the only plugin
   is mkstatus (another plugin's events would be skipped); MkDocs' build date is the
   same day (the sitemap's dates); the site is in one language (`languages:` adds a
   tree per further language, built by another MkDocs pass: always in full).
2. **The site is read and computed in full** (``load_project``), at the clock of the last
   full build (see ``CLOCK_REUSE``). What every page carries (the build-time line, the
   head's feed links and status favicon, the overall status) must be unchanged, or every
   page would change: a full build.
3. **The core renders every file but the incident pages** (home, history months,
   component pages, feeds, JSON, calendar, badges...: a few hundred milliseconds), and the
   incident pages of the incidents whose computed view changed (an incident page depends
   only on its view, the clock, the overall status and the config, all compared); the
   feeds only when their entries changed (``feed_inputs``).
4. **What differs from the last build is written**, as a full build would write it: a
   changed or new page goes through MkDocs' page events and the theme template with the
   kept navigation, the sitemap is rendered again when pages came or went, other files are
   written as they are, and the files of what is gone are removed. A page in the
   navigation whose title or settings changed would change every page's menu: a full
   build.

So the preview is byte-identical to a full build at the same clock (tests/mkdocs/
test_incremental.py checks it after adding, changing, renaming and deleting incidents and
editing mkdocs.yml). Whatever the incremental path cannot vouch for, it refuses (returns
None) and the caller builds in full.
"""

from __future__ import annotations

import gzip
import logging
import os
import tempfile
import time
from collections.abc import Collection, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mkstatus.compute.site import Site
from mkstatus.compute.status import View
from mkstatus.model import SiteConfig
from mkstatus.project import ProbeData, Project, load_probe_data, load_project
from mkstatus.render import urls
from mkstatus.render.feeds import entries
from mkstatus.render.freshness import stamp_html
from mkstatus.render.generate import Output, generate, head_html

log = logging.getLogger("mkdocs.mkstatus.serve")

# In a preview that follows the clock, an incremental rebuild computes the site at the
# clock of the last full build, so that every page's build-time line stays as it is; once
# that clock is this old, the next rebuild is a full one at the current time.
CLOCK_REUSE = timedelta(minutes=5)
# A file modified this close to the snapshot may be modified again without its size or
# time changing (the clock's tick): such a snapshot is not trusted.
RACY = 2.0
# The stages of ``generate`` that make the feeds, skipped while ``feed_inputs`` is equal.
FEED_STAGES = ("feeds", "jsonfeed")

Fingerprint = tuple[tuple[str, int, int, int], ...]


def fingerprint(config: Any) -> tuple[Fingerprint, bool]:
    """Every file MkDocs itself reads for the site, as (path, size, mtime, inode), and
    whether one of them was modified too recently to be told apart from a next edit."""
    roots = [str(config.config_file_path), str(config.docs_dir)]
    if config.theme.custom_dir:
        roots.append(str(config.theme.custom_dir))
    return snapshot(roots + [str(item) for item in config.watch])


def snapshot(roots: list[str]) -> tuple[Fingerprint, bool]:
    """The files under ``roots`` (files or folders), and whether one is racy."""
    entries: list[tuple[str, int, int, int]] = []
    for root in roots:
        if os.path.isdir(root):
            for folder, dirs, names in os.walk(root):
                dirs.sort()
                entries += [stat(os.path.join(folder, name)) for name in sorted(names)]
        else:
            entries.append(stat(root))
    newest = max((e[2] for e in entries), default=0)
    return tuple(entries), newest / 1e9 > time.time() - RACY


class SampleReader:
    """``load_probe_data`` for ``load_project``, whose result is reused while the samples
    folder holds the same files (size, modification time) for the same config and clock:
    reading a year of samples, even through the sample cache, takes longer than the rest
    of an incremental rebuild."""

    def __init__(self) -> None:
        self.key: tuple[Fingerprint, SiteConfig, datetime] | None = None
        self.data: ProbeData | None = None

    def __call__(self, project: Project, config: SiteConfig, now: datetime) -> ProbeData:
        files, racy = snapshot([str(project.samples_dir)])
        key = (files, config, now)
        if self.data is not None and key == self.key:
            return self.data
        self.data = load_probe_data(project, config, now)
        self.key = None if racy else key
        return self.data


def stat(path: str) -> tuple[str, int, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (path, -1, -1, -1)
    return (path, st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass
class Kept:
    """What the last build left for the next one."""

    config: Any  # MkDocsConfig, whose mkstatus plugin holds ``kept``
    fingerprint: Fingerprint
    build_date: str  # MkDocs' (the sitemap's dates)
    site: Site
    contents: dict[str, str | bytes]  # each generated file as the core made it, by path
    sources: dict[str, str]  # the renderer (stage of ``generate``) of each, by path
    views: dict[str, View]  # the views whose incident pages are on disk
    feeds: Hashable  # what the feeds are made of (``feed_inputs``)

    @property
    def now(self) -> datetime:
        return self.site.now


def keep(config: Any, snapshot: tuple[Fingerprint, bool],
         config_file_before: tuple[str, int, int, int]) -> Kept | None:
    """What a full build that just succeeded leaves for incremental rebuilds. None when
    they are not possible: a file modified too recently (or mkdocs.yml modified between
    its reading, after ``config_file_before`` was taken, and the snapshot), a plugin
    besides mkstatus, or further `languages:` (each is a tree built by a second MkDocs
    pass, ``plugin.build_language_tree``, which this module does not patch)."""
    from mkdocs.utils import get_build_date

    plugin = config.plugins["mkstatus"]
    kept, site = plugin.kept, plugin.site
    entries, racy = snapshot
    if racy or stat(str(config.config_file_path))[1:] != config_file_before[1:] or \
            set(config.plugins) != {"mkstatus"} or site is None or \
            site.config.further_languages or \
            not {"contents", "sources", "files", "nav", "env"} <= set(kept or ()):
        return None
    return Kept(config, entries, get_build_date(), site, kept["contents"], kept["sources"],
                {v.id: v for v in site.views}, feed_inputs(site))


def feed_inputs(site: Site) -> Hashable:
    """All that the feeds (RSS, Atom, JSON Feed) of the site and of each component are
    made of besides the config and the clock (both unchanged in an incremental rebuild):
    their entries. An edit to an incident older than the feeds' last ``feed_limit``
    updates leaves them as they are."""
    return (tuple(entries(site)),
            *(tuple(entries(site, c.id)) for c in site.config.components))


def rebuild(kept: Kept, now: datetime, served: Path, samples: SampleReader) -> int | None:
    """Rebuild into ``served`` (the folder of the last build) what changed since, if that
    can be done exactly: the number of files written or removed. None (nothing written)
    when a full build is needed. Invalid input raises as a full build would
    (``load_project``), before anything is written, and ``kept`` stays good."""
    from mkdocs.utils import get_build_date

    config = kept.config
    if not kept.now <= now <= kept.now + CLOCK_REUSE or get_build_date() != kept.build_date:
        return None
    snapshot, racy = fingerprint(config)
    if racy or snapshot != kept.fingerprint:
        return None
    plugin = config.plugins["mkstatus"]
    project = plugin.project(config)
    site = load_project(project, kept.now, probe_data=samples)
    old = kept.site
    if (site.config, site.indicator, stamp_html(site), head_html(site)) != (
            old.config, old.indicator, stamp_html(old), head_html(old)):
        return None
    changed_views = [v for v in site.views if kept.views.get(v.id) != v]
    feeds = feed_inputs(site)
    skip = FEED_STAGES if feeds == kept.feeds else ()
    outputs = generate(site, markdown_config=project.markdown, views=changed_views,
                       skip=skip)
    plan = _plan(kept, site, changed_views, outputs, skip)
    if plan is None:
        return None
    for warning in site.warnings:
        log.warning(str(warning))
    plugin.site = site  # the head links of each page rendered (``on_post_page``)
    _apply(kept, plan, served)
    kept.site, kept.views, kept.feeds = site, {v.id: v for v in site.views}, feeds
    return len(plan.changed) + len(plan.removed)


@dataclass(frozen=True)
class Plan:
    changed: list[Output]  # new or different, in path order
    removed: list[str]  # paths of generated files that are gone


def _plan(kept: Kept, site: Site, changed_views: list[View], outputs: list[Output],
          skipped: Collection[str]) -> Plan | None:
    """What to write and remove; None where only a full build is exact."""
    state = kept.config.plugins["mkstatus"].kept
    files, nav = state["files"], state["nav"]
    made = {out.path: out for out in outputs}
    fresh = {urls.incident_page(v.id) for v in changed_views}
    unchanged = {urls.incident_page(v.id) for v in site.views} - fresh
    unchanged |= {path for path, source in kept.sources.items() if source in skipped}
    if unchanged & made.keys():
        return None  # a collision: the full build reports it
    wanted = made.keys() | unchanged
    nav_pages = {page.file.src_uri: page for page in nav.pages}
    changed: list[Output] = []
    for path, out in made.items():
        content = out.content
        before = kept.contents.get(path)
        if before == content:
            continue
        if path == urls.CSS:
            return None  # the plugin adds the palette's rules to it (``on_files``)
        if before is None and files.get_file_from_path(path) is not None:
            return None  # also in docs/: the full build reports it
        if path in nav_pages and (before is None or not out.is_page or
                                  dict(nav_pages[path].meta) != dict(out.page.meta)):
            return None  # every page's navigation shows it
        changed.append(out)
    removed = sorted(kept.contents.keys() - wanted)
    if any(path in nav_pages or path == urls.CSS for path in removed):
        return None
    return Plan(changed, removed)


def _apply(kept: Kept, plan: Plan, served: Path) -> None:
    """Write the plan's files into ``served`` as a full build would, and keep them."""
    from mkdocs.commands.build import _build_template, _populate_page, get_context
    from mkdocs.structure.files import Files, InclusionLevel
    from mkdocs.structure.pages import Page

    from mkstatus.mkdocs.plugin import IN_NAV, finish
    from mkstatus.mkdocs.unchanged import GeneratedFile

    config = kept.config
    state = config.plugins["mkstatus"].kept
    files, nav, env = state["files"], state["nav"], state["env"]
    nav_urls = {page.url for page in nav.pages}
    pages_came_or_went = False
    for path in plan.removed:
        file = files.get_file_from_path(path)
        if file is not None:
            files.remove(file)
            pages_came_or_went |= file.is_documentation_page()
            _remove(served, file.dest_uri)
        del kept.contents[path], kept.sources[path]
    rendered = []
    for out in plan.changed:
        content = kept.contents[out.path] = out.content
        kept.sources[out.path] = out.source
        file = files.get_file_from_path(out.path)
        if file is None or not out.is_page:
            if file is not None:
                files.remove(file)
            inclusion = InclusionLevel.INCLUDED if out.path in IN_NAV or not out.is_page \
                else InclusionLevel.NOT_IN_NAV
            file = GeneratedFile.generated(config, out.path, content=content,
                                           inclusion=inclusion)
            files.append(file)
            pages_came_or_went |= out.is_page
        if not out.is_page:
            _write(served, file.dest_uri, content if isinstance(content, bytes)
                   else content.encode())
            continue
        page = finish(file.page or Page(None, file, config), out.page, nav_urls)
        _populate_page(page, config, files)
        rendered.append(page)
    # The theme's globals from this build's site, as a full build sets them.
    env = state["env"] = config.plugins.on_env(env, config=config, files=files)
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
    for page in rendered:
        config._current_page = page
        page.active = True
        try:
            context = get_context(nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config,
                                                     nav=nav)
            html = config.plugins.on_post_page(template.render(context), page=page,
                                               config=config)
            _write(served, page.file.dest_uri,
                   html.encode("utf-8", errors="xmlcharrefreplace"))
        finally:
            page.active = False
            config._current_page = None
    if pages_came_or_went:
        # In the order of a full build: MkDocs' own files, then ours sorted by path.
        ours = [files.get_file_from_path(path) for path in sorted(kept.contents)]
        files = state["files"] = Files([f for f in files if f.src_uri not in kept.contents]
                                       + [f for f in ours if f is not None])
        _sitemap(config, files, nav, env, served, _build_template)


def _sitemap(config: Any, files: Any, nav: Any, env: Any, served: Path,
             build_template: Any) -> None:
    """sitemap.xml and its gzip, as MkDocs' ``_build_theme_template`` writes them."""
    from mkdocs import utils

    if "sitemap.xml" not in config.theme.static_templates:
        return
    output = build_template("sitemap.xml", env.get_template("sitemap.xml"), files, config, nav)
    data = output.encode("utf-8")
    _write(served, "sitemap.xml", data)
    path = served / "sitemap.xml.gz"
    timestamp = utils.get_build_timestamp(
        pages=[f.page for f in files.documentation_pages() if f.page is not None])
    with tempfile.NamedTemporaryFile(dir=served, delete=False) as handle, gzip.GzipFile(
            fileobj=handle, filename=str(path), mode="wb", mtime=timestamp) as gz_buf:
        gz_buf.write(data)
    os.chmod(handle.name, 0o666 & ~_umask())
    os.replace(handle.name, path)


def _write(served: Path, dest_uri: str, data: bytes) -> None:
    """One file of the served site, replaced in one step (a reader sees old or new)."""
    path = served / dest_uri
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(data)
    os.chmod(handle.name, 0o666 & ~_umask())
    os.replace(handle.name, path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove(served: Path, dest_uri: str) -> None:
    """A generated file that is gone, and the folders it leaves empty (a full build makes
    no empty folder)."""
    path = served / dest_uri
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != served and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
