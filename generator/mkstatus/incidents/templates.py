"""Incident templates: `templates/<name>.md` in the site repository.

At 3 am nobody should have to find calm, specific, blame-free words. A template holds
them, written in daylight: its front matter says what `mkstatus new` needs (title,
impact, the status of the components named on the command line, the first status, the
promised next update) and its body is the message, with placeholders such as
`{component}` and `{since}` filled in when it is used. `mkstatus update ID --template
NAME` uses the same files for follow-ups (status, next update, message).

Templates are checked as incident files are: every problem as `path:line:col`, an
unknown placeholder included, and the filled result through the real incident parser.
A site without `templates/<name>.md` gets mkstatus' own copy of that template (the ones
`mkstatus init` writes), so probes can always draft an incident.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib.resources import files
from pathlib import Path

from yaml.nodes import MappingNode

from mkstatus.errors import Problem
from mkstatus.files import shown as _shown
from mkstatus.incidents import strictyaml as sy
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
from mkstatus.incidents.parse import (
    COMPONENTS_LINE_RE,
    NEXT_UPDATE_RE,
    level2_headings,
    parse_incident,
)
from mkstatus.model import (
    STATUSES,
    ComponentStatus,
    Incident,
    Kind,
    MaintenanceStatus,
    SiteConfig,
    UpdateStatus,
)
from mkstatus.text import did_you_mean
from mkstatus.times import TimeError, next_update_time, parse_duration, show_near

KEYS = ("title", "impact", "kind", "components", "status", "next_update")
PLACEHOLDERS = {
    "component": "the names of the components affected, as 'API and Website'",
    "since": "when it began (`--since`, else the first update's time)",
    "next_update": "the promised time of the next update",
    "title": "the incident's title",
    "from": "the start of a maintenance window",
    "to": "the end of a maintenance window",
    "site": "the site's name (site_name)",
    "contact": "the contact line of mkdocs.yml",
}
PLACEHOLDER_RE = re.compile(r"\{\{|\}\}|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}")
NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
IMPACTS = ("none", "minor", "major", "critical")
KINDS = {"incident": Kind.INCIDENT, "notice": Kind.NOTICE, "maintenance": Kind.MAINTENANCE}
STATUS_CODES = [s.code for s in ComponentStatus]
BUILT_IN = ("degraded-performance", "maintenance", "monitoring", "outage", "resolved")
UNUSABLE = {  # known placeholders that only some templates can fill, and why
    "next_update": "the template promises no next update (add next_update:, such as 30 min)",
    "from": "only a maintenance template (kind: maintenance) has a window",
    "to": "only a maintenance template (kind: maintenance) has a window",
}


@dataclass(frozen=True, slots=True)
class Template:
    """One template as written; `where` locates each value for messages."""

    name: str
    path: str  # as shown in messages
    message: str
    title: str | None = None
    impact: str | None = None
    kind: Kind = Kind.INCIDENT
    component_status: str | None = None  # for each component named without a status
    status: str | None = None
    next_update: str | None = None  # a duration, or {from} / {to}
    where: Mapping[str, tuple[int, int]] = field(default_factory=dict)


class TemplateProblems(Exception):
    """Problems found in one template (the caller decides how they are reported)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in sorted(problems)))
        self.problems = sorted(problems)


def template_names(directory: Path) -> list[str]:
    """The site's templates and mkstatus' own, by name."""
    own = {p.stem for p in directory.glob("*.md")} if directory.is_dir() else set()
    return sorted(own | set(BUILT_IN))


def find_template(directory: Path, name: str, root: Path) -> tuple[str, bytes]:
    """The template's path as shown and its bytes: the site's own file, else mkstatus'
    copy (what `init` writes); an unknown name lists the known ones."""
    if not NAME_RE.fullmatch(name):
        raise TemplateProblems([Problem("templates", 1, 1, f"template name {name!r}: use "
                                        "lower-case letters, digits and hyphens")])
    path = directory / f"{name}.md"
    if path.is_file():
        return _shown(path, root), path.read_bytes()
    if name in BUILT_IN:
        own = files("mkstatus.scaffold") / "files" / "templates" / f"{name}.md"
        return f"(mkstatus' built-in {name}.md)", own.read_bytes()
    known = template_names(directory)
    raise TemplateProblems([Problem(_shown(directory, root), 1, 1, f"no template {name!r}"
                                    f"{did_you_mean(name, known)}; known: "
                                    f"{', '.join(known)}")])


