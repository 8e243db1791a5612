"""The MkDocs adapter: hands generated files to MkDocs and watches inputs in `serve`.

All the work is in the core (`project`, `generate`); this module only converts between
MkDocs' objects and ours, and our errors into `PluginError`.
"""

from __future__ import annotations

import html
import logging
import os
import posixpath
from collections.abc import Collection, Hashable
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext

from mkstatus.compute.site import Site
from mkstatus.derived import cache_dir
from mkstatus.errors import MkstatusError
from mkstatus.i18n import translator
from mkstatus.memory import give_back
from mkstatus.mkdocs.inline import inline, inline_source
from mkstatus.mkdocs.palette import no_script_css
from mkstatus.mkdocs.theme_files import skip_hidden_folders
from mkstatus.mkdocs.unchanged import GeneratedFile
from mkstatus.project import Project, language_site, load_project
from mkstatus.render import urls
from mkstatus.render.freshness import stamp_html
from mkstatus.render.generate import generate, head_html
from mkstatus.render.languages import alternate_links, language_switch, main_site
from mkstatus.render.pages import GeneratedPage, MarkdownConfig
from mkstatus.render.reuse import BYTECODE
from mkstatus.render.store import Later, RenderStore, store_for
from mkstatus.render.subscribe import TITLE as SUBSCRIBE_TITLE
from mkstatus.times import resolve_now

log = logging.getLogger("mkdocs.plugins.mkstatus")
IN_NAV = {urls.HOME, urls.HISTORY, urls.UPTIME}


class FinishedPage(Page):
    """A page whose HTML mkstatus made itself: MkDocs reads no source for it and runs no
    Markdown (a fresh ``markdown.Markdown`` per page was a tenth of a build), but every
    plugin event still fires. Its body is read when the page is written
    (``on_page_context``) and let go of once it is (``on_post_page``): MkDocs renders
    every page's content before it writes the first, and ten thousand bodies held at
    once were most of a large build's memory.

    What it is made of lives on its file (``GeneratedFile.finished``), not on the page:
    a new attribute on each of ten thousand pages made Python give every page a
    dictionary of its own instead of one shared layout, 7.7 MB at 10,000 incidents."""

    @property
    def finished(self) -> GeneratedPage:
        made = self.file.finished  # type: ignore[attr-defined]
        assert isinstance(made, GeneratedPage)
        return made

    @property
    def sidebar_key(self) -> Hashable | None:
        return self.file.sidebar_key  # type: ignore[attr-defined, no-any-return]

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown = ""
        meta = self.finished.meta  # made for this page alone: no copy of it
        self.meta = meta if isinstance(meta, dict) else dict(meta)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""  # the body comes with ``on_page_context``
        # No headings to list, no anchors to check: one empty table of contents and one
        # empty set for every page, read by MkDocs and the theme, never changed.
        self.toc = NO_TOC
        self._title_from_render = None
        self.present_anchor_ids = NO_ANCHORS  # type: ignore[assignment]


NO_TOC = get_toc([])
NO_ANCHORS: frozenset[str] = frozenset()


def finish(page: Page, generated: GeneratedPage, nav_urls: Collection[str]) -> FinishedPage:
    """``page``, made by MkDocs' navigation (so it keeps its nav title), as a
    ``FinishedPage`` of ``generated`` (its meta handed over as data, never as YAML to
    parse back); ``nav_urls`` are the URLs of the navigation's pages (see ``nav_key``)."""
    file = page.file
    assert isinstance(file, GeneratedFile), file
    page.__class__ = FinishedPage
    assert isinstance(page, FinishedPage)
    file.finished, file.sidebar_key = generated, None
    if page.url not in nav_urls and not any(url.startswith(page.url) for url in nav_urls):
        file.sidebar_key = (posixpath.dirname(page.url.rstrip("/")),
                            tuple(generated.meta.get("hide") or ()))
    return page


def nav_key(page: Page) -> Hashable | None:
    """What the theme's navigation sidebar of ``page`` depends on, when the theme layer
    may reuse it from another page: None, unless ``page`` is a generated page outside the
    navigation (nothing in the sidebar is active) with no table of contents. Then its
    sidebar's relative links depend only on the folder the page's own folder is in (no
    page of the navigation lies inside the page's folder), and on which parts it hides."""
    return page.sidebar_key if isinstance(page, FinishedPage) and not page.toc else None


def dark_without_script(config: MkDocsConfig, css: str) -> str:
    """Rules that follow the reader's light/dark setting by CSS alone (``palette``), from
    Material's palette stylesheet, our theme layer's fixes and mkstatus.css itself."""
    sources = [css, inline_source("material-fixes.css")]
    for folder in config.theme.dirs:
        found = sorted(Path(folder).glob("assets/stylesheets/palette.*.min.css"))
        if found:
            sources.insert(0, found[0].read_text(encoding="utf-8"))
            break
    return no_script_css(sources, config.theme.get("palette"))


