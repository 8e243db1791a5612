"""Every scenario's generated files equal the reviewed golden copies, byte for byte."""

from __future__ import annotations

import pytest

from tests.goldens import SCENARIOS, outputs

NAMES = sorted(p.name for p in SCENARIOS.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", NAMES)
def test_scenario_matches_golden_output(name: str) -> None:
    scenario = SCENARIOS / name
    expected_dir = scenario / "expected"
    expected = {p.relative_to(expected_dir).as_posix(): p.read_bytes()
                for p in sorted(expected_dir.rglob("*")) if p.is_file()}
    actual = outputs(scenario)
    assert sorted(actual) == sorted(expected), "files differ: run `make goldens` and review"
    for path, content in actual.items():
        assert content == expected[path], f"{name}/expected/{path} differs: `make goldens`"


def test_goldens_cover_pages_and_feeds() -> None:
    files = {p.relative_to(SCENARIOS / "basic" / "expected").as_posix()
             for p in (SCENARIOS / "basic" / "expected").rglob("*") if p.is_file()}
    assert {"index.md", "history.md", "history.atom", "history.rss",
            "incidents/2026-09-05-customers-cannot-browse.md"} <= files


def test_one_stylesheet_carries_every_css_part() -> None:
    """A cold page view costs one request for all of mkstatus' CSS."""
    from importlib import resources

    from mkstatus.render import urls
    from mkstatus.render.generate import CSS_PARTS, _asset

    folder = resources.files("mkstatus.render").joinpath("assets")
    [(path, css)] = _asset(None)  # type: ignore[arg-type]
    assert path == urls.CSS
    parts = [folder.joinpath(name).read_bytes() for name in CSS_PARTS]
    assert CSS_PARTS == ("mkstatus.css", "uptime.css") and all(p in css for p in parts)
    assert b".mks-banner" in css and b".mks-bars" in css
