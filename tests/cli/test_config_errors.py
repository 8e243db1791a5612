"""mkdocs.yml mistakes, each with the exact message `mkstatus check` prints (STYLE 12).

Every case runs the real command line on a real site folder: the line and column point
into the file the user wrote, and every problem is reported in one run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import mkstatus

HEAD = "site_name: Example\nsite_url: https://status.example.com/\ntheme: {name: material}\n"

CASES = {
    "timezone": (
        "      timezone: Mars/Olympus\n",
        ["mkdocs.yml:6:17: timezone: unknown timezone 'Mars/Olympus' (use an IANA name "
         "such as Europe/Paris)"]),
    "contact": (
        "      contact: [call, us]\n",
        ["mkdocs.yml:6:16: contact: expected text, found ['call', 'us']"]),
    "numbers": (
        "      feed_limit: 0\n      history_days: many\n",
        ["mkdocs.yml:6:19: feed_limit: expected a whole number above 0, found 0",
         "mkdocs.yml:7:21: history_days: expected a whole number above 0, found 'many'"]),
    "unknown key": (
        "      history_dayz: 30\n",
        ["mkdocs.yml:6:21: mkstatus: unknown key 'history_dayz' (did you mean "
         "'history_days'?)"]),
    "components not a list": (
        "      components: {api: x}\n",
        ["mkdocs.yml:6:19: components: expected a list of components"]),
    "component ids": (
        "      components:\n        - id: API\n        - id: web\n        - id: web\n"
        "        - id: status\n        - just text\n",
        ["mkdocs.yml:7:15: components[0].id: expected lower-case letters, digits and hyphens "
         "(like `api`), found 'API'",
         "mkdocs.yml:9:15: components[2].id: 'web' is used twice",
         "mkdocs.yml:10:15: components[3].id: 'status' is reserved for the overall badge "
         "/badges/status.svg; choose another id",
         "mkdocs.yml:11:11: components[4]: expected a mapping with id and name"]),
    "component keys": (
        "      components:\n        - id: web\n          name: 12\n          colour: red\n",
        ["mkdocs.yml:8:17: components[0].name: expected text, found 12",
         "mkdocs.yml:9:19: components[0]: unknown key 'colour'"]),
    "probe": (
        "      components:\n        - id: db\n"
        "          probe: {url: 'ftp://x', timeout_s: -1, expect_status: [999]}\n",
        ["mkdocs.yml:8:18: components[0].probe.expect_status: expected HTTP codes (100-599) "
         "or a list, found [999]",
         "mkdocs.yml:8:18: components[0].probe.timeout_s: expected a positive number up to "
         "300, found -1",
         "mkdocs.yml:8:18: components[0].probe.url: expected an http:// or https:// URL, "
         "found 'ftp://x'"]),
    "link and affects_overall": (  # a public page of the service, shown on its page
        "      components:\n        - id: web\n          link: 'javascript:alert(1)'\n"
        "        - id: db\n          link: www.example.com\n"
        "          affects_overall: maybe\n",
        ["mkdocs.yml:8:17: components[0].link: expected an http:// or https:// URL, found "
         "'javascript:alert(1)'",
         "mkdocs.yml:10:17: components[1].link: expected an http:// or https:// URL, found "
         "'www.example.com'",
         "mkdocs.yml:11:28: components[1].affects_overall: expected true or false, found "
         "'maybe'"]),
}


def _site(root: Path, plugin_body: str, head: str = HEAD) -> Path:
    (root / "incidents").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(head + "plugins:\n  - mkstatus:\n" + plugin_body)
    return root


@pytest.mark.parametrize("case", sorted(CASES))
def test_config_mistake_is_reported_exactly(tmp_path: Path, case: str) -> None:
    body, expected = CASES[case]
    result = mkstatus("check", cwd=_site(tmp_path, body))
    assert result.returncode == 1
    assert result.stdout.splitlines() == expected
    assert result.stderr.strip() == f"{len(expected)} problem(s) found"


def test_every_config_mistake_in_one_run(tmp_path: Path) -> None:
    """Problems in different keys are all reported together, in file order."""
    body = "".join(CASES[c][0] for c in ("timezone", "contact", "unknown key"))
    result = mkstatus("check", cwd=_site(tmp_path, body))
    assert result.returncode == 1
    assert [line.split(": ", 1)[1] for line in result.stdout.splitlines()] == [
        line.split(": ", 1)[1] for c in ("timezone", "contact", "unknown key")
        for line in CASES[c][1]]


def test_missing_site_url(tmp_path: Path) -> None:
    result = mkstatus("check", cwd=_site(tmp_path, "      contact: Call us\n",
                                            head="site_name: X\ntheme: {name: material}\n"))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "mkdocs.yml:1:1: site_url: required, an absolute URL such as "
        "https://status.example.com/ (feeds and the JSON API need absolute links)"]


def test_plugin_missing(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(HEAD + "plugins:\n  - search\n")
    result = mkstatus("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"{tmp_path / 'mkdocs.yml'}: add `- mkstatus` under `plugins:`")


def test_mkdocs_own_config_error_is_one_line_with_the_file(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(HEAD + "plugins:\n  - mkstatus\n")
    result = mkstatus("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"mkdocs.yml: Config value 'docs_dir': The path '{tmp_path / 'docs'}' isn't an "
        "existing directory.")
