"""Locks: POSIX ``flock`` where it exists, a clear error elsewhere, and imports that work
without it (Windows has no ``fcntl``)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from mkstatus.locking import locked

from tests.conftest import REPO

NO_FCNTL = "import sys\nsys.modules['fcntl'] = None  # as on Windows: import fcntl fails\n"


def without_fcntl(tmp_path: Path, *args: str, cwd: Path | None = None
                  ) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` with ``fcntl`` unimportable (a ``sitecustomize`` that runs first)."""
    shim = tmp_path / "no-fcntl"
    shim.mkdir(exist_ok=True)
    (shim / "sitecustomize.py").write_text(NO_FCNTL)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), str(REPO / "generator")]),
           "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, *args], cwd=cwd or tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_plugin_cli_and_build_work_without_fcntl(tmp_path: Path) -> None:
    probe = without_fcntl(tmp_path, "-c", "import fcntl")
    assert probe.returncode != 0 and "import of fcntl halted" in probe.stderr  # the shim works
    imported = without_fcntl(tmp_path, "-c", "import mkstatus.mkdocs.plugin, mkstatus.cli.main")
    assert imported.returncode == 0, imported.stderr
    helped = without_fcntl(tmp_path, "-m", "mkstatus", "--help")
    assert helped.returncode == 0, helped.stderr
    assert "compact" in helped.stdout and "probe" in helped.stdout
    site = tmp_path / "site-src"
    (site / "docs").mkdir(parents=True)
    (site / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Portable
        site_url: https://status.example.com/
        theme: {name: material, font: false}
        plugins:
          - mkstatus:
              timezone: UTC
              components:
                - {id: api, name: API}
        """))
    built = without_fcntl(tmp_path, "-m", "mkdocs", "build", "-q", cwd=site)
    assert built.returncode == 0, built.stderr
    assert (site / "site" / "index.html").is_file()


def test_an_append_without_fcntl_says_what_it_needs(tmp_path: Path) -> None:
    code = textwrap.dedent(f"""\
        from datetime import datetime, UTC
        from pathlib import Path
        from mkstatus.errors import MkstatusError
        from mkstatus.samples.model import Outcome, Sample
        from mkstatus.samples.store import append_samples
        try:
            append_samples(Path({str(tmp_path / "samples")!r}),
                           [Sample(datetime.now(UTC), "api", "eu", Outcome.OK)])
        except MkstatusError as e:
            print(type(e).__name__, e)
        """)
    result = without_fcntl(tmp_path, "-c", code)
    assert result.returncode == 0, result.stderr
    name, _, message = result.stdout.strip().partition(" ")
    assert name == "LockingUnsupported"
    assert message.endswith("mkstatus needs POSIX file locking (fcntl) to change this file "
                            "safely while other processes may write it; run this command on "
                            "Linux or macOS (on Windows, in WSL)")
    assert ".jsonl: " in message


def test_locked_follows_a_file_replaced_while_waiting(tmp_path: Path) -> None:
    """The lock-and-still-linked loop: a waiter whose file was replaced (renamed over) or
    deleted meanwhile locks the file now at the path, not the old inode."""
    path = tmp_path / "f"
    path.write_text("old")
    got: list[str] = []
    with locked(path, os.O_RDONLY):
        def wait() -> None:
            with locked(path, os.O_RDONLY) as fd:
                got.append(os.pread(fd, 10, 0).decode())

        waiter = threading.Thread(target=wait)
        waiter.start()
        time.sleep(0.2)  # the waiter has opened the old file and waits for its lock
        (tmp_path / "g").write_text("new")
        os.replace(tmp_path / "g", path)
    waiter.join(10)
    assert got == ["new"]


def test_locked_without_create_raises_when_the_file_is_gone(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError), locked(tmp_path / "missing", os.O_RDONLY):
        pass
