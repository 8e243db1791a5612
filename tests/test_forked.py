"""Work in forked children: the same answer as in this process, whatever goes wrong."""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from mkstatus import parallel as forked
from mkstatus.errors import BuildError
from mkstatus.incidents import parse as incidents_module
from mkstatus.mkdocs import theme_share
from mkstatus.mkdocs.build import load, mkdocs_config, project_of, run_build
from mkstatus.project import load_config
from mkstatus.render import generate
from mkstatus.render.pages import PageRenderer
from mkstatus.times import resolve_now

from .test_api import TROUBLE_NOW, _md, trouble_files, write_files


def test_the_answer_comes_from_the_child(forks: list[int]) -> None:
    with forked.Child(lambda: (os.getpid(), "é" * 100_000)) as child:
        assert child.forked
        pid, text = child.result()
    assert forks == [pid] and pid != os.getpid()
    assert text == "é" * 100_000


def test_an_exception_in_the_child_is_raised_here(forks: list[int]) -> None:
    def work() -> None:
        raise BuildError("two outputs write x")

    with pytest.raises(BuildError, match="two outputs write x"), forked.Child(work) as child:
        child.result()
    assert forks


@pytest.mark.parametrize("failure", ["dies", "unpicklable"])
def test_without_an_answer_the_work_is_done_here(forks: list[int], failure: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    if failure == "dies":
        monkeypatch.setattr(forked, "_run_child", lambda *args: os._exit(3))

    def work() -> object:
        return (os.getpid(), lambda: 0) if failure == "unpicklable" else os.getpid()

    with forked.Child(work) as child:
        answer = child.result()
    assert forks
    assert (answer[0] if isinstance(answer, tuple) else answer) == parent


def test_no_fork_while_other_threads_run(forks: list[int],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "threading", threading)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert forked.cores() == 1
        with forked.Child(os.getpid) as child:
            assert not child.forked
            assert child.result() == os.getpid()
    finally:
        stop.set()
        other.join()
    assert forks == []


@pytest.mark.parametrize(("setting", "expected"), [("1", 1), ("2", 2), ("8", 8), ("", 2),
                                                   ("two", 2)])
def test_workers_setting(forks: list[int], monkeypatch: pytest.MonkeyPatch, setting: str,
                         expected: int) -> None:
    monkeypatch.setenv("MKSTATUS_WORKERS", setting)
    assert forked.cores() == expected
    with forked.Child(os.getpid) as child:
        assert child.forked == (expected > 1)
        child.result()


def test_leaving_early_kills_the_child(forks: list[int]) -> None:
    with pytest.raises(KeyError), forked.Child(lambda: time.sleep(60)) as child:
        raise KeyError("the build failed meanwhile")
    assert not child.forked
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)  # reaped already: no process left behind


def _big_site(root: Path) -> Path:
    """The trouble scenario with enough incidents that ``generate`` forks."""
    files = trouble_files()
    start = datetime(2024, 1, 1)
    for n in range(generate.FORK_MIN_INCIDENTS):
        day = start + timedelta(days=n * 2)
        files[f"incidents/{day:%Y-%m-%d}-bulk-{n}.md"] = _md(
            f"title: Bulk incident {n}\nimpact: minor\ncomponents:\n"
            f"  {('api', 'web', 'cdn')[n % 3]}: degraded_performance",
            f"## {day:%Y-%m-%d} 12:00Z — Resolved\nFixed *{n}*.",
            f"## {day:%Y-%m-%d} 10:00Z — Investigating\nLooking at [it](https://x.test/{n}).")
    return write_files(root, files)


def _files(outputs: list[generate.Output]) -> list[tuple[str, str | bytes, str]]:
    return [(o.path, o.content, o.source) for o in outputs]


