"""Using templates: filled in for `mkstatus new` and `update`, and checked by filling.

A template (``templates``) becomes a `NewRequest` or an `UpdateRequest` of ``editing``,
exactly as if its words had been typed on the command line; what the command line does
give (a TITLE, -c, -s, -m, --next-update) wins over the template's own. `mkstatus check`
checks a site's templates by reading each one and then filling it with sample values:
the incident it makes must pass the incident parser.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from mkstatus.errors import Problem
from mkstatus.files import shown as _shown
from mkstatus.incidents.editing import (
    EditError,
    NewRequest,
    UpdateRequest,
    check,
    component_changes,
    next_update_text,
    render_new,
    status_code,
    write_time,
)
from mkstatus.incidents.parse import parse_incident
from mkstatus.incidents.templates import (
    NAME_RE,
    Template,
    TemplateProblems,
    fill,
    read_template,
    template_names,
    uses,
)
from mkstatus.model import Incident, Kind, MaintenanceStatus, SiteConfig, UpdateStatus
from mkstatus.text import did_you_mean
from mkstatus.times import TimeError, next_update_time, show_near


def read_incident(path: Path, shown: str, config: SiteConfig) -> Incident:
    """The incident a follow-up template fills in (its title, components, start)."""
    incident, problems = parse_incident(shown, path.stem, path.read_bytes(), config)
    if incident is None:
        raise EditError("fix the file first:\n" + "\n".join(str(p) for p in problems))
    return incident


def names_text(names: list[str]) -> str:
    """'API', 'API and Website', 'API, Website and DNS'."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def placeholder_values(config: SiteConfig, component_ids: list[str], *, when: datetime,
                       since: datetime, next_update: datetime | None = None,
                       title: str = "", window: tuple[datetime, datetime] | None = None
                       ) -> dict[str, str]:
    """What each placeholder stands for in an update made at `when`: times as `09:05
    NZDT` on the update's own day (its heading gives the date), in full otherwise."""
    def near(moment: datetime) -> str:
        return show_near(moment, when, config.zone)

    names = {c.id: c.name for c in config.components}
    values = {"component": names_text([names.get(c, c) for c in component_ids]),
              "since": near(since), "title": title, "site": config.site_name,
              "contact": config.contact}
    if next_update is not None:
        values["next_update"] = near(next_update)
    if window is not None:
        values["from"], values["to"] = near(window[0]), near(window[1])
    return values


def _with_default(t: Template, items: tuple[str, ...]) -> list[str]:
    """`-c api` takes the template's component status (`components:`)."""
    if t.component_status is None or t.kind is Kind.MAINTENANCE:
        return list(items)
    return [i if "=" in i else f"{i.strip()}={t.component_status}" for i in items]


def _promise(t: Template, given: str | None, when: datetime, config: SiteConfig,
             window: tuple[datetime, datetime] | None) -> tuple[str | None, datetime | None]:
    """The `Next update:` text and time: `--next-update`, else the template's."""
    raw = given or t.next_update
    if raw is None:
        return None, None
    if raw in ("{from}", "{to}") and window is not None:
        raw = write_time(window[0 if raw == "{from}" else 1], config.zone)
    text = next_update_text(raw, config)
    try:
        return text, next_update_time(text, when, config.timezone)
    except TimeError as exc:
        raise EditError(f"--next-update: {exc}") from None


def _need(t: Template, texts: list[str], changes: tuple[object, ...]) -> None:
    if not changes and any(uses(text, "component") for text in texts):
        raise EditError(f"the {t.name} template names {{component}}: say which with "
                        "--component ID (or ID=STATUS)")


def new_from_template(t: Template, config: SiteConfig, now: datetime, *,
                      title: str | None = None, components: tuple[str, ...] = (),
                      status: str | None = None, impact: str | None = None,
                      message: str | None = None, next_update: str | None = None,
                      at: datetime | None = None, since: datetime | None = None,
                      window: tuple[datetime, datetime] | None = None, draft: bool = False,
                      pin: bool = False) -> NewRequest:
    """`mkstatus new --template NAME`: the template filled in; what the command line gives
    (a TITLE, -c, -s, --impact, -m, --next-update) wins over the template's own."""
    kind = t.kind
    if kind is Kind.MAINTENANCE and window is None:
        raise EditError(f"the {t.name} template is for scheduled maintenance: give its "
                        "window with --from TIME --to TIME")
    changes = component_changes(_with_default(t, components), config,
                                kind is not Kind.MAINTENANCE)
    when = at or now.replace(second=0, microsecond=0)
    promise, due = _promise(t, next_update, when, config, window)
    _need(t, [t.title or "", t.message] if message is None else [t.title or ""], changes)
    values = placeholder_values(config, [cid for cid, _ in changes], when=when,
                                since=since or when, next_update=due, title=title or "",
                                window=window)
    if title is None and t.title is None:
        raise EditError(f"the {t.name} template has no title: give one (mkstatus new TITLE "
                        f"--template {t.name})")
    title = title or fill(t.title or "", values)
    values["title"] = title
    default = {Kind.MAINTENANCE: "scheduled", Kind.NOTICE: "monitoring"}.get(kind,
                                                                            "investigating")
    started = since if since is not None and since < when and kind is not \
        Kind.MAINTENANCE else None
    return NewRequest(
        title=title, kind=kind, status=status_code(status or t.status or default, kind),
        message=message if message is not None else fill(t.message, values),
        components=changes, impact=impact or (t.impact if kind is Kind.INCIDENT else None),
        pin=pin, draft=draft, at=at, window=window, next_update=promise, started=started)