def read_template(path: str, name: str, data: bytes, config: SiteConfig) -> Template:
    """Parse and check one template; raise TemplateProblems with every problem."""
    problems: list[Problem] = []
    try:
        text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise TemplateProblems([Problem(path, 1, 1, "not valid UTF-8: save the file as "
                                        "UTF-8")]) from None
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise TemplateProblems([Problem(path, 1, 1, "expected front matter: the file must "
                                        "start with a line '---'")])
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise TemplateProblems([Problem(path, 1, 1, "front matter is not closed: add a "
                                        "line '---' after it")])
    values: dict[str, str] = {}
    where: dict[str, tuple[int, int]] = {}
    try:
        node = sy.compose("\n".join(lines[1:end]), first_line=2)
        if node is not None and not isinstance(node, MappingNode):
            raise sy.YamlProblem(1, 1, "front matter must be a mapping of keys such as "
                                 "`title:`")
        for key, key_node, value in sy.items(node) if node is not None else ():
            line, col = sy.where(key_node)
            if key not in KEYS:
                problems.append(Problem(path, line + 1, col, f"unknown key {key!r}"
                                        f"{did_you_mean(key, KEYS)}; expected one of: "
                                        f"{', '.join(KEYS)}"))
                continue
            vline, vcol = sy.where(value)
            quoted = lines[vline][vcol - 1:vcol] in ("'", '"')  # the text starts after it
            where[key] = (vline + 1, vcol + quoted)
            values[key] = sy.as_text(value, key).strip()
    except sy.YamlProblem as exc:
        problems.append(Problem(path, exc.line + 1, exc.col, exc.message))
    body_row = end + 1
    while body_row < len(lines) and not lines[body_row].strip():
        body_row += 1
    where["message"] = (min(body_row, len(lines) - 1) + 1, 1)
    template = Template(name=name, path=path, message="\n".join(lines[body_row:]).strip(),
                        title=values.get("title"), impact=values.get("impact"),
                        kind=KINDS.get(values.get("kind", "incident"), Kind.INCIDENT),
                        component_status=values.get("components"),
                        status=values.get("status"), next_update=values.get("next_update"),
                        where=where)
    problems += _check(template, values, lines, body_row)
    if problems:
        raise TemplateProblems(problems)
    return template


def _check(t: Template, values: Mapping[str, str], lines: list[str], body_row: int
           ) -> list[Problem]:
    problems: list[Problem] = []

    def error(key: str, message: str, col_offset: int = 0) -> None:
        line, col = t.where.get(key, (1, 1))
        problems.append(Problem(t.path, line, col + col_offset, message))

    kind = values.get("kind", "incident")
    if kind not in KINDS:
        error("kind", f"kind: expected one of {', '.join(KINDS)}, found {kind!r}"
              f"{did_you_mean(kind, KINDS)}")
    if t.impact is not None and t.impact not in IMPACTS:
        error("impact", f"impact: expected one of {', '.join(IMPACTS)}, found {t.impact!r}"
              f"{did_you_mean(t.impact, IMPACTS)}")
    if t.component_status is not None and t.component_status not in STATUS_CODES:
        error("components", f"components: expected the status of the components named "
              f"with -c, one of {', '.join(STATUS_CODES)}, found {t.component_status!r}"
              f"{did_you_mean(t.component_status, STATUS_CODES)}")
    if t.status is not None:
        code = re.sub(r"[\s_-]+", "_", t.status.lower())
        allowed = [s.value for s in STATUSES.values()
                   if isinstance(s, MaintenanceStatus) == (t.kind is Kind.MAINTENANCE)]
        if code not in allowed:
            error("status", f"status: expected one of {', '.join(allowed)}, found "
                  f"{t.status!r}{did_you_mean(code, allowed)}")
    if t.next_update is not None and t.next_update not in ("{from}", "{to}"):
        try:
            parse_duration(t.next_update)
        except TimeError as exc:
            error("next_update", f"next_update: {exc} (or {{from}}, {{to}} for "
                  "maintenance)")
    unusable = dict(UNUSABLE)
    if t.next_update is not None:
        del unusable["next_update"]
    if t.kind is Kind.MAINTENANCE:
        del unusable["from"], unusable["to"]
    if t.title is not None:
        problems += placeholder_problems(t.path, t.title, *t.where["title"], {
            **unusable, "title": "a title cannot contain itself"})
    problems += placeholder_problems(t.path, "\n".join(lines[body_row:]), body_row + 1, 1,
                                     unusable)
    problems += _check_message(t, lines, body_row)
    return problems


