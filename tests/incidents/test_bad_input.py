"""The bad-input corpus: each broken file fails with its exact path:line:col message."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from mkstatus.config import parse_config
from mkstatus.incidents.parse import parse_incident

from tests.conftest import mkstatus

CONFIG, _ = parse_config(
    {"timezone": "Europe/London",
     "components": [{"id": "api"}, {"id": "website"}, {"id": "dns"}]},
    site_name="T", site_url="https://status.example.com/")
HEAD = "---\ntitle: T\nimpact: minor\ncomponents:\n  api: major_outage\n---\n"
UPDATE = "## 2026-01-01 10:00 Z — Investigating\nMsg\n"
STATUSES = "operational, under_maintenance, degraded_performance, partial_outage, major_outage"

CASES: dict[str, tuple[str | bytes, list[str]]] = {
    "unclosed": ("---\ntitle: x\n", [
        "1:1: front matter is not closed: add a line '---' after it"]),
    "no-front-matter": ("# hello\n" + UPDATE, [
        "1:1: expected front matter: the file must start with a line '---'"]),
    "broken-yaml": ("---\ntitle: [unclosed\n---\n" + UPDATE, [
        "2:17: invalid YAML: expected ',' or ']', but got '<stream end>'"]),
    "anchor-alias": ("---\ntitle: &a x\nimpact: *a\n---\n" + UPDATE, [
        "2:8: YAML anchors (&a) are not allowed"]),
    "alias-bomb": ("---\ntitle: x\na: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n---\n" + UPDATE, [
        "3:4: YAML anchors (&a) are not allowed"]),
    "duplicate-key": ("---\ntitle: a\ntitle: b\n---\n" + UPDATE, [
        "3:1: duplicate key 'title' (first on line 2)"]),
    "coercion-title-no": ("---\ntitle: NO\n---\n" + UPDATE, [
        "2:8: title: expected text, found 'NO', which YAML reads as a boolean; put it in quotes"]),
    "coercion-sexagesimal": ("---\ntitle: x\nstarted: 12:30:00\n---\n" + UPDATE, [
        "3:10: started: expected a time like 2026-11-22 14:05 +01:00, found '12:30:00'"]),
    "python-tag": ("---\ntitle: !!python/object:os.system x\n---\n" + UPDATE, [
        "2:8: YAML tags (!!python/object:os.system) are not allowed"]),
    "tab": ("---\ntitle: x\n\timpact: minor\n---\n" + UPDATE, [
        "3:1: tab character in front matter: YAML indentation must use spaces"]),
    "unknown-key": ("---\ntitle: x\ntitel: y\n---\n" + UPDATE, [
        "3:1: unknown key 'titel' (did you mean 'title'?); expected one of: title, impact, "
        "components, started, scheduled_for, scheduled_until, informational, pin, draft, "
        "recurrence"]),
    "unknown-component": ("---\ntitle: x\ncomponents:\n  apii: major_outage\n---\n" + UPDATE, [
        "4:3: unknown component 'apii' (did you mean 'api'?); the components configured in "
        "mkdocs.yml are: api, website, dns"]),
    "bad-impact": ("---\ntitle: x\nimpact: huge\n---\n" + UPDATE, [
        "3:9: impact: expected one of none, minor, major, critical, found 'huge'"]),
    "bad-component-status": ("---\ntitle: x\ncomponents:\n  api: down\n---\n" + UPDATE, [
        f"4:8: unknown component status 'down'; expected one of: {STATUSES}"]),
    "bad-update-status": (HEAD + "## 2026-01-01 10:00 Z — Investigatin\n", [
        "7:25: expected an update status (investigating, identified, monitoring, resolved, "
        "scheduled, in_progress, verifying, completed, cancelled), found 'Investigatin' "
        "(did you mean 'investigating'?)"]),
    "zone-abbreviation": (HEAD + "## 2026-01-01 10:00 NZST — Investigating\n", [
        "7:4: zone abbreviation 'NZST' is ambiguous: write an offset such as +12:00, "
        "or Z for UTC"]),
    "naive-in-dst-gap": (HEAD + "## 2026-03-29 01:30 — Investigating\n", [
        "7:4: 2026-03-29 01:30 does not exist in Europe/London (clocks moved forward): "
        "write an explicit offset"]),
    "naive-in-dst-overlap": (HEAD + "## 2026-10-25 01:30 — Investigating\n", [
        "7:4: 2026-10-25 01:30 happens twice in Europe/London (clocks moved back): "
        "write an explicit offset"]),
    "stray-heading": (HEAD + UPDATE + "## Update\nmore\n", [
        "9:4: unexpected heading 'Update': a level-2 heading must be an update "
        "'## 2026-11-22 14:05 +01:00 — Investigating' or '## Postmortem'"]),
    "update-after-resolution": (
        HEAD + "## 2026-01-01 09:00 Z — Investigating\n\n## 2026-01-01 10:00 Z — Resolved\n\n"
        "## 2026-01-01 11:00 Z — Monitoring\n", [
            "11:4: update after the resolved update on line 9: nothing may follow it "
            "(open a new incident, or move the resolution to the end)"]),
    "mixed-order": (
        HEAD + "## 2026-01-01 10:00 Z — Identified\n\n## 2026-01-01 09:00 Z — Investigating\n\n"
        "## 2026-01-01 11:00 Z — Monitoring\n", [
            "11:4: update out of order: this file lists updates newest first, but this one "
            "is later than the update on line 9"]),
    "duplicate-times": (
        HEAD + "## 2026-01-01 10:00 Z — Identified\n\n## 2026-01-01 10:00 Z — Investigating\n", [
            "9:4: two updates at the same time (2026-01-01T10:00:00+00:00, also on line 7)"]),
    "started-after-first-update": ("---\ntitle: x\nstarted: 2026-01-01 11:00 Z\n---\n" + UPDATE, [
        "3:1: started (2026-01-01T11:00:00+00:00) is after the first update "
        "(2026-01-01T10:00:00+00:00, line 5)"]),
    "components-line": (HEAD + "## 2026-01-01 10:00 Z — Investigating\n"
                        "Components: api=down, webside=major_outage\n", [
        f"8:13: unknown component status 'down' for api; expected one of: {STATUSES}",
        "8:23: unknown component 'webside' (did you mean 'website'?); the components "
        "configured in mkdocs.yml are: api, website, dns"]),
    "no-updates": (HEAD + "Just a summary\n", [
        "4:1: an incident needs at least one update heading such as "
        "'## 2026-11-22 14:05 +01:00 — Investigating'"]),
    "yes-is-not-a-boolean": ("---\ntitle: x\npin: yes\n---\n" + UPDATE, [
        "3:6: pin: expected true or false, found 'yes'"]),
    "maintenance-half-window": ("---\ntitle: x\nscheduled_for: 2026-01-01 10:00 Z\n---\n", [
        "3:1: scheduled maintenance needs both scheduled_for and scheduled_until; "
        "`scheduled_until` is missing"]),
    "maintenance-inverted": ("---\ntitle: x\nscheduled_for: 2026-01-01 10:00 Z\n"
                             "scheduled_until: 2026-01-01 09:00 Z\n---\n", [
        "4:1: scheduled_until (2026-01-01T09:00:00+00:00) must be after scheduled_for "
        "(2026-01-01T10:00:00+00:00)"]),
    "maintenance-incident-status": ("---\ntitle: x\nscheduled_for: 2026-01-01 10:00 Z\n"
                                    "scheduled_until: 2026-01-01 12:00 Z\n---\n" + UPDATE, [
        "6:4: 'Investigating' is not a status of scheduled maintenance; expected one of: "
        "scheduled, in_progress, verifying, completed, cancelled"]),
    "notice-with-impact": ("---\ntitle: x\ninformational: true\nimpact: major\n---\n" + UPDATE, [
        "4:9: impact: expected none (a notice affects no status), found 'major'"]),
    "empty-title": ("---\ntitle: ''\n---\n" + UPDATE, ["2:8: title: must not be empty"]),
    "not-utf8": (b"---\ntitle: caf\xe9\n---\n", [
        "2:11: not valid UTF-8 (byte 0xe9); save the file as UTF-8"]),
    "nul-byte": ("---\ntitle: a\x00b\n---\n" + UPDATE, ["2:1: the file contains a NUL character"]),
    # Issue 13 item 5: titles are plain text.
    "control-in-title": ('---\ntitle: "Pay\\x85ment"\n---\n' + UPDATE, [
        "2:8: title: contains U+0085, a next-line character (NEL); a title is plain text: "
        "remove it"]),
    "override-in-title": ("---\ntitle: Payment \u202egnissecorp\n---\n" + UPDATE, [
        "2:16: title: contains U+202E RIGHT-TO-LEFT OVERRIDE, a direction control that "
        "reorders the text around it; a title is plain text: remove it"]),
    "isolate-in-title": ('---\ntitle: "a \\u2066b"\n---\n' + UPDATE, [
        "2:8: title: contains U+2066 LEFT-TO-RIGHT ISOLATE, a direction control that "
        "reorders the text around it; a title is plain text: remove it"]),
    "raw-control-in-front-matter": ("---\ntitle: Pay\x85ment\nimpact: huge\n---\n" + UPDATE, [
        "2:11: front matter contains U+0085, a next-line character (NEL): remove it",
        "3:9: impact: expected one of none, minor, major, critical, found 'huge'"]),
    "noncharacter-in-front-matter": ("---\ntitle: a\ufffeb\n---\n" + UPDATE, [
        "2:9: front matter contains U+FFFE, a noncharacter: remove it"]),
    # Issue 13 item 7: three mistakes that passed silently.
    "update-as-level-3": (HEAD + UPDATE + "\n### 2026-01-01 11:00 Z — Resolved\nDone.\n", [
        "10:1: this level-3 heading reads as an update, but an update is a level-2 heading: "
        "write '## 2026-01-01 11:00 Z — Resolved' (or reword the heading if it belongs to "
        "the message)"]),
    "blank-line-before-components": (
        HEAD + "## 2026-01-01 10:00 Z — Identified\n\nComponents: api=partial_outage\nMsg\n", [
            "9:1: 'Components:' must be on the line directly under the update heading "
            "(line 7): remove the blank line above it, or it is published as text and "
            "changes nothing"]),
    # Issue 13 item 8: one problem does not hide the others.
    "tab-hides-nothing": (
        "---\ntitle: x\ncomponents:\n\tapii: major_outage\n---\n"
        "## 2026-01-01 10:00 NZST — Investigating\n## Update\n", [
            "4:1: tab character in front matter: YAML indentation must use spaces",
            "4:2: unknown component 'apii' (did you mean 'api'?); the components configured "
            "in mkdocs.yml are: api, website, dns",
            "6:4: zone abbreviation 'NZST' is ambiguous: write an offset such as +12:00, "
            "or Z for UTC",
            "7:4: unexpected heading 'Update': a level-2 heading must be an update "
            "'## 2026-11-22 14:05 +01:00 — Investigating' or '## Postmortem'"]),
    "yaml-error-hides-nothing": (
        "---\ntitle: [x\n---\n## 2026-01-01 10:00 Z — Investigatin\n"
        "## 2026-01-01 10:00 Z — Identified\n", [
            "2:10: invalid YAML: expected ',' or ']', but got '<stream end>'",
            "4:25: expected an update status (investigating, identified, monitoring, "
            "resolved, scheduled, in_progress, verifying, completed, cancelled), found "
            "'Investigatin' (did you mean 'investigating'?)"]),
    "unclosed-hides-nothing": ("---\ntitle: x\n## 2026-01-01 10:00 NZST — Investigating\n", [
        "1:1: front matter is not closed: add a line '---' after it",
        "3:4: zone abbreviation 'NZST' is ambiguous: write an offset such as +12:00, "
        "or Z for UTC"]),
    # Issue 14 item 4: tracebacks.
    "non-scalar-key": ("---\ntitle: x\n[a, b]: x\n{c: d}: y\n---\n" + UPDATE, [
        "3:1: keys must be plain names such as `title`, found a list",
        "4:1: keys must be plain names such as `title`, found a mapping"]),
    "nested-1000-deep": ("---\ntitle: x\nc: " + "[" * 1000 + "]" * 1000 + "\n---\n" + UPDATE, [
        "3:53: YAML nested more than 50 levels deep"]),
    "unbalanced-1000-deep": ("---\ntitle: x\nc: " + "[" * 1000 + "\n---\n" + UPDATE, [
        "3:53: YAML nested more than 50 levels deep"]),
    "indented-1000-deep": ("---\ntitle: x\n" + "".join(" " * i + f"k{i}:\n"
                                                       for i in range(1000)) + "---\n" + UPDATE, [
        "53:51: YAML nested more than 50 levels deep"]),
    # Issue 14 item 3: the edges of the range of times.
    "year-9999": (HEAD + "## 9999-12-31 23:00 Z — Investigating\n", [
        "7:4: '9999-12-31 23:00 Z' is out of range: times must lie between 1970-01-01 and "
        "8999-12-31 (UTC)"]),
    "year-1-behind-utc": (HEAD + "## 0001-01-01 00:30 -05:00 — Investigating\n", [
        "7:4: '0001-01-01 00:30 -05:00' is out of range: times must lie between 1970-01-01 "
        "and 8999-12-31 (UTC)"]),
    "started-9999": ("---\ntitle: x\nstarted: 9999-12-31 23:00 +00:00\n---\n" + UPDATE, [
        "3:10: started: '9999-12-31 23:00 +00:00' is out of range: times must lie between "
        "1970-01-01 and 8999-12-31 (UTC)"]),
    "ten-megabytes": ("---\ntitle: x\n---\n" + UPDATE + "x" * 10_000_000, [
        "1:1: file is 10,000,061 bytes; an incident file may have at most 2,000,000 "
        "(move large attachments elsewhere and link them)"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_incident_reports_exact_location(name: str) -> None:
    text, expected = CASES[name]
    data = text if isinstance(text, bytes) else text.encode()
    path = f"incidents/2026-01-01-{name}.md"
    incident, problems = parse_incident(path, f"2026-01-01-{name}", data, CONFIG)
    assert incident is None
    assert [str(p) for p in sorted(problems)] == [f"{path}:{e}" for e in expected]


@pytest.mark.parametrize("stem", ["Bad Name", "2026-01-01-UPPER", "2026-1-1-short",
                                  "2026-01-01--leading-hyphen", "x" * 300])
def test_path_like_ids_are_refused(stem: str) -> None:
    _, problems = parse_incident(f"incidents/{stem}.md", stem, (HEAD + UPDATE).encode(), CONFIG)
    assert [str(p) for p in problems] == [
        f"incidents/{stem}.md:1:1: incident id {stem!r} must look like 2026-11-22-short-name "
        "(a date, then lower-case letters, digits and hyphens)"]


def test_naive_time_without_site_timezone() -> None:
    config, _ = parse_config({"components": [{"id": "api"}]}, site_name="T",
                             site_url="https://s.example/")
    assert config is not None
    _, problems = parse_incident("incidents/2026-01-01-a.md", "2026-01-01-a",
                                 b"---\ntitle: x\n---\n## 2026-01-01 10:00 - Investigating\n",
                                 config)
    assert [str(p) for p in problems] == [
        "incidents/2026-01-01-a.md:4:4: '2026-01-01 10:00' has no timezone and the site has "
        "no `timezone` setting: add an offset such as +00:00"]


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(path.relative_to(root).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


SITE_YML = """site_name: Test
site_url: https://status.example.com/
theme: {name: material, font: false}
plugins:
  - mkstatus:
      timezone: Europe/London
      components:
        - {id: api, name: API}
        - {id: website, name: Website}
        - {id: dns, name: DNS}
