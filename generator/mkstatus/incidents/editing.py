"""Writing incident files for `mkstatus new`, `update` and `resolve`.

These commands are run by an on-call engineer under stress, so an edit must never lose or
reorder what is already in the file. Each edit is a pure function from the file's current
text to its new text that only *inserts* a section; the result is checked with the real
parser (and against the old timeline) before anything is written; the write is atomic
(temp file + fsync + rename) and happens under an exclusive lock on the file, re-reading
it under the lock, so two engineers updating one incident at once both keep their update.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TypeVar

from mkstatus.errors import MkstatusError
from mkstatus.incidents.atomic import NotRegular, locked, replace_file, write_new
from mkstatus.incidents.folder import UnreadableFile, list_incident_files, read_regular
from mkstatus.incidents.parse import (
    COMPONENTS_LINE_RE,
    NEXT_UPDATE_RE,
    level2_headings,
    parse_incident,
)
from mkstatus.incidents.rules import unknown_component
from mkstatus.model import (
    ComponentStatus,
    Incident,
    Kind,
    MaintenanceStatus,
    SiteConfig,
    Status,
    UpdateStatus,
)
from mkstatus.text import did_you_mean
from mkstatus.times import TIME_RE, TimeError, parse_duration, parse_time

STATUS_CODES = [s.code for s in ComponentStatus]
PLAIN_TITLE_RE = re.compile(r"[A-Za-z][A-Za-z0-9 ,.()/'-]*[A-Za-z0-9.)]|[A-Za-z]")
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
Change = tuple[str, str | None]  # component id, status code (None: maintenance)
Note = Callable[[str], None] | None  # told what the user should know (a moved time)
AHEAD = timedelta(minutes=1)  # how far past now a burst of updates may be dated


Req = TypeVar("Req", "NewRequest", "UpdateRequest")


class EditError(MkstatusError):
    """A request that cannot be applied; the file was left byte-identical."""


@dataclass(frozen=True, slots=True)
class NewRequest:
    """What `mkstatus new` was asked for, already parsed and checked."""

    title: str
    kind: Kind
    message: str
    status: Status
    components: tuple[Change, ...] = ()
    impact: str | None = None
    pin: bool = False
    draft: bool = False
    at: datetime | None = None
    window: tuple[datetime, datetime] | None = None
    next_update: str | None = None  # the `Next update:` line's value (next_update_text)
    started: datetime | None = None  # when the impact began, if before the first update


@dataclass(frozen=True, slots=True)
class UpdateRequest:
    """What `mkstatus update` / `resolve` were asked for; status None keeps the current one."""

    message: str
    status: str | None = None
    components: tuple[Change, ...] = ()
    at: datetime | None = None
    resolve: bool = False
    next_update: str | None = None  # the `Next update:` line's value (next_update_text)


def replace_message(request: Req, message: str) -> Req:
    """The request with the user's message, once the request itself is known to be valid."""
    return dataclasses.replace(request, message=message)


def write_time(moment: datetime, zone: tzinfo) -> str:
    """The site's local time with an explicit offset: unambiguous, and readable on call."""
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    stamp = local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")
    return f"{stamp} {offset[:3]}:{offset[3:5]}"


def parse_when(option: str, text: str, config: SiteConfig) -> datetime:
    try:
        return parse_time(text, config.timezone)
    except TimeError as exc:
        raise EditError(f"{option}: {exc}") from None


