"""`mkstatus new`, `update`, `resolve`: every earlier byte kept, nothing lost, loud refusals."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkstatus.cli.main import main
from mkstatus.config import parse_config
from mkstatus.incidents import editing
from mkstatus.incidents.parse import parse_incident
from mkstatus.model import Kind
from mkstatus.scaffold import Settings, init

NOW = "2026-11-23T20:25:00Z"  # 2026-11-24 09:25 +13:00 in Pacific/Auckland
NEWEST_FIRST = """\
---
title: Delays sending email
impact: minor
components:
  website: partial_outage
---

A summary   written by hand.

## 2026-11-24 08:40 +13:00 — Identified
Components: website=degraded_performance
One mail server is full.

```text
## not a heading: inside a fence
```

## 2026-11-24 08:00 +13:00 — Investigating
Some email is delayed.

## Postmortem
### What happened
A disk filled up.
"""
OLDEST_FIRST = """\
---
title: API errors
components: {api: major_outage}
---

## 2026-11-24 08:00 +13:00 — Investigating
Errors.

## 2026-11-24 08:30 +13:00 — Identified
Found it.

## Post-mortem
Later.
"""


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    init(tmp_path, Settings("Test Status", "https://status.example.com/", "Pacific/Auckland"))
    (tmp_path / "incidents" / "2026-01-05-example-incident.md").unlink()
    return tmp_path


def run(site: Path, *args: str, stdin: str | None = None, now: str = NOW) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "-f", str(site / "mkdocs.yml")], input=stdin,
                                env={"MKSTATUS_NOW": now})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def write(site: Path, name: str, text: str) -> Path:
    path = site / "incidents" / f"{name}.md"
    path.write_bytes(text.encode("utf-8"))
    return path


def config(site: Path):  # noqa: ANN201  (a SiteConfig)
    from mkstatus.mkdocs.build import mkdocs_config, project_of
    from mkstatus.project import load_config

    return load_config(project_of(mkdocs_config(site / "mkdocs.yml")))


def parsed(site: Path, path: Path):  # noqa: ANN201  (an Incident)
    incident, problems = parse_incident(path.name, path.stem, path.read_bytes(), config(site))
    assert problems == []
    return incident


def test_update_newest_first_inserts_above_and_keeps_every_byte(site: Path) -> None:
    path = write(site, "2026-11-24-email", NEWEST_FIRST)
    code, out = run(site, "update", "2026-11-24-email", "-s", "monitoring",
                    "-c", "website=operational", "-m", "Mail is flowing again.")
    assert code == 0, out
    head, tail = NEWEST_FIRST.split("## 2026-11-24 08:40", 1)
    assert path.read_text() == (head + "## 2026-11-24 09:25 +13:00 — Monitoring\n"
                                "Components: website=operational\nMail is flowing again.\n\n"
                                "## 2026-11-24 08:40" + tail)
    assert [u.status for u in parsed(site, path).updates] == [
        "investigating", "identified", "monitoring"]


def test_update_oldest_first_appends_before_postmortem(site: Path) -> None:
    path = write(site, "2026-11-24-api", OLDEST_FIRST)
    assert run(site, "resolve", "api", "-m", "Fixed.")[0] == 0  # found by its slug alone
    head, tail = OLDEST_FIRST.split("## Post-mortem", 1)
    assert path.read_text() == (head + "## 2026-11-24 09:25 +13:00 — Resolved\nFixed.\n\n"
                                "## Post-mortem" + tail)
    incident = parsed(site, path)
    assert incident.newest_first is False and incident.updates[-1].status == "resolved"


def test_update_at_end_of_file_without_final_newline_and_crlf(site: Path) -> None:
    text = OLDEST_FIRST.split("\n## Post-mortem")[0].rstrip("\n").replace("\n", "\r\n")
    path = write(site, "2026-11-24-api", text)
    assert run(site, "update", "2026-11-24-api", "-m", "Line one\nline two")[0] == 0
    assert path.read_bytes() == (text + "\r\n\r\n## 2026-11-24 09:25 +13:00 — Identified\r\n"
                                 "Line one\r\nline two\r\n").encode()


def test_message_from_stdin_and_dash(site: Path) -> None:
    path = write(site, "2026-11-24-api", OLDEST_FIRST)
    assert run(site, "update", "api", stdin="From a pipe.\n")[0] == 0
    assert run(site, "update", "api", "-m", "-", "--at", "2026-11-24 09:30",
               stdin="Dash.\n")[0] == 0
    messages = [u.message for u in parsed(site, path).updates]
    assert messages[-2:] == ["From a pipe.", "Dash."]


def test_new_incident_round_trip(site: Path) -> None:
    code, out = run(site, "new", "Email: delays", "-c", "website=major_outage",
                    "--impact", "major", "-m", "We are investigating.")
    path = site / "incidents" / "2026-11-24-email-delays.md"
    assert (code, Path(out.strip()).resolve()) == (0, path.resolve())
    assert path.read_text() == (
        '---\ntitle: "Email: delays"\nimpact: major\ncomponents:\n  website: major_outage\n'
        "---\n\n## 2026-11-24 09:25 +13:00 — Investigating\nWe are investigating.\n")
    assert parsed(site, path).title == "Email: delays"
    # the same title the same day gets -2, then -3
    for suffix in ("-2", "-3"):
        run(site, "new", "Email: delays", "-m", "Again.")
        assert (site / "incidents" / f"2026-11-24-email-delays{suffix}.md").is_file()


def test_new_then_update_in_the_same_minute(site: Path) -> None:
    run(site, "new", "Outage", "-m", "Down.")
    assert run(site, "update", "outage", "-s", "identified", "-m", "Found.",
               now="2026-11-23T20:25:07Z")[0] == 0
    incident = parsed(site, site / "incidents" / "2026-11-24-outage.md")
    assert [u.time.second for u in incident.updates] == [0, 7]


def test_new_maintenance_and_notice(site: Path) -> None:
    assert run(site, "new", "Database upgrade", "--maintenance", "-c", "api", "--from",
               "2026-12-01 01:00", "--to", "2026-12-01 03:00", "-m", "Read-only.")[0] == 0
    path = site / "incidents" / "2026-12-01-database-upgrade.md"
    assert path.read_text() == (
        "---\ntitle: Database upgrade\ncomponents: [api]\nscheduled_for: 2026-12-01 01:00 "
        "+13:00\nscheduled_until: 2026-12-01 03:00 +13:00\n---\n\n"
        "## 2026-11-24 09:25 +13:00 — Scheduled\nRead-only.\n")
    assert parsed(site, path).kind is Kind.MAINTENANCE
    assert run(site, "resolve", "database-upgrade", "-m", "Done.")[0] == 0
    assert parsed(site, path).updates[-1].status == "completed"
    assert run(site, "new", "No", "--notice", "--pin", "-m", "Hello.")[0] == 0
    notice = parsed(site, site / "incidents" / "2026-11-24-no.md")
    assert (notice.kind, notice.pin, notice.title) == (Kind.NOTICE, True, "No")


CANCELLED = """\
---
title: Upgrade
components: [api]
scheduled_for: 2026-12-01 01:00 +13:00
scheduled_until: 2026-12-01 03:00 +13:00
---