"""


def test_every_problem_in_one_run_and_the_published_site_survives(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(SITE_YML)
    (tmp_path / "docs").mkdir()
    incidents = tmp_path / "incidents"
    incidents.mkdir()
    (incidents / "2026-01-01-good.md").write_text(HEAD + UPDATE)
    mkstatus("build", "--now", "2026-01-02T00:00Z", cwd=tmp_path, check=True)
    before = _tree_digest(tmp_path / "site")
    broken = ["duplicate-key", "coercion-title-no", "unknown-component", "stray-heading",
              "not-utf8"]
    for name in broken:
        text = CASES[name][0]
        data = text if isinstance(text, bytes) else text.encode()
        (incidents / f"2026-01-01-{name}.md").write_bytes(data)
    checked = mkstatus("check", "--now", "2026-01-02T00:00Z", cwd=tmp_path)
    assert checked.returncode == 1
    expected = sorted(f"incidents/2026-01-01-{n}.md:{CASES[n][1][0]}" for n in broken)
    assert checked.stdout.splitlines() == expected
    built = mkstatus("build", "--now", "2026-01-02T00:00Z", cwd=tmp_path)
    assert built.returncode == 1
    assert built.stderr.splitlines() == expected
    assert "Traceback" not in built.stderr
    assert _tree_digest(tmp_path / "site") == before
    assert not list(tmp_path.glob(".mkstatus-*-site-*"))
    plain = mkstatus_mkdocs(tmp_path)
    assert plain.returncode == 1 and expected[0] in plain.stderr


def mkstatus_mkdocs(root: Path):  # type: ignore[no-untyped-def]
    """A plain `mkdocs build` refuses the same input (into another folder)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d",
                           str(root / "plain-site")], cwd=root, capture_output=True,
                          text=True, env=env, timeout=300)


