"""`init` turns pip's PEP 610 record of how mkstatus was installed into a requirement.

The records below are the shapes pip writes (see the PEP 610 examples); the distribution
is the real installed one, so versions, metadata and the packed wheel are real.
"""

from __future__ import annotations

import io
import zipfile
from importlib import metadata
from pathlib import Path

import mkstatus
import pytest
from mkstatus.scaffold.install import (
    InstallSourceError,
    dependency_pins,
    describe,
    pack_wheel,
    requirements_text,
)

DIST = metadata.distribution("mkstatus")
VERSION = DIST.version
COMMIT = "4f2c1a9e0b8d7c6f5e4d3c2b1a0f9e8d7c6b5a49"


def test_index() -> None:
    source = describe(DIST, None)
    assert (source.kind, source.requirement, source.wheel) == (
        "index", f"mkstatus=={VERSION}", None)
    assert source.summary == (f"mkstatus {VERSION} came from a package index: "
                              f"requirements.txt pins mkstatus=={VERSION}")


def test_git_url_pins_the_commit_not_the_branch() -> None:
    record = {"url": "https://github.com/acme/mkstatus.git",
              "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": COMMIT}}
    source = describe(DIST, record)
    assert source.requirement == f"mkstatus @ git+https://github.com/acme/mkstatus.git@{COMMIT}"
    assert source.summary == (f"mkstatus {VERSION} came from git (https://github.com/acme/"
                              f"mkstatus.git at {COMMIT[:12]}): requirements.txt pins that "
                              "commit")
    assert source.warning is None
    record["subdirectory"] = "pkg"
    assert describe(DIST, record).requirement.endswith(f"@{COMMIT}#subdirectory=pkg")


def test_a_git_url_on_this_machine_warns() -> None:
    source = describe(DIST, {"url": "file:///srv/mkstatus",
                             "vcs_info": {"vcs": "git", "commit_id": COMMIT}})
    assert source.requirement == f"mkstatus @ git+file:///srv/mkstatus@{COMMIT}"
    assert source.warning is not None and "CI cannot clone it" in source.warning


def test_remote_archive_keeps_its_hash() -> None:
    url = "https://example.com/mkstatus-0.1.0-py3-none-any.whl"
    new = describe(DIST, {"url": url, "archive_info": {"hashes": {"sha256": "ab" * 32}}})
    old = describe(DIST, {"url": url, "archive_info": {"hash": "sha256=" + "cd" * 32}})
    assert new.requirement == f"mkstatus @ {url}#sha256={'ab' * 32}"
    assert old.requirement == f"mkstatus @ {url}#sha256={'cd' * 32}"


def test_local_wheel_file_is_copied(tmp_path: Path) -> None:
    wheel = tmp_path / f"mkstatus-{VERSION}-py3-none-any.whl"
    wheel.write_bytes(b"a wheel")
    source = describe(DIST, {"url": wheel.as_uri(), "archive_info": {}})
    name = f"mkstatus-{VERSION}-py3-none-any.whl"
    assert (source.kind, source.requirement, source.wheel_name, source.wheel) == (
        "wheel", f"./.mkstatus/wheels/{name}", name, b"a wheel")


@pytest.mark.parametrize("editable", [True, False])
def test_local_directory_is_packed_into_a_wheel(tmp_path: Path, editable: bool) -> None:
    source = describe(DIST, {"url": tmp_path.as_uri(), "dir_info": {"editable": editable}})
    assert source.kind == "wheel" and source.wheel == pack_wheel(DIST)
    assert ("editable install" if editable else "local directory") in source.summary
    names = zipfile.ZipFile(io.BytesIO(source.wheel)).namelist()
    package = Path(mkstatus.__file__).parent
    expected = sorted(p.relative_to(package.parent).as_posix() for p in package.rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts)
    assert sorted(n for n in names if n.startswith("mkstatus/")) == expected
    info = f"mkstatus-{VERSION}.dist-info"
    assert {f"{info}/METADATA", f"{info}/WHEEL", f"{info}/RECORD",
            f"{info}/entry_points.txt"} <= set(names)
    record = zipfile.ZipFile(io.BytesIO(source.wheel)).read(f"{info}/RECORD").decode()
    assert len(record.splitlines()) == len(names)


def test_stale_editable_metadata_is_refused(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mkstatus, "__version__", "9.9.9")
    with pytest.raises(InstallSourceError, match=f"the installed metadata says mkstatus "
                       f"{VERSION} but the running code is 9.9.9"):
        describe(DIST, {"url": tmp_path.as_uri(), "dir_info": {"editable": True}})


def test_dependency_pins_are_the_installed_versions() -> None:
    pins = dependency_pins()
    versions = dict(pin.split("==") for pin in pins)
    assert versions["mkdocs"] == metadata.version("mkdocs")
    assert versions["markupsafe"] == metadata.version("MarkupSafe")  # through Jinja2
    assert "mkstatus" not in versions and "pytest" not in versions
    assert pins == sorted(pins)


def test_requirements_text() -> None:
    text = requirements_text(describe(DIST, None), ["click==8.1.7"])
    assert text.splitlines()[-2:] == [f"mkstatus=={VERSION}", "click==8.1.7"]
    assert "# This mkstatus came from a package index.\n" in text


def test_pyproject_edited_but_not_reinstalled_is_a_warning(tmp_path: Path) -> None:
    declared = [str(r) for r in DIST.requires or [] if "extra" not in r]
    (tmp_path / "pyproject.toml").write_text(f"[project]\ndependencies = {declared!r}\n")
    record = {"url": tmp_path.as_uri(), "dir_info": {"editable": True}}
    assert describe(DIST, record).warning is None
    (tmp_path / "pyproject.toml").write_text(f"[project]\ndependencies = {declared[1:]!r}\n")
    assert describe(DIST, record).warning == (
        f"{tmp_path}/pyproject.toml lists other dependencies than the installed mkstatus "
        f"metadata the wheel carries: reinstall it (pip install -e {tmp_path}), then run "
        "`mkstatus init --requirements-only`")
