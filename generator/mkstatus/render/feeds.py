"""RSS and Atom feeds with one entry per published update.

A reader shows each new update exactly once because every entry's id is a tag URI built
from the site host, the incident id and the update's UTC time: stable across builds,
unique within the site. feedgen reads the clock and prepends entries by default, so
every date is passed in and entries are appended in our own order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mkstatus import __version__
from mkstatus.compute.site import Site
from mkstatus.compute.status import View
from mkstatus.i18n import Translator, translator
from mkstatus.model import Kind, Status
from mkstatus.render import urls
from mkstatus.render.pages import update_anchor
from mkstatus.render.reuse import CONVERSIONS
from mkstatus.render.sanitize import sanitize
from mkstatus.render.store import RenderStore, digest, files_kept, site_key
from mkstatus.text import clean
from mkstatus.times import iso_utc

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

_MD_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]


def escape(text: str) -> str:
    """Text as XML character data (``xml.sax.saxutils.escape``, whose module imports
    urllib's HTTP client: a tenth of the imports of a small build)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """Text as a double-quoted XML attribute value."""
    return '"' + escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace(
        "\r", "&#13;").replace("\t", "&#9;") + '"'


@dataclass(frozen=True, slots=True)
class Entry:
    view: View
    time: datetime
    status: Status
    message: str
    promise: str = ""  # "Next update by …" when the update promised one
    next_update: datetime | None = None
    fallback: str = ""  # in a language tree: the language of a message not translated yet


def promise_text(moment: datetime | None, site: Site) -> str:
    """An update's promise as feeds show it: the full time, read whenever it arrives."""
    if moment is None:
        return ""
    tr = translator(site.config.language)
    return tr.gettext("Next update by %(time)s") % {
        "time": tr.time(moment, site.config.zone)} + "."


def entries(site: Site, component: str | None = None) -> list[Entry]:
    """Published updates, newest first, bounded by `feed_limit`."""
    return feed_entries(site)[component]


_ENTRIES: list[Any] = [None, None]  # the last site's feed_entries, and that site


def feed_entries(site: Site) -> dict[str | None, list[Entry]]:
    """``entries`` of the site (None) and of each component, made in one pass: each
    update is an ``Entry`` once, sorted once, however many feeds carry it."""
    if _ENTRIES[1] is site:
        return _ENTRIES[0]  # type: ignore[no-any-return]
    everything = [Entry(v, u.time, u.status, u.message, promise_text(u.next_update, site),
                        u.next_update, u.fallback)
                  for v in site.views for u in v.updates]
    everything.sort(key=lambda e: (e.time, e.view.id), reverse=True)
    limit = site.config.feed_limit
    out: dict[str | None, list[Entry]] = {None: everything[:limit]}
    wanted = {c.id: out.setdefault(c.id, []) for c in site.config.components}
    for entry in everything:
        if not wanted:
            break
        for cid in entry.view.incident.component_ids:
            items = wanted.get(cid)
            if items is not None:
                items.append(entry)
                if len(items) >= limit:
                    del wanted[cid]
    _ENTRIES[:] = [out, site]
    return out


def feed_targets(site: Site) -> list[tuple[str | None, str]]:
    """Each feed of every format: the site's (None) and each component's, with the suffix
    its title carries."""
    return [(None, ""), *((c.id, f" — {c.name}") for c in site.config.components)]


def feed_key(site: Site, kind: str, component: str | None, items: list[Entry]) -> bytes:
    """The render store's key of one feed (``store``): all a feed is made of. An empty
    feed is dated by the build, so its key holds the build's time."""
    made_of = [(e.view.id, e.view.incident.title, e.view.incident.kind,
                e.view.incident.component_ids, e.time, e.status, e.message, e.promise,
                e.next_update, e.fallback) for e in items]
    return digest(site_key(site.config), kind, repr(component), repr(made_of),
                  "" if items else repr(site.now))


def tag_uri(site_url: str, incident_id: str, moment: datetime) -> str:
    host = urlsplit(site_url).hostname or "localhost"
    return f"tag:{host},{moment:%Y-%m-%d}:{incident_id}/{iso_utc(moment)}"


def render_feeds(site: Site, store: RenderStore | None = None) -> list[tuple[str, bytes]]:
    """The site's feeds, which follow the home page, and each component's, which follow
    the component's page; each pair from the render ``store`` when it has it."""
    tr = translator(site.config.language)
    html = EntryHtml(raw=site.config.allow_raw_html, tr=tr)
    lists = feed_entries(site)
    files: list[tuple[str, bytes]] = []
    for component, suffix in feed_targets(site):
        items = lists[component]
        files += files_kept(store, feed_key(site, "rss-atom", component, items),
                            partial(_pair, site, component, items, suffix, html),
                            (urls.feed("rss", component), urls.feed("atom", component)))
    return files


class EntryHtml:
    """Each update's Markdown converted once, however many feeds carry it (and kept for
    the next build in this process, see ``reuse``), and sanitized as on the pages unless
    the site allows ``raw`` HTML."""

    def __init__(self, raw: bool = False, tr: Translator | None = None) -> None:
        self._converter: Any = None
        self.raw = raw
        self.tr = tr or translator()

    @property
    def converter(self) -> Any:
        """Python-Markdown, imported when a feed is made (not when all come from the
        render store)."""
        if self._converter is None:
            import markdown

            self._converter = markdown.Markdown(extensions=_MD_EXTENSIONS)
        return self._converter

    def __call__(self, item: Entry) -> str:
        return CONVERSIONS.get(("entry", self.raw, self.label(item), item.message,
                                item.promise, item.fallback and self.tr.language),
                               lambda: self._html(item))

    def label(self, item: Entry) -> str:
        return self.tr.gettext(item.status.label)

    def _html(self, item: Entry) -> str:
        body = self.converter.reset().convert(clean(item.message)) if item.message else ""
        if not self.raw:
            body = sanitize(body)
        promise = f"<p><em>{escape(item.promise)}</em></p>" if item.promise else ""
        if item.fallback and body:  # the main language's text, said so in the reader's
            note = escape(self.tr.gettext("This update is not yet translated."))
            body = f'<p><em>{note}</em></p><div lang="{item.fallback}">{body}</div>'
        return f"<p><strong>{self.label(item)}</strong></p>{body}{promise}"


def entry_title(item: Entry, tr: Translator | None = None) -> str:
    """Every feed format titles an update "<incident> — [Maintenance: ]<status>"."""
    _ = (tr or translator()).gettext
    label = _(item.status.label)
    if item.view.incident.kind is Kind.MAINTENANCE:
        label = _("Maintenance: %(status)s") % {"status": label}
    return clean(f"{item.view.incident.title} — {label}")


def _pair(site: Site, component: str | None, items: list[Entry], suffix: str,
          html: EntryHtml) -> list[tuple[str, bytes]]:
    """One generator serves both formats; only the self link differs. Each feed follows
    a page (the home page, or the component's): Atom's `alternate` link and RSS's channel
    `<link>` (feedgen writes the last link given there, so the alternate link comes last)."""
    base, site_urls = site.config.site_url, urls.Urls.of(site.config)
    hub = site.config.websub_hub
    rss_path, atom_path = urls.feed("rss", component), urls.feed("atom", component)
    fg = _generator(site, items, suffix, html)
    page = base if component is None else site_urls.page(urls.component_page(component))
    fg.link(href=base + rss_path, rel="self", replace=True)
    fg.link(href=page, rel="alternate")
    rss = websub_rss(fg.rss_str(pretty=True), hub)
    fg.link(href=base + atom_path, rel="self", replace=True)
    if hub:
        fg.link(href=hub, rel="hub")
    fg.link(href=page, rel="alternate")
    fg.id(base + atom_path)
    return [(rss_path, rss), (atom_path, fg.atom_str(pretty=True))]


def websub_rss(rss: bytes, hub: str | None) -> bytes:
    """With `websub_hub`, the channel's hub link beside its self link (WebSub 4): feedgen
    writes only the self link into RSS."""
    if not hub:
        return rss
    marker = b' rel="self"/>'
    return rss.replace(marker, marker + f"\n    <atom:link href={quoteattr(hub)} "
                       'rel="hub"/>'.encode(), 1)


def _generator(site: Site, items: list[Entry], suffix: str, html: EntryHtml) -> FeedGenerator:
    from feedgen.feed import FeedGenerator

    base = site.config.site_url
    updated = (items[0].time if items else site.now).astimezone(UTC)
    fg = FeedGenerator()
    fg.id(base)
    fg.title(clean(f"{site.config.site_name}{suffix}"))
    fg.subtitle(clean(subtitle(site, html.tr)))
    fg.author(name=clean(site.config.site_name), uri=base)
    fg.language(html.tr.tag)
    fg.updated(updated)
    fg.lastBuildDate(updated)
    fg.generator("mkstatus", version=__version__, uri="https://pypi.org/project/mkstatus/")
    site_urls = urls.Urls.of(site.config)
    for item in items:
        _add(fg, base, item, html(item), entry_url(site_urls, item), html.tr)
    return fg


def subtitle(site: Site, tr: Translator) -> str:
    return tr.gettext("Every update of incidents and maintenance on %(site)s") % {
        "site": site.config.site_name}


def entry_url(site_urls: urls.Urls, item: Entry) -> str:
    """An entry links to its update on the incident's page."""
    return site_urls.page(urls.incident_page(item.view.id), update_anchor(item.time))


def _add(fg: FeedGenerator, base: str, item: Entry, content: str, link: str,
         tr: Translator) -> None:
    incident = item.view.incident
    entry = fg.add_entry(order="append")
    uri = tag_uri(base, incident.id, item.time)
    entry.id(uri)
    entry.guid(uri, permalink=False)
    entry.title(entry_title(item, tr))
    entry.link(href=link)
    entry.updated(item.time.astimezone(UTC))
    entry.published(item.time.astimezone(UTC))
    # feedgen's description() also sets Atom's content, without a type: it must come
    # first, or readers show the HTML of every entry as text.
    entry.description(content)
    entry.content(content, type="html")
    for cid in incident.component_ids:
        entry.category(term=cid)
