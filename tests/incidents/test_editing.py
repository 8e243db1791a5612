"""`mkstatus new`, `update`, `resolve`: every earlier byte kept, nothing lost, loud refusals."""

from __future__ import annotations

import multiprocessing
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
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


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a CLI subprocess: this tree's code, the test's clock."""
    return {"MKSTATUS_NOW": NOW, "PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1",
            "PYTHONPATH": os.environ.get("PYTHONPATH", str(Path(__file__).parents[1] /
                                                         "generator")), **extra}


def test_eight_cli_processes_in_the_same_second(site: Path) -> None:
    """Issue 14 item 10: eight people update one incident at once, with one clock second
    between them: each update lands, a second after the one before, and says so."""
    path = write(site, "2026-11-24-api", NEWEST_FIRST.replace("email", "api"))
    procs = [subprocess.Popen([sys.executable, "-m", "mkstatus", "update", "api", "-m",
                               f"from {n}", "-f", str(site / "mkdocs.yml")], env=cli_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(8)]
    results = [(p.wait(120), *p.communicate()) for p in procs]
    assert [code for code, _, _ in results] == [0] * 8, results
    incident = parsed(site, path)
    assert sorted(u.message for u in incident.updates[2:]) == [f"from {n}" for n in range(8)]
    assert [u.time.second for u in incident.updates[2:]] == list(range(8))
    stamp = "2026-11-24 09:25{} +13:00"
    notes = sorted(err.strip() for _, _, err in results if err.strip())
    assert notes == [f"note: {stamp.format(f':{k:02}' if k else '')} is taken by the update "
                     f"on line 10; this update is dated one second later, "
                     f"{stamp.format(f':{k + 1:02}')}" for k in range(7)]


def _burst(args: tuple[str, int, int]) -> list[str]:
    """One person's updates in a burst, all at the same clock second: what happened."""
    root, person, count = args
    site = Path(root)
    conf = config(site)
    path = site / "incidents" / "2026-11-24-api.md"
    outcomes = []
    for index in range(count):
        request = editing.UpdateRequest(message=f"{person}.{index}")
        try:
            editing.update(path, path.name, request, conf, editing.parse_when("t", NOW, conf))
            outcomes.append(f"landed {person}.{index}")
        except editing.EditError as exc:
            outcomes.append(f"refused {person}.{index}: {exc}")
    return outcomes


def test_a_burst_past_a_minute_is_refused_with_what_to_do(site: Path) -> None:
    """Eight processes, ten updates each, one clock second: the first 61 take the seconds
    up to a minute after now; the rest are refused with the exact --at that works, and
    nothing is lost: every update is in the file or was refused."""
    path = write(site, "2026-11-24-api", NEWEST_FIRST.replace("email", "api"))
    with multiprocessing.get_context("fork").Pool(8) as pool:
        outcomes = [o for person in pool.map(_burst, [(str(site), n, 10) for n in range(8)])
                    for o in person]
    landed = {o.split()[1] for o in outcomes if o.startswith("landed")}
    refused = [o for o in outcomes if o.startswith("refused")]
    assert (len(landed), len(refused)) == (61, 19)
    incident = parsed(site, path)
    assert {u.message for u in incident.updates[2:]} == landed
    assert {o.split(": ", 1)[1] for o in refused} == {
        "2026-11-24-api: the latest update (line 10) is dated 2026-11-24 09:26 +13:00, more "
        "than a minute from now, and a new update must come after it: give this one that "
        "time or later, with --at '2026-11-24 09:26:01 +13:00' (or, if that date is a "
        "mistake, correct it in the file first)"}
    code, _ = run(site, "update", "api", "-m", "Later.", "--at", "2026-11-24 09:26:01 +13:00")
    assert code == 0 and parsed(site, path).updates[-1].message == "Later."