def next_update_text(text: str, config: SiteConfig) -> str:
    """`--next-update` checked and written unambiguously: a duration as `30 min`, a time
    with its offset (`2026-11-22 10:30 +13:00`); the parser reads the line back."""
    value = text.strip()
    try:
        if TIME_RE.match(value):
            return write_time(parse_time(value, config.timezone), config.zone)
        delta = parse_duration(value)
    except TimeError as exc:
        raise EditError(f"--next-update: {exc}") from None
    hours, minutes = divmod(int(delta.total_seconds()) // 60, 60)
    return " ".join([f"{hours} h"] * bool(hours) + [f"{minutes} min"] * bool(minutes))


def status_code(text: str, kind: Kind) -> Status:
    """Normalise a status as the parser does, and refuse one the kind of file cannot have."""
    code = re.sub(r"[\s_-]+", "_", text.strip().lower())
    allowed: type[Status] = MaintenanceStatus if kind is Kind.MAINTENANCE else UpdateStatus
    if code not in allowed.__members__.values():
        what = "scheduled maintenance" if kind is Kind.MAINTENANCE else f"an {kind.value}"
        raise EditError(f"unknown status {text!r} for {what}{did_you_mean(code, allowed)}; "
                        f"expected one of: {', '.join(allowed)}")
    return allowed(code)


def component_changes(items: Sequence[str], config: SiteConfig,
                      need_status: bool) -> tuple[Change, ...]:
    """`--component id=status` options, checked against mkdocs.yml before any write."""
    known = [c.id for c in config.components]
    out: dict[str, str | None] = {}
    for item in items:
        cid, eq, raw = (part.strip() for part in item.partition("="))
        if cid not in known:
            raise EditError(unknown_component(cid, config))
        if not eq and need_status:
            raise EditError(f"--component {cid}: give its status, as {cid}=major_outage")
        status = re.sub(r"[\s-]+", "_", raw.lower()) if eq else None
        if status is not None and status not in STATUS_CODES:
            raise EditError(f"unknown component status {raw!r} for {cid}"
                            f"{did_you_mean(status, STATUS_CODES)}; expected one of: "
                            f"{', '.join(STATUS_CODES)}")
        out[cid] = status
    return tuple(out.items())


def slugify(title: str, fallback: str) -> str:
    """A file-name-safe slug: ASCII letters, digits and hyphens, at most ~60 characters."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0] if "-" in slug[:60] else slug[:60]
    return slug or fallback


def _yaml_text(value: str) -> str:
    """Plain when that cannot be misread by YAML (`NO` is a boolean), else double-quoted."""
    if PLAIN_TITLE_RE.fullmatch(value) and value.lower() not in YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def message_lines(message: str) -> list[str]:
    text = message.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
    if not text.strip():
        raise EditError("empty message: say what is happening (--message TEXT, `-` for "
                        "stdin, or leave both out to open $EDITOR)")
    lines = text.split("\n")
    if COMPONENTS_LINE_RE.fullmatch(lines[0].strip()):
        raise EditError("the message starts with 'Components:', which would be read as "
                        "component changes: use --component id=status instead")
    if NEXT_UPDATE_RE.fullmatch(lines[0].strip()):
        raise EditError("the message starts with 'Next update:', which would be read as a "
                        "promise: use --next-update instead")
    headings, fence = level2_headings(lines)
    if headings:
        number, _ = headings[0]
        raise EditError(f"line {number + 1} of the message is a level-2 heading "
                        f"({lines[number]!r}), which would start a new update: use ### for "
                        "headings")
    if fence is not None:
        raise EditError(f"the message opens a code fence {fence!r} it never closes")
    return lines


def _section(eol: str, when: str, status: Status, changes: Sequence[Change],
             message: str, next_update: str | None = None) -> list[str]:
    lines = [f"## {when} — {status.label}"]
    if changes:
        lines.append("Components: " + ", ".join(f"{cid}={st}" for cid, st in changes))
    if next_update:
        lines.append(f"Next update: {next_update}")
    return [line.rstrip("\r") + ("\r" if eol == "\r\n" else "") for line in
            lines + message_lines(message)]


def render_new(request: NewRequest, config: SiteConfig, now: datetime) -> str:
    """The text of a new incident, notice or maintenance file."""
    zone = config.zone
    front = ["---", f"title: {_yaml_text(request.title.strip())}"]
    if request.impact:
        front.append(f"impact: {request.impact}")
    if request.kind is Kind.NOTICE:
        front.append("informational: true")
    front += ["pin: true"] if request.pin else []
    front += ["draft: true"] if request.draft else []
    front += [f"started: {write_time(request.started, zone)}"] if request.started else []
    if request.kind is Kind.MAINTENANCE:
        if request.components:
            front.append(f"components: [{', '.join(cid for cid, _ in request.components)}]")
        assert request.window is not None
        front.append(f"scheduled_for: {write_time(request.window[0], zone)}")
        front.append(f"scheduled_until: {write_time(request.window[1], zone)}")
    elif request.components:
        front.append("components:")
        front += [f"  {cid}: {status}" for cid, status in request.components]
    when = write_time(request.at or now.replace(second=0), zone)
    body = _section("\n", when, request.status, (), request.message, request.next_update)
    return "\n".join([*front, "---", "", *body]) + "\n"


def new_id(request: NewRequest, config: SiteConfig, now: datetime, taken: set[str]) -> str:
    """`<date>-<slug>` in the site timezone (maintenance: its window's date); -2, -3 if taken."""
    moment = request.window[0] if request.window else (request.at or now)
    fallback = "maintenance" if request.kind is Kind.MAINTENANCE else request.kind.value
    base = f"{moment.astimezone(config.zone):%Y-%m-%d}-{slugify(request.title, fallback)}"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def check(path: str, stem: str, text: str, config: SiteConfig) -> Incident:
    """Parse with the real parser: an edit we cannot read back is never written."""
    incident, problems = parse_incident(path, stem, text.encode("utf-8"), config)
    if incident is None:
        raise EditError("\n".join(str(p) for p in problems) or f"{path}: unreadable")
    return incident


def create(incidents_dir: Path, shown_dir: str, request: NewRequest, config: SiteConfig,
           now: datetime, dry_run: bool = False) -> Path:
    """Write a new file with a unique id; a concurrent `new` never takes the same name.

    `dry_run` checks everything and writes nothing: the CLI calls it before opening
    $EDITOR, so nobody writes a message only to learn the request was wrong."""
    text = render_new(request, config, now)
    taken = {p.stem for p in incidents_dir.rglob("*.md")}
    while True:
        stem = new_id(request, config, now, taken)
        shown = f"{shown_dir}/{stem}.md"
        check(shown, stem, text, config)
        target = incidents_dir / f"{stem}.md"
        if dry_run:
            return target
        try:
            incidents_dir.mkdir(parents=True, exist_ok=True)
            if write_new(target, text.encode("utf-8")):
                return target
        except OSError as exc:
            raise EditError(f"{shown}: cannot be written ({exc.strerror}); nothing was "
                            "written") from None
        taken.add(stem)


def plan_update(text: str, incident: Incident, request: UpdateRequest, config: SiteConfig,
                now: datetime, note: Note = None) -> str:
    """The file's text with one more update section, inserted in the file's own order.

    `note` is told when the update's time had to move past `now` (see ``_update_time``)."""
    kind = incident.kind
    latest = incident.updates[-1] if incident.updates else None
    what = {Kind.MAINTENANCE: "maintenance"}.get(kind, kind.value)
    if latest is not None and latest.status.ends:
        raise EditError(f"{incident.id}: this {what} is already {latest.label.lower()} "
                        f"(line {latest.line}); nothing may follow that — open a new one "
                        "with `mkstatus new`")
    status = _requested_status(request, incident)
    when = _update_time(request, incident, now, config.zone, note)
    eol = "\r\n" if "\r\n" in text else "\n"
    block = _section(eol, write_time(when, config.zone), status, request.components,
                     request.message, request.next_update)
    return _insert(text, incident, block, eol)


def _requested_status(request: UpdateRequest, incident: Incident) -> Status:
    if request.resolve:
        return MaintenanceStatus.COMPLETED if incident.kind is Kind.MAINTENANCE \
            else UpdateStatus.RESOLVED
    if request.status is not None:
        return status_code(request.status, incident.kind)
    if not incident.updates:
        raise EditError(f"{incident.id}: give --status (this maintenance has no update yet)")
    return incident.updates[-1].status


def _update_time(request: UpdateRequest, incident: Incident, now: datetime, zone: tzinfo,
                 note: Note) -> datetime:
    """--at as given; else now to the minute, or to the second when the minute is taken.

    Updates in a burst (eight people, one incident, one second) each take the next free
    second after the latest update, with a note saying so: times are written to the
    second, so two updates cannot share one. An update is never dated more than a minute
    after now, so a burst cannot drift into the future; past that, the refusal says which
    --at to give (or that the latest date may be a mistake)."""
    latest = incident.updates[-1] if incident.updates else None
    if request.at is not None:
        if latest is not None and request.at <= latest.time:
            raise EditError(f"--at {request.at.isoformat()} is not after the latest update "
                            f"({latest.time.isoformat()}, line {latest.line}): updates are "
                            "added at the end of the timeline")
        return request.at
    when = now.replace(second=0, microsecond=0)
    if latest is None or when > latest.time:
        return when
    when = now.replace(microsecond=0)
    if when > latest.time:
        return when
    when = latest.time + timedelta(seconds=1)
    if when > now + AHEAD:
        raise EditError(f"{incident.id}: the latest update (line {latest.line}) is dated "
                        f"{write_time(latest.time, zone)}, more than a minute from now, and a "
                        f"new update must come after it: give this one that time or later, "
                        f"with --at '{write_time(when, zone)}' (or, if that date is a "
                        "mistake, correct it in the file first)")
    if note is not None:
        note(f"note: {write_time(latest.time, zone)} is taken by the update on line "
             f"{latest.line}; this update is dated one second later, {write_time(when, zone)}")
    return when


def _insert(text: str, incident: Incident, block: list[str], eol: str) -> str:
    """Insert before the newest update (newest-first files) or after the last section."""
    lines = text.split("\n")
    update_rows = [u.line - 1 for u in incident.updates]
    if update_rows and incident.newest_first:
        row: int | None = min(update_rows)
    else:
        after = max(update_rows) if update_rows else _front_matter_end(lines)
        row = next((r for r in _h2_rows(lines) if r > after), None)
    offset = len(text) if row is None else sum(len(line) + 1 for line in lines[:row])
    before, rest = text[:offset], text[offset:]
    lead = ""
    if before and not before.endswith(eol):
        lead = eol + eol
    elif before and not before.endswith(eol + eol):
        lead = eol
    chunk = "\n".join(block) + "\n" + (eol if rest else "")
    return before + lead + chunk + rest


def _front_matter_end(lines: list[str]) -> int:
    return next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))


