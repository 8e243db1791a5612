"""Reading incident files: `incidents/<YYYY-MM-DD>-<slug>.md`.

Every problem in every file is collected as a `Problem` (path:line:col), so one
`mkstatus check` run shows an on-call engineer everything to fix. A file with problems
yields no incident; the caller refuses to build when any problem is left.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from pathlib import Path

from mkstatus import parallel
from mkstatus.errors import Problem
from mkstatus.incidents import stored
from mkstatus.incidents.folder import (
    MAX_BYTES,
    Listing,
    NotUtf8,
    UnreadableFile,
    decode_utf8,
    list_incident_files,
    read_regular,
    translation_of,
)
from mkstatus.incidents.frontmatter import read_front_matter
from mkstatus.incidents.recurrence import OCCURRENCE_RE, UNREADABLE, parse_occurrence
from mkstatus.incidents.rules import Draft as _Draft
from mkstatus.incidents.rules import assemble as _assemble
from mkstatus.incidents.rules import check_timeline, unknown_component
from mkstatus.model import (
    STATUSES,
    ComponentStatus,
    Incident,
    SiteConfig,
    Status,
    Update,
)
from mkstatus.text import did_you_mean
from mkstatus.times import TIME_RE, TimeError, next_update_time, parse_time

ID_RE = re.compile(r"\d{4}-\d{2}-\d{2}-[a-z0-9][a-z0-9-]*")
COMPONENT_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
HEADING_RE = re.compile(r"(?P<hashes>#{1,6})(?!#)(?P<space>[ \t]*)(?P<text>.*?)[ \t#]*")
FENCE_RE = re.compile(r"[ ]{0,3}(?P<fence>`{3,}|~{3,})")
POSTMORTEM_RE = re.compile(r"post-?mortem", re.IGNORECASE)
SEPARATOR_RE = re.compile(r"\s*(?:[—\-·|:]\s*)?")
COMPONENTS_LINE_RE = re.compile(r"components?:[ \t]*(?P<list>.*)", re.IGNORECASE)
NEXT_UPDATE_RE = re.compile(r"next[ _-]?update:[ \t]*(?P<value>.*)", re.IGNORECASE)
STATUS_CODES = [s.code for s in ComponentStatus]


Parsed = tuple[Incident | None, list[Problem]]
_cache: dict[tuple[str, int, int, str, tuple[str, ...], str], Parsed] = {}


def load_incidents(directory: Path, config: SiteConfig, root: Path,
                   listing: Listing | None = None) -> tuple[list[Incident], list[Problem]]:
    """Every incident under `directory`, sorted by id, and every problem found.

    Only regular `*.md` files are read (see ``folder``); `root`, the project's folder, is
    where paths in messages start and where links must lead; ``listing``, the folder's
    ``list_incident_files`` when the caller has it already. `mkstatus serve` rebuilds
    after every edit; a file whose modification time and size are unchanged (under the
    same components and timezone) is not parsed again. A new process takes the files
    whose bytes are unchanged since an earlier build from the derived cache
    (``stored``).
    """
    global _cache
    incidents: list[Incident] = []
    if not directory.is_dir():
        return incidents, []
    listing = list_incident_files(directory, root) if listing is None else listing
    problems = list(listing.problems)
    seen: dict[str, str] = {}
    fresh: dict[tuple[str, int, int, str, tuple[str, ...], str], Parsed] = {}
    context = (tuple(c.id for c in config.components), str(config.timezone))
    files = []
    for file, shown in listing.files:
        if translation_of(file) is not None:  # read by ``translations``
            continue
        if file.stem in seen:
            problems.append(Problem(shown, 1, 1, f"incident id {file.stem!r} is also used "
                                    f"by {seen[file.stem]}"))
            continue
        seen[file.stem] = shown
        try:
            stat = file.stat()
        except OSError as exc:  # removed since the listing: say so, never skip quietly
            problems.append(Problem(shown, 1, 1, f"cannot be read ({exc.strerror})"))
            continue
        files.append((file, shown, (str(file), stat.st_mtime_ns, stat.st_size, shown,
                                    *context)))
    todo = [(file, shown) for file, shown, key in files if key not in _cache]
    # The derived cache on disk is for a new process, which has every file to read; a
    # rebuild of `mkstatus serve` holds the unchanged ones in memory already, and
    # reading and writing the whole cache for an edited file would cost it more than
    # parsing that file.
    whole = bool(todo) and len(todo) == len(files)
    store = stored.open_store(root, config) if whole else None
    parsed_now = iter(_parse_all(todo, config, store))
    for _, _, key in files:
        parsed = _cache[key] if key in _cache else next(parsed_now)
        fresh[key] = parsed
        problems.extend(parsed[1])
        if parsed[0] is not None:
            incidents.append(parsed[0])
    _cache = fresh  # only what the folder holds now
    if store is not None:
        store.save(shown for _, shown, _ in files)
    incidents.sort(key=lambda i: i.id)
    return incidents, problems


def forget_parsed() -> None:
    """Let go of what ``load_incidents`` keeps for the next load in this process (the
    key of every file, 3.5 MB at 10,000 incidents): a one-off build has no next load.
    The incidents stay with whoever holds them."""
    global _cache
    _cache = {}


# Files per part when many are parsed (a cold build), shared between processes.
PART = 50


def _parse_all(todo: list[tuple[Path, str]], config: SiteConfig,
               store: stored.Store | None) -> list[Parsed]:
    """Each file read safely and parsed, or taken from the derived cache (``stored``)
    when its bytes are those it was parsed from; many misses (a cold build) are parsed
    in parts, by worker processes (``parallel.map_parts``). What parsed without a
    problem is kept in the cache."""
    out: list[Parsed | None] = []
    misses: list[tuple[int, str, str, bytes, bytes]] = []
    for file, shown in todo:  # read safely: a regular file only, never blocking
        try:
            data = read_regular(file)
        except UnreadableFile as exc:
            out.append((None, [Problem(shown, 1, 1, str(exc))]))
            continue
        digest = stored.digest(data) if store is not None else b""
        found = store.get(shown, digest) if store is not None else None
        out.append(None if found is None else (found, []))
        if found is None:
            misses.append((len(out) - 1, shown, file.stem, data, digest))
    texts = [(shown, stem, data) for _, shown, stem, data, _ in misses]
    if len(texts) < 4 * PART:
        parsed = parse_texts(texts, config)
    else:
        done = parallel.map_parts(partial(parse_texts, config=config),
                                  parallel.split(texts, PART))
        parsed = [one for part in done for one in part]
    for (index, shown, _, _, digest), result in zip(misses, parsed, strict=True):
        out[index] = result
        if store is not None and result[0] is not None and not result[1]:
            store.put(shown, digest, result[0])
    results = [result for result in out if result is not None]
    assert len(results) == len(todo)  # every file has its answer, in order
    return results


def parse_texts(texts: Sequence[tuple[str, str, bytes]], config: SiteConfig) -> list[Parsed]:
    """Each file's bytes parsed: the path shown in messages, the incident id, the bytes."""
    return [parse_incident(shown, stem, data, config) for shown, stem, data in texts]


