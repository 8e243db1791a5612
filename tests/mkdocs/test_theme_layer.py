"""The theme layer's shortcuts change no byte of what Material renders for each page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_NOW, copy_demo, mkstatus

pytestmark = pytest.mark.slow

# `mkstatus build` with the plugin's `nav_key` replaced before the build: the theme layer
# reads it at render time. KEYS counts the pages whose sidebar may be shared; with SHARE=0
# no sidebar is shared, so every page gets Material's own rendering.
BUILD = """
import os, sys
import mkstatus.mkdocs.plugin as plugin
real = plugin.nav_key
shared = []
def nav_key(page):
    key = real(page) if os.environ["SHARE"] == "1" else None
    if key is not None:
        shared.append(page.url)
    return key
plugin.nav_key = nav_key
from mkstatus.cli.main import main
try:
    main(["build", "--now", sys.argv[1]])
finally:
    with open(os.environ["KEYS"], "w") as f:
        f.write("\\n".join(shared))
"""


def _build(root: Path, share: bool) -> list[str]:
    keys = root / "keys.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "MKSTATUS_NOW")}
    env.update({"NO_MKDOCS_2_WARNING": "1", "SHARE": "1" if share else "0", "KEYS": str(keys)})
    subprocess.run([sys.executable, "-c", BUILD, DEMO_NOW], cwd=root, env=env, check=True,
                   capture_output=True, timeout=300)
    return [line for line in keys.read_text().splitlines() if line]


def _demo(dest: Path, nav_component: bool) -> Path:
    root = copy_demo(dest)
    if nav_component:  # a generated page in the navigation, at an incident page's depth
        config = root / "mkdocs.yml"
        text = config.read_text()
        assert "  - History: history.md\n" in text
        config.write_text(text.replace("  - History: history.md\n", "  - History: history.md\n"
                                       "  - API: components/api.md\n"))
    return root


@pytest.mark.parametrize("nav_component", [False, True], ids=["demo", "component-in-nav"])
def test_shared_sidebars_equal_material_rendering_of_each_page(
        tmp_path: Path, nav_component: bool) -> None:
    shared_site = _demo(tmp_path / "shared", nav_component)
    own_site = _demo(tmp_path / "own", nav_component)
    shared = _build(shared_site, share=True)
    assert _build(own_site, share=False) == []
    # Not vacuous: every incident page (and the components') may share its sidebar.
    incidents = list((shared_site / "incidents").glob("*.md"))
    assert len(incidents) >= 5 and len(shared) >= len(incidents), shared
    pages = sorted(p.relative_to(shared_site / "site")
                   for p in (shared_site / "site").rglob("*.html"))
    assert pages == sorted(p.relative_to(own_site / "site")
                           for p in (own_site / "site").rglob("*.html"))
    for page in pages:
        assert (shared_site / "site" / page).read_bytes() == (own_site / "site" / page
                                                              ).read_bytes(), page


def test_pages_carry_no_material_bundle_settings(demo_site: Path) -> None:
    """Material's `__config` JSON only feeds its bundle, which the layer does not load."""
    for page in demo_site.rglob("*.html"):
        text = page.read_text()
        assert 'id="__config"' not in text and "bundle." not in text, page


def test_site_scripts_still_load(tmp_path: Path) -> None:
    """Only Material's bundle is dropped: a site's own `extra_javascript` is kept."""
    root = copy_demo(tmp_path / "demo")
    (root / "docs" / "js").mkdir()
    (root / "docs" / "js" / "clock.js").write_text("document.title += '';\n")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "extra_javascript:\n  - js/clock.js\n")
    result = mkstatus("build", "--now", DEMO_NOW, cwd=root)
    assert result.returncode == 0, result.stderr
    for page in ("index.html", "incidents/2026-11-22-email-delivery-delays/index.html"):
        text = (root / "site" / page).read_text()
        assert text.count("js/clock.js") == 1 and "bundle." not in text, page
