"""`Next update:` promises: parsed beside `Components:`, written by `--next-update`, shown
on the page, in the feeds and the JSON, and named when overdue at a chosen `--now`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from mkstatus.cli.main import main
from mkstatus.incidents.parse import parse_incident
from mkstatus.mkdocs.build import load
from mkstatus.render.generate import generate
from mkstatus.scaffold import Settings, init
from mkstatus.times import TimeError, parse_duration

BEFORE = "2026-11-22T21:00:00Z"  # 10:00 NZDT: the promise (10:30) still holds
AFTER = "2026-11-22T21:45:00Z"  # 10:45 NZDT: fifteen minutes overdue
EMAIL = """\
---
title: Delays sending email
impact: minor
components:
  website: partial_outage
---

## 2026-11-23 09:25 +13:00 — Identified
Components: website=degraded_performance
Next update: 2026-11-23 10:30
A mail server is full. Messages are queued, not lost.

## 2026-11-23 08:40 +13:00 — Investigating
Next update: 30 min
Components: website=partial_outage
Some email is delayed. We are investigating.
"""


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    init(tmp_path, Settings("Test Status", "https://status.example.com/", "Pacific/Auckland"))
    (tmp_path / "incidents" / "2026-01-05-example-incident.md").unlink()
    (tmp_path / "incidents" / "2026-11-23-email.md").write_text(EMAIL)
    return tmp_path


def run(site: Path, *args: str, now: str = BEFORE) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "-f", str(site / "mkdocs.yml")],
                                env={"MKSTATUS_NOW": now})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def outputs(site: Path, now: str) -> dict[str, str]:
    built = load(site / "mkdocs.yml", datetime.fromisoformat(now))
    return {o.path: o.page.body if o.is_page else (
        o.content.decode() if isinstance(o.content, bytes) else o.content)
        for o in generate(built)}


def test_durations() -> None:
    assert parse_duration("30 min") == timedelta(minutes=30)
    assert parse_duration("in 1 h 30 min") == timedelta(minutes=90)
    assert parse_duration("2 hours") == parse_duration("2h") == timedelta(hours=2)
    assert parse_duration("1 d") == timedelta(days=1)
    for bad, message in (("soon", "expected a duration such as 30 min, 1 h or 1 h 30 min, "
                                  "found 'soon'"),
                         ("0 min", "expected a duration above zero, found '0 min'"),
                         ("1.5 h", "expected a duration such as 30 min, 1 h or 1 h 30 min, "
                                   "found '1.5 h'")):
        with pytest.raises(TimeError) as caught:
            parse_duration(bad)
        assert str(caught.value) == message


def test_parsed_beside_components_in_either_order(site: Path) -> None:
    from .test_editing import config

    incident, problems = parse_incident("x.md", "2026-11-23-email", EMAIL.encode(),
                                        config(site))
    assert problems == [] and incident is not None
    first, second = incident.updates
    assert first.next_update == datetime(2026, 11, 22, 20, 10, tzinfo=UTC)  # 30 min later
    assert second.next_update == datetime(2026, 11, 22, 21, 30, tzinfo=UTC)  # site timezone
    assert [u.components for u in incident.updates][0][0][0] == "website"
    assert second.message.startswith("A mail server")  # neither line is message text


@pytest.mark.parametrize("line, expected", [
    ("Next update: soon", "10:14: Next update: expected a duration such as 30 min, 1 h or "
     "1 h 30 min, or a time such as 2026-11-22 10:30, found 'soon'"),
    ("Next update: 2026-11-23 09:00", "10:14: Next update: the next update "
     "(2026-11-22T20:00:00Z) must come after this update (2026-11-22T20:25:00Z)"),
    ("Next update: 2026-11-23 10:30 NZDT", "10:14: Next update: zone abbreviation 'NZDT' is "
     "ambiguous: write an offset such as +12:00, or Z for UTC"),
    ("Next update:", "10:13: Next update: expected a duration such as 30 min, 1 h or "
     "1 h 30 min, or a time such as 2026-11-22 10:30, found ''"),
])
def test_bad_promises_are_located_errors(site: Path, line: str, expected: str) -> None:
    path = site / "incidents" / "2026-11-23-email.md"
    path.write_text(EMAIL.replace("Next update: 2026-11-23 10:30", line))
    code, out, _ = run(site, "check")
    assert (code, out) == (1, f"incidents/2026-11-23-email.md:{expected}\n")


def test_a_resolution_promises_nothing(site: Path) -> None:
    path = site / "incidents" / "2026-11-23-email.md"
    path.write_text(EMAIL.replace("— Identified", "— Resolved"))
    code, out, _ = run(site, "check")
    assert (code, out) == (1, "incidents/2026-11-23-email.md:8:4: a resolved update promises "
                              "no next update: remove its 'Next update:' line\n")


def test_promise_on_the_page_feeds_and_json_before_it_is_due(site: Path) -> None:
    out = outputs(site, BEFORE)
    due = '<time datetime="2026-11-22T21:30:00Z">10:30 NZDT</time>'
    assert f'<span class="mks-promise">Next update by {due}</span>' in out["index.md"]
    assert f"Next update by {due}" in out["incidents/2026-11-23-email.md"]
    assert "was due" not in out["index.md"] + out["incidents/2026-11-23-email.md"]
    atom = feedparser.parse(out["history.atom"])
    assert atom.bozo == 0
    contents = [e.content[0].value for e in atom.entries]
    assert "<p><em>Next update by 2026-11-23 10:30 NZDT.</em></p>" in contents[0]
    assert "Next update by 2026-11-23 09:10 NZDT." in contents[1]
    feed = json.loads(out["history.json"])
    assert [i["_mkstatus"]["next_update_at"] for i in feed["items"]] == [
        "2026-11-22T21:30:00Z", "2026-11-22T20:10:00Z"]
    assert feed["items"][0]["content_text"].endswith("Next update by 2026-11-23 10:30 NZDT.")
    status = json.loads(out["api/v2/status.json"])["mkstatus"]
    assert [(p["name"], p["next_update_at"], p["overdue"]) for p in status["next_updates"]] \
        == [("Delays sending email", "2026-11-22T21:30:00Z", False)]
    assert run(site, "check")[1:] == ("", "OK: 1 incident file(s), 3 component(s)\n")
    code, text, err = run(site, "status")
    assert "open: 2026-11-23-email (identified; next update by 2026-11-23 10:30 NZDT)" in text
    assert err == ""


def test_overdue_at_a_chosen_now(site: Path) -> None:
    out = outputs(site, AFTER)
    notice = ('<strong class="mks-overdue">An update was due at <time datetime='
              '"2026-11-22T21:30:00Z">10:30 NZDT</time></strong>')
    assert notice in out["index.md"] and notice in out["incidents/2026-11-23-email.md"]
    status = json.loads(out["api/v2/status.json"])["mkstatus"]
    assert [p["overdue"] for p in status["next_updates"]] == [True]
    warning = ("incidents/2026-11-23-email.md:8:1: an update was due at 2026-11-23 10:30 "
               "NZDT (15 min ago): post one with `mkstatus update 2026-11-23-email`")
    assert run(site, "check", now=AFTER)[:2] == (0, f"warning: {warning}\n")
    assert run(site, "check", "--strict", now=AFTER)[0] == 0  # late is no reason to stop
    code, text, err = run(site, "status", now=AFTER)
    assert (code, err) == (0, f"warning: {warning}\n")
    assert "(identified; an update was due at 2026-11-23 10:30 NZDT)" in text
    code, text, _ = run(site, "status", "--json", now=AFTER)
    assert json.loads(text)["overdue_updates"] == {"2026-11-23-email": "2026-11-22T21:30:00Z"}
    # the same through the --now option, over an environment clock still on time
    assert run(site, "check", "--now", AFTER, now=BEFORE) == run(site, "check", now=AFTER)
    assert run(site, "check", "--now", AFTER, now=BEFORE)[:2] == (0, f"warning: {warning}\n")
    code, text, err = run(site, "status", "--now", AFTER, now=BEFORE)
    assert (code, err) == (0, f"warning: {warning}\n")
    assert "(identified; an update was due at 2026-11-23 10:30 NZDT)" in text
    assert run(site, "check", "--now", BEFORE, now=AFTER)[1:] == (
        "", "OK: 1 incident file(s), 3 component(s)\n")


def test_check_github_format_annotates_the_late_update(site: Path) -> None:
    code, out, _ = run(site, "check", "--format", "github", now=AFTER)
    assert (code, out) == (0, "::warning file=incidents/2026-11-23-email.md,line=8,col=1::"
                              "an update was due at 2026-11-23 10:30 NZDT (15 min ago): post "
                              "one with `mkstatus update 2026-11-23-email`\n")


def test_a_newer_update_without_a_promise_ends_the_old_one(site: Path) -> None:
    code, out, _ = run(site, "update", "email", "-s", "monitoring", "-m", "Mail flows.",
                       now=AFTER)
    assert code == 0, out
    assert run(site, "check", now=AFTER)[1] == ""
    assert "was due" not in outputs(site, AFTER)["index.md"]


def test_cli_writes_the_promise_it_was_given(site: Path) -> None:
    code, out, err = run(site, "new", "API errors", "-c", "api=major_outage", "-m",
                         "Errors.", "--next-update", "in 90 minutes", now=AFTER)
    assert code == 0, err
    text = (site / out.strip()).read_text()
    assert "## 2026-11-23 10:45 +13:00 — Investigating\nNext update: 1 h 30 min\nErrors.\n" \
        in text
    code, out, err = run(site, "update", "api-errors", "-s", "identified", "-c",
                         "api=partial_outage", "--next-update", "2026-11-23 12:00",
                         "-m", "Found it.", now=AFTER)
    assert code == 0, err
    assert ("— Identified\nComponents: api=partial_outage\nNext update: 2026-11-23 12:00 "
            "+13:00\nFound it.\n") in (site / out.strip()).read_text()
    code, _, err = run(site, "update", "api-errors", "--next-update", "12:00", "-m", "x",
                       now=AFTER)
    assert (code, err) == (1, "--next-update: expected a duration such as 30 min, 1 h or "
                              "1 h 30 min, found '12:00'\n")
    code, _, err = run(site, "update", "api-errors", "-m", "Next update: 1 h", now=AFTER)
    assert code == 1 and err.endswith("the message starts with 'Next update:', which would "
                                      "be read as a promise: use --next-update instead\n")
