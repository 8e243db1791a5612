"""The commands the on-call workflows call: `mkstatus form` and `mkstatus drafts`.

`form` turns the status form's answers into the `new`, `update` or `resolve` command a
person would type, and runs it. `drafts` hands the probe workflow's drafting step what
it moves to GitHub: the decisions are pure functions (`compute.drafts`), the files are
written by `incidents.drafting`, and it prints one line per action for the step's thin
`gh` loop.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from mkstatus.cli.options import config_option, now_option, user_errors


def register(main: click.Group) -> None:
    main.add_command(form)
    main.add_command(drafts)


@click.command()
@click.option("--issue-body", type=click.Path(dir_okay=False, path_type=Path),
              help="Read the answers from the body of an issue made with the status form.")
@click.option("--action", type=click.Choice(["new", "update", "resolve"]),
              help="The answers, one option each (the workflow_dispatch form's inputs): "
                   "what to do.")
@click.option("--incident", help="The incident to update or resolve.")
@click.option("--title", help="The title of a new incident.")
@click.option("--template", help="A template in templates/.")
@click.option("--components", help="Components, as api=major_outage, website (commas or "
                                   "lines).")
@click.option("--status", help="The update's status.")
@click.option("--message", help="The update's Markdown text.")
@click.option("--next-update", "next_update", help="When the next update will come.")
@click.option("--problems", type=click.Path(dir_okay=False, path_type=Path),
              help="On failure, also write what to fix to this file (for a comment).")
@config_option
@click.pass_context
def form(ctx: click.Context, issue_body: Path | None, problems: Path | None,
         config_file: Path, **answers: str | None) -> None:
    """Run `mkstatus new`, `update` or `resolve` from the status form's answers.

    The issue form and the workflow_dispatch workflow that `init` writes call this: it
    prints the command it runs, then runs it, with the same checks as on a laptop.
    On a mistake it says what to fix (also into --problems FILE) and exits 1.
    """
    import shlex

    from mkstatus.errors import MkstatusError
    from mkstatus.incidents import forms

    try:
        if issue_body is not None:
            answers = dict(forms.read_issue_body(issue_body.read_text(encoding="utf-8")))
        args = forms.command(forms.form(answers))
    except (MkstatusError, OSError) as exc:
        _refuse(str(exc), problems)
    click.echo("$ mkstatus " + shlex.join(args), err=True)
    command = ctx.find_root().command
    assert isinstance(command, click.Group)
    sub = command.get_command(ctx, args[0])
    assert sub is not None
    errors = io.StringIO()
    with contextlib.redirect_stderr(Tee(errors, sys.stderr)):
        try:
            sub.main([*args[1:], "-f", str(config_file)], prog_name=f"mkstatus {args[0]}",
                     standalone_mode=False)
        except SystemExit as exc:
            if exc.code:
                _refuse(errors.getvalue().strip(), problems, printed=True)
        except click.ClickException as exc:
            _refuse(exc.format_message(), problems)


class Tee(io.TextIOBase):
    """Text written to two streams: the log, and the problems kept for a comment."""

    def __init__(self, *streams: Any) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)


def _refuse(message: str, problems: Path | None, printed: bool = False) -> NoReturn:
    if not printed:
        click.echo(message, err=True)
    if problems is not None:
        problems.write_text(message + "\n", encoding="utf-8")
    sys.exit(1)



@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write each action's files into (one subfolder each).")
@config_option
@now_option
@user_errors
def drafts(out: Path, config_file: Path, now: str | None) -> None:
    """Draft incidents for new outages, and suggest resolving recovered ones.

    For each outage episode the probes see (down at quorum) that no published incident
    covers, writes a `draft: true` incident from the component's template and a pull
    request description with the probes' evidence; for each open incident whose probed
    components have been up for `recovered_after`, a comment with the exact `mkstatus
    resolve` command. Prints one line per action, tab-separated: kind (draft or
    resolve), branch or incident id, incident path, folder. The probe workflow moves
    them to GitHub; this command only writes into --out.
    """
    from mkstatus.files import shown
    from mkstatus.incidents.drafting import actions
    from mkstatus.mkdocs.build import build_now, mkdocs_config, project_of
    from mkstatus.project import load_project

    moment = build_now(now)
    project = project_of(mkdocs_config(config_file))
    site = load_project(project, moment)
    found = actions(site, project.templates_dir, project.root,
                    shown(project.incidents_dir, project.root), moment)
    for number, action in enumerate(found, start=1):
        folder = out / f"{number:02d}-{action.kind}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in action.files.items():
            (folder / name).write_text(text, encoding="utf-8")
        click.echo(f"{action.kind}\t{action.name}\t{action.path}\t{folder}")
    click.echo(f"{sum(a.kind == 'draft' for a in found)} draft(s), "
               f"{sum(a.kind == 'resolve' for a in found)} resolution(s) to suggest",
               err=True)
