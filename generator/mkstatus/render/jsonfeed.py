"""/history.json: JSON Feed 1.1 with exactly the entries of /history.rss and .atom, and
/components/<id>/history.json with those of each component's feeds.

Some readers and most scripts prefer JSON to XML. The entries, their order, their limit
and their ids come from `feeds.entries()` and `feeds.tag_uri()`, so a reader that
follows both formats sees one item per update under one id. With `websub_hub`, each
feed names the hub (`hubs`), as the XML feeds do with `<link rel="hub">`.
"""

from __future__ import annotations

from functools import partial

from mkstatus import __version__
from mkstatus.compute.site import Site
from mkstatus.i18n import translator
from mkstatus.render import urls
from mkstatus.render.api import dumps
from mkstatus.render.feeds import (
    Entry,
    EntryHtml,
    entry_title,
    entry_url,
    feed_entries,
    feed_key,
    feed_targets,
    subtitle,
    tag_uri,
)
from mkstatus.render.store import RenderStore, files_kept
from mkstatus.text import clean
from mkstatus.times import iso_utc

VERSION = "https://jsonfeed.org/version/1.1"


def render_jsonfeed(site: Site, store: RenderStore | None = None) -> list[tuple[str, str]]:
    """The site's JSON Feed and each component's; each from the render ``store`` when
    it has it."""
    html = EntryHtml(raw=site.config.allow_raw_html, tr=translator(site.config.language))
    lists = feed_entries(site)
    out: list[tuple[str, str]] = []
    for component, suffix in feed_targets(site):
        items = lists[component]
        out += files_kept(store, feed_key(site, "json", component, items),
                          partial(_file, site, component, suffix, html, items),
                          (urls.json_feed(component),))
    return out


def _file(site: Site, component: str | None, suffix: str, html: EntryHtml,
          items: list[Entry]) -> list[tuple[str, str]]:
    return [(urls.json_feed(component), _feed(site, component, suffix, html, items))]


def _feed(site: Site, component: str | None, suffix: str, html: EntryHtml,
          items: list[Entry]) -> str:
    base = site.config.site_url
    site_urls = urls.Urls.of(site.config)
    feed: dict[str, object] = {
        "version": VERSION,
        "title": clean(site.config.site_name + suffix),
        "description": clean(subtitle(site, html.tr)),
        "home_page_url": base if component is None else
        site_urls.page(urls.component_page(component)),
        "feed_url": site_urls.absolute(urls.json_feed(component)),
        "language": html.tr.tag,
        "authors": [{"name": clean(site.config.site_name), "url": base}],
        "_mkstatus": {"about": "https://pypi.org/project/mkstatus/",
                      "version": __version__},
        "items": [_item(base, site_urls, e, html) for e in items],
    }
    if site.config.websub_hub:
        feed["hubs"] = [{"type": "WebSub", "url": site.config.websub_hub}]
    return dumps(feed)


def _item(base: str, site_urls: urls.Urls, item: Entry, html: EntryHtml
          ) -> dict[str, object]:
    incident = item.view.incident
    label = html.label(item)
    when = iso_utc(item.time)
    return {
        "id": tag_uri(base, incident.id, item.time),
        "url": entry_url(site_urls, item),
        "title": entry_title(item, html.tr),
        "content_html": html(item),
        "content_text": "\n\n".join(t for t in (label, clean(item.message).strip(),
                                                 item.promise) if t),
        "date_published": when,
        "date_modified": when,
        "tags": list(incident.component_ids),
        **({"_mkstatus": {"next_update_at": iso_utc(item.next_update)}}
           if item.next_update else {}),
    }
