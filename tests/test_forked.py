"""Work in forked children: the same answer as in this process, whatever goes wrong."""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkstatus import forked, generate, theme_share
from mkstatus.commands import load, run_build
from mkstatus.errors import BuildError
from mkstatus.times import resolve_now

from .test_api import TROUBLE_NOW, _md, trouble_files, write_files


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Fork however many threads earlier tests left in this process (the children here
    only compute), with two cores; returns the pids of the children forked."""
    monkeypatch.setattr(forked, "threading", SimpleNamespace(active_count=lambda: 1))
    monkeypatch.setenv("MKSTATUS_WORKERS", "2")
    monkeypatch.setattr(forked.os, "sched_getaffinity", lambda pid: {0, 1})
    pids: list[int] = []
    real = os.fork

    def fork() -> int:
        pid = real()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(forked.os, "fork", fork)
    return pids


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


def test_a_forked_generate_makes_the_same_files(tmp_path: Path, forks: list[int],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    site = load(_big_site(tmp_path), resolve_now(TROUBLE_NOW))
    together = generate.generate(site)
    assert len(forks) == 1
    assert 0 < generate._child_share(site) < len(site.views)
    monkeypatch.setenv("MKSTATUS_WORKERS", "1")
    alone = generate.generate(site)
    assert len(forks) == 1
    assert [(o.path, o.content, o.source) for o in together] == [
        (o.path, o.content, o.source) for o in alone]
    assert {o.source for o in together} >= {"pages", "feeds", "jsonfeed", "api"}


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
    assert len(forks) == 2  # generate's child and the theme's
    monkeypatch.setenv("MKSTATUS_WORKERS", "1")
    run_build(config, TROUBLE_NOW, tmp_path / "alone", strict=False)
    assert len(forks) == 2
    shared, alone = _tree(tmp_path / "shared"), _tree(tmp_path / "alone")
    assert len(shared) > theme_share.MIN_PAGES
    assert shared.keys() == alone.keys()
    assert [p for p in shared if shared[p] != alone[p]] == []
