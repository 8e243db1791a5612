"""The package's shape: stages as subpackages, no import cycles, no private names shared.

Read from the source with `ast`, so the rules hold for imports made inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator" / "mkstatus"
STAGES = {"incidents", "probes", "samples", "compute", "render", "mkdocs", "cli"}
ADAPTERS = ("mkstatus.mkdocs", "mkstatus.cli")  # the only places MkDocs or click may load


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every import in a module."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [alias.name for alias in node.names]
            submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in MODULES]
            found.append((base, [n for n in names if f"{base}.{n}" not in MODULES],
                          node.lineno))
            found += [(sub, [], node.lineno) for sub in submodules]
    return found


def internal_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name in MODULES:
        graph[name] = {target for target, _, _ in imports_of(name)
                       if target in MODULES and target != name
                       and not name.startswith(target + ".")}  # a package's own parents
    return graph


def test_the_stages_are_subpackages() -> None:
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages >= STAGES


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_no_import_cycles() -> None:
    assert find_cycles(internal_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = internal_graph()
    graph["mkstatus.times"] = graph["mkstatus.times"] | {"mkstatus.compute.site"}
    assert find_cycles(graph)


def test_no_private_name_is_imported_from_another_module() -> None:
    shared = [f"{name}:{line} takes {taken} from {target}"
              for name in MODULES for target, names, line in imports_of(name)
              if target.startswith("mkstatus") for taken in names
              if taken.startswith("_") and taken != "__version__"]
    assert shared == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not n.startswith(ADAPTERS)))
def test_the_core_never_imports_mkdocs_or_click(name: str) -> None:
    engines = [f"line {line}: {target}" for target, _, line in imports_of(name)
               if target.split(".")[0] in {"mkdocs", "click", "material"}]
    assert engines == []
