"""What the release workflow publishes works: sdist and wheel build, pass `twine check
--strict`, and the wheel installed in a fresh virtualenv runs `init`, `check` and `build`.

The distributions are built the way .github/workflows/release.yml builds them
(`python -m build`: the sdist, then the wheel from the sdist, in an isolated build
environment) from a copy of this working tree. The fresh virtualenv installs the wheel
with plain pip, as a user would; pip's cache keeps the dependencies' downloads cheap.
"""

from __future__ import annotations

import io
import re
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import mkstatus
import pytest
from mkstatus.scaffold.install import running_source

from tests.release_tools import ROOT, run, source_tree, venv

pytestmark = pytest.mark.slow
VERSION = mkstatus.__version__
WHEEL = f"mkstatus-{VERSION}-py3-none-any.whl"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = source_tree(tmp_path_factory.mktemp("release") / "mkstatus")
    run(sys.executable, "-m", "build", "--outdir", tree / "dist", tree, timeout=600)
    return tree / "dist"


def test_sdist_and_wheel_build_and_pass_twine_check(dist: Path) -> None:
    assert sorted(p.name for p in dist.iterdir()) == sorted([f"mkstatus-{VERSION}.tar.gz", WHEEL])
    out = run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()))
    assert out.stdout.count("PASSED") == 2, out.stdout
    with tarfile.open(dist / f"mkstatus-{VERSION}.tar.gz") as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert {"pyproject.toml", "README.md", "LICENSE", "generator/mkstatus/__init__.py",
            "generator/mkstatus/scaffold/files/github/workflows/probe.yml"} <= names


def test_the_version_lives_in_one_place(dist: Path) -> None:
    wheel = zipfile.ZipFile(dist / WHEEL)
    meta = wheel.read(f"mkstatus-{VERSION}.dist-info/METADATA").decode()
    assert f"\nVersion: {VERSION}\n" in meta
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"] and pyproject["project"]["dynamic"] == [
        "version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "mkstatus.__version__"}
    heading = re.search(r"^## (\S+) ", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert heading and heading.group(1) == VERSION  # the changelog starts at this version


def test_packed_wheel_holds_what_the_release_wheel_holds(dist: Path) -> None:
    """`init` packs a local checkout into a wheel itself: it must not drift from setuptools'."""
    source = running_source()
    if source.wheel is None:
        pytest.skip("this mkstatus was not installed from a local directory")
    ours = zipfile.ZipFile(io.BytesIO(source.wheel)).namelist()
    theirs = zipfile.ZipFile(dist / WHEEL).namelist()
    assert sorted(n for n in ours if n.startswith("mkstatus/")) == sorted(
        n for n in theirs if n.startswith("mkstatus/"))


def test_the_wheel_in_a_fresh_virtualenv_runs_init_check_and_build(dist: Path,
                                                                    tmp_path: Path) -> None:
    bin_dir = venv(tmp_path / "venv")
    run(bin_dir / "pip", "install", "-q", dist / WHEEL, timeout=600)
    out = run(bin_dir / "mkstatus", "init", "site", "--timezone", "UTC", cwd=tmp_path)
    site = tmp_path / "site"
    assert f"mkstatus {VERSION} came from {dist / WHEEL}: requirements.txt installs " \
           f".mkstatus/wheels/{WHEEL}, a copy of {dist / WHEEL}" in out.stderr
    assert (site / ".mkstatus" / "wheels" / WHEEL).read_bytes() == (dist / WHEEL).read_bytes()
    first = [x for x in (site / "requirements.txt").read_text().splitlines()
             if not x.startswith("#")][0]
    assert first == f"./.mkstatus/wheels/{WHEEL}"
    assert run(bin_dir / "mkstatus", "check", cwd=site).stderr.startswith("OK: 1 incident")
    run(bin_dir / "mkstatus", "build", "--strict", cwd=site)
    assert "All Systems Operational" in (site / "site" / "index.html").read_text()

    # The wheel `init` packs from an editable checkout (this test run's) works the same.
    source = running_source()
    if source.wheel is not None:
        packed = tmp_path / WHEEL
        packed.write_bytes(source.wheel)
        run(bin_dir / "pip", "uninstall", "-q", "-y", "mkstatus")
        run(bin_dir / "pip", "install", "-q", packed, timeout=600)
        run(bin_dir / "pip", "check")
        run(bin_dir / "mkstatus", "build", "--strict", cwd=site)
