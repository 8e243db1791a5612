"""`mkstatus drafts`: what the probe workflow's drafting step hands to GitHub.

The decisions are pure functions (`compute.drafts`); the files are written by
`incidents.drafting`; this command writes them into a folder and prints one line per
action for the workflow's thin `gh` loop.
"""

from __future__ import annotations

from pathlib import Path

import click

from mkstatus.cli.options import config_option, now_option, user_errors


def register(main: click.Group) -> None:
    main.add_command(drafts)


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
