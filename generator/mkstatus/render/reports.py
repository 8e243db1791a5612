"""The uptime report pages: /uptime/ and /components/<id>/uptime/.

The figures come from ``compute.reports``; this module only words them. Every figure
is printed with what it means: the method beside the tables, the share of the period
with data beside any percentage that does not cover the whole period, and the error
budget as durations a person can check against the month's length.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from jinja2 import Environment

from mkstatus.compute.reports import PERIOD_KINDS, Budget, PeriodReport, Reports, WorstDay
from mkstatus.compute.site import Site
from mkstatus.compute.uptime import WEIGHTS
from mkstatus.model import ComponentStatus
from mkstatus.render import urls
from mkstatus.render.pages import GeneratedPage
from mkstatus.render.upstream import upstream_of
from mkstatus.render.uptime_html import coverage_pct
from mkstatus.text import clean

KIND_TITLES = {"month": "By month", "quarter": "By quarter", "year": "By year"}
STATUS_WORDS = ((ComponentStatus.MAJOR_OUTAGE, "major outage"),
                (ComponentStatus.PARTIAL_OUTAGE, "partial outage"),
                (ComponentStatus.DEGRADED_PERFORMANCE, "degraded"),
                (ComponentStatus.UNDER_MAINTENANCE, "maintenance"))
WEIGHT_ROWS = tuple((word, WEIGHTS.get(status, 0.0)) for status, word in STATUS_WORDS)


def report_pct(value: float | None) -> str:
    """Three decimals, rounded down, so a period with any downtime never reads 100%."""
    if value is None:
        return "no data"
    if value >= 100:
        return "100%"
    return f"{min(math.floor(value * 1000) / 1000, 99.999):.3f}%"


def seconds_text(seconds: float) -> str:
    """1 d 2 h 3 min 4 s; whole seconds, at least "0 s"."""
    total = int(round(abs(seconds)))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min"),
                                           (secs, "s")) if n]
    return " ".join(parts) or "0 s"


def status_time(report: PeriodReport | WorstDay) -> str:
    """The unweighted time in each troubled status: "major outage 2 h; degraded 5 min"."""
    figures = report.figures
    parts = [f"{word} {seconds_text(figures.seconds(status))}"
             for status, word in STATUS_WORDS if figures.seconds(status) >= 0.5]
    return "; ".join(parts) or "none"


def budget_words(budget: Budget) -> dict[str, str]:
    report = budget.report
    to_come = max(0.0, (report.end - report.until).total_seconds())
    return {
        "allowed": seconds_text(budget.allowed),
        "used": seconds_text(budget.used),
        "left": seconds_text(budget.left),
        "basis": seconds_text(report.figures.covered + to_come),
        "covered": seconds_text(report.figures.covered),
        "to_come": seconds_text(to_come),
        "share": f"{min(100.0, 100 * budget.used / budget.allowed):.0f}%"
        if budget.allowed > 0 else "all",
        "target": f"{budget.slo.target:g}%",
        "margin": f"{100 - budget.slo.target:.6g}%",
    }


def render_report_pages(site: Site, env: Environment, site_urls: urls.Urls
                        ) -> list[tuple[str, GeneratedPage]]:
    reports: Reports | None = site.extras.get("reports")
    if reports is None:
        return []
    env.filters.update(pct=report_pct, cov=coverage_pct, secs=seconds_text,
                       status_time=status_time)
    env.globals["by_key"] = by_key
    common = dict(now=site.now, ind=site.indicator, reports=reports, kinds=PERIOD_KINDS,
                  kind_titles=KIND_TITLES, weights=WEIGHT_ROWS,
                  zone_name=site.config.zone.key, seen_by=_seen_by(site),
                  names={c.id: c.name for c in site.config.components})
    budgeted = [c for c in site.config.components if reports.components[c.id].budget]
    pages = [(urls.UPTIME, GeneratedPage(
        {"title": "Uptime reports", "hide": ["toc"]},
        env.get_template("uptime.md.j2").render(
            links=site_urls.links_from(urls.UPTIME), groups=site.config.groups,
            columns=_columns(reports), budgeted=budgeted, **common)))]
    template = env.get_template("component_uptime.md.j2")
    for comp in site.config.components:
        path = urls.component_uptime_page(comp.id)
        report = reports.components[comp.id]
        body = template.render(
            links=site_urls.links_from(path), c=comp, r=report, state=site.states[comp.id],
            budget=report.budget, words=budget_words(report.budget) if report.budget else {},
            **common)
        title = html.escape(clean(f"{comp.name}: uptime report"), quote=True)
        pages.append((path, GeneratedPage({"title": title}, body)))
    return pages


def _seen_by(site: Site) -> dict[str, str]:
    """Who saw a worst day's trouble when no incident was declared: our probes, or the
    vendor's status page of an upstream service."""
    out = {}
    for comp in site.config.components:
        vendor = upstream_of(comp)
        out[comp.id] = f"reported by {vendor.host}" if vendor else "detected by our probes"
    return out


def _columns(reports: Reports) -> dict[str, list[tuple[str, str, bool]]]:
    """Per kind, the periods of the site's table, newest first: (key, label, complete)."""
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for kind in PERIOD_KINDS:
        seen: dict[str, tuple[str, str, bool]] = {}
        for report in reports.components.values():
            for p in report.periods[kind]:
                seen.setdefault(p.period.key, (p.period.key, p.period.label, p.complete))
        out[kind] = sorted(seen.values(), reverse=True)
    return out


def by_key(periods: Sequence[PeriodReport]) -> dict[str, PeriodReport]:
    return {p.period.key: p for p in periods}