def _no_bigger_files(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


def test_a_write_that_fails_half_way_leaves_the_file_as_it_was(site: Path) -> None:
    """Issue 14 item 4: a full disk. A process may write files of at most the old file's
    size: the new text is cut off half-way (EFBIG, as ENOSPC would), and `update` says so
    in one line; the incident file and the folder are exactly as they were."""
    path = write(site, "2026-11-24-api", OLDEST_FIRST)
    before = sorted((p.name, p.read_bytes()) for p in (site / "incidents").iterdir())
    result = subprocess.run([sys.executable, "-m", "mkstatus", "update", "api", "-m",
                             "x" * 500, "-f", str(site / "mkdocs.yml")], env=cli_env(),
                            capture_output=True, text=True, timeout=120,
                            preexec_fn=_no_bigger_files(len(OLDEST_FIRST)))
    assert (result.returncode, result.stderr) == (
        1, "incidents/2026-11-24-api.md: cannot be written (File too large); the file is "
           "unchanged\n")
    assert sorted((p.name, p.read_bytes()) for p in (site / "incidents").iterdir()) == before
    assert path.read_text() == OLDEST_FIRST


def test_a_full_disk(site: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The same on a real full filesystem (a 1 MB tmpfs in a private mount namespace),
    where mounting is allowed (root with CAP_SYS_ADMIN); skipped elsewhere."""
    unshare = shutil.which("unshare")
    if os.geteuid() != 0 or unshare is None:
        pytest.skip("needs root and unshare to mount a small tmpfs")
    write(site, "2026-11-24-api", OLDEST_FIRST)
    mount = tmp_path_factory.mktemp("full")
    script = (f"mount -t tmpfs -o size=1m tmpfs {mount} && cp -a {site}/. {mount}/ && "
              f"(dd if=/dev/zero of={mount}/filler bs=4k 2>/dev/null; true) && "
              f"cd {mount} && {sys.executable} -m mkstatus update api -m {'x' * 9000} ; "
              f"echo \"rc=$?\"; cmp incidents/2026-11-24-api.md {site}/incidents/2026-11-24-api.md"
              f" && ls -A incidents")
    result = subprocess.run([unshare, "-m", "sh", "-c", script], env=cli_env(),
                            capture_output=True, text=True, timeout=120)
    if "mount:" in result.stderr:
        pytest.skip(f"cannot mount here: {result.stderr.strip()}")
    assert result.stderr == ("incidents/2026-11-24-api.md: cannot be written (No space left "
                             "on device); the file is unchanged\n")
    assert result.stdout == "rc=1\n2026-11-24-api.md\n"


def test_a_read_only_tree(site: Path) -> None:
    """`new` and `update` in a folder they may not write: one line each, nothing written."""
    write(site, "2026-11-24-api", OLDEST_FIRST)
    folder = site / "incidents"
    folder.chmod(0o555)
    try:
        before = sorted((p.name, p.read_bytes()) for p in folder.iterdir())
        prefix = []
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("running as root without setpriv: file modes cannot bind")
            prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
        results = [subprocess.run([*prefix, sys.executable, "-m", "mkstatus", *args, "-m", "x",
                                   "-f", str(site / "mkdocs.yml")], env=cli_env(),
                                  capture_output=True, text=True, timeout=120)
                   for args in (["update", "api"], ["new", "Outage"])]
        assert [(r.returncode, r.stderr) for r in results] == [
            (1, "incidents/2026-11-24-api.md: cannot be written (Permission denied); the file "
                "is unchanged\n"),
            (1, "incidents/2026-11-24-outage.md: cannot be written (Permission denied); "
                "nothing was written\n")]
        assert sorted((p.name, p.read_bytes()) for p in folder.iterdir()) == before
    finally:
        folder.chmod(0o755)


def test_update_refuses_a_fifo_and_a_link(site: Path, tmp_path_factory: pytest.TempPathFactory
                                          ) -> None:
    """A FIFO would block `update` for ever; a link would be replaced by a plain file."""
    os.mkfifo(site / "incidents" / "2026-11-24-pipe.md")
    outside = tmp_path_factory.mktemp("elsewhere") / "x.md"
    outside.write_text(OLDEST_FIRST)
    (site / "incidents" / "2026-11-24-out.md").symlink_to(outside)
    (site / "incidents" / "2026-11-24-in.md").symlink_to("2026-11-24-api.md")
    write(site, "2026-11-24-api", OLDEST_FIRST)
    assert [run(site, "update", name, "-m", "x") for name in ("pipe", "out", "in")] == [
        (1, "incidents/2026-11-24-pipe.md: a named pipe (FIFO), not a regular file: only "
            "regular files are read; remove it\n"),
        (1, "incidents/2026-11-24-out.md: a symbolic link to a file outside the project (the "
            "folder of mkdocs.yml): not read; copy the file into the repository instead\n"),
        (1, "incidents/2026-11-24-in.md: a symbolic link: edit the file it points to\n")]
    assert outside.read_text() == OLDEST_FIRST


def test_write_time_uses_site_offset() -> None:
    conf, problems = parse_config({"timezone": "Pacific/Auckland"}, site_name="s",
                                  site_url="https://x.example/")
    assert problems == [] and conf is not None
    moment = editing.parse_when("--at", "2026-07-01 09:00:30Z", conf)
    assert editing.write_time(moment, conf.zone) == "2026-07-01 21:00:30 +12:00"
    assert editing.slugify("Ça coûte: 100% «down»!", "x") == "ca-coute-100-down"
    assert editing.slugify("🔥", "incident") == "incident"
