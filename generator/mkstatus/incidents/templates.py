"""Incident templates: `templates/<name>.md` in the site repository, read and checked.

At 3 am nobody should have to find calm, specific, blame-free words. A template holds
them, written in daylight: its front matter says what `mkstatus new` needs (title,
impact, the status of the components named on the command line, the first status, the
promised next update) and its body is the message, with placeholders such as
`{component}` and `{since}` filled in when it is used. `mkstatus update ID --template
NAME` uses the same files for follow-ups (status, next update, message).

Templates are checked as incident files are: every problem as `path:line:col`, an
unknown placeholder included, and the filled result through the real incident parser.
A site without `templates/<name>.md` gets mkstatus' own copy of that template (the ones
`mkstatus init` writes), so probes can always draft an incident. Filling a template in
(and checking a whole site's templates by filling each one) is ``fill``'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from yaml.nodes import MappingNode

from mkstatus.errors import Problem
from mkstatus.files import shown as _shown
from mkstatus.incidents import strictyaml as sy
from mkstatus.incidents.editing import (
    EditError,
)
from mkstatus.incidents.parse import (
    COMPONENTS_LINE_RE,
    NEXT_UPDATE_RE,
    level2_headings,
)
from mkstatus.model import (
    STATUSES,
    ComponentStatus,
    Kind,
    MaintenanceStatus,
    SiteConfig,
)
from mkstatus.text import did_you_mean
from mkstatus.times import TimeError, parse_duration

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


def load_template(directory: Path, name: str, config: SiteConfig, root: Path) -> Template:
    """A template by name, checked; its problems become one `EditError`."""
    try:
        path, data = find_template(directory, name, root)
        return read_template(path, name, data, config)
    except TemplateProblems as exc:
        raise EditError(f"--template {name}: fix the template first:\n{exc}") from None
