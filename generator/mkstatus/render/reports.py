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

from mkstatus.compute.reports import (
    PERIOD_KINDS,
    Budget,
    Period,
    PeriodReport,
    Reports,
    WorstDay,
)
from mkstatus.compute.site import Site
from mkstatus.compute.uptime import WEIGHTS
from mkstatus.i18n import N_, Translator, translator
from mkstatus.model import ComponentStatus, Slo
from mkstatus.render import urls
from mkstatus.render.pages import GeneratedPage
from mkstatus.render.upstream import upstream_of
from mkstatus.render.uptime_html import coverage_pct
from mkstatus.text import clean

KIND_TITLES = {"month": N_("By month"), "quarter": N_("By quarter"), "year": N_("By year")}
# "99.9% per month": the objective of an `slo:`, by its period.
SLO_TEXT = {"month": N_("%(target)s per month"), "quarter": N_("%(target)s per quarter"),
            "year": N_("%(target)s per year")}
OBJECTIVE_TEXT = {"month": N_("%(target)s uptime per month"),
                  "quarter": N_("%(target)s uptime per quarter"),
                  "year": N_("%(target)s uptime per year")}
STATUS_WORDS = ((ComponentStatus.MAJOR_OUTAGE, N_("major outage")),
                (ComponentStatus.PARTIAL_OUTAGE, N_("partial outage")),
                (ComponentStatus.DEGRADED_PERFORMANCE, N_("degraded")),
                (ComponentStatus.UNDER_MAINTENANCE, N_("maintenance")))
WEIGHT_ROWS = tuple((word, WEIGHTS.get(status, 0.0)) for status, word in STATUS_WORDS)


def report_pct(value: float | None, tr: Translator | None = None) -> str:
    """Three decimals, rounded down, so a period with any downtime never reads 100%."""
    tr = tr or translator()
    if value is None:
        return tr.gettext("no data")
    if value >= 100:
        return tr.percent(100, 0)
    return tr.percent(min(math.floor(value * 1000) / 1000, 99.999), 3)


def seconds_text(seconds: float, tr: Translator | None = None) -> str:
    """1 d 2 h 3 min 4 s; whole seconds, at least "0 s" (in the locale's units)."""
    return (tr or translator()).span(seconds)


def period_label(period: Period, tr: Translator | None = None, heading: bool = True) -> str:
    """November 2026, Q4 2026, 2026, in the reader's language (``Novembre 2026`` in a
    table, ``novembre 2026`` in a sentence, ``T4 2026``, ``2026年``)."""
    tr = tr or translator()
    if period.kind == "month":
        return tr.month(period.first.year, period.first.month, heading)
    if period.kind == "quarter":
        return tr.quarter(period.first)
    return tr.year(period.first)


def slo_text(slo: Slo, tr: Translator | None = None) -> str:
    tr = tr or translator()
    return tr.gettext(SLO_TEXT[slo.period]) % {"target": tr.percent(slo.target)}


def status_time(report: PeriodReport | WorstDay, tr: Translator | None = None) -> str:
    """The unweighted time in each troubled status: "major outage 2 h; degraded 5 min"."""
    tr = tr or translator()
    figures = report.figures
    parts = [f"{tr.gettext(word)} {seconds_text(figures.seconds(status), tr)}"
             for status, word in STATUS_WORDS if figures.seconds(status) >= 0.5]
    return "; ".join(parts) or tr.pgettext("time in each status", "none")


