"""/api/uptime.json: the uptime reports as data, and /api/uptime.schema.json, its schema.

The figures are those of the report pages (``compute.reports``), with every second that
went into them, so a reader can check a percentage without trusting the page: uptime =
100 x (1 - downtime_weighted / covered). The schema ships with the package and is
published beside the document, which names it in ``$schema``.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from mkstatus.compute.latency import Latency
from mkstatus.compute.reports import Budget, ComponentReport, PeriodReport, Reports, WorstDay
from mkstatus.compute.site import Site
from mkstatus.compute.uptime import WEIGHTS
from mkstatus.model import ComponentStatus
from mkstatus.render import urls
from mkstatus.render.api import dumps
from mkstatus.times import iso_utc

Json = dict[str, Any]
KIND_KEYS = {"month": "months", "quarter": "quarters", "year": "years"}
BUDGET_RULE = ("allowed = (100 - target) / 100 x (covered seconds of the period so far + "
               "seconds of the period still to come); used = weighted downtime so far; "
               "left = allowed - used")


def schema_text() -> str:
    return resources.files("mkstatus.render").joinpath("schemas", "uptime.schema.json"
                                                       ).read_text(encoding="utf-8")


def render_uptime_json(site: Site) -> list[tuple[str, str]]:
    reports: Reports | None = site.extras.get("reports")
    if reports is None:
        return []
    return [(urls.UPTIME_JSON, dumps(uptime_document(site, reports))),
            (urls.UPTIME_SCHEMA, schema_text())]


def uptime_document(site: Site, reports: Reports) -> Json:
    config = site.config
    site_urls = urls.Urls.of(config)
    latency: dict[str, Latency] = dict(site.extras.get("latency_24h", {}))
    return {
        "$schema": site_urls.absolute(urls.UPTIME_SCHEMA),
        "page": {"name": config.site_name, "url": config.site_url,
                 "time_zone": config.zone.key},
        "generated_at": iso_utc(site.now),
        "history_start": iso_utc(reports.since),
        "method": {
            "weights": {s.code: WEIGHTS.get(s, 0.0) for s in ComponentStatus
                        if s is not ComponentStatus.OPERATIONAL},
            "missing_data": "excluded",
            "periods": f"calendar months, quarters and years in {config.zone.key}",
            "budget": BUDGET_RULE,
            "documentation": site_urls.page(urls.UPTIME, "method"),
        },
        "components": [_component(site, site_urls, reports.components[c.id],
                                  latency.get(c.id)) for c in config.components],
    }


def _component(site: Site, site_urls: urls.Urls, report: ComponentReport,
               latency: Latency | None) -> Json:
    comp = site.config.component(report.component)
    out: Json = {
        "id": comp.id, "name": comp.name, "group": comp.group, "counted": report.counted,
        "url": site_urls.page(urls.component_page(comp.id)),
        "report_url": site_urls.page(urls.component_uptime_page(comp.id)),
        "since": iso_utc(report.since) if report.since else None,
        "slo": {"target": comp.slo.target, "period": comp.slo.period} if comp.slo else None,
        "budget": _budget(report.budget) if report.budget else None,
        "worst_days": [_day(site_urls, site, d) for d in report.worst_days],
        "latency_24h": None if latency is None or latency.count == 0 else {
            "p50_ms": latency.p50, "p95_ms": latency.p95, "samples": latency.count},
    }
    for kind, key in KIND_KEYS.items():
        out[key] = [_period(p) for p in report.periods[kind]]
    return out


def _period(p: PeriodReport) -> Json:
    f = p.figures
    seconds = {"elapsed": p.elapsed, "covered": f.covered, "downtime_weighted": f.down}
    seconds |= {s.code: f.seconds(s) for s in ComponentStatus
                if s is not ComponentStatus.OPERATIONAL}
    return {
        "period": p.period.key, "label": p.period.label, "start": iso_utc(p.start),
        "end": iso_utc(p.end), "complete": p.complete,
        "uptime_percent": None if p.percent is None else round(p.percent, 6),
        "coverage_percent": round(100 * p.coverage, 6),
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
    }


def _budget(b: Budget) -> Json:
    return {"period": b.report.period.key, "allowed_seconds": round(b.allowed, 3),
            "used_seconds": round(b.used, 3), "left_seconds": round(b.left, 3),
            "exhausted": b.exhausted}


def _day(site_urls: urls.Urls, site: Site, d: WorstDay) -> Json:
    return {
        "date": d.day.isoformat(),
        "uptime_percent": round(d.figures.percent or 0.0, 6),
        "downtime_seconds": round(d.figures.down, 3),
        "incidents": [{"id": iid, "name": title,
                       "url": site_urls.page(urls.incident_page(iid))}
                      for iid, title in d.incidents],
        "detected_by_probes": d.detected,
    }
