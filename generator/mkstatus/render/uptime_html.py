"""Uptime bars, percentages, response-time charts and probe notes as small HTML snippets.

The markup is in ``templates/uptime.html.j2`` (Jinja, autoescaped, like the pages); this
module computes what it shows: per-day classes, the chart's geometry, the notes.
Everything is plain HTML and inline SVG: readable with JavaScript off and on any host.
Status is never shown by colour alone: each day's bar has a title with its date,
percentage and incidents, bars with trouble are also shorter, the legend names every
colour, and the percentages are text. Colours come from CSS variables
(``assets/uptime.css``) so both Material palettes stay readable.

The home page carries 90 bars for every component, so the markup per bar is kept to one
short link (about 90 bytes before compression; the home page of the demo gains about
5 KB gzipped for its 7 components). Each bar links to its day's row on the component page,
where the day-by-day table says what the title says, and more (see ``Bars``).
The output is the ``extra`` mapping that ``PageRenderer`` accepts.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from mkstatus.compute.latency import Latency, hourly_latency
from mkstatus.compute.site import Site
from mkstatus.compute.status import ProbeVerdict
from mkstatus.compute.uptime import DETECTED, REPORTED, ComponentUptime, DayUptime, LatencyDay
from mkstatus.i18n import N_, Translator, translator
from mkstatus.model import ComponentStatus
from mkstatus.render import urls
from mkstatus.render.hourly_chart import hourly_geometry
from mkstatus.render.pages import bdi
from mkstatus.render.reuse import BYTECODE
from mkstatus.render.upstream import upstream_note, upstream_of
from mkstatus.render.verdicts import verdict_text
from mkstatus.samples.model import Sample

BAR_CLASS = {None: "n", ComponentStatus.OPERATIONAL: "", ComponentStatus.UNDER_MAINTENANCE: "m",
             ComponentStatus.DEGRADED_PERFORMANCE: "d", ComponentStatus.PARTIAL_OUTAGE: "p",
             ComponentStatus.MAJOR_OUTAGE: "x"}
LEGEND = (("", N_("No downtime")), ("m", N_("Maintenance")), ("d", N_("Degraded")),
          ("p", N_("Partial outage")), ("x", N_("Major outage")), ("n", N_("No data")))
# Notes of a day that compute.uptime writes itself (the others are incident titles).
AUTOMATIC_NOTES = frozenset((*DETECTED, *REPORTED))
CHART_W, CHART_H, LEFT, RIGHT, TOP, BOTTOM = 640, 190, 56, 8, 10, 30
DAYS_ANCHOR = "days"  # the day-by-day table of a component page


def uptime_text(value: float | None, tr: Translator | None = None) -> str:
    """"99.84% uptime", or plainly "no uptime data yet" (never "no data uptime")."""
    _ = (tr or translator()).gettext
    if value is None:
        return _("no uptime data yet")
    return _("%(percent)s uptime") % {"percent": fmt_pct(value, tr)}


def fmt_pct(value: float | None, tr: Translator | None = None) -> str:
    """Two decimals, never rounding a day with downtime up to 100%; in the language of
    ``tr`` (``99,84\u00a0%``), English without one (the badges)."""
    tr = tr or translator()
    if value is None:
        return tr.gettext("no data")
    if value >= 100:
        return tr.percent(100, 0)
    return tr.percent(min(math.floor(value * 100) / 100, 99.99), 2)


def coverage_pct(share: float, tr: Translator | None = None) -> str:
    """The share of a period with data; "99.9%" rather than a rounded-up "100%", and
    "<0.1%" rather than a "0.0%" that would deny the data the figure comes from."""
    tr = tr or translator()
    if share >= 1:
        return tr.percent(100, 0)
    if 0 < share < 0.001:
        return "<" + tr.percent(0.1, 1)
    return tr.percent(min(math.floor(share * 1000) / 10, 99.9), 1)


def coverage_note(share: float | None, what: str = "the period",
                  tr: Translator | None = None) -> str:
    """" (data for 0.1% of the period)" beside a percentage that does not cover all of it:
    a fresh site's "70.00%" after a few minutes of trouble must say so."""
    if share is None or share >= 1:
        return ""
    _ = (tr or translator()).gettext
    if what == "them":
        text = _("data for %(percent)s of them")
    else:
        text = _("data for %(percent)s of the period")
    return " (" + text % {"percent": coverage_pct(share, tr)} + ")"


