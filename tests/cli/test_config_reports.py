"""mkdocs.yml keys of the uptime reports (`slo:`), with the exact messages `mkstatus check`
prints: a mistake points at the key in the file the user wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkstatus.config import parse_slo
from mkstatus.model import Slo

from tests.conftest import mkstatus

HEAD = ("site_name: Example\nsite_url: https://status.example.com/\ntheme: {name: material}\n"
        "plugins:\n  - mkstatus:\n      components:\n")


def check(root: Path, components: str) -> list[str]:
    (root / "incidents").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(HEAD + components)
    result = mkstatus("check", cwd=root)
    assert result.returncode == (1 if result.stdout else 0), result.stderr
    return result.stdout.splitlines()


def test_slo_mistakes_are_reported_exactly(tmp_path: Path) -> None:
    lines = check(tmp_path, "        - {id: a, slo: 100}\n"
                            "        - {id: b, slo: high}\n"
                            "        - id: c\n          slo: {target: 99, period: week}\n"
                            "        - {id: d, slo: 99.95}\n")
    assert lines == [
        "mkdocs.yml:7:24: components[0].slo: the target must be above 0 and below 100 (a "
        "percentage of uptime), found 100",
        "mkdocs.yml:8:24: components[1].slo: expected a percentage such as 99.9, or "
        "{target: 99.9, period: month} with a period of month, quarter, year, found 'high'",
        "mkdocs.yml:10:16: components[2].slo: expected a percentage such as 99.9, or "
        "{target: 99.9, period: month} with a period of month, quarter, year, found "
        "{'target': 99, 'period': 'week'}",
    ]


@pytest.mark.parametrize(("raw", "expected"), [
    (99.9, Slo(99.9, "month")), (99, Slo(99.0, "month")),
    ({"target": 99.5, "period": "quarter"}, Slo(99.5, "quarter")),
    ({"target": 90}, Slo(90.0, "month")),
    (True, None), (0, None), ({"period": "year"}, None), ({"target": 99, "x": 1}, None),
])
def test_parse_slo(raw: object, expected: Slo | None) -> None:
    slo, message = parse_slo(raw, "slo")
    assert slo == expected
    assert bool(message) is (expected is None)