def update_from_template(t: Template, incident: Incident, config: SiteConfig,
                         now: datetime, *, components: tuple[str, ...] = (),
                         status: str | None = None, message: str | None = None,
                         next_update: str | None = None, at: datetime | None = None
                         ) -> UpdateRequest:
    """`mkstatus update ID --template NAME`: a follow-up in the template's words; the
    command line's -c, -s, -m and --next-update win over the template's own."""
    changes = component_changes(_with_default(t, components), config, True)
    when = at or now.replace(second=0, microsecond=0)
    window = (incident.scheduled_for, incident.scheduled_until) if (
        incident.scheduled_for and incident.scheduled_until) else None
    chosen = status or t.status
    ends = chosen is not None and status_code(chosen, incident.kind) in (
        UpdateStatus.RESOLVED, MaintenanceStatus.COMPLETED, MaintenanceStatus.CANCELLED)
    promise, due = (None, None) if ends else _promise(t, next_update, when, config, window)
    ids = [cid for cid, _ in changes] or list(incident.component_ids)
    first = incident.updates[0].time if incident.updates else when
    values = placeholder_values(config, ids, when=when, since=incident.started or first,
                                next_update=due, title=incident.title, window=window)
    if message is None and uses(t.message, "next_update") and due is None:
        raise EditError(f"the {t.name} template names {{next_update}}, but this update "
                        "promises none: give --next-update")
    return UpdateRequest(message=message if message is not None else fill(t.message, values),
                         status=chosen, components=changes, at=at, next_update=promise)


def sample_incident(t: Template, config: SiteConfig, now: datetime) -> Incident:
    """The incident the template makes with sample values, read back by the parser."""
    when = now.replace(second=0, microsecond=0)
    window = (when + timedelta(days=1), when + timedelta(days=1, hours=2))
    first = config.components[0].id if config.components else None
    item = () if first is None else (first if t.kind is Kind.MAINTENANCE or
                                     t.component_status else f"{first}=major_outage",)
    request = new_from_template(t, config, when, title=None if t.title else "Example",
                                components=item, at=when, window=window)
    return check(f"{t.path} (filled in)", "2026-01-01-template", render_new(request, config,
                                                                          when), config)


def check_templates(directory: Path, config: SiteConfig, root: Path, now: datetime
                    ) -> list[Problem]:
    """Every template in `directory`, checked as `mkstatus check` checks incidents: its
    own problems, then the incident it makes with sample values, through the parser."""
    problems = _component_templates(directory, config, root)
    if not directory.is_dir():
        return problems
    for path in sorted(directory.iterdir()):
        shown = _shown(path, root)
        if path.suffix != ".md" or not path.is_file():
            if not path.name.startswith("."):
                problems.append(Problem(shown, 1, 1, "not a template: templates/ holds "
                                        "<name>.md files only"))
            continue
        if not NAME_RE.fullmatch(path.stem):
            problems.append(Problem(shown, 1, 1, f"template name {path.stem!r}: use "
                                    "lower-case letters, digits and hyphens"))
            continue
        try:
            template = read_template(shown, path.stem, path.read_bytes(), config)
        except TemplateProblems as exc:
            problems += exc.problems
            continue
        try:
            sample_incident(template, config, now)
        except EditError as exc:
            line = template.where["message"][0]
            problems += [Problem(shown, line, 1, "filled in, the template makes an invalid "
                                 f"incident: {text.split(': ', 1)[-1]}")
                         for text in str(exc).splitlines()]
    return problems


def _component_templates(directory: Path, config: SiteConfig, root: Path) -> list[Problem]:
    """A component's `template:` (what probes draft from) must name a template."""
    from mkstatus.config import Locator, read_text

    known = template_names(directory)
    locate = Locator(config.config_path, read_text(root / config.config_path))
    return [Problem(config.config_path, *locate(("components", index, "template")),
                    f"components[{index}].template: no template {c.template!r} in "
                    f"templates/{did_you_mean(c.template, known)}; known: {', '.join(known)}")
            for index, c in enumerate(config.components) if c.template not in known]