def test_a_forked_generate_makes_the_same_files(tmp_path: Path, forks: list[int],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    site = load(_big_site(tmp_path), resolve_now(TROUBLE_NOW))
    forks.clear()  # the incident files were parsed in parts
    together = generate.generate(site)
    assert len(forks) == 1
    monkeypatch.setenv("MKSTATUS_WORKERS", "1")
    alone = generate.generate(site)
    assert len(forks) == 1
    assert _files(together) == _files(alone)
    assert {o.source for o in together} >= {"pages", "feeds", "jsonfeed", "api"}


def test_incident_pages_a_child_took_but_never_sent_are_rendered_here(
        tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    site = load(_big_site(tmp_path), resolve_now(TROUBLE_NOW))
    monkeypatch.setenv("MKSTATUS_WORKERS", "1")
    alone = generate.generate(site, renderers=[("slow", lambda s: [])])
    monkeypatch.setenv("MKSTATUS_WORKERS", "2")
    parent, died = os.getpid(), tmp_path / "died"
    real = PageRenderer.incidents

    def incidents(self: PageRenderer, views: list[object]) -> list[tuple[str, str]]:
        if os.getpid() != parent:  # the child dies in its first part
            died.write_text("yes")
            os._exit(3)
        return real(self, views)  # type: ignore[arg-type]

    def slow(s: object) -> list[tuple[str, str]]:
        time.sleep(0.5)  # so the child takes parts before this process does
        return []

    monkeypatch.setattr(PageRenderer, "incidents", incidents)
    together = generate.generate(site, renderers=[("slow", slow)])
    assert forks and died.exists()
    assert _files(together) == _files(alone)


def test_tickets_are_taken_once_across_processes(forks: list[int]) -> None:
    with forked.Tickets(forked.Tickets.LIMIT) as tickets:
        def take() -> list[int]:
            out = []
            while (n := tickets.take()) is not None:
                out.append(n)
                time.sleep(0.0001)
            return out

        with forked.Child(take) as child:
            mine = take()
            theirs = child.result()
    assert forks and mine and theirs
    assert sorted(mine + theirs) == list(range(forked.Tickets.LIMIT))
    with pytest.raises(ValueError, match="at most 1024"):
        forked.Tickets(forked.Tickets.LIMIT + 1)
    with forked.Tickets(0) as none:
        assert none.take() is None


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("child", ["renders", "dies"])
def test_a_build_with_forked_children_writes_the_same_site(
        tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch,
        child: str) -> None:
    """Incident pages and feeds (``generate``) and the theme's rendering of our pages
    (``theme_share``) are shared with children; a child that dies leaves its share to
    the build, even in the middle of MkDocs rendering one of its pages."""
    config = _big_site(tmp_path / "src")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    if child == "dies":
        monkeypatch.setattr(forked, "_run_child", lambda *args: os._exit(3))
    run_build(config, TROUBLE_NOW, tmp_path / "shared", strict=False)
    assert len(forks) == 3  # parsing incidents, generate, the theme
    monkeypatch.setenv("MKSTATUS_WORKERS", "1")
    run_build(config, TROUBLE_NOW, tmp_path / "alone", strict=False)
    assert len(forks) == 3
    shared, alone = _tree(tmp_path / "shared"), _tree(tmp_path / "alone")
    assert len(shared) > theme_share.MIN_PAGES
    assert shared.keys() == alone.keys()
    assert [p for p in shared if shared[p] != alone[p]] == []


def test_incident_files_parsed_in_parts_give_the_same_incidents_and_problems(
        tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    root = _big_site(tmp_path)
    folder = root.parent / "incidents"
    (folder / "2026-01-05-broken.md").write_text("---\ntitle: [unclosed\n---\n")
    (folder / "2026-01-06-unknown.md").write_text(
        "---\ntitle: T\nimpact: minor\ncomponents: {dns: major_outage}\n---\n")
    (folder / "2026-01-07-latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    config = load_config(project_of(mkdocs_config(root)))
    incidents_module._cache.clear()
    shared = incidents_module.load_incidents(folder, config, root.parent)
    assert len(forks) == 1
    monkeypatch.setenv("MKSTATUS_WORKERS", "1")
    incidents_module._cache.clear()
    alone = incidents_module.load_incidents(folder, config, root.parent)
    assert len(forks) == 1
    assert len(shared[0]) > generate.FORK_MIN_INCIDENTS
    assert [str(p) for p in shared[1]] == [str(p) for p in alone[1]]
    assert {p.path.rsplit("/", 1)[-1] for p in shared[1]} == {
        "2026-01-05-broken.md", "2026-01-06-unknown.md", "2026-01-07-latin1.md"}
    assert shared[0] == alone[0]


def test_parts_are_shared_by_as_many_children_as_allowed(
        forks: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MKSTATUS_WORKERS", "3")

    def part(n: int) -> tuple[int, int]:
        time.sleep(0.005)
        return n, os.getpid()

    done, mine, theirs = forked.in_parts(60, part, parent_first=lambda: "parent",
                                         child_first=os.getpid)
    assert [n for n, _ in done] == list(range(60))
    assert len(forks) == 2 and theirs == forks[0] and mine == "parent"
    assert {pid for _, pid in done} <= {os.getpid(), *forks}
    assert len({pid for _, pid in done}) >= 2
    for processes in (0, 1):
        done, _, _ = forked.in_parts(3, part, processes=processes)
        assert {pid for _, pid in done} == {os.getpid()}
    assert len(forks) == 2
