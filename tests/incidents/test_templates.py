"""Incident templates: `new --template`, `update --template`, and `check` over templates/,
with exact messages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkstatus.cli.main import main
from mkstatus.incidents.templates import BUILT_IN, read_template
from mkstatus.scaffold import Settings, init

NOW = "2026-11-22T20:05:00Z"  # 2026-11-23 09:05 NZDT
KNOWN = ("known: {component}, {since}, {next_update}, {title}, {from}, {to}, {site}, "
         "{contact}")


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    init(tmp_path, Settings("Test Status", "https://status.example.com/", "Pacific/Auckland"))
    (tmp_path / "incidents" / "2026-01-05-example-incident.md").unlink()
    return tmp_path


def run(site: Path, *args: str, now: str = NOW) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "-f", str(site / "mkdocs.yml")],
                                env={"MKSTATUS_NOW": now})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def created(site: Path, out: str) -> str:
    return (site / out.strip()).read_text()


def test_new_from_the_outage_template(site: Path) -> None:
    code, out, err = run(site, "new", "--template", "outage", "-c", "api=major_outage")
    assert (code, err) == (0, "") and out.endswith("/incidents/2026-11-23-api-unavailable.md\n")
    assert created(site, out) == """\
---
title: API unavailable
impact: major
components:
  api: major_outage
---

## 2026-11-23 09:05 +13:00 — Investigating
Next update: 30 min
Since 09:05 NZDT, customers cannot use API. We are aware of the problem and are working \
to restore service now. There is no need to report it to us or to retry: nothing on your \
side causes this.

We will post the next update by 09:35 NZDT, sooner if anything changes.
"""


def test_the_command_line_wins_over_the_template(site: Path) -> None:
    code, out, err = run(site, "new", "Slow pages", "--template", "degraded-performance",
                         "-c", "website", "-c", "api=partial_outage", "--since",
                         "2026-11-23 08:50", "--next-update", "1 h", "--impact", "major")
    assert code == 0, err
    text = created(site, out)
    assert text.startswith("---\ntitle: Slow pages\nimpact: major\nstarted: 2026-11-23 08:50 "
                           "+13:00\ncomponents:\n  website: degraded_performance\n"
                           "  api: partial_outage\n---\n")
    assert ("Next update: 1 h\nSince 08:50 NZDT, requests to Website and API are slower "
            "than usual") in text
    assert "We will post the next update by 10:05 NZDT, sooner" in text
    code, out, err = run(site, "new", "--template", "outage", "-c", "dashboard=major_outage",
                         "-m", "Written by hand.")
    assert (code, out) == (1, "") and err.startswith("unknown component 'dashboard'")
    code, out, err = run(site, "new", "--template", "outage", "-c", "website", "-m",
                         "Written by hand.", "-s", "identified")
    assert code == 0, err
    assert created(site, out).endswith("— Identified\nNext update: 30 min\nWritten by hand.\n")


def test_follow_ups_from_templates(site: Path) -> None:
    path = site / run(site, "new", "--template", "outage", "-c", "api")[1].strip()
    code, out, err = run(site, "update", "api-unavailable", "--template", "monitoring",
                         now="2026-11-22T20:40:00Z")
    assert code == 0, err
    assert path.read_text().split("\n\n## 2026-11-23 09:05")[0].endswith("""\
## 2026-11-23 09:40 +13:00 — Monitoring
Next update: 1 h
A fix is in place, and we are watching API closely to make sure everything stays stable.

