"""What `incidents/` may hold: only regular `.md` files are read, everything else is one line.

Issue 13 item 7 (a `.markdown` file was skipped while `check` said OK) and issue 14 items
4-6 and 9 (tracebacks on links, folders and unreadable files; a FIFO hung `check` for
ever; a link to a file outside the repository was published and echoed in annotations; a
non-UTF-8 docs/index.md was dropped without a word; mkdocs.yml's YAML errors ran over
several lines).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkstatus.config import parse_config
from mkstatus.incidents.parse import load_incidents

from tests.conftest import mkstatus
from tests.incidents.test_bad_input import HEAD, SITE_YML, UPDATE

NOW = "2026-01-02T00:00Z"
CONFIG, _ = parse_config({"timezone": "Europe/London", "components": [{"id": "api"}]},
                         site_name="T", site_url="https://status.example.com/")
GOOD = HEAD + UPDATE


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    (tmp_path / "mkdocs.yml").write_text(SITE_YML)
    (tmp_path / "docs").mkdir()
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / "2026-01-01-good.md").write_text(GOOD)
    return tmp_path


def messages(root: Path) -> list[str]:
    assert CONFIG is not None
    _, problems = load_incidents(root / "incidents", CONFIG, root)
    return [str(p) for p in sorted(problems)]


def test_only_regular_md_files_are_read_and_the_rest_is_named(site: Path) -> None:
    folder = site / "incidents"
    (folder / "2026-01-02-typo.markdown").write_text(GOOD)
    (folder / "2026-01-03-notes.txt").write_text(GOOD)
    (folder / "2026-01-04-dangling.md").symlink_to("nowhere.md")
    (folder / "2026-01-05-loop.md").symlink_to("2026-01-05-loop.md")
    (folder / "2026-01-06-folder.md").mkdir()
    os.mkfifo(folder / "2026-01-07-pipe.md")
    (folder / "older").symlink_to(site / "docs")
    (site / "archive").mkdir()
    (site / "archive" / "2026-01-08-kept.md").write_text(GOOD)
    (folder / "2026-01-08-kept.md").symlink_to(site / "archive" / "2026-01-08-kept.md")
    for ignored in (".gitkeep", "2026-01-01-good.md~", "#2026-01-01-good.md#", ".x.swp"):
        (folder / ignored).write_text("anything")
    assert messages(site) == [
        "incidents/2026-01-02-typo.markdown:1:1: not read: only `.md` files are incidents; "
        "rename it to 2026-01-02-typo.md (or move it out of this folder)",
        "incidents/2026-01-03-notes.txt:1:1: not read: only `.md` files are incidents; "
        "rename it to 2026-01-03-notes.md (or move it out of this folder)",
        "incidents/2026-01-04-dangling.md:1:1: a symbolic link to a file that does not "
        "exist: fix or remove the link",
        "incidents/2026-01-05-loop.md:1:1: a symbolic link that never reaches a file (it "
        "loops): remove it",
        "incidents/2026-01-06-folder.md:1:1: a folder named like an incident file: remove "
        "`.md` from its name",
        "incidents/2026-01-07-pipe.md:1:1: a named pipe (FIFO), not a regular file: only "
        "regular files are read; remove it",
        "incidents/older:1:1: a symbolic link to a folder: not followed; move or link the "
        "files instead",
    ]
    # The same through the command line: one line each, exit 1, no traceback, no hang
    # (the FIFO is never opened), and `build` refuses the same input.
    checked = subprocess.run([sys.executable, "-m", "mkstatus", "check", "--now", NOW],
                             cwd=site, capture_output=True, text=True, timeout=120,
                             env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert (checked.returncode, checked.stdout.splitlines()) == (1, messages(site))
    assert checked.stderr == "7 problem(s) found\n"
    built = mkstatus("build", "--now", NOW, cwd=site)
    assert (built.returncode, built.stderr.splitlines()) == (1, messages(site))
    assert not (site / "site").exists()


def test_a_link_out_of_the_project_is_refused_and_never_echoed(site: Path,
                                                               tmp_path_factory: pytest.
                                                               TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secrets.md"
    outside.write_text("---\nAWS_SECRET_KEY: hunter2\n---\n## db.internal:5432 password\n")
    (site / "incidents" / "2026-01-02-x.md").symlink_to(outside)
    result = mkstatus("check", "--format", "github", "--now", NOW, cwd=site)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=incidents/2026-01-02-x.md,line=1,col=1::a symbolic link to a file "
        "outside the project (the folder of mkdocs.yml): not read; copy the file into the "
        "repository instead"]
    for secret in ("AWS_SECRET_KEY", "hunter2", "db.internal", str(outside.parent)):
        assert secret not in result.stdout + result.stderr


def bound_by_modes(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI as a user whom file modes bind: root reads a mode-0000 file, so as root it
    runs without the capabilities that override modes (util-linux `setpriv`)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: file modes cannot bind")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    return subprocess.run([*prefix, sys.executable, "-m", "mkstatus", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def test_an_unreadable_file_is_one_line(site: Path) -> None:
    locked = site / "incidents" / "2026-01-02-locked.md"
    locked.write_text(GOOD)
    locked.chmod(0)
    result = bound_by_modes("check", "--now", NOW, cwd=site)
    assert (result.returncode, result.stdout) == (1, "incidents/2026-01-02-locked.md:1:1: "
                                                     "cannot be read (Permission denied)\n")
    assert "Traceback" not in result.stderr


def test_an_introduction_that_is_not_utf8_is_an_error(site: Path) -> None:
    (site / "docs" / "index.md").write_bytes(b"# Welcome\n\nCaf\xe9 ouvert.\n")
    result = mkstatus("check", "--now", NOW, cwd=site)
    assert (result.returncode, result.stdout) == (
        1, "docs/index.md:3:4: not valid UTF-8 (byte 0xe9); save the file as UTF-8\n")


def test_mkdocs_yml_yaml_errors_are_one_line(site: Path) -> None:
    (site / "mkdocs.yml").write_text(SITE_YML.replace("site_name: Test", "site_name: [Test"))
    result = mkstatus("check", "--format", "github", "--now", NOW, cwd=site)
    assert (result.returncode, result.stdout) == (
        1, "::error file=mkdocs.yml,line=2,col=9::invalid YAML: did not find expected ',' or "
           "']'\n")
    (site / "mkdocs.yml").write_text(SITE_YML.replace("      timezone", "\t  timezone"))
    result = mkstatus("build", "--now", NOW, cwd=site)
    assert (result.returncode, result.stderr) == (
        1, "mkdocs.yml:6:1: invalid YAML: found character that cannot start any token\n")
    (site / "mkdocs.yml").write_text(SITE_YML.replace("name: API", "name: A\aPI"))
    result = mkstatus("check", "--now", NOW, cwd=site)
    assert (result.returncode, result.stdout) == (
        1, "mkdocs.yml:8:28: invalid YAML: U+0007 is not allowed\n")


@pytest.mark.parametrize("heading", ["9999-12-31 23:00 +00:00", "0001-01-01 00:30 +05:00"])
def test_times_at_the_edge_of_the_range_are_refused_not_a_crash(site: Path,
                                                                 heading: str) -> None:
    """Issue 14 item 3: `check` said OK (or crashed) and `build` crashed with
    OverflowError when the site's zone moved the time past year 9999 or before year 1."""
    (site / "mkdocs.yml").write_text(SITE_YML.replace("Europe/London", "Pacific/Auckland"))
    (site / "incidents" / "2026-01-01-good.md").write_text(
        HEAD + f"## {heading} — Investigating\nMsg\n")
    expected = (f"incidents/2026-01-01-good.md:7:4: '{heading}' is out of range: times must "
                "lie between 1970-01-01 and 8999-12-31 (UTC)")
    checked = mkstatus("check", "--now", NOW, cwd=site)
    assert (checked.returncode, checked.stdout.splitlines()) == (1, [expected])
    built = mkstatus("build", "--now", NOW, cwd=site)
    assert (built.returncode, built.stderr.splitlines()) == (1, [expected])
