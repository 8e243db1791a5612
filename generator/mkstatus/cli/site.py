"""The site commands: `check`, `build`, `serve` and `status`.

Each parses its options, calls the MkDocs adapter (imported lazily, so `mkstatus --help`
stays quick) and prints.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from mkstatus.cli.options import config_option, now_option, user_errors


def register(main: click.Group) -> None:
    """Add the site commands to the `mkstatus` group."""
    for command in (check, build, serve, status):
        main.add_command(command)


@click.command()
@config_option
@now_option
@click.option("--format", "fmt", type=click.Choice(["text", "github"]), default="text",
              show_default=True, help="github prints workflow annotations for pull requests.")
@click.option("--strict", is_flag=True, help="Treat warnings (future updates) as errors.")
def check(config_file: Path, now: str | None, fmt: str, strict: bool) -> None:
    """Validate mkdocs.yml and every incident; print every problem as path:line:col."""
    sys.exit(run_check(config_file, now, fmt, strict))


@click.command()
@config_option
@now_option
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Where to publish the site (default: mkdocs.yml's site_dir).")
@click.option("--strict", is_flag=True, help="Fail on any warning; the old site stays.")
@user_errors
def build(config_file: Path, now: str | None, site_dir: Path | None, strict: bool) -> None:
    """Validate, build into a temporary folder, then swap it in atomically."""
    from mkstatus.mkdocs.build import run_build

    out = run_build(config_file, now, site_dir, strict)
    click.echo(f"Built {out}")


@click.command()
@config_option
@now_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True,
              metavar="IP:PORT", help="Address to serve the preview on.")
@user_errors
def serve(config_file: Path, now: str | None, dev_addr: str) -> None:
    """Preview the site, rebuilding when incidents, samples or mkdocs.yml change."""
    from mkstatus.mkdocs.serve import run_serve

    run_serve(config_file, now, dev_addr)


@click.command()
@config_option
@now_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@user_errors
def status(config_file: Path, now: str | None, as_json: bool) -> None:
    """Print the current computed status (exit 0 whatever it is)."""
    click.echo(run_status(config_file, now, as_json), nl=False)


def run_check(config_file: Path, now_option: str | None, fmt: str, strict: bool) -> int:
    """Exit code 1 on any problem (or warning with --strict), 0 otherwise."""
    from mkstatus.compute.site import overdue_warnings
    from mkstatus.errors import MkstatusError, ValidationError
    from mkstatus.mkdocs.build import build_now, load

    site = None
    try:
        now = build_now(now_option)
        try:
            site = load(config_file, now)
            problems = []
        except ValidationError as exc:
            problems = list(exc.problems)
        problems = sorted(problems + template_problems(config_file, now))
        if problems:
            raise ValidationError(problems)
    except ValidationError as exc:
        for problem in exc.problems:
            click.echo(_format(problem, fmt))
        click.echo(f"{len(exc.problems)} problem(s) found", err=True)
        return 1
    except MkstatusError as exc:
        if fmt == "github":
            for line in str(exc).splitlines():
                click.echo(f"::error file={config_file.name}::{_escape(line)}")
        click.echo(str(exc), err=True)
        return 1
    assert site is not None
    for warning in [*site.warnings, *overdue_warnings(site)]:
        click.echo(_format(warning, fmt))
    click.echo(f"OK: {len(site.incidents)} incident file(s), "
               f"{len(site.config.components)} component(s)", err=True)
    return 1 if strict and site.warnings else 0


def template_problems(config_file: Path, now: Any) -> list[Any]:
    """Every problem in templates/ (none when mkdocs.yml itself cannot be read: its own
    problems are reported instead)."""
    from mkstatus.errors import MkstatusError
    from mkstatus.incidents.fill import check_templates
    from mkstatus.mkdocs.build import mkdocs_config, project_of
    from mkstatus.project import load_config

    try:
        project = project_of(mkdocs_config(config_file))
        config = load_config(project)
    except MkstatusError:
        return []
    return check_templates(project.templates_dir, config, project.root, now)


def _format(problem: Any, fmt: str) -> str:
    if fmt == "github":
        level = "warning" if problem.warning else "error"
        return (f"::{level} file={problem.path},line={problem.line},col={problem.col}"
                f"::{_escape(problem.message)}")
    prefix = "warning: " if problem.warning else ""
    return f"{prefix}{problem}"


def _escape(message: str) -> str:
    """GitHub workflow-command data escaping."""
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def run_status(config_file: Path, now_option: str | None, as_json: bool) -> str:
    from mkstatus.compute.site import overdue_warnings
    from mkstatus.mkdocs.build import build_now, load
    from mkstatus.times import iso_utc

    site = load(config_file, build_now(now_option))
    for warning in overdue_warnings(site):  # on stderr: the output stays parseable
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        data = {
            "updated_at": iso_utc(site.now),
            "indicator": site.indicator.code,
            "description": site.indicator.banner,
            "components": {cid: s.status.code for cid, s in site.states.items()},
            "open_incidents": [v.id for v in site.open_incidents],
            "overdue_updates": {v.id: iso_utc(v.next_update) for v in site.overdue
                                if v.next_update is not None},
        }
        return json.dumps(data, indent=2, sort_keys=True) + "\n"
    lines = [site.indicator.banner]
    lines += [f"  {c.name}: {site.states[c.id].status.label}" for c in site.config.components]
    lines += [f"  open: {v.id} ({v.status}{_promise(v, site)})" for v in site.open_incidents]
    return "\n".join(lines) + "\n"


def _promise(v: Any, site: Any) -> str:
    from mkstatus.times import show

    if v.next_update is None:
        return ""
    when = show(v.next_update, site.config.zone)
    return f"; an update was due at {when}" if v.overdue(site.now) else \
        f"; next update by {when}"
