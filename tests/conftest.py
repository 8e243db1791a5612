"""Shared fixtures: real builds of real sites in temporary folders."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parent.parent
DEMO_NOW = "2026-11-22T21:00:00Z"
SCENARIOS = Path(__file__).parent / "scenarios"


def mkstatus(*args: str, cwd: Path, env: dict[str, str] | None = None,
             check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess, as a user would."""
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("SOURCE_DATE_EPOCH", "MKSTATUS_NOW")}
    full_env.update({"NO_MKDOCS_2_WARNING": "1", **(env or {})})
    result = subprocess.run([sys.executable, "-m", "mkstatus", *args], cwd=cwd, env=full_env,
                            capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"mkstatus {' '.join(args)} failed:\n{result.stdout}\n"
                             f"{result.stderr}")
    return result


def copy_demo(dest: Path, monolingual: bool = False) -> Path:
    """The demo site's inputs, copied so a test may change them. ``monolingual``: without
    its `languages:` and its translations (`<name>.<lang>.md`), for a test that makes
    another language the site's main one."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "incidents", "docs", "overrides", "samples"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.is_file():
            shutil.copy2(src, dest / name)
    if monolingual:
        config = dest / "mkdocs.yml"
        config.write_text(re.sub(r"(?m)^ *languages:.*\n", "", config.read_text()))
        for folder in ("incidents", "docs"):
            for path in (dest / folder).rglob("*.*.md"):
                path.unlink()
    return dest


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site built once with its pinned clock; tests only read it."""
    root = copy_demo(tmp_path_factory.mktemp("demo"))
    mkstatus("build", "--now", DEMO_NOW, "--strict", cwd=root, check=True)
    return root / "site"


@pytest.fixture(scope="session")
def demo(demo_site: Path) -> Path:
    """The demo build under the short name the output tests use."""
    return demo_site


@pytest.fixture(scope="session")
def trouble(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site in trouble (critical outage, cancelled and active maintenance...), built once."""
    from tests.render.test_api import build_trouble

    return build_trouble(tmp_path_factory)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Let ``mkstatus.parallel`` use two worker processes, however many threads earlier
    tests left in this process (the workers forked in tests only compute and read files);
    returns the pids of the workers forked."""
    from mkstatus import parallel

    monkeypatch.setattr(parallel, "threading", SimpleNamespace(active_count=lambda: 1))
    monkeypatch.setenv("MKSTATUS_WORKERS", "2")
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1})
    pids: list[int] = []
    real = os.fork

    def fork() -> int:
        pid = real()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(parallel.os, "fork", fork)
    return pids


def require(what: str, present: bool) -> None:
    """Skip when a test oracle is missing on a developer's machine; fail in CI."""
    if present:
        return
    message = f"{what} is missing: run scripts/setup test"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