def budget_words(budget: Budget, tr: Translator | None = None) -> dict[str, str]:
    tr = tr or translator()
    report = budget.report
    to_come = max(0.0, (report.end - report.until).total_seconds())
    return {
        "allowed": seconds_text(budget.allowed, tr),
        "used": seconds_text(budget.used, tr),
        "left": seconds_text(budget.left, tr),
        "basis": seconds_text(report.figures.covered + to_come, tr),
        "covered": seconds_text(report.figures.covered, tr),
        "to_come": seconds_text(to_come, tr),
        "share": tr.percent(min(100.0, 100 * budget.used / budget.allowed), 0)
        if budget.allowed > 0 else tr.pgettext("share of the budget", "all"),
        "target": tr.percent(budget.slo.target),
        "margin": tr.percent(100 - budget.slo.target),  # :g is :.6g
        "period": period_label(report.period, tr, heading=False),
        "objective_uptime": tr.gettext(OBJECTIVE_TEXT[budget.slo.period]) % {
            "target": tr.percent(budget.slo.target)},
    }


def render_report_pages(site: Site, env: Environment, site_urls: urls.Urls
                        ) -> list[tuple[str, GeneratedPage]]:
    reports: Reports | None = site.extras.get("reports")
    if reports is None:
        return []
    tr = translator(site.config.language)
    env.filters.update(pct=lambda value: report_pct(value, tr),
                       cov=lambda share: coverage_pct(share, tr), num=tr.decimal,
                       secs=lambda seconds: seconds_text(seconds, tr),
                       status_time=lambda report: status_time(report, tr),
                       period=lambda period: period_label(period, tr),
                       inline_period=lambda period: period_label(period, tr, heading=False),
                       objective=lambda slo: slo_text(slo, tr))
    env.globals["by_key"] = by_key
    common = dict(now=site.now, ind=site.indicator, reports=reports, kinds=PERIOD_KINDS,
                  kind_titles={k: tr.gettext(v) for k, v in KIND_TITLES.items()},
                  weights=[(tr.gettext(word), weight) for word, weight in WEIGHT_ROWS],
                  zone_name=site.config.zone.key, seen_by=_seen_by(site, tr),
                  names={c.id: c.name for c in site.config.components})
    budgeted = [c for c in site.config.components if reports.components[c.id].budget]
    pages = [(urls.UPTIME, GeneratedPage(
        {"title": tr.gettext("Uptime reports"), "hide": ["toc"]},
        env.get_template("uptime.md.j2").render(
            links=site_urls.links_from(urls.UPTIME), groups=site.config.groups,
            columns=_columns(reports, tr), budgeted=budgeted, **common)))]
    template = env.get_template("component_uptime.md.j2")
    for comp in site.config.components:
        path = urls.component_uptime_page(comp.id)
        report = reports.components[comp.id]
        body = template.render(
            links=site_urls.links_from(path), c=comp, r=report, state=site.states[comp.id],
            budget=report.budget,
            words=budget_words(report.budget, tr) if report.budget else {},
            **common)
        title = html.escape(clean(tr.gettext("%(name)s: uptime report") % {"name": comp.name}),
                            quote=True)
        pages.append((path, GeneratedPage({"title": title}, body)))
    return pages


def _seen_by(site: Site, tr: Translator) -> dict[str, str]:
    """Who saw a worst day's trouble when no incident was declared: our probes, or the
    vendor's status page of an upstream service."""
    out = {}
    for comp in site.config.components:
        vendor = upstream_of(comp)
        out[comp.id] = (tr.gettext("reported by %(host)s") % {"host": vendor.host} if vendor
                        else tr.gettext("detected by our probes"))
    return out


def _columns(reports: Reports, tr: Translator) -> dict[str, list[tuple[str, str, bool]]]:
    """Per kind, the periods of the site's table, newest first: (key, label, complete)."""
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for kind in PERIOD_KINDS:
        seen: dict[str, tuple[str, str, bool]] = {}
        for report in reports.components.values():
            for p in report.periods[kind]:
                seen.setdefault(p.period.key, (p.period.key, period_label(p.period, tr),
                                               p.complete))
        out[kind] = sorted(seen.values(), reverse=True)
    return out


def by_key(periods: Sequence[PeriodReport]) -> dict[str, PeriodReport]:
    return {p.period.key: p for p in periods}
