"""A strict reader for the small YAML documents people write (front matter, mkdocs.yml).

PyYAML's loaders expand aliases (an alias bomb is a few lines), build Python objects from
tags, keep the last of two duplicate keys and read `NO` as False and `12:30:00` as 45000.
Here we stop at the *node* level: every value keeps its line and column, anchors,
aliases, tags and duplicate keys are refused, and each caller asks for the type it wants,
so a coercion is reported instead of believed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

STR_TAG = "tag:yaml.org,2002:str"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
NULL_TAG = "tag:yaml.org,2002:null"
# Front matter needs three levels; PyYAML's composers recurse once (or more) per level
# and overflow Python's stack near a thousand, so deeper text is refused before parsing.
MAX_DEPTH = 50


class YamlProblem(ValueError):
    """A problem at a node; `line` and `col` are 1-based within the YAML text."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


def where(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(yaml.SafeLoader):
    """Composes nodes only; refuses the parts of YAML that let a file mean two things."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem(mark.line + 1, mark.column + 1,
                              f"YAML aliases (*{event.anchor}) are not allowed")
        if getattr(event, "anchor", None):
            raise YamlProblem(mark.line + 1, mark.column + 1,
                              f"YAML anchors (&{event.anchor}) are not allowed")
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise YamlProblem(mark.line + 1, mark.column + 1,
                              f"YAML tags ({shown}) are not allowed")
        return super().compose_node(parent, index)


def compose(text: str, first_line: int = 1) -> Node | None:
    """Parse one YAML document into nodes, or raise YamlProblem.

    `first_line` is the file line the text starts on, for messages that name a line.
    """
    check_depth(text)
    try:
        node = yaml.compose(text, Loader=_loader_for(text))  # noqa: S506 - builds no objects
    except YamlProblem:
        raise
    except RecursionError:  # check_depth keeps this away; a message all the same
        raise YamlProblem(1, 1, f"YAML nested more than {MAX_DEPTH} levels deep") from None
    except yaml.MarkedYAMLError as exc:
        if _loader_for(text) is not _Loader:  # libyaml's wording is terser: ask ours
            return _compose_checked(text, first_line)
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(line, col, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise unmarked(exc, text) from None
    if node is not None:
        check_duplicates(node, first_line - 1)
    return node


def _compose_checked(text: str, first_line: int) -> Node | None:
    """The pure-Python composer, for its clearer error messages."""
    try:
        yaml.compose(text, Loader=_Loader)  # noqa: S506 - compose builds no objects
    except RecursionError:
        raise YamlProblem(1, 1, f"YAML nested more than {MAX_DEPTH} levels deep") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(line, col, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise unmarked(exc, text) from None
    raise YamlProblem(1, 1, "invalid YAML")


def unmarked(exc: yaml.YAMLError, text: str) -> YamlProblem:
    """A YAML error without a mark (the reader's "special characters are not allowed"),
    as one line, located by its character position when it has one."""
    position = getattr(exc, "position", None)
    line, col = 1, 1
    if isinstance(position, int) and 0 <= position <= len(text):
        before = text[:position]
        line, col = before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1
    character = getattr(exc, "character", None)
    if isinstance(character, int):
        return YamlProblem(line, col, f"invalid YAML: U+{character:04X} is not allowed")
    return YamlProblem(line, col, f"invalid YAML: {' '.join(str(exc).split())}")


def check_depth(text: str) -> None:
    """Refuse YAML nested deeper than MAX_DEPTH, at the line and column where it goes too
    deep. Flow brackets outside quotes and comments, indentation steps and `- ` items
    each count as a level (an over-estimate is fine: real front matter is shallow)."""
    lines = text.split("\n")
    if len(lines) + sum(text.count(mark) for mark in ("[", "{", "- ")) <= MAX_DEPTH:
        return  # each level needs a line, a bracket or a `- `: cannot be too deep
    indents: list[int] = []
    flow = 0
    for number, line in enumerate(lines, start=1):
        body = line.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        indent = len(line) - len(body)
        if flow == 0:
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            while body.startswith("- "):  # `- - - x`: a list in a list in a list
                indent += 2
                indents.append(indent)
                body = body[2:].lstrip(" ")
        flow, col = _flow_depth(body, flow, len(indents))
        if col is not None or len(indents) > MAX_DEPTH:
            where = len(line) - len(body) + (col or 0) + 1
            raise YamlProblem(number, where, f"YAML nested more than {MAX_DEPTH} levels deep")


def _flow_depth(body: str, flow: int, levels: int) -> tuple[int, int | None]:
    """The flow depth after `body`, and the column where it went too deep (or None)."""
    quote = ""
    for col, char in enumerate(body):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"" and (col == 0 or body[col - 1] in " [{,:"):
            quote = char
        elif char == "#" and (col == 0 or body[col - 1] == " "):
            break
        elif char in "[{":
            flow += 1
            if flow + levels > MAX_DEPTH:
                return flow, col
        elif char in "]}" and flow:
            flow -= 1
    return flow, None


def _loader_for(text: str) -> type:
    """libyaml's composer is ten times faster; it is safe whenever the text cannot hold an
    anchor, an alias or a tag (none of `&`, `*`, `!`), else our checking composer runs."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None and not any(ch in text for ch in "&*!"):
        return fast  # type: ignore[no-any-return]
    return _Loader


def compose_loose(text: str) -> Node | None:
    """Nodes of a file we only read positions from (mkdocs.yml may use !ENV and friends).

    libyaml's composer first (it gives the same marks, fifteen times faster), the
    pure-Python one should libyaml refuse what PyYAML reads: a position is never lost."""
    try:
        check_depth(text)
    except YamlProblem:
        return None
    loaders = [getattr(yaml, "CSafeLoader", None), yaml.SafeLoader]
    for loader in [found for found in loaders if found is not None]:
        try:
            return yaml.compose(text, Loader=loader)  # noqa: S506 - compose builds no objects
        except (yaml.YAMLError, RecursionError):
            continue
    return None


def syntax_problem(text: str) -> YamlProblem | None:
    """The first YAML syntax error in `text` (any tag allowed: mkdocs.yml uses !ENV), as
    one line with its location, or None."""
    try:
        check_depth(text)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        yaml.compose(text, Loader=loader)  # noqa: S506 - compose builds no objects
    except YamlProblem as exc:
        return exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return YamlProblem(line, col, f"invalid YAML: {exc.problem or exc.context}")
    except yaml.YAMLError as exc:
        return unmarked(exc, text)
    except RecursionError:
        return YamlProblem(1, 1, f"YAML nested more than {MAX_DEPTH} levels deep")
    return None


def check_duplicates(node: Node, offset: int = 0) -> None:
    if isinstance(node, MappingNode):
        seen: dict[str, Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else repr(key)
            if name in seen:
                line, col = where(key)
                first = where(seen[name])[0]
                raise YamlProblem(line, col, f"duplicate key {name!r} (first on line "
                                  f"{first + offset})")
            seen[name] = key
            check_duplicates(value, offset)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            check_duplicates(item, offset)


def items(node: MappingNode) -> Iterator[tuple[str, ScalarNode, Node]]:
    for key, value in node.value:
        yield key_name(key), key, value


def key_name(key: Node) -> str:
    """A mapping key, which must be a plain name (`[a, b]: x` is valid YAML, not a name)."""
    if not isinstance(key, ScalarNode):
        line, col = where(key)
        raise YamlProblem(line, col, f"keys must be plain names such as `title`, found a "
                          f"{_shape(key)}")
    return str(key.value)


def as_text(node: Node, key: str) -> str:
    """A string, refusing what YAML 1.1 would have turned into something else."""
    if isinstance(node, ScalarNode) and node.tag == STR_TAG:
        return str(node.value)
    line, col = where(node)
    if isinstance(node, ScalarNode):
        kind = {BOOL_TAG: "a boolean", INT_TAG: "a number", NULL_TAG: "empty"}.get(
            node.tag, "not plain text")
        return _raise(line, col, f"{key}: expected text, found {node.value!r}, which YAML "
                      f"reads as {kind}; put it in quotes")
    return _raise(line, col, f"{key}: expected text, found a {_shape(node)}")


def as_scalar_text(node: Node, key: str) -> str:
    """The raw text of any scalar (times are parsed by us, not by YAML)."""
    if isinstance(node, ScalarNode) and node.value != "":
        return str(node.value)
    line, col = where(node)
    return _raise(line, col, f"{key}: expected a value, found {_shape(node)}")


def as_bool(node: Node, key: str) -> bool:
    if isinstance(node, ScalarNode) and node.tag == BOOL_TAG and node.value.lower() in (
        "true", "false"
    ):
        return bool(node.value.lower() == "true")
    line, col = where(node)
    found = node.value if isinstance(node, ScalarNode) else _shape(node)
    return _raise(line, col, f"{key}: expected true or false, found {found!r}")


def _shape(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "mapping"
    if isinstance(node, SequenceNode):
        return "list"
    return "empty value" if node.value == "" else repr(node.value)


def _raise(line: int, col: int, message: str) -> NoReturn:
    raise YamlProblem(line, col, message)