def _h2_rows(lines: list[str]) -> list[int]:
    return [row for row, _ in level2_headings(lines, _front_matter_end(lines) + 1)[0]]


def _same_timeline(old: Incident, new: Incident) -> bool:
    """The edit added exactly one update and changed nothing else the parser can see."""
    def key(incident: Incident) -> list[tuple[object, ...]]:
        return [(u.time, u.status, u.message, u.components, u.next_update)
                for u in incident.updates]
    return (key(new)[:-1] == key(old) and new.summary == old.summary
            and new.postmortem == old.postmortem and new.components == old.components)


def update(path: Path, shown: str, request: UpdateRequest, config: SiteConfig,
           now: datetime, dry_run: bool = False, note: Note = None) -> Path:
    """Add one update to an incident file: locked, re-read, checked, written atomically.

    `dry_run` checks the request (as for `create`) and writes nothing. A full disk or a
    read-only tree is one line, and the file is left as it was."""
    with edit_errors(shown), locked(path):
        data = read_regular(path)
        old, problems = parse_incident(shown, path.stem, data, config)
        if old is None:
            raise EditError("fix the file first:\n" + "\n".join(str(p) for p in problems))
        text = data.decode("utf-8")
        new_text = plan_update(text, old, request, config, now, None if dry_run else note)
        new = check(shown, path.stem, new_text.removeprefix("\ufeff"), config)
        if not _same_timeline(old, new):
            raise EditError(f"{shown}: the update would change earlier text; nothing written")
        if not dry_run:
            replace_file(path, new_text.encode("utf-8"))
    return path


