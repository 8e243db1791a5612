"""/history.json: JSON Feed 1.1 with exactly the entries of /history.rss and .atom.

Some readers and most scripts prefer JSON to XML. The entries, their order, their limit
and their ids come from `feeds.entries()` and `feeds.tag_uri()`, so a reader that
follows both formats sees one item per update under one id.
"""

from __future__ import annotations

import markdown

from .. import __version__
from ..model import STATUS_LABELS, Kind
from ..site import Site
from ..times import iso_utc
from ..xmltext import clean
from .api import dumps
from .feeds import Entry, entries, tag_uri
from .pages import update_anchor

PATH = "history.json"
VERSION = "https://jsonfeed.org/version/1.1"
_MD_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]  # as feeds.py, same HTML


def render_jsonfeed(site: Site) -> list[tuple[str, str]]:
    base = site.config.site_url
    converter = markdown.Markdown(extensions=_MD_EXTENSIONS)
    feed = {
        "version": VERSION,
        "title": clean(site.config.site_name),
        "description": clean(
            f"Every update of incidents and maintenance on {site.config.site_name}"),
        "home_page_url": base,
        "feed_url": base + PATH,
        "language": "en",
        "authors": [{"name": clean(site.config.site_name), "url": base}],
        "_mkstatus": {"about": "https://pypi.org/project/mkstatus/",
                      "version": __version__},
        "items": [_item(base, e, converter) for e in entries(site)],
    }
    return [(PATH, dumps(feed))]


def entry_title(item: Entry) -> str:
    """The same title as the RSS/Atom entry: "<incident> — [Maintenance: ]<status>"."""
    kind = "Maintenance: " if item.view.incident.kind is Kind.MAINTENANCE else ""
    return clean(f"{item.view.incident.title} — {kind}{STATUS_LABELS[item.status]}")


def _item(base: str, item: Entry, converter: markdown.Markdown) -> dict[str, object]:
    incident = item.view.incident
    label = STATUS_LABELS[item.status]
    body = converter.reset().convert(clean(item.message)) if item.message else ""
    when = iso_utc(item.time)
    return {
        "id": tag_uri(base, incident.id, item.time),
        "url": f"{base}incidents/{incident.id}/#{update_anchor(item.time)}",
        "title": entry_title(item),
        "content_html": f"<p><strong>{label}</strong></p>{body}",
        "content_text": f"{label}\n\n{clean(item.message)}".strip(),
        "date_published": when,
        "date_modified": when,
        "tags": list(incident.component_ids),
    }
