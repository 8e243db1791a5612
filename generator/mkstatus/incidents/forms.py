"""The status form: what a person fills in on a phone, turned into one `mkstatus` command.

`mkstatus init` writes a GitHub issue form and a `workflow_dispatch` workflow with the
same fields (below: each field's id is the dispatch input's name and the issue form's
`id`; its label is the heading GitHub writes above the answer in the issue's body). The
workflows hand the answers to `mkstatus form`, which turns them into exactly the
`mkstatus new`, `update` or `resolve` command a person would type, and runs it: the same
validation, the same file, the same messages. Nothing here writes a file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from mkstatus.errors import MkstatusError
from mkstatus.text import did_you_mean

ACTIONS = ("new", "update", "resolve")
# (id, label): the issue form's headings must stay exactly these (tests compare them).
FIELDS = (
    ("action", "What to do"),
    ("incident", "Incident to update or resolve"),
    ("title", "Title of a new incident"),
    ("template", "Template"),
    ("components", "Components"),
    ("status", "Status"),
    ("message", "Message"),
    ("next_update", "Next update"),
)
LABELS = {label: key for key, label in FIELDS}
EMPTY = ("", "_No response_", "(none)", "(default)")


class FormError(MkstatusError):
    """The form's answers cannot make a command; the text says what to fix."""


@dataclass(frozen=True, slots=True)
class Form:
    """The answers, cleaned: empty answers are None, components one item each."""

    action: str
    incident: str | None = None
    title: str | None = None
    template: str | None = None
    components: tuple[str, ...] = ()
    status: str | None = None
    message: str | None = None
    next_update: str | None = None


def read_issue_body(body: str) -> dict[str, str]:
    """The answers of an issue made with the status form: each `### <label>` heading and
    the text under it. A body with none of the form's headings was not made with it."""
    answers: dict[str, str] = {}
    key: str | None = None
    lines: list[str] = []
    for line in body.replace("\r\n", "\n").split("\n") + ["### "]:
        if line.startswith("### "):
            if key is not None:
                answers[key] = "\n".join(lines).strip()
            key, lines = LABELS.get(line[4:].strip()), []
        elif key is not None:
            lines.append(line)
    if "action" not in answers:
        raise FormError(f"this issue was not made with the status form: its body has no "
                        f"'### {FIELDS[0][1]}' heading")
    return answers


def form(answers: Mapping[str, str | None]) -> Form:
    """Check the answers that decide which command runs; the command checks the rest."""
    def answer(key: str) -> str | None:
        value = (answers.get(key) or "").strip()
        return None if value in EMPTY else value

    action = (answer("action") or "").lower()
    if action not in ACTIONS:
        raise FormError(f"What to do: choose one of {', '.join(ACTIONS)}, found "
                        f"{answers.get('action')!r}{did_you_mean(action, ACTIONS)}")
    out = Form(action=action, incident=answer("incident"), title=answer("title"),
               template=answer("template"), status=answer("status"),
               components=tuple(c.strip() for c in re.split(r"[,\n]", answer("components")
                                                            or "") if c.strip()),
               message=answer("message"), next_update=answer("next_update"))
    if action == "new" and not (out.title or out.template):
        raise FormError("Title of a new incident: write one, or choose a template")
    if action == "new" and not (out.message or out.template):
        raise FormError("Message: say what is happening, or choose a template")
    if action != "new" and not out.incident:
        raise FormError(f"Incident to update or resolve: give its id (such as "
                        f"2026-11-23-api-unavailable) to {action} it")
    if action == "update" and not (out.message or out.template):
        raise FormError("Message: say what changed, or choose a template (such as "
                        "monitoring)")
    if action == "resolve" and not (out.message or out.template):
        raise FormError("Message: say that it is over and what happened, or choose the "
                        "resolved template")
    return out


def command(f: Form) -> list[str]:
    """The `mkstatus` arguments the form stands for, exactly as a person would type them."""
    args: list[str] = [f.action]
    if f.action == "new":
        args += [f.title] if f.title else []
    else:
        args.append(f.incident or "")
    for flag, value in (("--template", f.template), ("--message", f.message),
                        ("--next-update", f.next_update if f.action != "resolve" else None),
                        ("--status", f.status if f.action != "resolve" else None)):
        if value is not None:
            args += [flag, value]
    for item in f.components:
        args += ["--component", item]
    return args