@contextlib.contextmanager
def edit_errors(shown: str) -> Iterator[None]:
    """A file that cannot be read or written as one line naming it; it is left as it was."""
    try:
        yield
    except (UnreadableFile, UnicodeDecodeError) as exc:
        raise EditError(f"{shown}: {exc}") from None
    except NotRegular:
        raise EditError(f"{shown}: not a regular file: only regular files are read") from None
    except OSError as exc:
        raise EditError(f"{shown}: cannot be written ({exc.strerror}); the file is "
                        "unchanged") from None


def find(incidents_dir: Path, ident: str, shown_dir: str, root: Path | None = None) -> Path:
    """An incident file by id, by path, or by the unique id ending in the given slug.

    What `check` refuses (a FIFO, a link out of `root`, the project: by default the folder
    above incidents/) is refused here with the same words; any link is refused too, as an
    atomic write would replace the link, not the file it points to."""
    stem = Path(ident).stem if ident.endswith(".md") or "/" in ident else ident
    root = root or incidents_dir.parent
    listing = list_incident_files(incidents_dir, root)
    refused = {Path(p.path).stem: p for p in listing.problems if p.path.endswith(".md")}
    files = {p.stem: p for p, _ in listing.files}
    tails = [s for s in {*files, *refused} if s[11:] == stem]
    match = stem if stem in files or stem in refused else (tails[0] if len(tails) == 1
                                                            else None)
    if match in refused:
        where = (root / refused[match].path).relative_to(incidents_dir).as_posix()
        raise EditError(f"{shown_dir}/{where}: {refused[match].message}")
    if match is not None:
        if files[match].is_symlink():
            raise EditError(f"{shown_dir}/{files[match].relative_to(incidents_dir)}: a "
                            "symbolic link: edit the file it points to")
        return files[match]
    hint = did_you_mean(stem, files) or did_you_mean(stem, [s[11:] for s in files])
    containing = [s for s in files if stem in s]
    if not hint and containing:
        hint = f" (did you mean {' or '.join(repr(s) for s in containing[:3])}?)"
    raise EditError(f"no incident {ident!r} in {shown_dir}/{hint}")
