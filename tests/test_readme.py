"""The README is tested as a new user reads it: its example works in an `init`'d site."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO, mkstatus

README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    """From the heading to the next level-2 heading outside a code block."""
    start = README.index(f"\n## {title}\n")
    unfenced = re.sub(r"```.*?```", lambda m: "x" * len(m[0]), README[start + 1:], flags=re.S)
    end = unfenced.find("\n## ")
    return README[start:start + 1 + end if end != -1 else None]


def test_the_example_incident_passes_check_in_an_init_site(tmp_path: Path) -> None:
    """Issue 13: the example used components (`broadband`, `dns`) that `init` does not
    create, so a user copying it got three errors."""
    example = re.search(r"```markdown\n(.*?)```", _section("Writing an incident"), re.S)
    assert example is not None
    mkstatus("init", "site", "--timezone", "Pacific/Auckland", cwd=tmp_path, check=True)
    site = tmp_path / "site"
    (site / "incidents" / "2026-09-05-cannot-reach-the-website.md").write_text(example[1])
    result = mkstatus("check", "--now", "2026-12-01T00:00Z", cwd=site)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout
    assert result.stderr == "OK: 2 incident file(s), 3 component(s)\n"


def test_performance_keeps_figures_and_how_to_reproduce_them() -> None:
    """Issue 13: the section read like internal notes (commit hashes, the machine's slow
    spells); those live in bench/README.md."""
    section = _section("Performance")
    assert not re.search(r"\b[0-9a-f]{7,40}\b", section)  # no commit hashes
    assert "slow spell" not in section and "bench/all.py --with-compacted" in section
    assert "[bench/README.md](bench/README.md)" in section
    bench = (REPO / "bench" / "README.md").read_text(encoding="utf-8")
    assert "### Notes behind the README's figures" in bench and "slow spell" in bench


def test_readme_says_what_material_s_end_of_life_means_for_a_site() -> None:
    text = " ".join(README.split())
    assert "Material for MkDocs 9.x announces its end of life for 5 May 2027" in text
    assert "`mkdocs>=1.6,<2`" in text and "`NO_MKDOCS_2_WARNING=1`" in text
    pins = (REPO / "pyproject.toml").read_text()
    assert '"mkdocs>=1.6,<2"' in pins and '"mkdocs-material>=9.5,<10"' in pins
