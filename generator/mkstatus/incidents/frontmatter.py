"""The YAML front matter of an incident file, read into a `Draft`'s `meta`.

A problem in the front matter must not hide the rest of the file: whatever happens here,
the caller learns where the body starts (when that can be known at all), and whether the
front matter could be read, so the headings, times and statuses below it are still
checked in the same run.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mkstatus.incidents import strictyaml as sy
from mkstatus.incidents.rules import Draft
from mkstatus.text import did_you_mean, forbidden_character
from mkstatus.times import TimeError, parse_time

# Controls YAML refuses (with a position we could not show) or reads as line breaks.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
FRONT_KEYS = ("title", "impact", "components", "started", "scheduled_for", "scheduled_until",
              "informational", "pin", "draft", "recurrence")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """Where the body starts (None: unknown) and whether `meta` could be read at all."""

    body_start: int | None
    read: bool


def read_front_matter(draft: Draft, lines: list[str]) -> FrontMatter:
    """Read the YAML between the `---` lines into `draft.meta`, reporting every problem."""
    if not lines or lines[0].rstrip() != "---":
        draft.error(1, 1, "expected front matter: the file must start with a line '---'")
        return FrontMatter(0, read=False)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        draft.error(1, 1, "front matter is not closed: add a line '---' after it")
        return FrontMatter(None, read=False)
    yaml_text = "\n".join(lines[1:end])
    blanked = _blank_controls(draft, lines, end, yaml_text)
    try:
        node = sy.compose(blanked if blanked is not None else yaml_text, first_line=2)
    except sy.YamlProblem as exc:
        if blanked is None:  # else the error may be the blanked character's doing
            draft.error(exc.line + 1, exc.col, exc.message)
        return FrontMatter(end + 1, read=False)
    if not isinstance(node, MappingNode):
        draft.error(2, 1, "front matter must be a mapping of keys such as `title:`")
        return FrontMatter(end + 1, read=False)
    _read_meta(draft, node, lines)
    return FrontMatter(end + 1, read=True)


def _blank_controls(draft: Draft, lines: list[str], end: int, yaml_text: str) -> str | None:
    """Report the first tab and the first other control character of the front matter,
    and return its text with each of them made a space (so the rest is still read, and
    YAML, which counts U+0085 and U+2028 as line breaks, keeps the file's line numbers);
    None when there is none."""
    if not _CONTROL.search(yaml_text) and "\t" not in yaml_text:
        return None
    rows = range(1, end)
    tab = next(((i, lines[i].index("\t")) for i in rows if "\t" in lines[i]), None)
    if tab is not None:
        draft.error(tab[0] + 1, tab[1] + 1, "tab character in front matter: YAML "
                    "indentation must use spaces")
    control = next(((i, m.start()) for i in rows if (m := _CONTROL.search(lines[i]))), None)
    if control is not None:
        row, col = control
        draft.error(row + 1, col + 1, f"front matter {_describe(lines[row][col])}: remove it")
    if tab is None and control is None:
        return None
    return "\n".join(_CONTROL.sub(" ", lines[i].replace("\t", " ")) for i in rows)


def _describe(char: str) -> str:
    found = forbidden_character(char)
    if found is not None:
        return found[1]
    name = unicodedata.name(char, "")  # U+2028 LINE SEPARATOR; U+FFFE has no name
    return f"contains U+{ord(char):04X} {name}" if name else \
        f"contains U+{ord(char):04X}, a noncharacter"


def _read_meta(draft: Draft, node: MappingNode, lines: list[str]) -> None:
    for key_node, value in node.value:
        line, col = sy.where(key_node)
        try:
            key = sy.key_name(key_node)
        except sy.YamlProblem as exc:
            draft.error(exc.line + 1, exc.col, exc.message)
            continue
        draft.lines[key] = line + 1
        if key not in FRONT_KEYS:
            draft.error(line + 1, col, f"unknown key {key!r}{did_you_mean(key, FRONT_KEYS)}; "
                        f"expected one of: {', '.join(FRONT_KEYS)}")
            continue
        try:
            draft.meta[key] = _read_value(draft, key, value, lines)
        except sy.YamlProblem as exc:
            draft.error(exc.line + 1, exc.col, exc.message)
        except TimeError as exc:
            vline, vcol = sy.where(value)
            draft.error(vline + 1, vcol, f"{key}: {exc}")


def _read_value(draft: Draft, key: str, node: Node, lines: list[str]) -> Any:
    if key == "title":
        return _title(node, lines)
    if key in ("informational", "pin", "draft"):
        return sy.as_bool(node, key)
    if key in ("started", "scheduled_for", "scheduled_until"):
        return parse_time(sy.as_scalar_text(node, key), draft.config.timezone)
    if key in ("impact", "recurrence"):
        return sy.as_text(node, key), sy.where(node)
    return _read_components(node)


def _title(node: Node, lines: list[str]) -> str:
    """Plain text on one line: no control character, no direction override (U+202E would
    reverse the page's text after it)."""
    title = sy.as_text(node, "title").strip()
    if not title:
        raise sy.YamlProblem(*sy.where(node), "title: must not be empty")
    found = forbidden_character(title)
    if found is not None:
        index, what = found
        line, col = sy.where(node)
        row = lines[line] if line < len(lines) else ""  # YAML line n is file line n + 1
        if title[index] in row:
            col = row.index(title[index]) + 1
        raise sy.YamlProblem(line, col, f"title: {what}; a title is plain text: remove it")
    return title


def _read_components(node: Node) -> list[tuple[str, str | None, int, int]]:
    """`components:` as a mapping id -> status, or (maintenance, notices) a list of ids."""
    out: list[tuple[str, str | None, int, int]] = []
    if isinstance(node, MappingNode):
        for cid, key_node, value in sy.items(node):
            line, col = sy.where(key_node)
            status = sy.as_text(value, f"components.{cid}")
            out.append((cid, status, line + 1, col))
    elif isinstance(node, SequenceNode):
        for item in node.value:
            line, col = sy.where(item)
            out.append((sy.as_text(item, "components[]"), None, line + 1, col))
    elif isinstance(node, ScalarNode) and node.value == "":
        return out
    else:
        raise sy.YamlProblem(*sy.where(node), "components: expected a mapping such as "
                             "`api: major_outage`")
    return out
