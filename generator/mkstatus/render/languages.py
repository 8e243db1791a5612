"""Links between a page and the same page in the site's other languages.

With `languages: [en, fr]` the main language is at the site's root and each further one
in its own tree (`/fr/`, built by the MkDocs adapter from ``project.language_site``).
Every page then carries, in its head, one `<link rel="alternate" hreflang>` per language
(absolute, and `x-default` for the main language's page), and in its footer a visible
switch with relative links, so the choice also works without JavaScript, from a
folder on disk and in `mkstatus serve`.
"""

from __future__ import annotations

import html

from babel import Locale, UnknownLocaleError

from mkstatus.compute.site import Site
from mkstatus.i18n import babel_name, translator


def main_site(site: Site) -> Site:
    """The main language's site (a language tree keeps it in ``extras["main"]``)."""
    main = site.extras.get("main")
    return main if isinstance(main, Site) else site


def tree_prefix(site: Site, language: str) -> str:
    """Where a language's tree starts, from the site's root: "" or "fr/"."""
    return "" if language == main_site(site).config.language else f"{language}/"


def language_name(language: str) -> str:
    """A language in its own words, as readers look for it: "Français", "日本語"."""
    try:
        name = Locale.parse(babel_name(language)).get_display_name() or language
    except (UnknownLocaleError, ValueError):
        return language
    return name[:1].upper() + name[1:]


def alternate_links(site: Site, page_url: str) -> str:
    """The head's `hreflang` links of the page served at ``page_url`` (relative to its
    tree's root, as MkDocs gives it); nothing on a site in one language."""
    config = main_site(site).config
    if not config.further_languages:
        return ""
    root = config.site_url
    lines = [f'<link rel="alternate" hreflang="{translator(code).tag}" '
             f'href="{html.escape(root + tree_prefix(site, code) + page_url)}">'
             for code in config.languages]
    lines.append(f'<link rel="alternate" hreflang="x-default" '
                 f'href="{html.escape(root + page_url)}">')
    return "\n".join(lines) + "\n"


def language_switch(site: Site, page_url: str) -> str:
    """The visible switch in the page's footer: every language by its own name, the
    page's own unlinked, each other one linked to the same page in that language."""
    config = main_site(site).config
    if not config.further_languages:
        return ""
    here = site.config.language
    up = "../" * (page_url.count("/") + (1 if tree_prefix(site, here) else 0))
    items = []
    for code in config.languages:
        name = html.escape(language_name(code))
        tag = translator(code).tag
        if code == here:
            items.append(f'<li><span lang="{tag}" aria-current="true">{name}</span></li>')
        else:
            href = html.escape(up + tree_prefix(site, code) + page_url or "./")
            items.append(f'<li><a href="{href}" hreflang="{tag}" lang="{tag}">{name}</a></li>')
    label = html.escape(translator(here).gettext("Languages"))
    return (f'<nav class="mks-languages" aria-label="{label}"><ul>{"".join(items)}</ul>'
            "</nav>\n")