We will post the next update by 10:40 NZDT.""")
    code, out, err = run(site, "update", "api-unavailable", "--template", "resolved", "-c",
                         "api=operational", now="2026-11-22T21:40:00Z")
    assert code == 0, err
    assert "## 2026-11-23 10:40 +13:00 — Resolved\nComponents: api=operational\nThe " \
        "problem with API is resolved, and we have seen no further errors. We are sorry " \
        "for the disruption since 09:05 NZDT." in path.read_text()
    assert run(site, "check", now="2026-11-22T21:40:00Z")[0] == 0


def test_maintenance_template(site: Path) -> None:
    code, out, err = run(site, "new", "--template", "maintenance", "-c", "api")
    assert (code, err) == (1, "the maintenance template is for scheduled maintenance: give "
                              "its window with --from TIME --to TIME\n")
    code, out, err = run(site, "new", "--template", "maintenance", "-c", "api", "-c",
                         "website", "--from", "2026-11-30 01:00", "--to", "2026-11-30 03:00")
    assert code == 0, err
    text = created(site, out)
    assert out.endswith("/incidents/2026-11-30-planned-maintenance-api-and-website.md\n")
    assert text.startswith('---\ntitle: "Planned maintenance: API and Website"\n'
                           "components: [api, website]\nscheduled_for: 2026-11-30 01:00 "
                           "+13:00\nscheduled_until: 2026-11-30 03:00 +13:00\n---\n\n"
                           "## 2026-11-23 09:05 +13:00 — Scheduled\nNext update: 2026-11-30 "
                           "01:00 +13:00\nWe will carry out planned maintenance on API and "
                           "Website from 2026-11-30 01:00 NZDT to 2026-11-30 03:00 NZDT.")
    code, out, err = run(site, "new", "--template", "outage", "-c", "api", "--maintenance")
    assert (code, err) == (1, "the outage template makes an incident: leave out "
                              "--maintenance\n")


def test_refusals_with_exact_messages(site: Path) -> None:
    assert run(site, "new", "--template", "outge", "-c", "api")[1:] == (
        "", "--template outge: fix the template first:\ntemplates:1:1: no template 'outge' "
        "(did you mean 'outage'?); known: degraded-performance, maintenance, monitoring, "
        "outage, resolved\n")
    assert run(site, "new", "--template", "outage")[1:] == (
        "", "the outage template names {component}: say which with --component ID (or "
        "ID=STATUS)\n")
    assert run(site, "new", "-c", "api=major_outage", "-m", "x")[1:] == (
        "", "give a TITLE, or --template NAME (see templates/)\n")
    assert not list((site / "incidents").iterdir())


def test_a_site_without_templates_uses_the_built_in_ones(site: Path) -> None:
    shutil.rmtree(site / "templates")
    code, out, err = run(site, "new", "--template", "outage", "-c", "website")
    assert code == 0, err
    assert "Since 09:05 NZDT, customers cannot use Website." in created(site, out)
    assert run(site, "check")[:2] == (0, "")


BROKEN = """\
---
title: "{compnent} is down"
impact: huge
components: major_outage
status: investigatin
next_update: soon
colour: red
---
Since {since}, {component} is down. Back by {nxt_update}; see {{literal}}.
We will post again at {from}.
"""


def test_check_reports_every_template_problem(site: Path) -> None:
    (site / "templates" / "broken.md").write_text(BROKEN)
    (site / "templates" / "no-next.md").write_text(
        "---\ntitle: X\n---\nNext update by {next_update}.\n")
    (site / "templates" / "heading.md").write_text(
        "---\ntitle: X\n---\nHello.\n\n## Not an update\n")
    (site / "templates" / "empty.md").write_text("---\ntitle: X\n---\n")
    (site / "templates" / "Bad Name.md").write_text("---\ntitle: X\n---\nHi.\n")
    (site / "templates" / "notes.txt").write_text("hello")
    code, out, err = run(site, "check")
    assert (code, err) == (1, "12 problem(s) found\n")
    assert out.splitlines() == [
        "templates/Bad Name.md:1:1: template name 'Bad Name': use lower-case letters, "
        "digits and hyphens",
        "templates/broken.md:2:9: unknown placeholder {compnent} (did you mean "
        f"'component'?); {KNOWN}",
        "templates/broken.md:3:9: impact: expected one of none, minor, major, critical, "
        "found 'huge'",
        "templates/broken.md:5:9: status: expected one of investigating, identified, "
        "monitoring, resolved, found 'investigatin' (did you mean 'investigating'?)",
        "templates/broken.md:6:14: next_update: expected a duration such as 30 min, 1 h or "
        "1 h 30 min, found 'soon' (or {from}, {to} for maintenance)",
        "templates/broken.md:7:1: unknown key 'colour'; expected one of: title, impact, kind, "
        "components, status, next_update",
        "templates/broken.md:9:45: unknown placeholder {nxt_update} (did you mean "
        f"'next_update'?); {KNOWN}",
        "templates/broken.md:10:23: {from} has no value here: only a maintenance template "
        "(kind: maintenance) has a window",
        "templates/empty.md:4:1: the template has no message: write it below the front "
        "matter",
        "templates/heading.md:6:1: a level-2 heading would start a new update: use ### for "
        "headings in a message",
        "templates/no-next.md:4:16: {next_update} has no value here: the template promises "
        "no next update (add next_update:, such as 30 min)",
        "templates/notes.txt:1:1: not a template: templates/ holds <name>.md files only",
    ]


def test_check_github_format_and_a_component_naming_a_missing_template(site: Path) -> None:
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "          name: API\n", "          name: API\n          template: outages\n"))
    line = config.read_text().splitlines().index("          template: outages") + 1
    code, out, _ = run(site, "check", "--format", "github")
    assert (code, out) == (1, f"::error file=mkdocs.yml,line={line},col=21::components[1].template:"
                              " no template 'outages' in templates/ (did you mean 'outage'?);"
                              " known: degraded-performance, maintenance, monitoring, outage,"
                              " resolved\n")


def test_a_template_that_makes_an_invalid_incident(site: Path) -> None:
    (site / "templates" / "fence.md").write_text("---\ntitle: X\n---\n```\nunclosed\n")
    code, out, _ = run(site, "check")
    assert (code, out) == (1, "templates/fence.md:4:1: the message opens a code fence '```' "
                              "it never closes\n")


SHIPPED = Path(__file__).resolve().parents[2] / "generator" / "mkstatus" / "scaffold" / \
    "files" / "templates"
# Words that point at someone, or that shout or shrug: none belongs in a shipped template.
BLAME = re.compile(r"\b(fault|blame\w*|mistake|human error|user error|negligen\w*|careless\w*|"
                   r"vendor|provider|third[- ]part\w*|supplier|your (?:request|configuration|"
                   r"setup|network)s?|unfortunately|any inconvenience|urgent\w*|asap|"
                   r"immediately)\b", re.IGNORECASE)


def test_shipped_templates_are_calm_specific_blame_free_and_promise_the_next_update(
        site: Path) -> None:
    """What the issue asks of the words `init` writes: what is affected, what we are
    doing, when we will say more; nobody blamed, nothing shouted. The demo's templates/
    are these same files."""
    from .test_editing import config

    demo = Path(__file__).resolve().parents[2] / "templates"
    assert {p.name: p.read_bytes() for p in demo.glob("*.md")} == {
        p.name: p.read_bytes() for p in SHIPPED.glob("*.md")}
    read = {p.stem: read_template(p.name, p.stem, p.read_bytes(), config(site))
            for p in sorted(SHIPPED.glob("*.md"))}
    assert sorted(read) == sorted(BUILT_IN)
    for name, template in read.items():
        words = " ".join(filter(None, (template.title, template.message)))
        assert BLAME.findall(words) == [], name
        assert "!" not in words and not re.search(r"\b[A-Z]{3,}\b", words), name
        assert "{component}" in template.message, name  # what is affected, by name
        assert re.search(r"\b[Ww]e (are|will)\b", template.message), name  # what we do
        if name == "resolved":
            assert template.next_update is None, name  # a resolution promises nothing
            continue
        # a promise in the front matter, and the words that say it to the reader
        assert template.next_update, name
        assert "{next_update}" in template.message.split("\n\n")[-1], name
    for name in ("outage", "degraded-performance"):  # an incident says since when
        assert "{since}" in read[name].message, name


def test_the_demo_incident_opens_with_what_the_template_writes(tmp_path: Path) -> None:
    """The demo's ongoing incident was made from a template, and promises its next update:
    its first update is what `mkstatus new --template degraded-performance` writes at its
    time (the title was then written by hand), and its latest promises one."""
    from tests.conftest import copy_demo

    root = Path(__file__).resolve().parents[2]
    demo = copy_demo(tmp_path / "demo")
    shutil.copytree(root / "templates", demo / "templates")
    ongoing = demo / "incidents" / "2026-11-22-email-delivery-delays.md"
    written = ongoing.read_text()
    ongoing.unlink()
    code, out, err = run(demo, "new", "--template", "degraded-performance", "-c",
                         "email=partial_outage", now="2026-11-22T19:40:00Z")
    assert code == 0, err
    made = (demo / out.strip()).read_text()
    first = made.split("\n\n", 1)[1]  # the update, below the front matter
    assert first.startswith("## 2026-11-23 08:40 +13:00 — Investigating\nNext update: 30 min\n")
    assert written.endswith(first)
    latest = written.split("\n\n## ")[1]
    assert latest.startswith("2026-11-23 09:25 +13:00 — Identified\n")
    assert "\nNext update: 2026-11-23 10:30 +13:00\n" in latest
