"""What a build loads and keeps: the modules it imports, the compiled templates it keeps in
the site's cache folder, and never a stale one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO_NOW, mkstatus

SITE = """\
site_name: Tiny Status
site_url: https://status.example.com/
theme: {name: material, font: false, custom_dir: overrides}
plugins:
  - mkstatus:
      timezone: Europe/Paris
      components:
        - {id: api, name: API}
        - {id: web, name: Website}
"""
INCIDENT = """\
---
title: The API is slow
impact: minor
components:
  api: degraded_performance
---

## 2026-11-22 10:00 Z — Resolved
Back to normal; see [the notes](https://example.com/notes).

## 2026-11-22 09:00 Z — Investigating
Requests take **seconds**.
"""
# The site's own main.html over mkstatus' theme layer: a template the test can edit.
MAIN = '{% extends "base.html" %}\n{% block content %}<p>MARK-ONE</p>{{ super() }}{% endblock %}\n'


def tiny_site(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "incidents").mkdir()
    (root / "overrides").mkdir()
    (root / "mkdocs.yml").write_text(SITE)
    (root / "incidents" / "2026-11-22-slow-api.md").write_text(INCIDENT)
    (root / "overrides" / "main.html").write_text(MAIN)
    return root


def compiled(root: Path) -> dict[str, int]:
    """The cache's compiled templates: name -> modification time (ns)."""
    return {p.name: p.stat().st_mtime_ns for p in (root / ".mkstatus-cache" / "jinja").rglob("*")
            if p.is_file()}


def test_compiled_templates_are_kept_and_an_edited_template_is_compiled_again(
        tmp_path: Path) -> None:
    root = tiny_site(tmp_path / "site")
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    first = compiled(root)
    assert len(first) > 10  # Material's templates, the theme layer's and mkstatus' pages'
    page = root / "site" / "index.html"
    built = page.read_bytes()
    assert b"MARK-ONE" in built

    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    assert compiled(root) == first  # every template came from the cache: none compiled
    assert page.read_bytes() == built

    # Same size, same modification time: only the content says the template changed.
    main = root / "overrides" / "main.html"
    stat = main.stat()
    main.write_text(MAIN.replace("MARK-ONE", "MARK-TWO"))
    os.utime(main, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    after = page.read_bytes()
    assert b"MARK-TWO" in after and b"MARK-ONE" not in after
    assert after == built.replace(b"MARK-ONE", b"MARK-TWO")
    again = compiled(root)
    assert again.keys() == first.keys()
    assert len([k for k in first if again[k] != first[k]]) == 1  # main.html's, compiled again

    # Without the cache (or with it turned off) the build is the same.
    mkstatus("build", "--now", DEMO_NOW, "-d", str(tmp_path / "cold"), cwd=root, check=True,
             env={"MKSTATUS_CACHE_DIR": "off"})
    assert (tmp_path / "cold" / "index.html").read_bytes() == after


def loaded(root: Path, script: str) -> list[str]:
    """The modules (of the packages below) that ``script`` left loaded, run in a fresh
    interpreter in ``root`` with ``DEMO_NOW`` as its argument."""
    script += ("\nprint(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
               "('requests', 'urllib3', 'msgspec', 'babel', 'mkstatus'))))\n")
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "MKSTATUS_NOW")}
    out = subprocess.run([sys.executable, "-c", script, DEMO_NOW], cwd=root, check=True,
                         capture_output=True, text=True, timeout=300,
                         env={**env, "NO_MKDOCS_2_WARNING": "1"}).stdout
    return out.splitlines()[-1].split()


def test_a_build_without_samples_imports_no_http_client_nor_sample_decoder(
        tmp_path: Path) -> None:
    """requests and urllib3 are the probes' and notifications'; msgspec reads samples;
    Babel formats languages other than plain English (MkDocs itself imports Babel, with
    its formatting, for its own themes' translations whenever it is installed: so only
    mkstatus' own work is checked for it)."""
    root = tiny_site(tmp_path / "site")
    out = loaded(root, "import sys\nfrom mkstatus.cli.main import main\n"
                       "try:\n    main(['build', '--now', sys.argv[1]])\n"
                       "except SystemExit as e:\n    assert not e.code, e.code\n")
    assert "mkstatus.render.generate" in out  # it did build
    assert (root / "site" / "index.html").is_file()
    assert [m for m in out if m.split(".")[0] in ("requests", "urllib3", "msgspec")] == []

    # mkstatus' own work (what `check` and the goldens run) loads no Babel at all.
    out = loaded(root, "import sys\nfrom pathlib import Path\n"
                       "from mkstatus.project import Project, load_project\n"
                       "from mkstatus.render.generate import generate\n"
                       "from mkstatus.times import resolve_now\nimport yaml\n"
                       "raw = yaml.safe_load(Path('mkdocs.yml').read_text())\n"
                       "project = Project(root=Path.cwd(), config_file=Path('mkdocs.yml'), "
                       "docs_dir=Path('docs'), site_name=raw['site_name'], "
                       "site_url=raw['site_url'], plugin=raw['plugins'][0]['mkstatus'])\n"
                       "files = generate(load_project(project, resolve_now(sys.argv[1])))\n"
                       "assert any(f.path == 'history.atom' for f in files)\n")
    assert "mkstatus.render.feeds" in out
    assert [m for m in out if not m.startswith("mkstatus")] == []

    # With a day of samples, msgspec reads them.
    samples = root / "samples" / "2026" / "11" / "22"
    samples.mkdir(parents=True)
    (samples / "default.jsonl").write_text(
        '{"t":"2026-11-22T08:00:00Z","c":"api","o":"ok","h":200,"l":120}\n')
    out = loaded(root, "import sys\nfrom mkstatus.cli.main import main\n"
                       "try:\n    main(['build', '--now', sys.argv[1]])\n"
                       "except SystemExit as e:\n    assert not e.code, e.code\n")
    assert "msgspec" in out
