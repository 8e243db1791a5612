"""/subscribe/: every way to follow the page, on one page readable without JavaScript.

The feeds (RSS, Atom, JSON Feed; the site's and each component's), the maintenance
calendar, the JSON API, how to follow the feed from Slack and Microsoft Teams, and the
site's own email sign-up (`subscribe_email` / `subscribe_url`) when it has one. Links on
the page are relative, as on every page; the addresses to paste into a reader or a chat
app are shown absolute, from `site_url`.
"""

from __future__ import annotations

from mkstatus.compute.site import Site
from mkstatus.i18n import N_, translator
from mkstatus.render import urls
from mkstatus.render.pages import GeneratedPage, environment

TITLE = N_("Subscribe to updates")
API_ENDPOINTS = ("summary.json", "status.json", "incidents/unresolved.json",
                 "scheduled-maintenances/upcoming.json")


def render_subscribe(site: Site) -> list[tuple[str, GeneratedPage]]:
    tr = translator(site.config.language)
    env = environment(tr)
    site_urls = urls.Urls.of(site.config)
    config = site.config
    body = env.get_template("subscribe.md.j2").render(
        title=tr.gettext(TITLE), site_name=config.site_name,
        links=site_urls.links_from(urls.SUBSCRIBE),
        absolute=site_urls.absolute, urls=urls, components=config.components,
        email=config.subscribe_email, signup=config.subscribe_url, hub=config.websub_hub,
        endpoints=API_ENDPOINTS, contact=config.contact)
    meta = {"title": tr.gettext(TITLE), "hide": ["navigation", "toc"]}
    return [(urls.SUBSCRIBE, GeneratedPage(meta, body))]
