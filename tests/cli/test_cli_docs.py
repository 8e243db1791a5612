"""Docs are tested: every command (including ones added later) has help and is in the guide."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from mkstatus.cli.main import main

REPO = Path(__file__).resolve().parents[2]
COMMANDS = sorted(main.commands)


def guide_text() -> str:
    pages = sorted((REPO / "guide").glob("*.md")) + [REPO / "README.md"]
    return "\n".join(p.read_text(encoding="utf-8") for p in pages if p.is_file())


def test_the_authoring_commands_are_registered() -> None:
    assert {"init", "new", "update", "resolve", "check", "status", "build"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name: str) -> None:
    command = main.commands[name]
    assert (command.help or "").strip(), f"`mkstatus {name}` has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and param.name not in ("help",):
            assert (param.help or "").strip(), f"`mkstatus {name} {param.opts[0]}` has no help"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_the_guide(name: str) -> None:
    text = guide_text()
    assert re.search(rf"\bmkstatus {name}\b", text), f"`mkstatus {name}` is not in guide/"
    options = [opt for param in main.commands[name].params if isinstance(param, click.Option)
               for opt in param.opts if opt.startswith("--") and opt != "--help"]
    missing = [opt for opt in options if not re.search(rf"(?<![\w-]){opt}\b", text)]
    assert missing == [], f"options of `mkstatus {name}` missing from guide/: {missing}"


def test_guide_links_resolve() -> None:
    """Relative links between guide pages point at files that exist (or are promised)."""
    promised = {"api.md", "probes.md"}  # written by the probe/API work
    for page in (REPO / "guide").glob("*.md"):
        for target in re.findall(r"\]\(([\w./-]+\.md)(?:#[\w-]*)?\)", page.read_text()):
            path = (page.parent / target).resolve()
            assert path.is_file() or path.name in promised, f"{page.name} links to {target}"
