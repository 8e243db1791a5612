"""Uptime bars, percentages, response-time charts and probe notes as small HTML snippets.

Everything is plain HTML and inline SVG: readable with JavaScript off and on any host.
Status is never shown by colour alone: each day's bar has a title with its date,
percentage and incidents, bars with trouble are also shorter, the legend names every
colour, and the percentages are text. Colours come from CSS variables
(``assets/uptime.css``) so both Material palettes stay readable.

The home page carries 90 bars for every component, so the markup per bar is kept to one
short ``<span>`` (about 40 bytes; a page with 6 components stays a few KB gzipped).
The output is the ``extra`` mapping that ``PageRenderer`` accepts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape
from typing import Any

from mkstatus.compute.site import Site
from mkstatus.compute.status import ProbeVerdict
from mkstatus.compute.uptime import ComponentUptime, DayUptime, LatencyDay
from mkstatus.model import ComponentStatus
from mkstatus.times import show

BAR_CLASS = {None: "n", ComponentStatus.OPERATIONAL: "", ComponentStatus.UNDER_MAINTENANCE: "m",
             ComponentStatus.DEGRADED_PERFORMANCE: "d", ComponentStatus.PARTIAL_OUTAGE: "p",
             ComponentStatus.MAJOR_OUTAGE: "x"}
LEGEND = (("", "No downtime"), ("m", "Maintenance"), ("d", "Degraded"),
          ("p", "Partial outage"), ("x", "Major outage"), ("n", "No data"))
CHART_W, CHART_H, LEFT, RIGHT, TOP, BOTTOM = 640, 190, 56, 8, 10, 30


def uptime_text(value: float | None) -> str:
    """"99.84% uptime", or plainly "no uptime data yet" (never "no data uptime")."""
    return "no uptime data yet" if value is None else f"{fmt_pct(value)} uptime"


def fmt_pct(value: float | None) -> str:
    """Two decimals, never rounding a day with downtime up to 100%."""
    if value is None:
        return "no data"
    if value >= 100:
        return "100%"
    return f"{min(math.floor(value * 100) / 100, 99.99):.2f}%"


def page_extra(site: Site) -> dict[str, Any]:
    """The ``extra`` for ``PageRenderer``: notes and HTML per component."""
    uptime: dict[str, ComponentUptime] = dict(site.extras.get("uptime", {}))
    certs: dict[str, datetime] = dict(site.extras.get("cert_expiry", {}))
    notes: dict[str, str] = {}
    page: dict[str, str] = {}
    home: dict[str, str] = {}
    last = site.config.components[-1].id if site.config.components else None
    for comp in site.config.components:
        verdict = site.probes.get(comp.id)
        note = probe_note(verdict, site.states[comp.id].in_maintenance) if verdict else ""
        if note:
            notes[comp.id] = note
        figures = uptime.get(comp.id)
        if figures is None:
            continue
        home[comp.id] = bars_html(comp.name, figures, compact=True) + (
            legend_html() if comp.id == last else "")
        page[comp.id] = component_html(site, comp.id, comp.name, figures, certs.get(comp.id))
    return {"probe_notes": notes, "component_html": page, "home_component_html": home}


def probe_note(verdict: ProbeVerdict, in_maintenance: bool) -> str:
    """Plain text (the template escapes it): trouble, staleness, or nothing when all is well."""
    if verdict.status is None:
        return f"Probes: {verdict.detail}; status from incident reports only."
    if verdict.status > ComponentStatus.OPERATIONAL:
        where = " (inside a maintenance window)" if in_maintenance else ""
        return f"Detected automatically: {verdict.detail}{where}."
    return ""


def _day_title(d: DayUptime) -> str:
    text = f"{d.day.isoformat()}: {fmt_pct(d.percent)}"
    return text + (" — " + "; ".join(d.notes) if d.notes else "")


def bars_html(name: str, figures: ComponentUptime, *, compact: bool) -> str:
    """One bar per day with a per-day title, and a one-line text summary for everyone."""
    days = figures.days
    spans = []
    for d in days:
        cls = BAR_CLASS[d.worst if d.percent is not None else None]
        attr = f' class="{cls}"' if cls else ""
        spans.append(f'<span{attr} title="{escape(_day_title(d), quote=True)}"></span>')
    trouble = sum(1 for d in days if d.notes)
    grey = sum(1 for d in days if d.percent is None)
    total = dict(figures.windows).get(f"{len(days)} days", figures.windows[-1][1])
    summary = (f"{name}: {uptime_text(total)} over the past {len(days)} days; "
               f"{trouble} day(s) with incidents or detected problems"
               + (f", {grey} day(s) without data" if grey else "") + ".")
    size = " mks-bars-small" if compact else ""
    return (f'<div class="mks-uptime{size}"><div class="mks-bars" role="img" '
            f'aria-label="{escape(summary, quote=True)}">{"".join(spans)}</div>'
            f'<p class="mks-bars-axis"><span>{len(days)} days ago</span>'
            f'<span>{uptime_text(total)}</span><span>Today</span></p></div>')


def legend_html() -> str:
    items = "".join(f'<li><span class="mks-swatch {cls}" aria-hidden="true"></span>{label}</li>'
                    for cls, label in LEGEND)
    return f'<ul class="mks-legend" aria-label="Legend of the daily bars">{items}</ul>'


def component_html(site: Site, cid: str, name: str, figures: ComponentUptime,
                   cert_expiry: datetime | None) -> str:
    """Uptime windows, bars, response-time chart and a table of the days with trouble."""
    parts = ['<div class="mks-probe">']
    if cert_expiry is not None:
        left = max(0, (cert_expiry - site.now) // timedelta(days=1))
        parts.append(f'<p class="mks-tls-warning"><strong>Certificate expiring:</strong> '
                     f"the TLS certificate expires {escape(show(cert_expiry, site.config.zone))}"
                     f" (in {left} day{'s' if left != 1 else ''}).</p>")
    parts.append('<h2 id="uptime">Uptime</h2>')
    parts.append('<dl class="mks-windows">' + "".join(
        f"<div><dt>{label}</dt><dd>{fmt_pct(value)}</dd></div>"
        for label, value in figures.windows) + "</dl>")
    parts.append(bars_html(name, figures, compact=False) + legend_html())
    parts.append(_trouble_table(figures.days))
    if figures.latency:
        parts.append('<h2 id="response-time">Response time</h2>')
        parts.append(latency_svg(cid, name, figures.latency, figures.days[0].day,
                                 figures.days[-1].day))
    parts.append("</div>")
    return "\n".join(parts)


def _trouble_table(days: Sequence[DayUptime]) -> str:
    rows = [d for d in reversed(days) if d.notes or (d.percent is not None and d.percent < 100)]
    if not rows:
        return ""
    body = "".join(f"<tr><td>{d.day.isoformat()}</td><td>{fmt_pct(d.percent)}</td>"
                   f"<td>{escape('; '.join(d.notes))}</td></tr>" for d in rows)
    return ('<details class="mks-trouble"><summary>Days with incidents or downtime '
            f'({len(rows)})</summary><table><thead><tr><th>Day</th><th>Uptime</th>'
            f"<th>What happened</th></tr></thead><tbody>{body}</tbody></table></details>")


def _nice_ceiling(value: int) -> int:
    """1, 2 or 5 times a power of ten, so axis labels are round numbers."""
    if value <= 0:
        return 1
    power = 10 ** int(math.floor(math.log10(value)))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value)


def latency_svg(cid: str, name: str, latency: Sequence[LatencyDay], first: Any, last: Any) -> str:
    """Daily p50 (solid) and p95 (dashed) as an accessible inline SVG line chart."""
    span = max((last - first).days, 1)
    top = _nice_ceiling(max(x.p95 for x in latency))
    plot_w, plot_h = CHART_W - LEFT - RIGHT, CHART_H - TOP - BOTTOM

    def xy(day: Any, ms: int) -> str:
        x = LEFT + plot_w * (day - first).days / span
        return f"{x:.1f},{TOP + plot_h * (1 - ms / top):.1f}"

    def lines(attr: str) -> str:
        runs: list[list[str]] = []
        prev = None
        for x in latency:
            if x.day < first:
                continue
            if prev is None or (x.day - prev).days > 1:
                runs.append([])
            runs[-1].append(xy(x.day, getattr(x, attr)))
            prev = x.day
        return "".join(f'<polyline class="mks-{attr}" points="{" ".join(r)}"/>'
                       if len(r) > 1 else f'<circle class="mks-{attr}" r="2" '
                       f'cx="{r[0].split(",")[0]}" cy="{r[0].split(",")[1]}"/>' for r in runs)

    grid = "".join(
        f'<line x1="{LEFT}" x2="{CHART_W - RIGHT}" y1="{TOP + plot_h * (1 - f):.1f}" '
        f'y2="{TOP + plot_h * (1 - f):.1f}"/><text x="{LEFT - 6}" '
        f'y="{TOP + plot_h * (1 - f) + 4:.1f}" text-anchor="end">{round(top * f)} ms</text>'
        for f in (0, 0.5, 1))
    worst = max(latency, key=lambda x: (x.p95, x.day))
    latest = latency[-1]
    desc = (f"Median (p50, solid line) and 95th percentile (p95, dashed line) of successful "
            f"probe responses per UTC day, {first.isoformat()} to {last.isoformat()}. "
            f"Latest day {latest.day.isoformat()}: p50 {latest.p50} ms, p95 {latest.p95} ms. "
            f"Highest p95: {worst.p95} ms on {worst.day.isoformat()}.")
    uid = f"mks-rt-{cid}"
    base = TOP + plot_h + 18
    return (f'<figure class="mks-chart"><svg viewBox="0 0 {CHART_W} {CHART_H}" role="img" '
            f'aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{uid}-t">Response time of {escape(name)}, daily</title>'
            f'<desc id="{uid}-d">{escape(desc)}</desc><g class="mks-grid">{grid}'
            f'<text x="{LEFT}" y="{base}">{first.isoformat()}</text>'
            f'<text x="{CHART_W - RIGHT}" y="{base}" text-anchor="end">{last.isoformat()}'
            f'</text></g>{lines("p95")}{lines("p50")}</svg>'
            '<figcaption><span class="mks-key mks-key-p50" aria-hidden="true"></span>p50 '
            '(median) <span class="mks-key mks-key-p95" aria-hidden="true"></span>p95, '
            'milliseconds per UTC day</figcaption></figure>')
