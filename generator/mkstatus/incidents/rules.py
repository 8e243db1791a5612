"""The rules that make a parsed incident file mean exactly one thing.

`incidents.py` reads the text; this module checks what was read against the contract:
the kind of file, impact, components, the order and vocabulary of updates, nothing after
a resolution, `started` before the first update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mkstatus.errors import Problem
from mkstatus.incidents import recurrence
from mkstatus.model import (
    ComponentStatus,
    Impact,
    Incident,
    Kind,
    MaintenanceStatus,
    SiteConfig,
    Update,
    UpdateStatus,
)
from mkstatus.text import did_you_mean


@dataclass
class Draft:
    """What has been read of one file so far, and what went wrong."""

    path: str
    config: SiteConfig
    problems: list[Problem] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def error(self, line: int, col: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, col, message))

    def key_error(self, key: str, message: str) -> None:
        self.error(self.lines.get(key, 1), 1, message)


def assemble(draft: Draft, stem: str, summary: str, updates: list[Update],
             postmortem: str) -> Incident | None:
    meta = draft.meta
    if "title" not in meta and "title" not in draft.lines:
        draft.error(1, 1, "missing `title:` in front matter")
    kind = _kind(draft)
    ordered, newest_first = _order(draft, updates)
    _check_vocabulary(draft, kind, ordered)
    rule = _recurrence(draft, kind, ordered)
    if rule is None:
        _check_after_end(draft, ordered)  # a recurring file checks each occurrence
    components = _components(draft, kind)
    impact = _impact(draft, kind, components)
    _check_times(draft, kind, ordered)
    if draft.problems:
        return None
    return Incident(
        id=stem, path=draft.path, kind=kind, title=meta["title"], impact=impact,
        components=tuple(components), updates=tuple(ordered), summary=summary,
        postmortem=postmortem, started=meta.get("started"),
        scheduled_for=meta.get("scheduled_for"), scheduled_until=meta.get("scheduled_until"),
        pin=meta.get("pin", False), draft=meta.get("draft", False), newest_first=newest_first,
        recurrence=rule,
    )


def _recurrence(draft: Draft, kind: Kind, ordered: list[Update]) -> str | None:
    """`recurrence:` and `Occurrence:` lines, checked by ``recurrence.check_file``."""
    given = draft.meta.get("recurrence")
    if given is None:
        for update in ordered:
            if update.occurrence is not None:
                draft.error(update.line + 1, 1, "Occurrence: only a recurring maintenance "
                            "(with `recurrence:`) has occurrences")
        return None
    text, (line, col) = given
    return recurrence.check_file(text, (line + 1, col), kind, draft.meta, ordered,
                                 draft.config.zone, draft.error)


def check_timeline(draft: Draft, updates: list[Update]) -> None:
    """What can be checked of the updates alone, when the front matter could not be read
    (so its problems do not hide these). Not what follows an end: whether the file is a
    recurring maintenance, which ends once per occurrence, is in its front matter."""
    _order(draft, updates)


# At most this many ids are listed in a message (a site may have hundreds of components).
LISTED = 30


def unknown_component(cid: str, config: SiteConfig) -> str:
    """The message for an id that mkdocs.yml does not configure, listing the ids it does
    (the same in `check`, `build` and `mkstatus update -c`)."""
    known = [c.id for c in config.components]
    where = config.config_path
    if not known:
        return f"unknown component {cid!r}; {where} configures no components"
    listing = ", ".join(known[:LISTED]) + (f", … ({len(known) - LISTED} more)"
                                           if len(known) > LISTED else "")
    return (f"unknown component {cid!r}{did_you_mean(cid, known)}; the components "
            f"configured in {where} are: {listing}")


def _kind(draft: Draft) -> Kind:
    meta = draft.meta
    scheduled = ("scheduled_for" in draft.lines) or ("scheduled_until" in draft.lines)
    if scheduled and meta.get("informational"):
        draft.key_error("informational", "a file is either scheduled maintenance "
                        "(scheduled_for/scheduled_until) or informational, not both")
    if scheduled:
        for key in ("scheduled_for", "scheduled_until"):
            if key not in draft.lines:
                other = "scheduled_until" if key == "scheduled_for" else "scheduled_for"
                draft.key_error(other, f"scheduled maintenance needs both scheduled_for and "
                                f"scheduled_until; `{key}` is missing")
        return Kind.MAINTENANCE
    return Kind.NOTICE if meta.get("informational") else Kind.INCIDENT


def _order(draft: Draft, updates: list[Update]) -> tuple[list[Update], bool]:
    """Updates oldest first; the file may be written newest first or oldest first."""
    if len(updates) < 2:
        return list(updates), True
    newest_first = updates[0].time > updates[1].time
    for before, after in zip(updates, updates[1:], strict=False):
        if before.time == after.time:
            draft.error(after.line, 4, f"two updates at the same time "
                        f"({after.time.isoformat()}, also on line {before.line})")
        elif (before.time > after.time) != newest_first:
            order = "newest first" if newest_first else "oldest first"
            draft.error(after.line, 4, f"update out of order: this file lists updates "
                        f"{order}, but this one is {'later' if newest_first else 'earlier'} "
                        f"than the update on line {before.line}")
    return sorted(updates, key=lambda u: u.time), newest_first


def _check_vocabulary(draft: Draft, kind: Kind, ordered: list[Update]) -> None:
    allowed = tuple(MaintenanceStatus if kind is Kind.MAINTENANCE else UpdateStatus)
    what = "scheduled maintenance" if kind is Kind.MAINTENANCE else f"an {kind.value}"
    for update in ordered:
        if update.status not in allowed:
            draft.error(update.line, 4, f"{update.label!r} is not a status of {what}; "
                        f"expected one of: {', '.join(allowed)}"
                        f"{did_you_mean(update.status, allowed)}")
    if kind is not Kind.MAINTENANCE and not ordered and not draft.problems:
        draft.error(max(draft.lines.values(), default=1), 1,
                    f"{what} needs at least one update heading such as "
                    "'## 2026-11-22 14:05 +01:00 — Investigating'")


def _check_after_end(draft: Draft, ordered: list[Update]) -> None:
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.status.ends:
            draft.error(after.line, 4, f"update after the {before.label.lower()} update on "
                        f"line {before.line}: nothing may follow it (open a new incident, "
                        "or move the resolution to the end)")
            return


def _components(draft: Draft, kind: Kind) -> list[tuple[str, ComponentStatus]]:
    known = [c.id for c in draft.config.components]
    codes = [s.code for s in ComponentStatus]
    out: list[tuple[str, ComponentStatus]] = []
    for cid, status, line, col in draft.meta.get("components", []):
        if cid not in known:
            draft.error(line, col, unknown_component(cid, draft.config))
        elif status is None and kind is Kind.INCIDENT:
            draft.error(line, col, f"components: give {cid}'s status while the incident is "
                        f"open, as `{cid}: major_outage`")
        elif status is None or kind is Kind.MAINTENANCE:
            out.append((cid, ComponentStatus.UNDER_MAINTENANCE))
        elif status not in codes:
            draft.error(line, col + len(cid) + 2, f"unknown component status {status!r}"
                        f"{did_you_mean(status, codes)}; expected one of: {', '.join(codes)}")
        else:
            out.append((cid, ComponentStatus.from_code(status)))
    return out


def _impact(draft: Draft, kind: Kind, components: list[tuple[str, ComponentStatus]]) -> Impact:
    given = draft.meta.get("impact")
    defaults = {Kind.MAINTENANCE: Impact.MAINTENANCE, Kind.NOTICE: Impact.NONE}
    if given is None:
        return defaults.get(kind) or _derived_impact(components)
    text, (line, col) = given
    allowed = {Kind.INCIDENT: ("none", "minor", "major", "critical"),
               Kind.NOTICE: ("none",), Kind.MAINTENANCE: ("maintenance",)}[kind]
    if text not in allowed:
        why = {Kind.NOTICE: " (a notice affects no status)",
               Kind.MAINTENANCE: " (scheduled maintenance)"}.get(kind, "")
        expected = allowed[0] if len(allowed) == 1 else "one of " + ", ".join(allowed)
        draft.error(line + 1, col, f"impact: expected {expected}{why}, found "
                    f"{text!r}{did_you_mean(text, allowed)}")
        return Impact.NONE
    return next(i for i in Impact if i.code == text)


def _derived_impact(components: list[tuple[str, ComponentStatus]]) -> Impact:
    worst = max((s for _, s in components), default=ComponentStatus.OPERATIONAL)
    if worst is ComponentStatus.MAJOR_OUTAGE:
        return Impact.MAJOR
    return Impact.MINOR if worst > ComponentStatus.UNDER_MAINTENANCE else Impact.NONE


def _check_times(draft: Draft, kind: Kind, ordered: list[Update]) -> None:
    meta = draft.meta
    started = meta.get("started")
    if started is not None and ordered and started > ordered[0].time:
        draft.key_error("started", f"started ({started.isoformat()}) is after the first "
                        f"update ({ordered[0].time.isoformat()}, line {ordered[0].line})")
    if started is not None and kind is Kind.MAINTENANCE:
        draft.key_error("started", "scheduled maintenance starts at `scheduled_for`; "
                        "remove `started`")
    start, until = meta.get("scheduled_for"), meta.get("scheduled_until")
    if start is not None and until is not None and until <= start:
        draft.key_error("scheduled_until", f"scheduled_until ({until.isoformat()}) must be "
                        f"after scheduled_for ({start.isoformat()})")