def build_language_tree(config: MkDocsConfig, tree: Site) -> None:
    """One language's tree (see ``MkstatusPlugin.on_post_build``), from the site already
    computed for it (``project.language_site``): nothing is read or validated again."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    language = tree.config.language
    tree_config = load_config(config_file=config.config_file_path,
                              site_dir=os.path.join(config.site_dir, language),
                              site_url=tree.config.site_url)
    tree_config.theme["language"] = language
    tree_config["strict"] = config.strict
    plugin = tree_config.plugins["mkstatus"]
    assert isinstance(plugin, MkstatusPlugin)
    plugin.now, plugin.preloaded = tree.now, tree
    try:
        build(tree_config)
    except MkstatusError as exc:
        raise PluginError(f"the {language} pages: {exc}") from None


def localized_docs(files: Files, config: MkDocsConfig, site: Site) -> None:
    """`docs/<page>.<lang>.md`, a page of docs/ in a further language: never a page of
    its own; in that language's tree it replaces `docs/<page>.md` (same URL, same place in
    the navigation). `docs/index.<lang>.md` is that tree's introduction (``project``)."""
    languages = main_site(site).config.further_languages
    if not languages:
        return
    here = site.config.language
    for file in list(files):
        stem, dot, language = file.src_uri.removesuffix(".md").rpartition(".")
        if not file.src_uri.endswith(".md") or not dot or language not in languages \
                or file.abs_src_path is None:
            continue
        files.remove(file)
        if language != here or stem == "index":
            continue
        original = files.get_file_from_path(f"{stem}.md")
        if original is not None:
            files.remove(original)
        files.append(File.generated(config, f"{stem}.md", abs_src_path=file.abs_src_path))


class MkstatusConfig(Config):
    """Loosely typed on purpose: the core validates and names the key in its messages."""

    timezone = c.Optional(c.Type(object))
    contact = c.Type(object, default="")
    components = c.Type(object, default=[])
    feed_limit = c.Type(object, default=100)
    history_days = c.Type(object, default=90)
    incidents_dir = c.Type(str, default="incidents")
    samples_dir = c.Type(str, default="samples")
    allow_raw_html = c.Type(object, default=False)
    notify = c.Optional(c.Type(object))
    websub_hub = c.Optional(c.Type(object))
    subscribe_email = c.Optional(c.Type(object))
    subscribe_url = c.Optional(c.Type(object))
    stale_after = c.Optional(c.Type(object))
    stale_script = c.Type(object, default=True)
    recovered_after = c.Optional(c.Type(object))
    languages = c.Optional(c.Type(object))