def _check_message(t: Template, lines: list[str], body_row: int) -> list[Problem]:
    """The message must be one update's text, as `mkstatus update -m` requires."""
    line = t.where["message"][0]
    if not t.message:
        return [Problem(t.path, line, 1, "the template has no message: write it below the "
                        "front matter")]
    first = t.message.split("\n", 1)[0].strip()
    if COMPONENTS_LINE_RE.fullmatch(first) or NEXT_UPDATE_RE.fullmatch(first):
        return [Problem(t.path, line, 1, f"the message starts with {first.split(':')[0]!r}:"
                        " give components and the next update in the front matter "
                        "(components:, next_update:)")]
    body = lines[body_row:]
    headings, fence = level2_headings(body)
    if headings:
        row, _ = headings[0]
        return [Problem(t.path, body_row + row + 1, 1, "a level-2 heading would start a new"
                        " update: use ### for headings in a message")]
    if fence is not None:
        return [Problem(t.path, line, 1, f"the message opens a code fence {fence!r} it "
                        "never closes")]
    return []


def placeholder_problems(path: str, text: str, line: int, col: int,
                         unusable: Mapping[str, str]) -> list[Problem]:
    """`{name}` that is unknown, or known but without a value in this template, where it
    stands (`{{` and `}}` are braces)."""
    out = []
    for row, content in enumerate(text.split("\n")):
        for match in PLACEHOLDER_RE.finditer(content):
            name = match["name"]
            at = (line + row, (col if row == 0 else 1) + match.start())
            if name is not None and name not in PLACEHOLDERS:
                out.append(Problem(path, *at, f"unknown placeholder {{{name}}}"
                                   f"{did_you_mean(name, PLACEHOLDERS)}; known: "
                                   f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)}"))
            elif name is not None and name in unusable:
                out.append(Problem(path, *at, f"{{{name}}} has no value here: "
                                   f"{unusable[name]}"))
    return out


def uses(text: str, name: str) -> bool:
    return any(m["name"] == name for m in PLACEHOLDER_RE.finditer(text))


def fill(text: str, values: Mapping[str, str]) -> str:
    """Placeholders replaced by their values; `{{` and `}}` become braces."""
    def one(match: re.Match[str]) -> str:
        name = match["name"]
        return match.group(0)[0] if name is None else values[str(name)]
    return PLACEHOLDER_RE.sub(one, text)


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


def read_incident(path: Path, shown: str, config: SiteConfig) -> Incident:
    """The incident a follow-up template fills in (its title, components, start)."""
    incident, problems = parse_incident(shown, path.stem, path.read_bytes(), config)
    if incident is None:
        raise EditError("fix the file first:\n" + "\n".join(str(p) for p in problems))
    return incident


def load_template(directory: Path, name: str, config: SiteConfig, root: Path) -> Template:
    """A template by name, checked; its problems become one `EditError`."""
    try:
        path, data = find_template(directory, name, root)
        return read_template(path, name, data, config)
    except TemplateProblems as exc:
        raise EditError(f"--template {name}: fix the template first:\n{exc}") from None


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
