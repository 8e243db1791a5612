"""Issue 15's "done when": from a git URL to a site that builds in another virtualenv.

1. mkstatus is installed from a local clone the way a user installs from a git URL
   (`pip install git+file:///...@COMMIT`) into a fresh virtualenv;
2. `mkstatus init site`;
3. `pip install -r site/requirements.txt` in a second fresh virtualenv;
4. `mkstatus build` succeeds there.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import mkstatus
import pytest

from tests.release_tools import clean_env, run, source_tree, venv

pytestmark = pytest.mark.slow


def clone_of_this_tree(tmp: Path) -> tuple[Path, str]:
    repo = source_tree(tmp / "mkstatus")
    env = clean_env(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                    GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "release"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, timeout=60)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, text=True,
                            capture_output=True).stdout.strip()
    return repo, commit


def test_git_url_install_init_and_build_in_a_second_virtualenv(tmp_path: Path) -> None:
    repo, commit = clone_of_this_tree(tmp_path)
    author = venv(tmp_path / "author")
    run(author / "pip", "install", "-q", f"git+{repo.as_uri()}@{commit}", timeout=600)

    out = run(author / "mkstatus", "init", "site", "--timezone", "UTC", cwd=tmp_path)
    requirement = f"mkstatus @ git+{repo.as_uri()}@{commit}"
    assert "requirements.txt pins that commit.\n" in out.stderr
    assert "CI cannot clone it" in out.stderr  # a file: URL is this machine's only
    lines = (tmp_path / "site" / "requirements.txt").read_text().splitlines()
    assert [x for x in lines if not x.startswith("#")][0] == requirement
    assert not (tmp_path / "site" / ".mkstatus").exists()

    # pip before 24.1 (Python 3.11 bundles 23.2) refuses a git+file: URL in a requirements
    # file (a git+https: one is fine): this requirement is for this machine only anyway.
    ci = venv(tmp_path / "ci", upgrade_pip=True)
    run(ci / "pip", "install", "-q", "-r", "site/requirements.txt", cwd=tmp_path, timeout=600)
    run(ci / "pip", "check")
    record = run(ci / "python", "-c", "from importlib.metadata import distribution as d; "
                 "print(d('mkstatus').read_text('direct_url.json'))").stdout
    assert json.loads(record)["vcs_info"]["commit_id"] == commit
    assert run(ci / "mkstatus", "--version").stdout.split()[-1] == mkstatus.__version__
    run(ci / "mkstatus", "build", "--strict", cwd=tmp_path / "site")
    assert "All Systems Operational" in (tmp_path / "site" / "site" / "index.html").read_text()
