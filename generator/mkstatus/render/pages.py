"""The pages of the site: home, one per incident, history, one per component.

Each page is its metadata for the theme (title, hidden parts), handed over as data, and a
finished HTML body: every value we interpolate is HTML-escaped by Jinja2's autoescape,
and incident Markdown (summaries, messages, postmortems) is converted here with the
site's own Markdown extensions, then sanitized (``sanitize``) unless the site allows raw
HTML. MkDocs then only wraps the body in the theme:
re-parsing thousands of HTML blocks through Python-Markdown cost more than the rest of
the build. Page titles are escaped too, because Material prints `page.meta.title` raw.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from mkstatus.compute.site import Site
from mkstatus.compute.status import View
from mkstatus.i18n import N_, Translator, translator
from mkstatus.model import ComponentStatus, Indicator, Kind, MaintenanceStatus, Status
from mkstatus.render import urls
from mkstatus.render.reuse import BYTECODE, CONVERSIONS
from mkstatus.render.sanitize import sanitize
from mkstatus.render.store import RenderStore, digest, site_key
from mkstatus.render.upstream import attribution, upstream_of
from mkstatus.text import clean
from mkstatus.times import iso_utc

ICONS = {"none": "✓", "maintenance": "⚙", "minor": "⚠", "major": "⚠", "critical": "✖"}
KIND_LABELS = {Kind.INCIDENT: N_("Incident"), Kind.NOTICE: N_("Notice"),
               Kind.MAINTENANCE: N_("Scheduled maintenance")}

# In a sentence or a tag: "impact: major", "maintenance".
IMPACT_WORDS = {"none": N_("none"), "minor": N_("minor"), "major": N_("major"),
                "critical": N_("critical"), "maintenance": N_("maintenance")}
KIND_WORDS = {Kind.INCIDENT: N_("incident"), Kind.NOTICE: N_("notice"),
              Kind.MAINTENANCE: N_("maintenance")}


def environment(tr: Translator) -> Environment:
    """A fresh environment per build: its filters carry the site's zone, names and
    language, and a cached one let one site's zone leak into the next site rendered in
    the process. Templates translate with Jinja's i18n extension (``{% trans %}``, ``_``)."""
    env = Environment(loader=PackageLoader("mkstatus.render", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      undefined=StrictUndefined, finalize=_finalize,
                      bytecode_cache=BYTECODE, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(tr.catalog, newstyle=True)  # type: ignore[attr-defined]  # added by the i18n extension
    env.globals.update(status_html=status_html,
                       impacts={k: tr.gettext(v) for k, v in IMPACT_WORDS.items()},
                       kinds={k.value: tr.gettext(v) for k, v in KIND_WORDS.items()})
    env.filters.update(iso=iso_utc, duration=tr.duration, slug=slug,
                       ustatus=lambda status: ustatus_html(status, tr),
                       inline=lambda label: inline_label(label, tr), bdi=bdi)
    return env


def bdi(text: str) -> Markup:
    """User text in an isolate: a U+202E or a right-to-left title cannot reorder the
    status, times and links written after it on the same line."""
    return Markup("<bdi>{}</bdi>").format(clean(text))


def inline_label(label: str, tr: Translator) -> str:
    """A status name inside a sentence ("(partial outage)"): lower case where the
    language writes it so; German keeps its nouns capitalised."""
    text = tr.gettext(label)
    return text if not tr.plain_english and tr.locale.language == "de" else text.lower()


def _finalize(value: Any) -> Any:
    """Every interpolated string loses XML-illegal control characters, wherever it lands."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return clean(value)
    return value


# Incidents listed on the history page (in whole months) and on a component page; older
# ones are on the history's month pages, so no page grows with the years.
LIST_LIMIT = 50

DEFAULT_EXTENSIONS = ("toc", "tables", "fenced_code", "admonition", "attr_list")


@dataclass(frozen=True)
class MarkdownConfig:
    """The site's Markdown settings (MkDocs' `markdown_extensions` and `mdx_configs`)."""

    extensions: tuple[Any, ...] = DEFAULT_EXTENSIONS
    configs: Mapping[str, Any] = field(default_factory=dict)

    def converter(self, sanitized: bool = False) -> Converter:
        """Markdown to HTML; ``sanitized``: through the allowlist of ``sanitize``."""
        return Converter(lambda: _markdown(self.extensions, self.configs),
                         settings=repr((self.extensions, sorted(self.configs.items()),
                                        sanitized)),
                         finish=sanitize if sanitized else None)


def _markdown(extensions: tuple[Any, ...], configs: Mapping[str, Any]) -> Any:
    """Python-Markdown, imported only by a build that converts something (a build whose
    pages all come from the render store does not)."""
    import markdown

    return markdown.Markdown(extensions=list(extensions), extension_configs=dict(configs))


class Converter:
    """Markdown to HTML, sanitized when ``finish`` is given; control characters are dropped.

    Python-Markdown's cost is mostly per call, so a page's pieces are converted in one
    call, separated by HTML comments, and split again; should a piece swallow a separator
    (an unclosed code fence), each piece is converted on its own instead. A page's
    conversion is kept for the next build in this process (``reuse``), keyed by its texts
    and the Markdown ``settings``.
    """

    def __init__(self, make_engine: Callable[[], Any], settings: str = "",
                 finish: Callable[[str], str] | None = None) -> None:
        self._make_engine = make_engine
        self._engine: Any = None
        self.settings = settings
        self.finish = finish

    @property
    def engine(self) -> Any:
        if self._engine is None:
            self._engine = self._make_engine()
        return self._engine

    def __call__(self, text: str) -> Markup:
        return CONVERSIONS.get(("page", self.settings, text), lambda: self._one(text))

    def _one(self, text: str) -> Markup:
        html_out = self.engine.reset().convert(clean(text))
        return Markup(self.finish(html_out) if self.finish else html_out)

    def many(self, texts: list[str]) -> list[Markup]:
        return list(CONVERSIONS.get(("pages", self.settings, *texts),
                                    lambda: tuple(self._many(texts))))

    def _many(self, texts: list[str]) -> list[Markup]:
        marks = [f"<!--mks-piece-{i}-->" for i in range(len(texts))]
        joined = "\n\n".join(f"{mark}\n\n{clean(text)}" for mark, text in zip(
            marks, texts, strict=True))
        html_out = self.engine.reset().convert(joined)
        parts = re.split(r"<!--mks-piece-(\d+)-->", html_out)
        numbers = [int(n) for n in parts[1::2]]
        if numbers != list(range(len(texts))):
            return [self._one(text) for text in texts]
        finish = self.finish or (lambda piece: piece)
        return [Markup(finish(part.strip())) for part in parts[2::2]]


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    """A page mkstatus finished itself: the theme's metadata as data, and the HTML body,
    held (``text``) or read when it is needed (``stored``: from the render store, see
    ``store``), so a build need not hold every page at once.

    The metadata never goes through YAML: pages once wrote `title: {{ … | tojson }}` front
    matter that the plugin read back with PyYAML, which cannot read the JSON escapes of a
    character outside the Basic Multilingual Plane, so one emoji in a title broke the build.
    """

    meta: Mapping[str, Any]
    text: str | None = None
    stored: Callable[[], str] | None = None

    @property
    def body(self) -> str:
        if self.text is not None:
            return self.text
        assert self.stored is not None
        return self.stored()

    def markdown(self) -> str:
        """The page as a Markdown file with front matter, for MkDocs' list of files and for
        the golden copies; nothing parses this front matter back."""
        head = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n"
                       for key, value in self.meta.items())
        return f"---\n{head}---\n\n{self.body}"


def _memo(func: Callable[[Any], Markup]) -> Callable[[Any], Markup]:
    """Per build: the same moments (`now` on every page) are formatted once."""
    done: dict[Any, Markup] = {}

    def cached(value: Any) -> Markup:
        if value not in done:
            done[value] = func(value)
        return done[value]

    return cached


def time_html(moment: datetime, zone: Any, tr: Translator) -> Markup:
    """An absolute time a person can read, and a machine too."""
    return Markup('<time datetime="{}">{}</time>').format(iso_utc(moment),
                                                          tr.time(moment, zone))


def promise_html(v: View, now: datetime, zone: Any, tr: Translator) -> Markup:
    """The next update an open item promised: "Next update by 10:30 NZDT", or once that
    time has passed with no newer update, "An update was due at 10:30 NZDT" (the time
    of day alone on the day of `now`)."""
    due = v.next_update
    if due is None:
        return Markup("")
    same_day = due.astimezone(zone).date() == now.astimezone(zone).date()
    shown = tr.clock(due, zone) if same_day else tr.time(due, zone)
    when = Markup('<time datetime="{}">{}</time>').format(iso_utc(due), shown)
    _ = tr.gettext
    if v.overdue(now):
        return Markup('<strong class="mks-overdue">{}</strong>').format(
            Markup(_("An update was due at %(time)s")) % {"time": when})
    return Markup('<span class="mks-promise">{}</span>').format(
        Markup(_("Next update by %(time)s")) % {"time": when})


def ustatus_html(status: Status, tr: Translator) -> Markup:
    return Markup('<span class="mks-ustatus mks-u-{}">{}</span>').format(
        status.value, tr.gettext(status.label))


def status_html(code: str, label: str) -> Markup:
    """A component status: the colour is the dot's, the meaning is the text's."""
    return Markup('<span class="mks-status mks-s-{}"><span class="mks-dot" aria-hidden="true">'
                  '</span>{}</span>').format(code, label)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def update_anchor(moment: datetime) -> str:
    return "update-" + iso_utc(moment).replace(":", "").replace("-", "")


class PageRenderer:
    """The pages of one build, set up once: incident pages can be rendered in shares
    (``generate`` spreads them over processes), the others all at once."""

    def __init__(self, site: Site, extra: dict[str, Any] | None = None,
                 markdown_config: MarkdownConfig | None = None,
                 store: RenderStore | None = None) -> None:
        self.site = site
        self.urls = urls.Urls.of(site.config)
        self.extra = extra or {}
        self.tr = tr = translator(site.config.language)
        self.env = env = environment(tr)
        markdown_config = markdown_config or MarkdownConfig()
        self.convert = markdown_config.converter(sanitized=not site.config.allow_raw_html)
        names = {c.id: c.name for c in site.config.components}
        zone = site.config.zone

        def cname(cid: str) -> Markup:
            return bdi(names.get(cid, cid))

        # The introduction (docs/index.md) is one of the site's own pages, as trusted as
        # the others MkDocs renders from docs/: only incident text is sanitized.
        env.filters.update(md=self.convert, trusted_md=markdown_config.converter(),
                           show=lambda moment: tr.time(moment, zone),
                           cname=cname,
                           t=_memo(lambda moment: time_html(moment, zone, tr)),
                           promise=lambda v: promise_html(v, site.now, zone, tr))
        env.globals["contact"] = clean(site.config.contact)  # the line on every page
        self._incident_template: Any = None
        self._current: Markup | None = None
        self.store = store
        self._views: dict[str, View] | None = None
        # The part of each incident page's key that is the site's: its settings, the
        # Markdown it converts with; the code and templates are ``store.code_key``'s.
        self.site_key = site_key(site.config, self.convert.settings) if store else b""

    @property
    def incident_template(self) -> Any:
        if self._incident_template is None:
            self._incident_template = self.env.get_template("incident.md.j2")
        return self._incident_template

    @property
    def current(self) -> Markup:
        """The line every incident page opens with: the site's status at this build."""
        if self._current is None:
            path = urls.incident_page("x")
            self._current = Markup(self.env.get_template("_current.j2").render(
                links=self.urls.links_from(path), ind=self.site.indicator, now=self.site.now))
        return self._current

    def key(self, v: View) -> bytes | None:
        """The render store's key of ``v``'s page, where the page reads the same at any
        later build (``settled``); None where it must be rendered each time."""
        if self.store is None or not settled(v, self.site.now):
            return None
        return digest(self.site_key, repr(v))

    def lookup(self, views: Sequence[View]) -> tuple[list[tuple[str, GeneratedPage]],
                                                    list[View]]:
        """The incident pages the render store has, as pages read when written, and the
        views whose pages must be rendered (``incidents``, then ``keep``)."""
        found, todo = [], []
        store = self.store
        for v in views:
            key = self.key(v)
            if key is not None and store is not None and store.has(key):
                found.append((urls.incident_page(v.id), self._stored(v, key)))
            else:
                todo.append(v)
        return found, todo

    def incidents(self, views: Sequence[View]) -> list[tuple[str, RenderedIncident]]:
        """Render ``views``' pages; a settled page with ``CURRENT`` in place of its first
        line, so it can be kept as it is (``keep``)."""
        out = []
        for v in views:
            path = urls.incident_page(v.id)
            key = self.key(v)
            meta, body = _incident(self.incident_template, self.site, v, self.convert,
                                   self.urls.links_from(path), self.tr,
                                   CURRENT if key is not None else self.current)
            out.append((path, RenderedIncident(v.id, meta, body, key)))
        return out

    def keep(self, rendered: RenderedIncident) -> GeneratedPage:
        """A rendered incident page as the build holds it: kept in the store and read
        again when written, or held (a page that changes with the clock)."""
        if rendered.key is None or self.store is None or not self.store.enabled:
            return GeneratedPage(rendered.meta, rendered.body.replace(
                CURRENT, self.current, 1) if rendered.key is not None else rendered.body)
        self.store.put(rendered.key, rendered.body)
        view = self.site_views()[rendered.id]
        return self._stored(view, rendered.key, rendered.meta)

    def _stored(self, v: View, key: bytes, meta: Mapping[str, Any] | None = None
                ) -> GeneratedPage:
        assert self.store is not None
        return GeneratedPage(meta or {"title": _title(v.incident.title)},
                             stored=StoredBody(self, key, v))

    def _component(self, comp: Any, items: list[View]) -> str:
        site, extra, tr = self.site, self.extra, self.tr
        path = urls.component_page(comp.id)
        vendor = upstream_of(comp)
        return self.env.get_template("component.md.j2").render(
            links=self.urls.links_from(path), c=comp, state=site.states[comp.id],
            now=site.now, ind=site.indicator,
            items=items[:LIST_LIMIT], more=max(0, len(items) - LIST_LIMIT),
            probe_note=extra.get("probe_notes", {}).get(comp.id, ""),
            upstream=vendor, attribution=attribution(comp, vendor, tr) if vendor else "",
            extra_html=Markup(clean(extra.get("component_html", {}).get(comp.id, ""))),
        )

    def body_again(self, v: View) -> str:
        """``v``'s settled page, with ``CURRENT``, rendered again (``StoredBody``)."""
        path = urls.incident_page(v.id)
        return _incident(self.incident_template, self.site, v, self.convert,
                         self.urls.links_from(path), self.tr, CURRENT)[1]

    def site_views(self) -> dict[str, View]:
        if self._views is None:
            self._views = {v.id: v for v in self.site.views}
        return self._views

    def others(self) -> list[tuple[str, GeneratedPage]]:
        """Home, history and component pages."""
        site, env, extra = self.site, self.env, self.extra
        tr = self.tr
        pages = [(urls.HOME, _home(env, site, extra, self.urls.links_from(urls.HOME), tr)),
                 *_history(env, site, extra, self.urls, tr)]
        by_component = _views_by_component(site)
        for comp in site.config.components:
            items = by_component.get(comp.id, [])
            title = _title(f"{comp.name}: {tr.gettext(site.states[comp.id].status.label)}")
            # Rendered when written: at 10,000 incidents and a year of samples, component
            # pages held until then were a tenth of a build's memory.
            pages.append((urls.component_page(comp.id), GeneratedPage(
                {"title": title}, stored=partial(self._component, comp, items))))
        return pages


def _title(text: str) -> str:
    return html.escape(clean(text), quote=True)


def page_title(indicator: Indicator, tr: Translator) -> str:
    return f"{ICONS[indicator.code]} {tr.gettext(indicator.banner)}"


def _home(env: Environment, site: Site, extra: dict[str, Any], links: urls.Links,
          tr: Translator) -> GeneratedPage:
    _ = tr.gettext
    # Active incidents first, pinned or not: on a phone they must show without scrolling.
    active = site.open_incidents
    sections = [  # (anchor, heading, items): anchors stay the same in every language
        ("active-incidents", _("Active incidents"), active),
        ("pinned", _("Pinned"), [v for v in site.pinned if v not in active]),
        ("notices", _("Notices"), site.notices),
        ("maintenance", _("Maintenance"),
         [v for v in site.maintenance_now_and_next if not v.incident.pin]),
    ]
    groups = site.config.groups
    group_status = {g: site.group_status([c.id for c in members])
                    for g, members in groups if g}
    body = env.get_template("home.md.j2").render(
        links=links, ind=site.indicator,
        icon=ICONS[site.indicator.code], now=site.now,
        introduction=site.introduction, sections=sections, groups=groups,
        introduction_language=site.extras.get("introduction_language", ""),
        group_status=group_status, states=site.states, recent=site.recently_resolved,
        probe_notes=defaultdict(str, extra.get("probe_notes", {})),  # text: autoescaped
        extra_component_html=_default_dict(extra.get("home_component_html", {})),
        extra_links=extra.get("links", []), upstream=_upstreams(site),
        upstream_groups={g for g, members in groups
                         if g and all(upstream_of(c) for c in members)},
    )
    return GeneratedPage({"title": _title(page_title(site.indicator, tr)),
                          "hide": ["navigation", "toc"]}, body)


def _upstreams(site: Site) -> dict[str, Any]:
    """Each component that follows a vendor's page: that page (None for the others)."""
    return defaultdict(lambda: None, {c.id: upstream_of(c) for c in site.config.components
                                      if upstream_of(c)})


def _default_dict(values: dict[str, str]) -> dict[str, str]:
    """Fragments from other renderers, cleaned here too: this is where they are shown."""
    return defaultdict(str, {k: Markup(clean(v)) for k, v in values.items()})


def _incident(template: Any, site: Site, v: View, convert: Converter,
              links: urls.Links, tr: Translator, current: Markup
              ) -> tuple[dict[str, Any], str]:
    incident = v.incident
    html_pieces = convert.many([incident.summary, incident.postmortem,
                                *(u.message for u in v.updates)])
    summary, postmortem, messages = html_pieces[0], html_pieces[1], html_pieces[2:]
    timeline = [dict(time=u.time, status=u.status, message=html, auto=False,
                     changes=u.components, anchor=update_anchor(u.time), fallback=u.fallback)
                for u, html in zip(v.updates, messages, strict=True)]
    timeline += [dict(time=t, status=s, message="", auto=True, changes=(), fallback="",
                      anchor="auto-" + update_anchor(t)) for t, s in v.auto if t <= site.now]
    # Newest first, as on every status page, whatever the file's own order.
    timeline.sort(key=lambda e: e["time"], reverse=True)  # type: ignore[arg-type, return-value]  # values are datetimes
    affected = _affected(v, site.now)
    body = template.render(links=links, v=v, now=site.now, timeline=timeline, affected=affected,
                           current=current, summary=summary, postmortem=postmortem,
                           kind_label=tr.gettext(KIND_LABELS[v.kind]))
    return {"title": _title(v.incident.title)}, body


def settled(v: View, now: datetime) -> bool:
    """Whether ``v``'s page reads the same at any later ``now`` but for its first line
    (``CURRENT``): over and done, with no clock-made transition still to come. Open
    items show "so far", promises and current statuses, which move with the clock."""
    return (v.end is not None and v.end <= now and v.next_update is None
            and v.status is not MaintenanceStatus.SCHEDULED
            and all(t <= now for t, _status in v.auto))


# Where a kept incident page has its first line, the site's status at the build.
CURRENT = Markup("<!--mks-current-->")


@dataclass(frozen=True, slots=True)
class RenderedIncident:
    """An incident page as rendered, maybe by a worker process (so: plain data)."""

    id: str
    meta: dict[str, Any]
    body: str
    key: bytes | None  # the render store's, when the page is settled (body has CURRENT)


class StoredBody:
    """A settled incident page's body, read from the render store when it is written
    (made again if the store lost it since), with this build's ``CURRENT`` line. One
    small object per page: at 10,000 incidents, the two callables and the table entry
    it replaces were 3 MB held through the build."""

    __slots__ = ("pages", "key", "view")

    def __init__(self, pages: PageRenderer, key: bytes, view: View) -> None:
        self.pages, self.key, self.view = pages, key, view

    def __call__(self) -> str:
        store = self.pages.store
        value = store.get(self.key) if store is not None else None
        body = (value.decode("utf-8", "surrogatepass") if value is not None
                else self.pages.body_again(self.view))
        return body.replace(CURRENT, self.pages.current, 1)


def _affected(v: View, now: datetime) -> list[tuple[str, ComponentStatus | None,
                                                   ComponentStatus]]:
    """Each component the incident touched, with the status it gives it now (None once
    it is over) and the worst it gave it: the page says `degraded performance now,
    partial outage at worst`, or `partial outage at worst` once resolved. Maintenance
    puts components under maintenance, nothing else."""
    worst: dict[str, ComponentStatus] = {}
    for cid, status in v.incident.components:
        worst[cid] = max(worst.get(cid, status), status)
    for update in v.updates:
        for cid, status in update.components:
            worst[cid] = max(worst.get(cid, status), status)
    out: list[tuple[str, ComponentStatus | None, ComponentStatus]] = []
    for cid, bad in worst.items():
        current: ComponentStatus | None = None
        if v.kind is Kind.MAINTENANCE:
            current = bad
        elif v.is_open:
            current = v.declared(cid, now) or ComponentStatus.OPERATIONAL
        out.append((cid, current, bad))
    return out


def _history(env: Environment, site: Site, extra: dict[str, Any], site_urls: urls.Urls,
             tr: Translator) -> list[tuple[str, GeneratedPage]]:
    """The history page, and a page per older month when the history is long.

    ``history.md`` lists whole months, newest first, until at least ``LIST_LIMIT``
    incidents are shown; older months get a page each (``urls.month_page``), linked
    from an archive list, so the page people open during an outage stays small however
    many years of incidents a site keeps.
    """
    months: dict[tuple[int, int], list[View]] = {}
    zone = site.config.zone
    for v in sorted(site.views, key=lambda v: (v.start, v.id), reverse=True):
        if v.status is MaintenanceStatus.SCHEDULED:
            continue
        start = v.start.astimezone(zone)
        months.setdefault((start.year, start.month), []).append(v)
    recent: list[tuple[int, int]] = []
    shown = 0
    for month, items in months.items():
        if shown >= LIST_LIMIT:
            break
        recent.append(month)
        shown += len(items)
    older = [m for m in months if m not in recent]
    template = env.get_template("history.md.j2")
    common = dict(ind=site.indicator, now=site.now, extra_links=extra.get("links", []))
    _ = tr.gettext
    archive = [(tr.month(*m), _month_slug(m), len(months[m])) for m in older]
    hide = ["toc"]
    pages = [(urls.HISTORY, GeneratedPage({"title": _("History"), "hide": hide},
                                          template.render(
        links=site_urls.links_from(urls.HISTORY), heading=_("Incident history"),
        months=[(tr.month(*m), _month_anchor(m), months[m]) for m in recent], archive=archive,
        newer=None, older=None, **common)))]
    for i, month in enumerate(older):
        label = tr.month(*month)
        path = urls.month_page(_month_slug(month))
        body = partial(  # rendered when written, as component pages are
            template.render,
            links=site_urls.links_from(path),
            heading=_("Incident history: %(month)s") % {"month": label},
            months=[(label, _month_anchor(month), months[month])], archive=[],
            newer=_month_link(older[i - 1], tr) if i else None,
            older=_month_link(older[i + 1], tr) if i + 1 < len(older) else None, **common)
        title = _("History: %(month)s") % {"month": label}
        pages.append((path, GeneratedPage({"title": title, "hide": hide}, stored=body)))
    return pages


def _month_anchor(month: tuple[int, int]) -> str:
    """The month's heading id, from its English name in every language (``#november-2026``),
    so a link to it works on each language's page."""
    return slug(f"{date(*month, 1):%B %Y}")


def _month_slug(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def _month_link(month: tuple[int, int], tr: Translator) -> tuple[str, str]:
    return tr.month(*month), _month_slug(month)


def _views_by_component(site: Site) -> dict[str, list[View]]:
    out: dict[str, list[View]] = {}
    for v in site.views:
        for cid in v.incident.component_ids:
            out.setdefault(cid, []).append(v)
    return out
