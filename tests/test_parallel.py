"""Work shared with worker processes: the same answer as here, and failures never hidden."""

from __future__ import annotations

import os
import sys
import threading
import traceback
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from mkstatus import parallel
from mkstatus.errors import BuildError
from mkstatus.incidents import parse as incidents_module
from mkstatus.mkdocs.build import load, mkdocs_config, project_of, run_build
from mkstatus.project import load_config
from mkstatus.render import generate
from mkstatus.times import resolve_now

from tests.render.test_api import TROUBLE_NOW, _md, trouble_files, write_files


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def _fail_on(bad: int, n: int) -> int:
    if n == bad:
        raise BuildError(f"two outputs write part-{n}")
    return n


def _die_on(bad: int, n: int) -> int:
    if n == bad:
        os._exit(3)
    return n


def test_parts_come_back_in_order_from_workers(forks: list[int]) -> None:
    answers = parallel.map_parts(_square_and_pid, range(40))
    assert [square for square, _ in answers] == [n * n for n in range(40)]
    assert len(forks) == 2
    assert {pid for _, pid in answers} <= set(forks)


def test_work_beside_the_workers_runs_here(forks: list[int]) -> None:
    mine, answers = parallel.map_parts_beside(_square_and_pid, [1, 2, 3], os.getpid)
    assert mine == os.getpid()
    assert [square for square, _ in answers] == [1, 4, 9]
    assert forks


def test_an_exception_in_a_worker_is_raised_here_with_its_traceback(
        forks: list[int]) -> None:
    with pytest.raises(BuildError, match="two outputs write part-7") as raised:
        parallel.map_parts(partial(_fail_on, 7), range(20))
    assert forks
    remote = "".join(traceback.format_exception(raised.value))
    assert "_fail_on" in remote, "the worker's own traceback is kept"


def test_a_worker_that_dies_fails_the_work_loudly(forks: list[int]) -> None:
    with pytest.raises(BrokenProcessPool):
        parallel.map_parts(partial(_die_on, 3), range(8))


def test_no_worker_while_other_threads_run(forks: list[int],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "threading", threading)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.workers() == 1
        answers = parallel.map_parts(_square_and_pid, range(5))
    finally:
        stop.set()
        thread.join()
    assert {pid for _, pid in answers} == {os.getpid()}
    assert forks == []


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_only_linux_forks(forks: list[int], monkeypatch: pytest.MonkeyPatch,
                          platform: str) -> None:
    monkeypatch.setattr(parallel.sys, "platform", platform)
    assert parallel.workers() == 1
    assert parallel.map_parts(_square_and_pid, range(5))[0] == (0, os.getpid())
    assert forks == []
    monkeypatch.setattr(parallel.sys, "platform", sys.platform)


@pytest.mark.parametrize(("setting", "expected"), [("1", 1), ("2", 2), ("", 2), ("x", 2)])
def test_workers_setting(forks: list[int], monkeypatch: pytest.MonkeyPatch, setting: str,
                         expected: int) -> None:
    monkeypatch.setenv("MKSTATUS_WORKERS", setting)
    assert parallel.workers() == expected
    parallel.map_parts(_square_and_pid, range(4))
    assert len(forks) == (expected if expected > 1 else 0)


def _big_site(root: Path) -> Path:
    """The trouble scenario with enough incidents that ``generate`` forks."""
    files = trouble_files()
    start = datetime(2024, 1, 1)
    for n in range(generate.PARALLEL_MIN_INCIDENTS):
        day = start + timedelta(days=n * 2)
        files[f"incidents/{day:%Y-%m-%d}-bulk-{n}.md"] = _md(
            f"title: Bulk incident {n}\nimpact: minor\ncomponents:\n"
            f"  {('api', 'web', 'cdn')[n % 3]}: degraded_performance",
            f"## {day:%Y-%m-%d} 12:00Z — Resolved\nFixed *{n}*.",
            f"## {day:%Y-%m-%d} 10:00Z — Investigating\nLooking at [it](https://x.test/{n}).")
    return write_files(root, files)


def _files(outputs: list[generate.Output]) -> list[tuple[str, str | bytes, str]]:
    return [(o.path, o.content, o.source) for o in outputs]


def _files(outputs: list[generate.Output]) -> list[tuple[str, str | bytes, str]]:
    return [(o.path, o.content, o.source) for o in outputs]


def test_generate_with_workers_makes_the_same_files(tmp_path: Path, forks: list[int],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    site = load(_big_site(tmp_path), resolve_now(TROUBLE_NOW))
    forks.clear()  # the incident files were parsed in parts
    together = generate.generate(site)
    assert len(forks) == 2
    monkeypatch.setenv("MKSTATUS_WORKERS", "1")
    alone = generate.generate(site)
    assert len(forks) == 2
    assert _files(together) == _files(alone)
    assert {o.source for o in together} >= {"pages", "feeds", "jsonfeed", "api"}


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_build_with_workers_writes_the_same_site(
        tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    config = _big_site(tmp_path / "src")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    run_build(config, TROUBLE_NOW, tmp_path / "shared", strict=False)
    assert len(forks) == 4  # two workers parse incidents, two render
    monkeypatch.setenv("MKSTATUS_WORKERS", "1")
    run_build(config, TROUBLE_NOW, tmp_path / "alone", strict=False)
    assert len(forks) == 4
    shared, alone = _tree(tmp_path / "shared"), _tree(tmp_path / "alone")
    assert len(shared) > generate.PARALLEL_MIN_INCIDENTS
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
    assert len(forks) == 2
    monkeypatch.setenv("MKSTATUS_WORKERS", "1")
    incidents_module._cache.clear()
    alone = incidents_module.load_incidents(folder, config, root.parent)
    assert len(forks) == 2
    assert len(shared[0]) > generate.PARALLEL_MIN_INCIDENTS
    assert [str(p) for p in shared[1]] == [str(p) for p in alone[1]]
    assert {p.path.rsplit("/", 1)[-1] for p in shared[1]} == {
        "2026-01-05-broken.md", "2026-01-06-unknown.md", "2026-01-07-latin1.md"}
    assert shared[0] == alone[0]