class MkstatusPlugin(BasePlugin[MkstatusConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        self.now: datetime | None = None  # set by `mkstatus build --now`
        self.site: Site | None = None
        self.site_name: str | None = None  # as written, before escaping for the theme
        self.preloaded: Site | None = None  # `mkstatus build` validated it already: reuse
        self.pages: dict[str, GeneratedPage] = {}  # generated page -> metadata, HTML
        self.store: RenderStore | None = None  # finished output from the last build
        # `mkstatus serve` sets this to {} to keep what the next rebuild may reuse: the
        # generated files' contents and renderers by path ("contents", "sources"), and
        # MkDocs' files, nav and
        # Jinja environment (see mkstatus.mkdocs.incremental).
        self.kept: dict[str, Any] | None = None

    def project(self, config: MkDocsConfig) -> Project:
        config_file = Path(config.config_file_path).resolve()
        return Project(root=config_file.parent, config_file=config_file,
                       docs_dir=Path(config.docs_dir),
                       site_name=self.site_name or config.site_name,
                       site_url=config.site_url, plugin=dict(self.config),
                       use_directory_urls=config.use_directory_urls,
                       language=str(config.theme.get("language") or "en"),
                       markdown=MarkdownConfig(tuple(config.markdown_extensions),
                                               dict(config.mdx_configs)))

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if urls.CSS not in config.extra_css:
            config.extra_css.append(urls.CSS)
        # Our theme layer (a trimmed, accessible main.html) sits between the site's own
        # custom_dir, which can still override it, and Material.
        theme_dir = str(Path(__file__).parent / "theme")
        if theme_dir not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
        skip_hidden_folders(config.theme)  # Material's 14,000 icons, walked for nothing
        # Compiled templates are kept in the site's cache folder for the next build.
        BYTECODE.use_folder(cache_dir(Path(config.config_file_path).resolve().parent))
        # Material prints site_name unescaped; "Smith & Co" must stay valid HTML.
        self.site_name = config.site_name
        config.site_name = html.escape(config.site_name, quote=True)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        now = self.now or resolve_now(os.environ.get("MKSTATUS_NOW") or None)
        project = self.project(config)
        try:
            site, self.preloaded = self.preloaded, None
            if site is None or site.now != now:
                site = load_project(project, now)
            self.site = site
            self.store = store_for(cache_dir(project.root))
            if "main" not in site.extras:  # the main language: a new build begins
                self.store.begin()
            outputs = generate(site, markdown_config=project.markdown, store=self.store)
            give_back()
        except MkstatusError as exc:
            raise PluginError(str(exc)) from None
        for warning in site.warnings:
            log.warning(str(warning))
        localized_docs(files, config, site)
        intro = files.get_file_from_path(urls.HOME)
        if intro is not None:
            files.remove(intro)  # its text is the home page's introduction
        self.pages = {}
        contents: dict[str, str | bytes] = {}
        for out in outputs:
            existing = files.get_file_from_path(out.path)
            if existing is not None:
                raise PluginError(f"{out.path}: generated by mkstatus ({out.source}) and also "
                                  f"present in docs as {existing.abs_src_path}; remove one")
            inclusion = InclusionLevel.INCLUDED if out.path in IN_NAV or not out.is_page \
                else InclusionLevel.NOT_IN_NAV
            content: str | bytes
            if out.is_page:
                # MkDocs never reads a page's content (``FinishedPage``); `serve` compares
                # pages with the next build's, so it holds each page's text
                page = out.page
                if self.kept is not None:
                    page = GeneratedPage(page.meta, page.body)
                self.pages[out.path] = page
                content = contents[out.path] = page.markdown() if self.kept is not None else ""
            elif self.kept is None and isinstance(out.data, Later):
                files.append(GeneratedFile.deferred(config, out.path, out.data, inclusion))
                continue
            else:
                content = contents[out.path] = out.content
            if out.path == urls.CSS:  # the dark palette without JavaScript, no request more
                css = content.encode() if isinstance(content, str) else content
                content = css + dark_without_script(config, css.decode()).encode()
            files.append(GeneratedFile.generated(config, out.path, content=content,
                                                 inclusion=inclusion))
        if self.kept is not None:
            self.kept.update(contents=contents, files=files,
                             sources={out.path: out.source for out in outputs})
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """Our pages arrive finished (see ``FinishedPage``)."""
        nav_urls = {page.url for page in nav.pages}
        for path, generated in self.pages.items():
            file = files.get_file_from_path(path)
            if file is not None:
                finish(file.page or Page(None, file, config), generated, nav_urls)
        if self.kept is not None:
            self.kept["nav"] = nav
        return nav

    def on_env(self, env: jinja2.Environment, config: MkDocsConfig,
               files: Files) -> jinja2.Environment:
        """For the theme layer: its CSS and script, minified into each page; sidebars
        shared by many pages are rendered once; the theme's compiled templates are kept
        for the next build (`mkstatus serve`)."""
        env.bytecode_cache = BYTECODE
        env.globals["mkstatus_inline"] = inline
        env.globals["mkstatus_nav_key"] = nav_key
        env.globals["mkstatus_blocks"] = {}
        # Our words in the theme layer, in Material's `theme.language` as on our pages.
        words = translator(str(config.theme.get("language") or "en"))
        env.globals["mkstatus_words"] = {"subscribe": words.gettext(SUBSCRIBE_TITLE)}
        site = self.site
        if site is not None:
            env.globals["mkstatus_languages"] = lambda page: language_switch(site, page.url)
        if self.site is not None:
            env.globals["mkstatus_stamp"] = stamp_html(self.site)
            env.globals["mkstatus_stale_script"] = self.site.config.stale_script
        if self.kept is not None:
            self.kept["env"] = env
        return env

    @event_priority(100)  # before any other plugin reads the page's content
    def on_page_context(self, context: TemplateContext, /, *, page: Page,
                        config: MkDocsConfig, nav: Navigation) -> TemplateContext:
        """A finished page's body, read now that it is written (``FinishedPage``)."""
        if isinstance(page, FinishedPage):
            page.content = page.finished.body
        return context

    @event_priority(-100)  # after any other plugin's look at the page
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if isinstance(page, FinishedPage):
            page.content = ""  # written: let it go
        if self.site is None:
            return output
        head = head_html(self.site) + alternate_links(self.site, page.url)
        return output.replace("</head>", head + "</head>", 1)

    def on_post_build(self, config: MkDocsConfig) -> None:
        """With `languages: [en, fr]`, each further language's tree, built into
        ``<site_dir>/<lang>/`` once the main site is: one more MkDocs build of the same
        mkdocs.yml with Material's `theme.language` set to that language (so the theme's
        chrome and our words agree) and `site_url` ending in `<lang>/`. It runs inside the
        main build, so `mkdocs build`, `mkdocs serve` and `mkstatus build` (which swaps
        the whole folder in at once) all get every language, or fail as one build."""
        site = self.site
        if site is None or "main" in site.extras:
            return
        for language in site.config.further_languages:
            build_language_tree(config, language_site(site, language))
        if self.store is not None and self.kept is None:
            self.store.prune()  # a full build: what it did not use is out of date

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        project = self.project(config)
        for path in (project.incidents_dir, project.samples_dir):
            if path.is_dir():
                server.watch(str(path))
        return server

