"""The derived cache of parsed incidents (``incidents/stored.py``): a build that takes
incidents from it makes the same site, byte for byte, as one that parses every file, and
reports the same errors; a damaged or planted cache file is ignored."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from mkstatus.config import parse_config
from mkstatus.incidents import stored
from mkstatus.incidents.parse import load_incidents

from tests.conftest import DEMO_NOW, mkstatus

SITE = """\
site_name: Cached Status
site_url: https://status.example.com/
theme: {name: material, font: false}
plugins:
  - mkstatus:
      timezone: Europe/Paris
      components:
        - {id: api, name: API}
        - {id: web, name: Website}
"""
SLOW = """\
---
title: The API is slow
impact: minor
components:
  api: degraded_performance
---

Requests were slow.

## 2026-11-22 10:00 — Resolved
Back to normal.

## 2026-11-22 09:00 — Investigating
Requests take **seconds**.
"""
DOWN = """\
---
title: The website is down
impact: major
components:
  web: major_outage
---

## 2026-11-20 18:30 Z — Resolved
Fixed.

## 2026-11-20 18:00 Z — Identified
Components: web=partial_outage
A bad deploy.

## Postmortem

A deploy went out without its assets.
"""
WORKS = """\
---
title: Database upgrade
components: [api]
scheduled_for: 2026-11-25 02:00
scheduled_until: 2026-11-25 04:00
---

