"""Helpers of the tests that install mkstatus as users do: source trees, venvs, commands.

Subprocesses get an environment without PYTHONPATH, so each virtualenv runs the mkstatus
installed in it, never this checkout's code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_FILES = ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "NO_MKDOCS_2_WARNING": "1", **extra}


def run(*args: str | Path, cwd: Path | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=clean_env(),
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
    return done


def source_tree(dest: Path) -> Path:
    """What a clone of this repository holds for packaging, from the working tree as it is
    (so uncommitted work is what gets tested), without caches or build leftovers."""
    dest.mkdir(parents=True)
    for name in SOURCE_FILES:
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "generator", dest / "generator",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    return dest


def venv(path: Path, upgrade_pip: bool = False) -> Path:
    """A fresh virtualenv (with the pip Python bundles, unless `upgrade_pip`); returns its
    bin directory."""
    run(sys.executable, "-m", "venv", *(["--upgrade-deps"] if upgrade_pip else []), path)
    return path / "bin"
