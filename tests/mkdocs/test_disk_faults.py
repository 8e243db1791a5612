"""A full disk and a read-only tree in `build` and `probe`: one line naming the path, the
exit code of a user error (1), and for a build the published site unchanged.

How the faults are made, all by the kernel, never by patching Python: these tests run as
root, for whom `chmod` makes nothing read-only. Where unprivileged user namespaces are
available (`unshare --user --mount`), a real tmpfs of a chosen size gives ENOSPC and a
read-only bind mount gives EROFS. Everywhere: `/dev/full` (every write is ENOSPC) stands
in for a sample day-file, RLIMIT_FSIZE makes a build's large writes fail (EFBIG, the same
failed `write` as a full disk, mid-build), and a regular file stands where a folder must be.
"""

from __future__ import annotations

import os
import resource
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import copy_demo, mkstatus
from tests.incidents.test_bad_input import _tree_digest
from tests.probe_servers import refused_port

NOW, LATER = "2026-11-22T21:00Z", "2026-11-22T22:00Z"


@cache
def _namespaces() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(
    not _namespaces(), reason="needs unprivileged user and mount namespaces (unshare)")


def _in_namespace(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``script`` (sh) as root of a new user and mount namespace: its mounts vanish with it."""
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH",
                                                             "MKSTATUS_NOW")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-ec",
                           script], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def _cli(*args: str) -> str:
    return shlex.join([sys.executable, "-m", "mkstatus", *args])


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def _size_kb(path: Path) -> int:
    return sum(p.stat().st_blocks for p in [path, *path.rglob("*")]) // 2


@needs_namespaces
def test_build_on_a_full_disk(tmp_path: Path) -> None:
    """The site is published on a tmpfs with room for one site and a half: the first
    build fits; a filler then leaves 16 KB, and the next build (which builds beside the
    published site, linking its unchanged files) fills the disk."""
    root = copy_demo(tmp_path / "demo")
    mkstatus("build", "--now", NOW, "-d", str(tmp_path / "measure"), cwd=root, check=True)
    size = _size_kb(tmp_path / "measure") * 3 // 2
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    script = f"""
        mount -t tmpfs -o size={size}k tmpfs {disk}
        {_cli("build", "--now", NOW, "-d", f"{disk}/site")}
        cp -a {disk}/site {out}/before
        dd if=/dev/zero of={disk}/filler bs=64k 2>/dev/null || true
        truncate -s -16k {disk}/filler
        set +e
        {_cli("build", "--now", LATER, "-d", f"{disk}/site")} 2> {out}/stderr
        echo $? > {out}/rc
        cp -a {disk}/site {out}/after
        ls -A {disk} > {out}/listing
    """
    result = _in_namespace(script, root)
    assert result.returncode == 0, result.stderr
    assert (out / "rc").read_text().strip() == "1"
    line = _one_line((out / "stderr").read_text())
    assert line.startswith(f"{disk}/site: build failed, the published site is unchanged: "
                           f"cannot write {disk}/.mkstatus-build-site-")
    assert line.endswith(": No space left on device")
    assert _tree_digest(out / "after") == _tree_digest(out / "before")
    assert (out / "listing").read_text().split() == [".mkstatus-build-site.lock", "filler",
                                                      "site"]


@needs_namespaces
def test_build_in_a_read_only_tree(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    mkstatus("build", "--now", NOW, cwd=root, check=True)
    before = _tree_digest(root / "site")
    result = _in_namespace(f"""
        mount --bind {root} {root}
        mount -o remount,ro,bind {root}
        {_cli("build", "--now", LATER)}
    """, root)
    assert result.returncode == 1
    assert _one_line(result.stderr) == (
        f"{root}/site: build failed, the published site is unchanged: cannot write "
        f"{root}/.mkstatus-build-site.lock: Read-only file system")
    assert _tree_digest(root / "site") == before


def test_build_whose_writes_fail_midway(tmp_path: Path) -> None:
    """Without namespaces: a file size limit makes MkDocs' first large write fail, as a
    full disk would, while the staging folder is half written."""
    root = copy_demo(tmp_path / "demo")
    mkstatus("build", "--now", NOW, cwd=root, check=True)
    before = _tree_digest(root / "site")
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH",
                                                             "MKSTATUS_NOW")}
    limit = 64 * 1024

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    result = subprocess.run([sys.executable, "-m", "mkstatus", "build", "--now", LATER],
                            cwd=root, env={**env, "NO_MKDOCS_2_WARNING": "1"},
                            capture_output=True, text=True, timeout=300,
                            preexec_fn=small_files)
    assert result.returncode == 1
    line = _one_line(result.stderr)
    assert line.startswith(f"{root}/site: build failed, the published site is unchanged: "
                           f"cannot write {root}/.mkstatus-build-site-")
    assert line.endswith(": File too large")
    assert _tree_digest(root / "site") == before
    assert not list(root.glob(".mkstatus-build-site-*"))


def test_build_where_a_file_stands_for_the_folder(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    (tmp_path / "blocker").write_text("not a folder")
    result = mkstatus("build", "--now", NOW, "-d", str(tmp_path / "blocker" / "site"),
                      cwd=root)
    assert result.returncode == 1
    assert _one_line(result.stderr) == (
        f"{tmp_path}/blocker/site: build failed, the published site is unchanged: cannot "
        f"write {tmp_path}/blocker: File exists")


PROBE_SITE = """\
site_name: Probe test
site_url: https://status.example.com/
theme: {{name: material, font: false}}
plugins:
  - mkstatus:
      timezone: UTC
      components:
        - id: db
          name: Database
          probe: {{tcp: "127.0.0.1:{port}", timeout_s: 1}}
"""


def _probe_site(root: Path) -> Path:
    root.mkdir()
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(PROBE_SITE.format(port=refused_port()))
    return root


def _day_files(samples: Path) -> list[Path]:
    """Today's and tomorrow's day-file (a run at midnight may write either)."""
    today = datetime.now(UTC)
    return [samples / f"{d:%Y/%m/%d}" / "default.jsonl"
            for d in (today, today + timedelta(days=1))]


def _assert_probe_failed(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 1
    assert result.stdout.split()[5:7] == ["db", "refused"]  # the summary still printed
    progress, line = result.stderr.strip().splitlines()
    assert progress == "[1/1] db: refused" and "Traceback" not in result.stderr
    assert line == message


def test_probe_on_a_full_disk(tmp_path: Path) -> None:
    """The day-file is /dev/full: every write to it fails with ENOSPC."""
    root = _probe_site(tmp_path / "site")
    for path in _day_files(root / "samples"):
        path.parent.mkdir(parents=True)
        path.symlink_to("/dev/full")
    result = mkstatus("probe", cwd=root)
    _assert_probe_failed(result, f"{root}/samples: cannot record this run's samples: "
                                 "No space left on device")


@needs_namespaces
def test_probe_in_a_read_only_tree(tmp_path: Path) -> None:
    root = _probe_site(tmp_path / "site")
    (root / "samples").mkdir()
    result = _in_namespace(f"""
        mount --bind {root} {root}
        mount -o remount,ro,bind {root}
        {_cli("probe")}
    """, root)
    assert result.returncode == 1, result.stderr
    day = _day_files(root / "samples")[0]
    _assert_probe_failed(result, f"{day.parents[2]}: cannot record this run's samples: "
                                 "Read-only file system")  # the year's folder, made first


def test_probe_where_a_file_stands_for_the_samples_folder(tmp_path: Path) -> None:
    root = _probe_site(tmp_path / "site")
    (root / "samples").write_text("not a folder")
    result = mkstatus("probe", cwd=root)
    day = _day_files(root / "samples")[0]
    _assert_probe_failed(result, f"{day.parent}: cannot record this run's samples: "
                                 "Not a directory")