def page_extra(site: Site) -> dict[str, Any]:
    """The ``extra`` for ``PageRenderer``: notes and HTML per component."""
    uptime: dict[str, ComponentUptime] = dict(site.extras.get("uptime", {}))
    certs: dict[str, datetime] = dict(site.extras.get("cert_expiry", {}))
    notes: dict[str, str] = {}
    page: dict[str, Callable[[], Markup]] = {}
    home: dict[str, str] = {}
    last = site.config.components[-1].id if site.config.components else None
    tr = translator(site.config.language)
    site_urls = urls.Urls.of(site.config)
    from_home = site_urls.links_from(urls.HOME)
    recent: dict[str, list[Sample]] = {}
    for sample in site.extras.get("recent_samples", ()):  # one pass, not one per component
        recent.setdefault(sample.component, []).append(sample)
    for comp in site.config.components:
        verdict = site.probes.get(comp.id)
        if verdict is not None:  # its detail in the page's language
            verdict = replace(verdict, detail=verdict_text(verdict, site.now, site.config.zone,
                                                           tr))
        note = probe_note(verdict, site.states[comp.id].in_maintenance, tr) if verdict else ""
        if verdict and (vendor := upstream_of(comp)) is not None:
            note = upstream_note(verdict, vendor, tr)
        if note:
            notes[comp.id] = note
        figures = uptime.get(comp.id)
        if figures is None:
            continue
        home[comp.id] = bars_html(comp.name, figures, compact=True, tr=tr,
                                  page=from_home.component(comp.id)) + (
            legend_html(tr) if comp.id == last else "")
        here = site_urls.links_from(urls.component_page(comp.id))
        page[comp.id] = partial(component_html, site, comp.id, comp.name, figures,
                                certs.get(comp.id), here.incident,
                                hourly_latency(recent.get(comp.id, ()), site.now))
    return {"probe_notes": notes, "component_html": WhenAsked(page),
            "home_component_html": home}


class WhenAsked(Mapping[str, Markup]):
    """Each component's section, rendered when its page is and not kept: its day-by-day
    table links every incident of every day, and at 10,000 incidents the twenty
    sections held from the start of a build were 18 MB of its peak memory."""

    def __init__(self, make: dict[str, Callable[[], Markup]]) -> None:
        self._make = make

    def __getitem__(self, key: str) -> Markup:
        return self._make[key]()

    def __iter__(self) -> Iterator[str]:
        return iter(self._make)

    def __len__(self) -> int:
        return len(self._make)


def probe_note(verdict: ProbeVerdict, in_maintenance: bool,
               tr: Translator | None = None) -> str:
    """Plain text (the template escapes it): trouble, staleness, or nothing when all is well."""
    _ = (tr or translator()).gettext
    if verdict.status is None:
        return _("Probes: %(detail)s; status from incident reports only.") % {
            "detail": verdict.detail}
    if verdict.status > ComponentStatus.OPERATIONAL:
        if in_maintenance:
            return _("Detected automatically: %(detail)s (inside a maintenance window).") % {
                "detail": verdict.detail}
        return _("Detected automatically: %(detail)s.") % {"detail": verdict.detail}
    return ""


@dataclass(frozen=True, slots=True)
class Bars:
    """What the daily bars show: per day, its class (colour and height), its title and
    the link to its row of the day-by-day table (``#d2026-11-03`` on the component page).

    On the component page the bars are links in the tab order (with a link to skip them);
    on the home page, 90 bars for each component would be hundreds of tab stops, so there
    they are for pointers and touch only (``tabindex=-1``, hidden from screen readers,
    who get the same summary as text), and the uptime figure under them links keyboard
    and screen reader users to the component's day-by-day table."""

    days: list[tuple[str, str, str]]  # class, title, link
    total: str  # the uptime over as many days as there are bars (else the longest window)
    trouble: int  # days with incidents or detected problems
    grey: int  # days without data
    note: str = ""  # " (data for 4.1% of them)" when the total's window lacks data
    table: str = DAYS_ANCHOR  # the link to the day-by-day table
    focusable: bool = True  # the bars are in the tab order (the component page)

    @classmethod
    def of(cls, figures: ComponentUptime, tr: Translator | None = None, page: str = "",
           focusable: bool = True) -> Bars:
        """``page``: the link to the component page (empty: the bars are on it)."""
        tr = tr or translator()
        days = figures.days
        labels = [label for label, _ in figures.windows]
        wanted = f"{len(days)} days"
        index = labels.index(wanted) if wanted in labels else len(labels) - 1
        share = figures.coverage[index] if figures.coverage else None
        return cls(days=[(BAR_CLASS[d.worst if d.percent is not None else None],
                          _title(d, tr), f"{page}#{day_anchor(d.day)}") for d in days],
                   total=uptime_text(figures.windows[index][1], tr),
                   trouble=sum(1 for d in days if d.notes),
                   grey=sum(1 for d in days if d.percent is None),
                   note=coverage_note(share, "them", tr), table=f"{page}#{DAYS_ANCHOR}",
                   focusable=focusable)