The database moves to a new version.
"""
FILES = {"2026-11-22-slow-api.md": SLOW, "2026-11-20-web-down.md": DOWN,
         "2026-11-25-db-upgrade.md": WORKS}


def make_site(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "incidents").mkdir()
    (root / "mkdocs.yml").write_text(SITE)
    for name, text in FILES.items():
        (root / "incidents" / name).write_text(text)
    return root


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def warm_and_cold(root: Path, out: Path) -> dict[str, bytes]:
    """Build with the cache the previous build left, then into ``out`` with no cache at
    all; the two sites must be the same, file for file."""
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    mkstatus("build", "--now", DEMO_NOW, "-d", str(out), cwd=root, check=True,
             env={"MKSTATUS_CACHE_DIR": "off"})
    warm, cold = tree(root / "site"), tree(out)
    assert warm.keys() == cold.keys()
    assert [name for name in warm if warm[name] != cold[name]] == []
    return warm


def cached(root: Path) -> dict[str, bytes]:
    """What the cache file holds: path -> digest (read under the key it was written
    with, its header's; under any other key nothing is read)."""
    path = root / ".mkstatus-cache" / stored.NAME
    with open(path, "rb") as handle:
        _, key = pickle.load(handle)
    assert stored._read(path, b"another key") == {}
    return {shown: entry[0] for shown, entry in stored._read(path, key).items()}


def test_a_warm_build_is_a_cold_build_after_every_kind_of_edit(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    incidents = root / "incidents"
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)  # leaves the cache
    assert sorted(cached(root)) == sorted(f"incidents/{name}" for name in FILES)
    first = warm_and_cold(root, tmp_path / "cold-0")
    assert "seconds" in first["incidents/2026-11-22-slow-api/index.html"].decode()

    # A change of the same size and modification time: only the bytes tell.
    slow = incidents / "2026-11-22-slow-api.md"
    before = slow.stat()
    slow.write_text(SLOW.replace("seconds", "minutes"))
    os.utime(slow, ns=(before.st_atime_ns, before.st_mtime_ns))
    site = warm_and_cold(root, tmp_path / "cold-1")
    page = site["incidents/2026-11-22-slow-api/index.html"].decode()
    assert "minutes" in page and "seconds" not in page

    # Deleted, then renamed: the cache follows the folder.
    (incidents / "2026-11-20-web-down.md").unlink()
    site = warm_and_cold(root, tmp_path / "cold-2")
    assert "incidents/2026-11-20-web-down/index.html" not in site
    assert "incidents/2026-11-20-web-down.md" not in cached(root)
    (incidents / "2026-11-25-db-upgrade.md").rename(incidents / "2026-11-25-db-move.md")
    site = warm_and_cold(root, tmp_path / "cold-3")
    assert "incidents/2026-11-25-db-move/index.html" in site
    assert "incidents/2026-11-25-db-upgrade/index.html" not in site
    assert sorted(cached(root)) == ["incidents/2026-11-22-slow-api.md",
                                    "incidents/2026-11-25-db-move.md"]

    # mkdocs.yml: another timezone moves every time written without an offset.
    (root / "mkdocs.yml").write_text(SITE.replace("Europe/Paris", "Asia/Tokyo"))
    site = warm_and_cold(root, tmp_path / "cold-4")
    assert site["incidents/2026-11-22-slow-api/index.html"] != \
        first["incidents/2026-11-22-slow-api/index.html"]


def test_an_invalid_incident_is_reported_the_same_with_the_cache_warm(tmp_path: Path
                                                                        ) -> None:
    root = make_site(tmp_path / "site")
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    # A component that mkdocs.yml no longer configures: a file read from the cache before
    # must be checked again.
    (root / "mkdocs.yml").write_text(SITE.replace("        - {id: web, name: Website}\n", ""))
    (root / "incidents" / "2026-11-23-typo.md").write_text(
        SLOW.replace("Resolved", "Resolvd"))
    expected = [
        "incidents/2026-11-20-web-down.md:5:3: unknown component 'web'; the components "
        "configured in mkdocs.yml are: api",
        "incidents/2026-11-20-web-down.md:12:13: unknown component 'web'; the components "
        "configured in mkdocs.yml are: api",
        "incidents/2026-11-23-typo.md:10:23: expected an update status (investigating, "
        "identified, monitoring, resolved, scheduled, in_progress, verifying, completed, "
        "cancelled), found 'Resolvd' (did you mean 'resolved'?)",
    ]
    for env in ({}, {"MKSTATUS_CACHE_DIR": "off"}, {}):
        result = mkstatus("build", "--now", DEMO_NOW, cwd=root, env=env)
        assert result.returncode != 0
        lines = [line for line in result.stderr.splitlines() if line.startswith("incidents/")]
        assert lines == expected, result.stderr


@pytest.mark.parametrize("damage", ["truncated", "cut-between-pickles", "garbage", "empty",
                                    "planted"])
def test_a_damaged_or_planted_cache_file_is_ignored_and_written_again(
        tmp_path: Path, damage: str) -> None:
    root = make_site(tmp_path / "site")
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    built = tree(root / "site")
    path = root / ".mkstatus-cache" / stored.NAME
    good = path.read_bytes()
    marker = tmp_path / "planted-code-ran"
    if damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "cut-between-pickles":  # all the entries, but not the end mark
        path.write_bytes(good[: -len(pickle.dumps(None, protocol=pickle.HIGHEST_PROTOCOL))])
    elif damage == "garbage":
        path.write_bytes(b"\x80\x05" + os.urandom(4096))
    elif damage == "empty":
        path.write_bytes(b"")
    else:  # a pickle that would run a command when loaded by pickle.load

        class Planted:
            def __reduce__(self) -> tuple[object, tuple[str]]:
                return (os.system, (f"touch {marker}",))

        path.write_bytes(pickle.dumps(Planted(), protocol=pickle.HIGHEST_PROTOCOL))
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    assert tree(root / "site") == built
    assert not marker.exists()
    assert path.read_bytes() == good  # written again, whole


def test_only_files_parsed_without_a_problem_are_kept(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    (root / "incidents" / "2026-11-23-typo.md").write_text(SLOW.replace("Resolved",
                                                                          "Resolvd"))
    config, _ = parse_config({"timezone": "Europe/Paris", "components": [
        {"id": "api"}, {"id": "web"}]}, site_name="T", site_url="https://s.example.com/")
    assert config is not None
    incidents, problems = load_incidents(root / "incidents", config, root)
    assert [i.id for i in incidents] == ["2026-11-20-web-down", "2026-11-22-slow-api",
                                         "2026-11-25-db-upgrade"]
    assert [p.path for p in problems] == ["incidents/2026-11-23-typo.md"]
    assert sorted(cached(root)) == sorted(f"incidents/{name}" for name in FILES)


def test_the_key_changes_with_what_the_parse_reads() -> None:
    def config(**plugin: object) -> object:
        found, _ = parse_config({"timezone": "Europe/Paris", "components": [{"id": "api"}],
                                 **plugin}, site_name="T", site_url="https://s.example.com/")
        return found

    base = stored.fingerprint(config())  # type: ignore[arg-type]
    assert base is not None
    assert stored.fingerprint(config()) == base  # type: ignore[arg-type]
    others = [config(timezone="Europe/London"), config(timezone=None),
              config(components=[{"id": "api"}, {"id": "web"}]),
              config(components=[{"id": "web"}])]
    keys = {stored.fingerprint(c) for c in others}  # type: ignore[arg-type]
    assert None not in keys and base not in keys and len(keys) == len(others)


def test_the_key_holds_the_source_of_every_module_the_parser_imports() -> None:
    """A module the parser comes to import must be added to ``PARSER_MODULES``, or an
    edit of it would not drop the cache."""
    script = ("import sys, mkstatus.incidents.parse\n"
              "print(' '.join(sorted(m.__file__ for n, m in sys.modules.items() "
              "if n.split('.')[0] == 'mkstatus')))\n")
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                         text=True).stdout.split()
    package = Path(stored.__file__).resolve().parent.parent
    imported = {Path(f).resolve().relative_to(package).as_posix() for f in out}
    assert imported <= set(stored.PARSER_MODULES)
    assert "incidents/parse.py" in imported
