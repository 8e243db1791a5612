"""Every HTML page of the built demo (its /fr/ tree too) and of an Arabic build passes
the Nu HTML Checker (vnu.jar, Java 17).

The committed filter (tests/vnu-filter.txt) holds only Material's known `autocomplete`
error. A planted error is checked in the same run, so a filter that grew too broad or a
checker that stopped reporting fails here instead of passing silently.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import DEMO_NOW, REPO, copy_demo, mkstatus, require

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
FILTER = Path(__file__).parents[1] / "vnu-filter.txt"
PLANTED = ('<!doctype html><html lang="en"><head><title>t</title></head><body>'
           '<p><div>a div inside a paragraph</div></p></body></html>\n')


def test_filter_holds_only_the_autocomplete_pattern() -> None:
    patterns = [line for line in FILTER.read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert patterns == [".*Attribute “autocomplete” is only allowed when the input type is .*"]


def test_demo_site_is_valid_html(demo_site: Path, trouble: Path, tmp_path: Path) -> None:
    """The demo, plus the long history of the trouble scenario (month pages, lists cut
    at the limit)."""
    java = shutil.which("java")
    require("java", java is not None)
    require(str(VNU), VNU.exists())
    planted = tmp_path / "planted"
    planted.mkdir()
    (planted / "index.html").write_text(PLANTED)
    result = subprocess.run([str(java), "-jar", str(VNU), "--errors-only", "--skip-non-html",
                             "--filterfile", str(FILTER), str(demo_site), str(planted),
                             str(trouble / "history"), str(trouble / "components")],
                            capture_output=True, text=True, timeout=300)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    site_errors = [line for line in lines if str(planted) not in line]
    assert site_errors == [], "\n".join(site_errors)
    assert any(str(planted) in line and "error" in line for line in lines), \
        "the checker did not report the planted error: is the filter too broad?"
    assert len(list(demo_site.rglob("*.html"))) > 10, "the checker saw too few pages"
    assert len(list((demo_site / "fr").rglob("*.html"))) > 10, "no /fr/ page was checked"
    assert list((trouble / "history").glob("*/index.html")), "no month page was checked"


def test_a_right_to_left_build_is_valid_html(tmp_path: Path) -> None:
    """The demo with `theme.language: ar` as its main language: Material's `dir="rtl"`,
    the mirrored charts and the report pages in Arabic, through the same checker."""
    java = shutil.which("java")
    require("java", java is not None)
    require(str(VNU), VNU.exists())
    root = copy_demo(tmp_path / "ar", monolingual=True)
    config = root / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^theme:\n", "theme:\n  language: ar\n",
                             config.read_text(), count=1))
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    site = root / "site"
    assert 'dir="rtl"' in (site / "index.html").read_text()
    assert 'transform="matrix(-1 0 0 1' in (site / "components" / "api" / "index.html"
                                            ).read_text()
    result = subprocess.run([str(java), "-jar", str(VNU), "--errors-only", "--skip-non-html",
                             "--filterfile", str(FILTER), str(site)],
                            capture_output=True, text=True, timeout=300)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert lines == [], "\n".join(lines)
    assert len(list(site.rglob("*.html"))) > 10