def day_anchor(day: date) -> str:
    """The id of a day's row on the component page: ``d2026-11-03``."""
    return f"d{day.isoformat()}"


@dataclass(frozen=True, slots=True)
class DayRow:
    """One row of the day-by-day table: what a bar's title said, and more."""

    anchor: str
    day: str
    uptime: str
    downtime: str
    latency: str  # "140 / 210 ms" (p50 / p95 of the UTC day), or ""
    incidents: Markup  # the day's incident links, "; " between them
    notes: list[str]  # what the probes saw
    note: str = ""  # "(data for 41.6% of the period)" when the day lacks data


def day_rows(figures: ComponentUptime, incident_link: Callable[[str], str],
             tr: Translator) -> list[DayRow]:
    """Every day of the bars, newest first."""
    latency = {x.day: x for x in figures.latency}
    # An incident that lasts days is linked from each of them: its link is made once.
    # With ten thousand incidents, looping over the links in the template was most of
    # the component pages' own HTML.
    anchors: dict[tuple[str, str], Markup] = {}

    def anchor(incident: tuple[str, str]) -> Markup:
        if incident not in anchors:
            iid, title = incident
            anchors[incident] = render("incident_link", title, incident_link(iid), tr=tr)
        return anchors[incident]

    rows = []
    for d in reversed(figures.days):
        lat = latency.get(d.day)
        titles = {title for _, title in d.incidents}
        rows.append(DayRow(
            anchor=day_anchor(d.day), day=d.day.isoformat(), uptime=fmt_pct(d.percent, tr),
            note=coverage_note(d.coverage if d.percent is not None else None,
                               tr=tr).strip(),
            downtime=tr.duration(timedelta(seconds=d.down)) if d.percent is not None else "",
            latency=f"{tr.decimal(lat.p50, 0)} / {tr.decimal(lat.p95, 0)} ms" if lat else "",
            # Every part is Markup already: joined as text, not escaped once more each.
            incidents=Markup("; ".join(map(anchor, d.incidents))),
            notes=[n for n in day_notes(d, tr) if n not in titles]))
    return rows


def day_notes(d: DayUptime, tr: Translator) -> list[str]:
    """A day's notes as shown: incident titles as written, our own notes translated."""
    return [tr.gettext(n) if n in AUTOMATIC_NOTES else n for n in d.notes]


# A bar's title names at most this many of its day's incidents and notes, then how many
# more: the day's row on the component page lists them all. A busy day of a large site
# has dozens, and in full on 90 bars of every component they made the home page of the
# 10,000-incident benchmark 2.5 MB, and a tooltip nobody can read.
TITLE_NOTES = 3


def _title(d: DayUptime, tr: Translator) -> str:
    text = f"{d.day.isoformat()}: {fmt_pct(d.percent, tr)}"
    if d.percent is not None:
        text += coverage_note(d.coverage, tr=tr)
    if not d.notes:
        return text
    notes = day_notes(d, tr)
    if len(notes) > TITLE_NOTES + 1:  # "1 more" would take the room of the note itself
        more = len(notes) - TITLE_NOTES
        notes = notes[:TITLE_NOTES] + [tr.ngettext("%(count)s more", "%(count)s more",
                                                   more) % {"count": more}]
    return text + " — " + "; ".join(notes)