def test_github_annotations(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(SITE_YML)
    (tmp_path / "docs").mkdir()
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / "2026-01-01-a.md").write_text(CASES["unknown-component"][0])
    result = mkstatus("check", "--format", "github", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=incidents/2026-01-01-a.md,line=4,col=3::unknown component 'apii' "
        "(did you mean 'api'?); the components configured in mkdocs.yml are: api, website, "
        "dns"]


def test_control_and_direction_characters_in_component_names() -> None:
    """Issue 13 item 5: names are plain text; a description may run over lines."""
    text = ("site_name: T\nplugins:\n  - mkstatus:\n      components:\n        - id: api\n"
            '          name: "API \\u202eipa"\n          group: "Net\\x07"\n'
            "          description: |\n            line one\n            line two\n")
    plugin = {"components": [{"id": "api", "name": "API \u202eipa", "group": "Net\x07",
                              "description": "line one\nline two\n"}]}
    config, problems = parse_config(plugin, site_name="T", site_url="https://s.example/",
                                    text=text)
    assert config is None
    assert [str(p) for p in problems] == [
        "mkdocs.yml:6:17: components[0].name: contains U+202E RIGHT-TO-LEFT OVERRIDE, a "
        "direction control that reorders the text around it; names are plain text: remove it",
        "mkdocs.yml:7:18: components[0].group: contains U+0007, a control character; names "
        "are plain text: remove it"]
