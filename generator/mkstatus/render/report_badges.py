"""Uptime and latency badges beside the status badges: /badges/uptime/<id>.svg and .json
(the last 30 days), /badges/p95/<id>.svg and .json (the last 24 hours).

Like the status badges, the figure is the badge's text and its accessible title; colour
only repeats it. The uptime badge says when the 30 days are not all covered by data
("99.95%, 40% data"), and is green when it meets the component's ``slo:`` (99.9% without
one). The latency badge is amber above the probe's ``degraded_ms``.
"""

from __future__ import annotations

from mkstatus.compute.latency import Latency
from mkstatus.compute.site import Site
from mkstatus.compute.uptime import ComponentUptime
from mkstatus.render import urls
from mkstatus.render.api import dumps
from mkstatus.render.badges import NO_DATA, endpoint, svg
from mkstatus.render.uptime_html import coverage_pct, fmt_pct

WINDOW = "30 days"
GOOD, FAIR, POOR = "#1a7f37", "#9a6700", "#cf222e"
DEFAULT_TARGET = 99.9


def render_report_badges(site: Site) -> list[tuple[str, str]]:
    uptime: dict[str, ComponentUptime] = dict(site.extras.get("uptime", {}))
    latency: dict[str, Latency] = dict(site.extras.get("latency_24h", {}))
    out: list[tuple[str, str]] = []
    for comp in site.config.components:
        target = comp.slo.target if comp.slo else DEFAULT_TARGET
        badges = [("uptime", f"{comp.name} uptime 30d", *uptime_badge(uptime.get(comp.id),
                                                                         target))]
        if hasattr(comp.probe, "degraded_ms"):  # probed; an upstream has no latency
            badges.append(("p95", f"{comp.name} p95 24h",
                           *latency_badge(latency.get(comp.id),
                                          getattr(comp.probe, "degraded_ms", None))))
        for kind, label, message, colour in badges:
            out.append((urls.badge(comp.id, "svg", kind), svg(label, message, colour)))
            out.append((urls.badge(comp.id, "json", kind),
                        dumps(endpoint(label, message, colour))))
    return out


def uptime_badge(figures: ComponentUptime | None, target: float) -> tuple[str, str]:
    """(message, colour) for the last 30 days."""
    if figures is None:
        return NO_DATA
    windows = dict(figures.windows)
    value = windows.get(WINDOW)
    if value is None:
        return NO_DATA
    labels = [label for label, _ in figures.windows]
    share = figures.coverage[labels.index(WINDOW)] if figures.coverage else 1.0
    message = fmt_pct(value) + ("" if share >= 1 else f", {coverage_pct(share)} data")
    colour = GOOD if value >= target else FAIR if value >= target - 1 else POOR
    return message, colour


def latency_badge(latency: Latency | None, degraded_ms: int | None) -> tuple[str, str]:
    if latency is None or latency.p95 is None:
        return NO_DATA
    slow = degraded_ms is not None and latency.p95 > degraded_ms
    return f"{latency.p95} ms", FAIR if slow else GOOD
