"""Status badges: /badges/<component>.svg and .json, and the overall /badges/status.*.

Badges end up in READMEs, wikis and dashboards, often read by people who cannot tell
green from red, so the status is always spelled out in the badge text and in an
accessible `<title>`; colours only repeat it, and every colour keeps white text at a
WCAG contrast of at least 4.5:1. The `.json` twin is the shields.io endpoint format, for
sites that prefer shields' styles (`https://img.shields.io/endpoint?url=...`).

The overall badge is `status`: component ids match ^[a-z0-9][a-z0-9-]*$, so a
component may be called `status`; such a site is refused with a message rather than
silently losing one of the two badges (see guide/api.md).
"""

from __future__ import annotations

from html import escape

from mkstatus.compute.site import Site
from mkstatus.errors import BuildError
from mkstatus.model import ComponentStatus, Indicator
from mkstatus.render import urls
from mkstatus.render.api import dumps

OVERALL = "status"
LABEL_COLOUR = "#555555"
NO_DATA = ("no recent data", "#57606a")
COMPONENT_COLOURS = {
    ComponentStatus.OPERATIONAL: "#1a7f37",
    ComponentStatus.UNDER_MAINTENANCE: "#0969da",
    ComponentStatus.DEGRADED_PERFORMANCE: "#9a6700",
    ComponentStatus.PARTIAL_OUTAGE: "#bc4c00",
    ComponentStatus.MAJOR_OUTAGE: "#cf222e",
}
INDICATOR_COLOURS = {
    Indicator.NONE: "#1a7f37",
    Indicator.MAINTENANCE: "#0969da",
    Indicator.MINOR: "#9a6700",
    Indicator.MAJOR: "#bc4c00",
    Indicator.CRITICAL: "#cf222e",
}
_NARROW = set("fijlrt.,:;'!|()[] ")
_WIDE = set("mwMW@%")


def render_badges(site: Site) -> list[tuple[str, str]]:
    clash = next((c for c in site.config.components if c.id == OVERALL), None)
    if clash is not None:
        raise BuildError(f"{site.config.config_path}: component id {OVERALL!r} is reserved "
                         f"for the overall badge /{urls.badge(OVERALL, 'svg')}; rename the "
                         f"component ({clash.name})")
    badges = [(OVERALL, "status", site.indicator.banner.lower(),
               INDICATOR_COLOURS[site.indicator])]
    for comp in site.config.components:
        message, colour = component_badge(site, comp.id)
        badges.append((comp.id, comp.name, message, colour))
    out: list[tuple[str, str]] = []
    for stem, label, message, colour in badges:
        out.append((urls.badge(stem, "svg"), svg(label, message, colour)))
        out.append((urls.badge(stem, "json"), dumps(endpoint(label, message, colour))))
    return out


def component_badge(site: Site, cid: str) -> tuple[str, str]:
    """(message, colour): a probe with no recent data and nothing declared is never
    shown as up."""
    state = site.states[cid]
    if state.probe is not None and state.probe.status is None and state.declared is None:
        return NO_DATA
    return state.status.label.lower(), COMPONENT_COLOURS[state.status]


def endpoint(label: str, message: str, colour: str) -> dict[str, object]:
    """shields.io endpoint JSON; 300 s is the shortest cache shields accepts."""
    return {"schemaVersion": 1, "label": label, "message": message, "color": colour,
            "labelColor": LABEL_COLOUR, "cacheSeconds": 300}


def text_width(text: str) -> int:
    """Approximate width in 11 px Verdana: no font metrics at build time, and a little
    slack is invisible on a badge."""
    width = 0.0
    for char in text:
        width += 3.5 if char in _NARROW else 10.0 if char in _WIDE else (
            7.5 if char.isupper() else 6.8)
    return int(width + 0.5)


def svg(label: str, message: str, colour: str) -> str:
    left, right = text_width(label) + 12, text_width(message) + 12
    total = left + right
    title = escape(f"{label}: {message}", quote=True)
    label_x, message_x = left / 2, left + right / 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" '
        f'role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<rect width="{left}" height="20" fill="{LABEL_COLOUR}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        '<g fill="#ffffff" text-anchor="middle" '
        'font-family="Verdana,DejaVu Sans,Geneva,sans-serif" font-size="11">'
        f'<text x="{label_x:g}" y="14">{escape(label)}</text>'
        f'<text x="{message_x:g}" y="14">{escape(message)}</text>'
        "</g></svg>\n"
    )