def parse_incident(path: str, stem: str, data: bytes, config: SiteConfig) -> tuple[
        Incident | None, list[Problem]]:
    incident, draft = parse_draft(path, stem, data, config)
    return incident, draft.problems


def parse_draft(path: str, stem: str, data: bytes, config: SiteConfig) -> tuple[
        Incident | None, _Draft]:
    """``parse_incident``, with what was read of the file (its front-matter keys' lines)."""
    draft = _Draft(path, config)
    if not ID_RE.fullmatch(stem):
        draft.error(1, 1, f"incident id {stem!r} must look like 2026-11-22-short-name "
                    "(a date, then lower-case letters, digits and hyphens)")
    text = _decode(draft, data)
    if text is None:
        return None, draft
    lines = text.split("\n")
    front = read_front_matter(draft, lines)
    body_start = front.body_start
    if body_start is None:  # front matter not closed: the updates start at the first `##`
        body_start = next((i for i, _ in level2_headings(lines, 1)[0]), len(lines))
    summary, updates, postmortem = _body(draft, lines, body_start)
    if not front.read:  # the body's own problems are reported all the same
        check_timeline(draft, updates)
        return None, draft
    incident = _assemble(draft, stem, summary, updates, postmortem)
    return (incident if not draft.problems else None), draft


