"""`mkstatus notify`: the command-line side of `mkstatus.notify`.

Adapter code only: options are parsed here, the work is `notify.run.run`. A destination
that fails is reported (and annotated in GitHub Actions) but the exit status stays 0: its
messages go out on the next run, and a failing exit would stop the workflow before it
commits the ledger of the destinations that were served. Configuration errors exit 1.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from mkstatus.cli.options import config_option, now_option, user_errors


def register(main: click.Group) -> None:
    """Add the notify command to the main group."""
    main.add_command(notify)


@click.command()
@config_option
@now_option
@click.option("--dry-run", is_flag=True,
              help="Print what would be sent to whom (secrets masked); send and record "
                   "nothing.")
@click.option("--since", default=None, metavar="TIME",
              help="Send what happened from TIME on, even on a destination's first run; "
                   "older events are recorded as already told.")
@user_errors
def notify(config_file: Path, now: str | None, dry_run: bool, since: str | None) -> None:
    """Send each published update not yet delivered to each `notify:` destination.

    Run it after a deploy. Each destination's deliveries are recorded in
    .mkstatus/notified/ (commit it); a destination's first run records what is already
    published as its baseline and sends nothing old. A failed destination is retried on
    the next run; the others are served at once.
    """
    from mkstatus.errors import ConfigError
    from mkstatus.mkdocs.build import build_now, mkdocs_config, project_of
    from mkstatus.notify.run import run
    from mkstatus.project import load_config, load_project

    project = project_of(mkdocs_config(config_file))
    config = load_config(project)
    if not config.notify and not config.websub_hub:
        click.echo("No `notify:` destination or `websub_hub` in the mkstatus plugin's "
                   "settings; nothing to do.", err=True)
        return
    moment = build_now(now)
    start: datetime | None = None
    if since is not None:
        try:
            start = build_now(since)
        except ConfigError as exc:
            raise ConfigError(str(exc).replace("--now", "--since", 1)) from None
    site = load_project(project, moment)  # what the build published, from the same source
    reports = run(site, project.root, os.environ, dry_run=dry_run, since=start)
    for report in reports:
        click.echo(describe(report, config.zone, dry_run))
        if report.error and os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(f"::warning title=mkstatus notify::{report.label}: {report.error}")
    sent = sum(len(r.sent) for r in reports)
    failed = sum(1 for r in reports if r.error)
    requests = sum(r.requests for r in reports)
    verb = "would be sent" if dry_run else "sent"
    pending = sum(len(r.pending) for r in reports) if dry_run else sent
    click.echo(f"{pending} message(s) {verb}, {requests} request(s), {failed} "
               f"destination(s) failed.", err=True)


def describe(report: Any, zone: Any, dry_run: bool) -> str:
    """A destination's lines: what was (or would be) sent, and what went wrong."""
    from mkstatus.times import show

    head = f"{report.label}:"
    facts = []
    if report.first_run and report.baseline:
        verb = "would be recorded" if dry_run else "recorded"
        facts.append(f"first run: {len(report.baseline)} past event(s) {verb} as the "
                     "baseline, not sent")
    elif report.baseline:
        facts.append(f"{len(report.baseline)} event(s) before --since recorded, not sent")
    if report.filtered:
        facts.append(f"{len(report.filtered)} left out by its filters")
    if dry_run:
        facts.append(f"{len(report.pending)} to send")
        if report.missing:
            facts.append(f"needs {', '.join(report.missing)} (not set here)")
    else:
        facts.append(f"{len(report.sent)} sent")
        if report.feeds:
            facts.append(f"{len(report.feeds)} feed(s) pinged")
        if report.error:
            facts.append(f"FAILED: {report.error}; {len(report.pending)} left for the "
                         "next run")
    lines = [f"{head} {'; '.join(facts)}"]
    shown = report.pending if dry_run else report.sent
    lines += [f"  {e.kind:<11} {show(e.time, zone)}  {_printable(e.title)}  <{e.id}>"
              for e in shown]
    return "\n".join(lines)


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)