## 2026-11-24 08:00 +13:00 — Cancelled
Not needed.
"""
RESOLVED = OLDEST_FIRST.replace("— Identified", "— Resolved")


@pytest.mark.parametrize(("files", "args", "message"), [
    ({}, ["update", "2026-11-24-apo", "-m", "x"],
     "no incident '2026-11-24-apo' in incidents/ (did you mean '2026-11-24-api'?)"),
    ({}, ["update", "api", "-c", "apu=operational", "-m", "x"],
     "unknown component 'apu' (did you mean 'api'?); the components configured in "
     "mkdocs.yml are: website, api, support"),
    ({}, ["update", "api", "-c", "api=fine", "-m", "x"],
     "unknown component status 'fine' for api; expected one of: operational, "
     "under_maintenance, degraded_performance, partial_outage, major_outage"),
    ({}, ["update", "api", "-c", "api", "-m", "x"],
     "--component api: give its status, as api=major_outage"),
    ({}, ["update", "api", "-s", "monitorin", "-m", "x"],
     "unknown status 'monitorin' for an incident (did you mean 'monitoring'?); expected "
     "one of: investigating, identified, monitoring, resolved"),
    ({}, ["update", "api", "--at", "2026-11-24 08:30", "-m", "x"],
     "--at 2026-11-24T08:30:00+13:00 is not after the latest update "
     "(2026-11-24T08:30:00+13:00, line 9): updates are added at the end of the timeline"),
    ({}, ["update", "api", "--at", "2026-11-24 08:30 NZDT", "-m", "x"],
     "--at: zone abbreviation 'NZDT' is ambiguous: write an offset such as +12:00, or Z "
     "for UTC"),
    ({}, ["update", "api", "-m", "## Resolved\nsneaky"],
     "line 1 of the message is a level-2 heading ('## Resolved'), which would start a new "
     "update: use ### for headings"),
    ({}, ["update", "api", "-m", "```\nunclosed"],
     "the message opens a code fence '```' it never closes"),
    ({}, ["update", "api", "-m", "Components: all good"],
     "the message starts with 'Components:', which would be read as component changes: "
     "use --component id=status instead"),
    ({}, ["update", "api", "-m", "  \n"],
     "empty message: say what is happening (--message TEXT, `-` for stdin, or leave both "
     "out to open $EDITOR)"),
    ({"2026-11-24-api": RESOLVED}, ["resolve", "api", "-m", "x"],
     "2026-11-24-api: this incident is already resolved (line 9); nothing may follow that "
     "— open a new one with `mkstatus new`"),
    ({"2026-11-24-up": CANCELLED}, ["update", "up", "-s", "in progress", "-m", "x"],
     "2026-11-24-up: this maintenance is already cancelled (line 8); nothing may follow "
     "that — open a new one with `mkstatus new`"),
    ({"2026-11-24-up": CANCELLED}, ["update", "api", "-s", "verifying", "-m", "x"],
     "unknown status 'verifying' for an incident; expected "
     "one of: investigating, identified, monitoring, resolved"),
    ({}, ["new", "X", "-c", "api=major_outage", "--maintenance", "-m", "x"],
     "--maintenance needs its window: --from TIME --to TIME"),
    ({}, ["new", "X", "--maintenance", "--from", "2026-12-01 03:00", "--to",
          "2026-12-01 01:00", "-m", "x"],
     "incidents/2026-12-01-x.md:4:1: scheduled_until (2026-12-01T01:00:00+13:00) must be "
     "after scheduled_for (2026-12-01T03:00:00+13:00)"),
])
def test_invalid_requests_change_nothing(site: Path, files: dict[str, str], args: list[str],
                                         message: str) -> None:
    for name, text in {"2026-11-24-api": OLDEST_FIRST, **files}.items():
        write(site, name, text)
    before = {p: p.read_bytes() for p in (site / "incidents").iterdir()}
    code, out = run(site, *args)
    assert (code, out.strip()) == (1, message)
    assert {p: p.read_bytes() for p in (site / "incidents").iterdir()} == before


def _updater(args: tuple[str, str, str, int]) -> None:
    """One process adding `count` updates, all with the same clock as the other process."""
    root, name, tag, count = args
    site = Path(root)
    conf = config(site)
    path = site / "incidents" / f"{name}.md"
    for index in range(count):
        request = editing.UpdateRequest(message=f"{tag} {index}")
        editing.update(path, path.name, request, conf, editing.parse_when("t", NOW, conf))


def test_concurrent_updates_from_two_processes_lose_nothing(site: Path) -> None:
    path = write(site, "2026-11-24-api", OLDEST_FIRST)
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        pool.map(_updater, [(str(site), path.stem, tag, 15) for tag in "AB"])
    messages = [u.message for u in parsed(site, path).updates[2:]]
    assert sorted(messages) == sorted(f"{t} {i}" for t in "AB" for i in range(15))
    assert path.read_text().startswith(OLDEST_FIRST.split("## Post-mortem")[0])
    assert not list((site / "incidents").glob(".*.tmp"))


def test_two_cli_processes_at_once(site: Path) -> None:
    path = write(site, "2026-11-24-api", NEWEST_FIRST.replace("email", "api"))
    procs = [subprocess.Popen([sys.executable, "-m", "mkstatus", "update", "api", "-m",
                               f"from {n}", "-f", str(site / "mkdocs.yml")],
                              env={"MKSTATUS_NOW": NOW, "PATH": "/usr/bin:/bin"},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for n in (1, 2)]
    assert [p.wait(60) for p in procs] == [0, 0]
    assert sorted(u.message for u in parsed(site, path).updates[-2:]) == ["from 1", "from 2"]


def test_write_time_uses_site_offset() -> None:
    conf, problems = parse_config({"timezone": "Pacific/Auckland"}, site_name="s",
                                  site_url="https://x.example/")
    assert problems == [] and conf is not None
    moment = editing.parse_when("--at", "2026-07-01 09:00:30Z", conf)
    assert editing.write_time(moment, conf.zone) == "2026-07-01 21:00:30 +12:00"
    assert editing.slugify("Ça coûte: 100% «down»!", "x") == "ca-coute-100-down"
    assert editing.slugify("🔥", "incident") == "incident"
