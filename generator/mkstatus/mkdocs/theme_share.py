"""MkDocs' theme rendering of mkstatus' pages, shared with a forked child.

After ``generate``, MkDocs renders every page into the theme (Material's templates), one
after the other: a third of a large build. ``ThemeShare`` gives the last part of
mkstatus' own pages (``FinishedPage``) to a forked child (``forked.Child``), which renders
them as MkDocs' ``_build_page`` does (the page's context, ``on_page_context``, its
template) while MkDocs renders the others here. When MkDocs reaches one of the child's
pages, the page's template is ``mkstatus-prebuilt.html``, which prints the child's HTML
(and puts the page's own template back in its meta); MkDocs then runs ``on_post_page``
and writes the file as for any page. The output is the same, byte for byte
(``tests/test_forked.py``). The child's HTML waits in an unnamed temporary file, and
only its index (page, offset, length) comes back through the pipe: at 10,000 incidents
the child's pages are about 100 MB, which this process would otherwise hold all at once.

The child's share is the end of MkDocs' page order, sized so that both processes finish
together: this process also writes every page, and builds 404.html and the sitemap.
Nothing is shared while other threads run (``serve``'s rebuilds: ``forked`` does not
fork) or while a draft page exists (MkDocs' page list then differs between ``build`` and
``serve``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from mkstatus import parallel as forked

PREBUILT = "mkstatus-prebuilt.html"
MIN_PAGES = 200  # below this, a build is quick and forking would cost more than it saves
# Of the pages, the share this process keeps: it renders them, and it writes all pages
# (measured with bench/build_scale.py at 1,000 and 10,000 incidents on two cores).
KEEP = 0.43


class ThemeShare:
    """One build's split: ``start`` in ``on_env``; ``html`` is the template global that
    ``mkstatus-prebuilt.html`` calls; ``close`` when the build ends, however it ends."""

    def __init__(self) -> None:
        self.child: forked.Child[dict[str, tuple[int, int]]] | None = None
        self.done: dict[str, tuple[int, int]] = {}
        self.templates: dict[str, Any] = {}
        self.store: Any = None  # the temporary file holding the child's HTML

    def start(self, env: jinja2.Environment, config: MkDocsConfig, files: Files,
              nav: Navigation, pages: Sequence[Page]) -> None:
        """``pages``: mkstatus' own pages, which the child may render."""
        self.close()
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        if (len(pages) < MIN_PAGES or forked.cores() < 2
                or any(f.inclusion.is_excluded() for f in files.documentation_pages())):
            return
        ours = {id(p): p for p in pages}
        order = [ours[id(f.page)] for f in doc_files if id(f.page) in ours]
        share = [(page, page.meta.get("template", "main.html"))
                 for page in order[int(len(order) * KEEP):]]
        folder = Path(config.site_dir).parent
        folder.mkdir(parents=True, exist_ok=True)
        self.store = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - closed by close()
        self.child = forked.Child(partial(_render, share, env, config, doc_files, nav,
                                          self.store.fileno()))
        for page, _ in share:
            self.templates[page.file.src_uri] = page.meta.get("template")
            page.meta["template"] = PREBUILT

    def html(self, page: Page) -> str:
        """The child's HTML of ``page`` (waiting for the child the first time)."""
        if self.child is not None:
            with self.child:
                self.done = self.child.result()
            self.child = None
        uri = page.file.src_uri
        template = self.templates.pop(uri)
        if template is None:
            del page.meta["template"]
        else:
            page.meta["template"] = template
        offset, length = self.done.pop(uri)
        return os.pread(self.store.fileno(), length, offset).decode("utf-8", "surrogatepass")

    def close(self) -> None:
        if self.child is not None:
            self.child.__exit__(None, None, None)
            self.child = None
        if self.store is not None:
            self.store.close()
            self.store = None
        self.done, self.templates = {}, {}


def _render(pages: Sequence[tuple[Page, str]], env: jinja2.Environment,
            config: MkDocsConfig, doc_files: Sequence[File], nav: Navigation,
            store: int) -> dict[str, tuple[int, int]]:
    """Each page's HTML, before ``on_post_page``, as ``_build_page`` makes it
    (mkdocs/commands/build.py), with the page's own template, appended to the file
    ``store``; returns where each page is in it. In the child; or here, if the child
    died, in the middle of MkDocs rendering one of these pages: so what it changes is
    put back."""
    from mkdocs.commands.build import get_context

    out: dict[str, tuple[int, int]] = {}
    current = config._current_page
    for page, name in pages:
        active = page.active
        config._current_page = page
        page.active = True
        try:
            context = get_context(nav, doc_files, config, page)
            context = config.plugins.on_page_context(context, page=page, config=config,
                                                     nav=nav)
            data = env.get_template(name).render(context).encode("utf-8", "surrogatepass")
        finally:
            page.active = active
            config._current_page = current
        offset = os.lseek(store, 0, os.SEEK_END)
        view = memoryview(data)
        while view:
            view = view[os.write(store, view):]
        out[page.file.src_uri] = (offset, len(data))
    return out
