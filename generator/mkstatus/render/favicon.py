"""The favicon: the current status in the browser tab, where a worried customer looks first.

Each indicator has its own colour *and* its own shape and glyph (circle and tick, rounded
square and clock hands, triangle and "!", diamond and "!", octagon and cross), so the icon
is readable without colour vision and at 16 px. Glyphs are paths, not text: a favicon has
no reliable fonts.

Pages carry the icon inline as a `data:` URI (`link_tag`) rather than pointing at
`/favicon.svg`: it costs no request (the home page has a 5-request budget), it cannot be
served stale by a browser's favicon cache or a CDN while the status changes, and it works
whatever path the site is served under (an absolute `site_url` link would fetch the
production icon from a preview or a test server). `favicon.svg` is still written, for
dashboards and bookmarks that want the current status as an image.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from mkstatus.compute.site import Site
from mkstatus.i18n import translator
from mkstatus.model import Indicator
from mkstatus.render import urls
from mkstatus.render.badges import INDICATOR_COLOURS

GLYPH = 'fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" ' \
        'stroke-linejoin="round"'
EXCLAIM = "M16 11v8M16 23.5v.5"
SHAPES = {
    Indicator.NONE: ('<circle cx="16" cy="16" r="15"/>', "M9 16.5l4.5 4.5L23 11.5"),
    Indicator.MAINTENANCE: ('<rect x="1" y="1" width="30" height="30" rx="6"/>',
                            "M16 8v8h6"),
    Indicator.MINOR: ('<path d="M16 1.5L31 29H1z"/>', EXCLAIM),
    Indicator.MAJOR: ('<path d="M16 0.5L31.5 16 16 31.5 0.5 16z"/>', "M16 8.5v9M16 22.5v.5"),
    Indicator.CRITICAL: ('<path d="M10 1h12l9 9v12l-9 9H10l-9-9V10z"/>',
                         "M11 11l10 10M21 11L11 21"),
}


def favicon_svg(indicator: Indicator, language: str = "en") -> str:
    """The icon for one indicator; the `<title>` names the status for assistive tech."""
    shape, glyph = SHAPES[indicator]
    title = html.escape(translator(language).gettext(indicator.banner))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
            f"<title>{title}</title>"
            f'<g fill="{INDICATOR_COLOURS[indicator]}">{shape}</g>'
            f'<path d="{glyph}" {GLYPH}/></svg>\n')


def render_favicon(site: Site) -> list[tuple[str, str]]:
    return [(urls.FAVICON, favicon_svg(site.indicator, site.config.language))]


def link_tag(site: Site) -> str:
    """`<link rel="icon">` with the icon inline, so it is as fresh as the page itself."""
    svg = favicon_svg(site.indicator, site.config.language).strip()
    data = quote(svg.replace('"', "'"), safe="/:='.,;()")
    return f'<link rel="icon" type="image/svg+xml" href="data:image/svg+xml,{data}">\n'