def _decode(draft: _Draft, data: bytes) -> str | None:
    if len(data) > MAX_BYTES:
        draft.error(1, 1, f"file is {len(data):,} bytes; an incident file may have at most "
                    f"{MAX_BYTES:,} (move large attachments elsewhere and link them)")
        return None
    try:
        text = decode_utf8(data)
    except NotUtf8 as exc:
        draft.error(exc.line, exc.col, exc.message)
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        draft.error(line, 1, "the file contains a NUL character")
        return None
    return text


def level2_headings(lines: list[str], start: int = 0) -> tuple[list[tuple[int, str]],
                                                                  str | None]:
    """`## ` headings outside code fences, as (line index, text), and the fence left open
    at the end (None when every fence closes). The parser and the editor share it, so an
    edit can never create a heading the parser would read differently."""
    found, fence = headings(lines, start)
    return [(index, text) for index, level, text in found if level == 2], fence


def headings(lines: list[str], start: int = 0) -> tuple[list[tuple[int, int, str]],
                                                         str | None]:
    """Every ATX heading outside code fences, as (line index, level, text), and the fence
    left open at the end. `##` needs no space after it (a typo must not hide an update)."""
    found: list[tuple[int, int, str]] = []
    fence: str | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        fence_match = FENCE_RE.match(line)
        if fence_match:
            marker = fence_match["fence"]
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        heading = HEADING_RE.fullmatch(line.rstrip()) if fence is None else None
        if heading and (heading["space"] or len(heading["hashes"]) == 2):
            found.append((index, len(heading["hashes"]), heading["text"]))
    return found, fence


def _body(draft: _Draft, lines: list[str], start: int) -> tuple[str, list[Update], str]:
    """Split the Markdown body at its level-2 headings (outside code fences)."""
    found, _ = headings(lines, start)
    for index, level, text in found:
        if level != 2 and _reads_as_update(text):
            draft.error(index + 1, 1, f"this level-{level} heading reads as an update, but "
                        f"an update is a level-2 heading: write '## {text}' (or reword the "
                        "heading if it belongs to the message)")
    sections = [(index, text) for index, level, text in found if level == 2]
    ends = [i for i, _ in sections[1:]] + ([len(lines)] if sections else [])
    summary_end = sections[0][0] if sections else len(lines)
    summary = "\n".join(lines[start:summary_end]).strip()
    updates: list[Update] = []
    postmortems: list[str] = []
    for (index, text), end in zip(sections, ends, strict=True):
        if POSTMORTEM_RE.fullmatch(text.strip()):
            postmortems.append("\n".join(lines[index + 1:end]).strip())
            if len(postmortems) > 1:
                draft.error(index + 1, 1, "a second postmortem section: keep one")
            continue
        update = _update(draft, lines, index, text, end)
        if update is not None:
            updates.append(update)
    return summary, updates, (postmortems[0] if postmortems else "")


def _reads_as_update(text: str) -> bool:
    """`<time> — <status>`: what a `###` heading must not look like."""
    match = TIME_RE.match(text)
    if match is None:
        return False
    rest = text[match.end():]
    status = rest[SEPARATOR_RE.match(rest).end():]  # type: ignore[union-attr]
    return _status_code(status) in STATUSES


def _status_code(text: str) -> str:
    return re.sub(r"[\s_-]+", "_", text.strip().lower())


def _update(draft: _Draft, lines: list[str], index: int, text: str, end: int) -> Update | None:
    line_no = index + 1
    col = lines[index].index(text) + 1 if text else 4
    match = TIME_RE.match(text)
    if match is None:
        draft.error(line_no, col, f"unexpected heading {text!r}: a level-2 heading must be "
                    "an update '## 2026-11-22 14:05 +01:00 — Investigating' or '## Postmortem'")
        return None
    rest = text[match.end():]
    try:
        when = parse_time(match.group(0) + _abbreviation(rest), draft.config.timezone)
    except TimeError as exc:
        draft.error(line_no, col, str(exc))
        return None
    status_text = rest[SEPARATOR_RE.match(rest).end():].strip()  # type: ignore[union-attr]
    status = _status(draft, line_no, col + len(text) - len(status_text), status_text)
    body_start = index + 1
    occurrence = None
    if body_start < end and (occ := OCCURRENCE_RE.fullmatch(lines[body_start].strip())):
        occurrence = parse_occurrence(occ["date"])
        if occurrence is None:
            draft.error(body_start + 1, 1, f"Occurrence: expected the occurrence's start date "
                        f"as YYYY-MM-DD (site time), found {occ['date']!r}")
            occurrence = UNREADABLE
        body_start += 1
    promise, body_start = _next_update(draft, lines, body_start, end, when)
    changes: list[tuple[str, ComponentStatus]] = []
    if body_start < end and (comp := COMPONENTS_LINE_RE.fullmatch(lines[body_start].strip())):
        changes = _component_changes(draft, body_start + 1, lines[body_start], comp["list"])
        body_start += 1
    else:
        _check_detached_components(draft, lines, body_start, end)
    if promise is None:
        promise, body_start = _next_update(draft, lines, body_start, end, when)
    if status is None:
        return None
    if promise is not None and status.ends:
        draft.error(line_no, col, f"a {status.label.lower()} update promises no next update:"
                    " remove its 'Next update:' line")
    message = "\n".join(lines[body_start:end]).strip()
    return Update(when, status, message, tuple(changes), line_no, occurrence=occurrence,
                  next_update=promise)


