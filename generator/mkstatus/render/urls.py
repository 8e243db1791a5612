"""Every path and link of the site, made in one place.

Each renderer writes its files at the paths named here, and every link to them (pages,
feeds, JSON, the calendar, `_headers`, the templates) is made here too, so a link and
the file it names cannot drift apart.

Pages are written as Markdown sources (``incidents/<id>.md``) that MkDocs serves at a
URL that depends on its ``use_directory_urls`` setting: ``incidents/<id>/`` (the
default) or ``incidents/<id>.html``. Links between pages are relative, so a site works
under any path and from a folder on disk; feeds and the JSON API need absolute URLs,
made from ``site_url``. Other files (feeds, JSON, badges) have the same path either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mkstatus.model import SiteConfig

HOME = "index.md"
HISTORY = "history.md"
SUBSCRIBE = "subscribe.md"
INCIDENTS = "incidents/"
COMPONENTS = "components/"
HISTORY_FEED = "history"  # + .rss / .atom; the JSON Feed is JSON_FEED
JSON_FEED = "history.json"
CALENDAR = "maintenance.ics"
API_DIR = "api/"  # the Statuspage API, and any further JSON beside it
API = API_DIR + "v2/"
BADGES = "badges/"
FAVICON = "favicon.svg"
CSS = "assets/mkstatus.css"
HEADERS = "_headers"
UPTIME = "uptime.md"  # the uptime reports of every component
UPTIME_JSON = API_DIR + "uptime.json"
UPTIME_SCHEMA = API_DIR + "uptime.schema.json"
REPORT_BADGES = ("uptime", "p95")  # badges/<kind>/<component>.svg beside the status ones
NOT_FOUND = "404.html"  # MkDocs' own, the same under both settings

FeedFormat = Literal["rss", "atom"]


def incident_page(incident_id: str) -> str:
    return f"{INCIDENTS}{incident_id}.md"


def component_page(component_id: str) -> str:
    return f"{COMPONENTS}{component_id}.md"


def component_uptime_page(component_id: str) -> str:
    """A component's uptime report, in its page's folder."""
    return f"{COMPONENTS}{component_id}/uptime.md"


def month_page(month: str) -> str:
    """An older month of the history (``YYYY-MM``), on a page of its own."""
    return f"history/{month}.md"


def feed(fmt: FeedFormat, component_id: str | None = None) -> str:
    """The site's feed, or one component's (beside its page's folder)."""
    stem = HISTORY_FEED if component_id is None else \
        f"{COMPONENTS}{component_id}/{HISTORY_FEED}"
    return f"{stem}.{fmt}"


def json_feed(component_id: str | None = None) -> str:
    """The site's JSON Feed, or one component's (beside its RSS and Atom feeds)."""
    return JSON_FEED if component_id is None else f"{COMPONENTS}{component_id}/{JSON_FEED}"


def calendar(component_id: str | None = None) -> str:
    """The maintenance calendar of the site, or of one component (beside its feeds)."""
    return CALENDAR if component_id is None else f"{COMPONENTS}{component_id}/{CALENDAR}"


def api(endpoint: str) -> str:
    """A Statuspage v2 endpoint, such as ``summary.json`` or ``incidents/unresolved.json``."""
    return API + endpoint


def badge(stem: str, extension: Literal["svg", "json"], kind: str = "") -> str:
    """A status badge, or (``kind`` in ``REPORT_BADGES``) a component's uptime or latency
    badge in a folder of its own: component ids cannot collide with it."""
    return f"{BADGES}{kind + '/' if kind else ''}{stem}.{extension}"


def relative(target: str, here: str) -> str:
    """The link from the page served at ``here`` to ``target``, both relative to the site
    root (``""`` is the root's folder): the shortest path, as MkDocs makes them, so
    ``incidents/a/`` reaches the root as ``../../`` and ``components/a/`` its own
    ``history.rss`` as ``history.rss``."""
    start = here.split("/")[:-1]
    parts = target.split("/")
    common = 0
    while common < min(len(start), len(parts) - 1) and start[common] == parts[common]:
        common += 1
    return "../" * (len(start) - common) + "/".join(parts[common:]) or "./"


@dataclass(frozen=True, slots=True)
class Urls:
    """Where one site's pages are served, and its absolute URLs."""

    site_url: str  # absolute, ending in "/"
    directory_urls: bool = True

    @classmethod
    def of(cls, config: SiteConfig) -> Urls:
        return cls(config.site_url, config.use_directory_urls)

    def page_url(self, source: str) -> str:
        """Where MkDocs serves the page made from ``source`` (``incidents/a.md``), relative
        to the site root: ``incidents/a/`` or ``incidents/a.html``; the home page is ``""``
        or ``index.html``."""
        stem = source.removesuffix(".md")
        if not self.directory_urls:
            return stem + ".html"
        if stem == "index" or stem.endswith("/index"):
            return stem.removesuffix("index")
        return stem + "/"

    def absolute(self, path: str) -> str:
        return self.site_url + path

    def page(self, source: str, anchor: str = "") -> str:
        """The absolute URL of a page (and of an anchor in it), for feeds and JSON."""
        return self.absolute(self.page_url(source)) + (f"#{anchor}" if anchor else "")

    def month_rule(self) -> str:
        """The month pages as one `_headers` path: hosts allow a placeholder only as a
        whole segment, so the flat layout's ``history/2026-01.html`` needs a splat."""
        return "history/:month/" if self.directory_urls else "history/*"

    def links_from(self, source: str) -> Links:
        return Links(self, self.page_url(source))


@dataclass(frozen=True, slots=True)
class Links:
    """Relative links from one page, for its template (``links.incident(v.id)``)."""

    urls: Urls
    here: str  # the page's own URL, relative to the site root

    def to(self, path: str) -> str:
        """Any file of the site (a feed, the calendar, the API), given from the root."""
        return relative(path, self.here)

    def page(self, source: str) -> str:
        return relative(self.urls.page_url(source), self.here)

    def home(self) -> str:
        return self.page(HOME)

    def history(self) -> str:
        return self.page(HISTORY)

    def subscribe(self) -> str:
        return self.page(SUBSCRIBE)

    def month(self, month: str) -> str:
        return self.page(month_page(month))

    def incident(self, incident_id: str) -> str:
        return self.page(incident_page(incident_id))

    def component(self, component_id: str) -> str:
        return self.page(component_page(component_id))

    def uptime(self) -> str:
        return self.page(UPTIME)

    def component_uptime(self, component_id: str) -> str:
        return self.page(component_uptime_page(component_id))

    def feed(self, fmt: FeedFormat, component_id: str | None = None) -> str:
        return self.to(feed(fmt, component_id))

    def json_feed(self, component_id: str | None = None) -> str:
        return self.to(json_feed(component_id))

    def calendar(self, component_id: str | None = None) -> str:
        return self.to(calendar(component_id))

    def api(self, endpoint: str) -> str:
        return self.to(api(endpoint))
