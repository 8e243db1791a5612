"""Where the running mkstatus came from, so a new site's CI installs exactly that.

pip records how it installed a distribution in PEP 610's `direct_url.json`: absent for a
package index, `vcs_info` for a git URL, `dir_info` for a local directory (editable or
not), `archive_info` for a wheel or sdist file or URL. `init` turns that into the first
line of `requirements.txt`:

- index: `mkstatus==X.Y.Z`;
- VCS: `mkstatus @ git+URL@<commit>` (the commit pip checked out, not the branch name);
- remote archive: `mkstatus @ URL#sha256=...`;
- local directory or file: a wheel inside the site (`.mkstatus/wheels/`), referenced by
  path, so CI installs the code the author ran even before any release exists. A wheel
  file that still exists is copied; otherwise the running package is packed into one.

The lines after it pin every dependency to the version installed when `init` ran (offline,
from the installed metadata). Hashes are not written: pip's hash-checking mode needs a
hash for every file of every requirement on every platform CI may use, which only the
index knows, and `init` does not go to the network.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tomllib
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import mkstatus
from mkstatus.errors import MkstatusError

WHEEL_DIR = ".mkstatus/wheels"
NAME = "mkstatus"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same code packs to the same bytes


class InstallSourceError(MkstatusError):
    """The running mkstatus cannot be described as a requirement CI can install."""


@dataclass(frozen=True, slots=True)
class InstallSource:
    """How `requirements.txt` installs mkstatus, and what `init` says about it."""

    kind: str                     # index | vcs | url | wheel
    requirement: str              # the requirement line for mkstatus itself
    summary: str                  # one sentence for the person running `init`
    wheel_name: str | None = None  # for kind == "wheel": the file under WHEEL_DIR
    wheel: bytes | None = None
    warning: str | None = None


def running_source() -> InstallSource:
    """Describe the mkstatus that is running now, from its installed metadata."""
    try:
        dist = metadata.distribution(NAME)
    except metadata.PackageNotFoundError:
        raise InstallSourceError("mkstatus is not installed as a distribution (running from "
                                 "a source tree?): install it with pip first") from None
    raw = dist.read_text("direct_url.json")
    return describe(dist, json.loads(raw) if raw else None)


def describe(dist: metadata.Distribution, direct_url: dict | None) -> InstallSource:  # type: ignore[type-arg]
    """The requirement for `dist` given its PEP 610 record (None: from an index)."""
    version = dist.version
    if direct_url is None:
        return InstallSource("index", f"{NAME}=={version}",
                             f"mkstatus {version} came from a package index: "
                             f"requirements.txt pins {NAME}=={version}")
    url = direct_url["url"]
    if "vcs_info" in direct_url:
        return _vcs(version, url, direct_url["vcs_info"], direct_url.get("subdirectory"))
    if "archive_info" in direct_url and not url.startswith("file:"):
        info = direct_url["archive_info"]
        hashes = info.get("hashes") or {}
        digest = f"sha256={hashes['sha256']}" if "sha256" in hashes else info.get("hash", "")
        fragment = f"#{digest}" if digest else ""  # pip checks a URL's #sha256= fragment
        return InstallSource("url", f"{NAME} @ {url}{fragment}",
                             f"mkstatus {version} came from {url}: requirements.txt installs "
                             "that file")
    return _local_wheel(dist, url, editable=direct_url.get("dir_info", {}).get("editable"))


def _vcs(version: str, url: str, info: dict, subdirectory: str | None) -> InstallSource:  # type: ignore[type-arg]
    commit = info["commit_id"]
    line = f"{NAME} @ {info['vcs']}+{url}@{commit}"
    if subdirectory:
        line += f"#subdirectory={subdirectory}"
    warning = None
    if url.startswith("file:"):
        warning = (f"{url} is a path on this machine: CI cannot clone it. Install mkstatus "
                   "from a URL CI can reach (or from PyPI) and run `mkstatus init "
                   "--requirements-only` again")
    return InstallSource("vcs", line, f"mkstatus {version} came from {info['vcs']} "
                         f"({url} at {commit[:12]}): requirements.txt pins that commit",
                         warning=warning)


def _local_wheel(dist: metadata.Distribution, url: str, editable: bool | None) -> InstallSource:
    version = dist.version
    if version != mkstatus.__version__:
        raise InstallSourceError(
            f"the installed metadata says mkstatus {version} but the running code is "
            f"{mkstatus.__version__}: reinstall it (pip install -e {_path(url)}) first")
    name = f"{NAME}-{version}-py3-none-any.whl"
    source = _path(url)
    if source.suffix == ".whl" and source.is_file():
        data, how = source.read_bytes(), f"a copy of {source}"
    else:
        data = pack_wheel(dist)
        kind = "editable install" if editable else "local directory"
        how = f"packed from the running code ({kind} {source})"
    return InstallSource("wheel", f"./{WHEEL_DIR}/{name}",
                         f"mkstatus {version} came from {source}: requirements.txt installs "
                         f"{WHEEL_DIR}/{name}, {how}; commit it with the site",
                         wheel_name=name, wheel=data, warning=_stale(dist, source))


def _stale(dist: metadata.Distribution, source: Path) -> str | None:
    """A warning when the source's pyproject.toml lists other dependencies than the
    installed metadata the wheel is packed with (pyproject edited, not reinstalled)."""
    try:
        project = tomllib.loads((source / "pyproject.toml").read_text("utf-8"))["project"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None
    declared = {str(Requirement(line)) for line in project.get("dependencies", [])}
    installed = {str(req) for req in map(Requirement, dist.requires or [])
                 if req.marker is None or "extra" not in str(req.marker)}
    if declared == installed:
        return None
    return (f"{source}/pyproject.toml lists other dependencies than the installed mkstatus "
            f"metadata the wheel carries: reinstall it (pip install -e {source}), then run "
            "`mkstatus init --requirements-only`")


def _path(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def pack_wheel(dist: metadata.Distribution) -> bytes:
    """A wheel of the running `mkstatus` package with `dist`'s metadata, byte-reproducible.

    The package directory is the one Python imported, so an editable install packs the
    author's working tree as it is now; caches, hidden and backup files are left out.
    """
    package = Path(mkstatus.__file__).parent
    info = f"{NAME}-{dist.version}.dist-info"
    entries: list[tuple[str, bytes]] = []
    for path in sorted(package.rglob("*")):
        rel = path.relative_to(package.parent)
        if path.is_file() and not _skipped(rel):
            entries.append((rel.as_posix(), path.read_bytes()))
    for meta in ("METADATA", "entry_points.txt"):
        text = dist.read_text(meta)
        if text is not None:
            entries.append((f"{info}/{meta}", text.encode()))
    for file in dist.files or ():
        if file.parts[0] == info and len(file.parts) > 1 and file.parts[1] == "licenses":
            entries.append((file.as_posix(), Path(file.locate()).read_bytes()))
    wheel_meta = ("Wheel-Version: 1.0\nGenerator: mkstatus init\nRoot-Is-Purelib: true\n"
                  "Tag: py3-none-any\n")
    entries.append((f"{info}/WHEEL", wheel_meta.encode()))
    record = "".join(f"{name},sha256={_digest(data)},{len(data)}\n" for name, data in entries)
    entries.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            member = zipfile.ZipInfo(name, _ZIP_TIME)
            member.external_attr = 0o644 << 16
            member.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(member, data)
    return buffer.getvalue()


def _skipped(rel: Path) -> bool:
    return any(part == "__pycache__" or part.startswith(".") or part.endswith("~")
               for part in rel.parts) or rel.suffix in {".pyc", ".pyo"}


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def dependency_pins(name: str = NAME) -> list[str]:
    """`name==version` for every installed dependency of `name`, recursively, sorted.

    Environment markers are evaluated for this interpreter and platform (the generated
    workflows use the same Python version); dependencies that are not installed are left
    to pip.
    """
    seen: dict[str, str] = {}
    todo: list[tuple[str, frozenset[str]]] = [(name, frozenset())]
    done: set[tuple[str, frozenset[str]]] = set()
    while todo:
        item = todo.pop()
        if item in done:
            continue
        done.add(item)
        dist_name, extras = item
        for req in _requires(dist_name, extras):
            key = canonicalize_name(req.name)
            try:
                seen[key] = f"{key}=={metadata.version(req.name)}"
            except metadata.PackageNotFoundError:
                continue
            todo.append((req.name, frozenset(req.extras)))
    seen.pop(canonicalize_name(name), None)
    return sorted(seen.values())


def _requires(dist_name: str, extras: frozenset[str]) -> list[Requirement]:
    environment = default_environment()
    out = []
    for line in metadata.requires(dist_name) or []:
        req = Requirement(line)
        if req.marker is None:
            out.append(req)
            continue
        for extra in ("", *sorted(extras)):
            # packaging types its environment as a TypedDict, which a plain merge widens.
            if req.marker.evaluate({**environment, "extra": extra}):  # type: ignore[dict-item]
                out.append(req)
                break
    return out


_ORIGINS = {"index": "a package index", "vcs": "a commit of its repository",
            "url": "a file on the web", "wheel": "the author's machine, as the wheel below"}


def requirements_text(source: InstallSource, pins: list[str]) -> str:
    """The whole `requirements.txt` of a new site."""
    lines = [
        "# What CI installs to probe, check and build this site: the mkstatus that ran",
        "# `mkstatus init`, and the versions of its dependencies installed at that moment.",
        "# To upgrade: install the new mkstatus, then run `mkstatus init --requirements-only`.",
        f"# This mkstatus came from {_ORIGINS[source.kind]}.",
        source.requirement,
        *pins,
    ]
    return "\n".join(lines) + "\n"