def _next_update(draft: _Draft, lines: list[str], row: int, end: int, when: datetime
                 ) -> tuple[datetime | None, int]:
    """A `Next update: 30 min` (or a time) line at `row`, beside `Components:`: the
    promised time, and the row the message starts at."""
    match = NEXT_UPDATE_RE.fullmatch(lines[row].strip()) if row < end else None
    if match is None:
        return None, row
    try:
        return next_update_time(match["value"], when, draft.config.timezone), row + 1
    except TimeError as exc:
        col = lines[row].index(match["value"]) + 1 if match["value"] else len(lines[row]) + 1
        draft.error(row + 1, col, f"Next update: {exc}")
        return None, row + 1


def _check_detached_components(draft: _Draft, lines: list[str], start: int, end: int) -> None:
    """`Components: a=b` after a blank line would be published as text, with no change."""
    row = next((r for r in range(start, end) if lines[r].strip()), None)
    if row is None or row == start:
        return
    comp = COMPONENTS_LINE_RE.fullmatch(lines[row].strip())
    if comp and "=" in comp["list"]:
        draft.error(row + 1, 1, f"'Components:' must be on the line directly under the "
                    f"update heading (line {start}): remove the blank line above it, or it "
                    "is published as text and changes nothing")
        _component_changes(draft, row + 1, lines[row], comp["list"])


def _abbreviation(rest: str) -> str:
    """Hand a trailing zone abbreviation to parse_time so it can refuse it by name."""
    word = re.match(r"\s*([A-Z]{2,5})\b", rest)
    if word and word[1].lower() not in STATUSES:
        return " " + word[1]
    return ""


def _status(draft: _Draft, line: int, col: int, text: str) -> Status | None:
    code = _status_code(text)
    known = tuple(STATUSES)
    if code in STATUSES:
        return STATUSES[code]
    found = f"found {text!r}" if text else "found nothing"
    draft.error(line, col, f"expected an update status ({', '.join(known)}), {found}"
                f"{did_you_mean(code, known)}")
    return None


def _component_changes(draft: _Draft, line: int, raw: str, listing: str) -> list[
        tuple[str, ComponentStatus]]:
    out: list[tuple[str, ComponentStatus]] = []
    offset = raw.index(listing) if listing else len(raw)
    for part in re.finditer(r"[^,]+", listing):
        col = offset + part.start() + len(part[0]) - len(part[0].lstrip()) + 1
        item = part[0].strip()
        if "=" not in item:
            draft.error(line, col, f"expected component=status, found {item!r}")
            continue
        cid, _, status = (s.strip() for s in item.partition("="))
        checked = _component(draft, line, col, cid, status)
        if checked is not None:
            out.append(checked)
    if not out and not listing.strip():
        draft.error(line, offset + 1, "expected component=status after 'Components:'")
    return out


def _component(draft: _Draft, line: int, col: int, cid: str, status: str | None) -> tuple[
        str, ComponentStatus] | None:
    if cid not in {c.id for c in draft.config.components}:
        draft.error(line, col, unknown_component(cid, draft.config))
        return None
    if status is None:
        return cid, ComponentStatus.UNDER_MAINTENANCE
    try:
        return cid, ComponentStatus.from_code(status)
    except KeyError:
        draft.error(line, col, f"unknown component status {status!r} for {cid}"
                    f"{did_you_mean(status, STATUS_CODES)}; expected one of: "
                    f"{', '.join(STATUS_CODES)}")
        return None