def _environment(tr: Translator) -> Environment:
    """The snippets' own environment: only the language depends on the site, and what
    they make is cleaned of control characters where the pages show it (``pages``)."""
    env = Environment(loader=PackageLoader("mkstatus.render", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined,
                      bytecode_cache=BYTECODE, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(tr.catalog, newstyle=True)  # type: ignore[attr-defined]  # added by the i18n extension
    env.filters.update(pct=lambda value: fmt_pct(value, tr), bdi=bdi,
                       coverage_note=lambda share, what: coverage_note(share, what, tr),
                       notes=lambda d: day_notes(d, tr),
                       num=lambda value: tr.decimal(value, 0))
    env.globals["LEGEND"] = [(cls, tr.gettext(label)) for cls, label in LEGEND]
    # Right to left, time runs from right to left: the bars do so by themselves (a flex
    # row follows the page's direction); the charts are mirrored, their plot by a
    # transform and their labels' x by ``mx`` (the anchors, `start` and `end`, already
    # follow the direction).
    rtl = tr.direction == "rtl"
    env.globals["rtl"] = rtl
    env.filters["mx"] = (lambda x, width: f"{width - float(x):g}") if rtl else (
        lambda x, width: x)
    return env


@functools.cache
def _macros(language: str) -> Any:
    """The template's macros per language, loaded on first use (not on import)."""
    return _environment(translator(language)).get_template("uptime.html.j2").module


def render(macro: str, *args: Any, tr: Translator | None = None) -> Markup:
    """Call one macro of ``templates/uptime.html.j2``."""
    return Markup(getattr(_macros((tr or translator()).language), macro)(*args))


def bars_html(name: str, figures: ComponentUptime, *, compact: bool,
              tr: Translator | None = None, page: str = "") -> Markup:
    """One bar per day, each a link to its row of the component page's day-by-day table
    (``page`` is the link to that page; empty on it), and a one-line text summary for
    everyone. Compact bars (the home page) are not in the tab order."""
    return render("bars", name, Bars.of(figures, tr, page, focusable=not compact), compact,
                  tr=tr)


def legend_html(tr: Translator | None = None) -> Markup:
    return render("legend", tr=tr)


def component_html(site: Site, cid: str, name: str, figures: ComponentUptime,
                   cert_expiry: datetime | None,
                   incident_link: Callable[[str], str] | None = None,
                   hourly: Sequence[Latency] = ()) -> Markup:
    """Uptime windows, bars, the day-by-day table, the hourly (48 h) and daily response
    time charts; ``incident_link`` makes the link to an incident page from this page."""
    tr = translator(site.config.language)
    cert = None
    if cert_expiry is not None:
        cert = {"when": tr.time(cert_expiry, site.config.zone),
                "days": max(0, (cert_expiry - site.now) // timedelta(days=1))}
    chart = chart_geometry(cid, figures.latency, figures.days[0].day,
                           figures.days[-1].day) if figures.latency else None
    hours = hourly_geometry(cid, hourly, site.config.zone, tr) if any(
        h.p95 is not None for h in hourly) else None
    rows = day_rows(figures, incident_link or (lambda iid: f"../../incidents/{iid}/"), tr)
    return render("component", name, figures, Bars.of(figures, tr), rows, cert, chart, hours,
                  tr=tr)


def _nice_ceiling(value: int) -> int:
    """1, 2 or 5 times a power of ten, so axis labels are round numbers."""
    if value <= 0:
        return 1
    power = 10 ** int(math.floor(math.log10(value)))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value)


Point = str  # "x,y", as SVG's points attribute lists them


@dataclass(frozen=True, slots=True)
class Chart:
    """What the response-time chart draws, in SVG user units (numbers as written)."""

    cid: str
    first: date
    last: date
    latest: LatencyDay
    worst: LatencyDay  # the day with the highest p95
    grid: list[tuple[str, str, int]]  # y of a grid line, y of its label, its milliseconds
    series: list[tuple[str, list[list[Point]]]]  # p95 then p50: runs of consecutive days
    width: int = CHART_W
    height: int = CHART_H
    left: int = LEFT
    right: int = CHART_W - RIGHT
    base: int = TOP + (CHART_H - TOP - BOTTOM) + 18  # the date labels' baseline


def chart_geometry(cid: str, latency: Sequence[LatencyDay], first: date, last: date) -> Chart:
    """Daily p50 and p95 from ``first`` to ``last``; a gap of a day or more breaks a line."""
    span = max((last - first).days, 1)
    top = _nice_ceiling(max(x.p95 for x in latency))
    plot_w, plot_h = CHART_W - LEFT - RIGHT, CHART_H - TOP - BOTTOM

    def xy(day: date, ms: int) -> Point:
        x, y = LEFT + plot_w * (day - first).days / span, TOP + plot_h * (1 - ms / top)
        return f"{x:.1f},{y:.1f}"

    def runs(attr: str) -> list[list[Point]]:
        out: list[list[Point]] = []
        prev = None
        for x in latency:
            if x.day < first:
                continue
            if prev is None or (x.day - prev).days > 1:
                out.append([])
            out[-1].append(xy(x.day, getattr(x, attr)))
            prev = x.day
        return out

    grid = [(f"{TOP + plot_h * (1 - f):.1f}", f"{TOP + plot_h * (1 - f) + 4:.1f}",
             round(top * f)) for f in (0, 0.5, 1)]
    return Chart(cid=cid, first=first, last=last, latest=latency[-1],
                 worst=max(latency, key=lambda x: (x.p95, x.day)), grid=grid,
                 series=[("p95", runs("p95")), ("p50", runs("p50"))])
