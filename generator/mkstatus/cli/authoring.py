"""The authoring commands: `init`, `new`, `update`, `resolve`.

They live apart from cli.py so that the commands which write a user's files can be read
(and reviewed) together. Each one parses its options, checks the whole request, asks for
the message (after the check, so nobody types a message for a request that cannot work),
then calls one function of `editing` or `scaffold` and prints the path it wrote.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from mkstatus.cli.options import F, config_option, user_errors
from mkstatus.files import shown as _shown

EDITOR_HINT = "# mkstatus: write the message above; lines starting with '# mkstatus:' are dropped."
COMPONENT_HELP = "A component and its status, as api=major_outage (repeatable)."
MESSAGE_HELP = ("The update's Markdown text; `-` reads stdin. Default: stdin when it is not a "
                "terminal, else $EDITOR.")
AT_HELP = ("The update's time, such as '2026-11-23 09:25' (site timezone) or with an offset. "
           "Default: now.")
TEMPLATE_HELP = ("Fill in templates/NAME.md (title, impact, status, message, next update); "
                 "TITLE and the other options win over it.")
SINCE_HELP = ("When the problem began: fills {since} and, when before the first update, "
              "`started:`.")
NEXT_HELP = ("Promise the next update: a duration from this update such as '30 min' or "
             "'1 h', or a time. The page says when it is overdue.")


def register(main: click.Group) -> None:
    """Add the authoring commands to the `mkstatus` group."""
    for command in (init, new, update, resolve):
        main.add_command(command)


def _clock() -> datetime:
    """The real clock, or $MKSTATUS_NOW (for tests and rehearsals); never SOURCE_DATE_EPOCH,
    which freezes builds and must not date a live update."""
    from mkstatus.incidents.editing import EditError
    from mkstatus.times import TimeError, resolve_now

    try:
        return resolve_now(os.environ.get("MKSTATUS_NOW") or None, environ={})
    except TimeError as exc:
        raise EditError(f"MKSTATUS_NOW: {exc}") from None


def _site(config_file: Path) -> tuple[Any, Any]:
    from mkstatus.mkdocs.build import mkdocs_config, project_of
    from mkstatus.project import load_config

    project = project_of(mkdocs_config(config_file))
    return project, load_config(project)


def _message(option: str | None) -> str:
    if option is not None and option != "-":
        return option
    if option == "-" or not sys.stdin.isatty():
        return sys.stdin.read()
    edited = click.edit("\n\n" + EDITOR_HINT + "\n", extension=".md")
    if edited is None:
        from mkstatus.incidents.editing import EditError

        raise EditError("no message: the editor was closed without saving; nothing written")
    return "\n".join(line for line in edited.split("\n") if not line.startswith("# mkstatus:"))


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--site-name", default="Example Status", show_default=True,
              help="The site's title (site_name in mkdocs.yml).")
@click.option("--site-url", default="https://status.example.com/", show_default=True,
              help="Where the site will be published, e.g. https://OWNER.github.io/REPO/.")
@click.option("--timezone", default=None,
              help="IANA timezone for times on the page. Default: this machine's, else UTC.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--requirements-only", is_flag=True,
              help="Only rewrite requirements.txt (and its wheel) for the running mkstatus: "
                   "how a site moves to another version.")
@user_errors
def init(directory: Path, site_name: str, site_url: str, timezone: str | None,
         force: bool, requirements_only: bool) -> None:
    """Create a new status site in DIRECTORY (default: here).

    Writes mkdocs.yml with example components and probes, an example (draft) incident,
    docs/, .gitignore, .gitattributes, requirements.txt and GitHub Actions workflows that
    probe every 5 minutes, check pull requests and deploy to GitHub Pages. Refuses to
    overwrite any existing file unless --force is given.

    requirements.txt installs the mkstatus that runs this command, the way it was
    installed: a version from the package index, a git commit, or (from a local checkout
    or wheel) a wheel written to .mkstatus/wheels/. It says which on stderr.
    """
    from mkstatus.scaffold import Settings, local_timezone
    from mkstatus.scaffold import init as scaffold

    settings = Settings(site_name, site_url, timezone or local_timezone())
    written, source = scaffold(directory, settings, force=force,
                               requirements_only=requirements_only)
    for path in written:
        click.echo(_shown(path))
    click.echo(f"\n{source.summary}.", err=True)
    if source.warning:
        click.echo(f"warning: {source.warning}.", err=True)
    if requirements_only:
        return
    where = "" if directory == Path(".") else f"cd {directory} && "
    click.echo(f"Next: {where}mkstatus build   (then: mkstatus serve, git init, push to "
               "GitHub, Settings -> Pages -> Source: GitHub Actions)", err=True)


@click.command()
@click.argument("title", required=False)
@click.option("-t", "--template", metavar="NAME", help=TEMPLATE_HELP)
@click.option("-c", "--component", "components", multiple=True, metavar="ID=STATUS",
              help=COMPONENT_HELP + " Maintenance takes plain ids; with --template, a plain "
                   "id takes the template's status.")
@click.option("--impact", type=click.Choice(["none", "minor", "major", "critical"]),
              help="Overall impact. Default: derived from the component statuses.")
@click.option("-s", "--status", default=None,
              help="First update's status. Default: investigating; scheduled for maintenance; "
                   "monitoring for notices.")
@click.option("-m", "--message", default=None, help=MESSAGE_HELP)
@click.option("--notice", "--informational", "notice", is_flag=True,
              help="An announcement that affects no status.")
@click.option("--pin", is_flag=True, help="Keep it at the top of the home page until unpinned.")
@click.option("--draft", is_flag=True, help="Checked but never published.")
@click.option("--maintenance", is_flag=True, help="Scheduled maintenance (needs --from, --to).")
@click.option("--from", "start", metavar="TIME", help="Maintenance window start.")
@click.option("--to", "until", metavar="TIME", help="Maintenance window end.")
@click.option("--at", metavar="TIME", help=AT_HELP)
@click.option("--next-update", "next_update", metavar="WHEN", help=NEXT_HELP)
@click.option("--since", metavar="TIME", help=SINCE_HELP)
@config_option
@user_errors
def new(title: str | None, template: str | None, components: tuple[str, ...],
        impact: str | None, status: str | None, message: str | None, notice: bool, pin: bool,
        draft: bool, maintenance: bool, start: str | None, until: str | None, at: str | None,
        next_update: str | None, since: str | None, config_file: Path) -> None:
    """Create an incident, notice or maintenance file titled TITLE and print its path.

    \b
    mkstatus new "Email delays" -c email=degraded_performance -m "We are investigating."
    mkstatus new --template outage -c api=major_outage
    mkstatus new "Database upgrade" --maintenance -c api --from "2026-12-01 01:00" \\
        --to "2026-12-01 03:00" -m "The API will be read-only."
    mkstatus new "New phone number" --notice --pin -m "Call 0800 000 000."
    """
    from mkstatus.incidents import editing

    project, config = _site(config_file)
    now = _clock()
    when = {key: editing.parse_when(f"--{key}", value, config) if value else None
            for key, value in (("at", at), ("from", start), ("to", until), ("since", since))}
    window = (when["from"], when["to"]) if when["from"] and when["to"] else None
    fields: dict[str, Any] = dict(
        title=title, components=components, status=status, impact=impact,
        next_update=next_update, at=when["at"], since=when["since"], window=window,
        draft=draft, pin=pin)
    if template:
        from mkstatus.incidents import fill, templates

        found = templates.load_template(project.templates_dir, template, config,
                                        project.root)
        _template_kind(template, found.kind, maintenance, notice, start, until)
        request = fill.new_from_template(
            found, config, now, message=None if message is None else "(message)", **fields)
    else:
        request = _plain_request(config, _kind(maintenance, notice, start, until), now,
                                 **fields)
    shown_dir = _shown(project.incidents_dir, project.root)
    editing.create(project.incidents_dir, shown_dir, request, config, now, dry_run=True)
    if message is not None or not template:
        request = editing.replace_message(request, _message(message))
    click.echo(_shown(editing.create(project.incidents_dir, shown_dir, request, config, now)))


def _plain_request(config: Any, kind: Any, now: datetime, *, title: str | None,
                   components: tuple[str, ...],
                   status: str | None, impact: str | None, next_update: str | None,
                   at: datetime | None, since: datetime | None,
                   window: tuple[datetime, datetime] | None, draft: bool, pin: bool) -> Any:
    from mkstatus.incidents import editing
    from mkstatus.model import Kind

    if not title:
        raise editing.EditError("give a TITLE, or --template NAME (see templates/)")
    first = at or now.replace(second=0, microsecond=0)
    return editing.NewRequest(
        title=title, kind=kind, message="(message)", impact=impact, pin=pin, draft=draft,
        status=editing.status_code(status or _default_status(kind), kind),
        components=editing.component_changes(components, config, kind is not Kind.MAINTENANCE),
        at=at, window=window,
        next_update=editing.next_update_text(next_update, config) if next_update else None,
        started=since if since is not None and since < first and kind is not
        Kind.MAINTENANCE else None)


def _template_kind(name: str, kind: Any, maintenance: bool, notice: bool, start: str | None,
                   until: str | None) -> None:
    """With a template, the template says what the file is; flags must agree with it."""
    from mkstatus.incidents.editing import EditError
    from mkstatus.model import Kind

    asked = Kind.MAINTENANCE if maintenance else Kind.NOTICE if notice else kind
    if asked is not kind:
        raise EditError(f"the {name} template makes {'an' if kind is not Kind.MAINTENANCE else 'a'}"
                        f" {kind.value.replace('maintenance', 'scheduled maintenance')}: "
                        f"leave out --{asked.value}")
    if (start or until) and kind is not Kind.MAINTENANCE:
        raise EditError("--from/--to set a maintenance window: use a maintenance template")
    if kind is Kind.MAINTENANCE and not (start and until):
        raise EditError(f"the {name} template is for scheduled maintenance: give its window "
                        "with --from TIME --to TIME")


def _kind(maintenance: bool, notice: bool, start: str | None, until: str | None) -> Any:
    from mkstatus.incidents.editing import EditError
    from mkstatus.model import Kind

    if maintenance and notice:
        raise EditError("--maintenance and --notice: a file is one or the other")
    if maintenance and not (start and until):
        raise EditError("--maintenance needs its window: --from TIME --to TIME")
    if (start or until) and not maintenance:
        raise EditError("--from/--to set a maintenance window: add --maintenance")
    return Kind.MAINTENANCE if maintenance else Kind.NOTICE if notice else Kind.INCIDENT


def _default_status(kind: Any) -> str:
    from mkstatus.model import Kind, MaintenanceStatus, UpdateStatus

    return {Kind.MAINTENANCE: MaintenanceStatus.SCHEDULED,
            Kind.NOTICE: UpdateStatus.MONITORING}.get(kind, UpdateStatus.INVESTIGATING)


def _add_update(ident: str, config_file: Path, message: str | None, **fields: Any) -> None:
    from mkstatus.incidents import editing

    project, config = _site(config_file)
    shown_dir = _shown(project.incidents_dir, project.root)
    path = editing.find(project.incidents_dir, ident, shown_dir)
    shown = _shown(path, project.root)
    raw_at = fields.pop("at")
    at = editing.parse_when("--at", raw_at, config) if raw_at else None
    promise = fields.pop("next_update", None)
    template = fields.pop("template", None)
    now = _clock()
    if template:
        from mkstatus.incidents import fill, templates

        found = templates.load_template(project.templates_dir, template, config,
                                        project.root)
        request = fill.update_from_template(
            found, fill.read_incident(path, shown, config), config, now, at=at,
            components=fields["components"], status=fields.get("status"),
            next_update=promise, message=None if message is None else "(message)")
        if fields.get("resolve"):  # the template gives the words; the status is final
            request = dataclasses.replace(request, resolve=True, status=None,
                                          next_update=None)
    else:
        request = editing.UpdateRequest(
            next_update=editing.next_update_text(promise, config) if promise else None,
            message="(message)", at=at,
            components=editing.component_changes(fields.pop("components"), config, True),
            **fields)
    editing.update(path, shown, request, config, now, dry_run=True)
    if message is not None or not template:
        request = editing.replace_message(request, _message(message))
    click.echo(_shown(editing.update(path, shown, request, config, now,
                                     note=lambda text: click.echo(text, err=True))))
    if config.further_languages:  # translations keep pace: the heading, its text to come
        from mkstatus.incidents.translating import add_headings

        add_headings(path, shown, config, lambda text: click.echo(text, err=True))


def update_options(func: F) -> F:
    """What `update` and `resolve` share: message, component changes, time, config."""
    for option in reversed((
            click.option("-m", "--message", default=None, help=MESSAGE_HELP),
            click.option("-c", "--component", "components", multiple=True,
                         metavar="ID=STATUS", help=COMPONENT_HELP),
            click.option("--at", metavar="TIME", help=AT_HELP),
            config_option, user_errors)):
        func = option(func)
    return func


@click.command()
@click.argument("ident", metavar="ID")
@click.option("-s", "--status", default=None,
              help="New status (identified, monitoring...; in_progress, verifying... for "
                   "maintenance). Default: unchanged.")
@click.option("--next-update", "next_update", metavar="WHEN", help=NEXT_HELP)
@click.option("-t", "--template", metavar="NAME",
              help="Write the update from templates/NAME.md (status, message, next update); "
                   "the other options win over it.")
@click.option("--lang", "language", metavar="LANG",
              help="Translate: the message is the LANG text (a language of `languages:`) of "
                   "the update at --at, else of the latest, in ID.LANG.md.")
@click.option("--title", metavar="TEXT",
              help="With --lang, when ID.LANG.md does not exist yet: its translated title.")
@update_options
def update(ident: str, status: str | None, next_update: str | None, template: str | None,
           language: str | None, title: str | None, message: str | None,
           components: tuple[str, ...], at: str | None, config_file: Path) -> None:
    """Add a timestamped update to incident ID, in the file's own order.

    ID is the file name without .md, the part after the date, or a path. With --lang,
    add the translation of an update that is already there (see guide/languages.md).

    \b
    mkstatus update 2026-11-23-email-delays -s identified -c email=partial_outage \\
        --next-update "1 h" -m "A full disk on one mail server. Messages are queued."
    mkstatus update email-delays --template monitoring
    mkstatus update email-delays --lang fr --title "Retards de courriel" \\
        -m "Un serveur de messagerie est plein. Les messages sont en file d'attente."
    """
    if language is not None:
        _translate(ident, config_file, language, message, at=at, title=title,
                   story={"--status": status, "--component": components,
                          "--next-update": next_update, "--template": template})
        return
    if title is not None:
        from mkstatus.incidents.editing import EditError

        raise EditError("--title goes with --lang: an update has no title of its own")
    _add_update(ident, config_file, message, status=status, components=components, at=at,
                next_update=next_update, template=template)


def _translate(ident: str, config_file: Path, language: str, message: str | None, *,
               at: str | None, title: str | None, story: dict[str, Any]) -> None:
    """`update ID --lang LANG`: the translated text of one update of ID."""
    from mkstatus.incidents import editing, translating
    from mkstatus.incidents.folder import translation_of

    given = [option for option, value in story.items() if value]
    if given:
        raise editing.EditError(f"--lang translates an update that is already there: its "
                                f"status, components and promise are the main file's; "
                                f"leave out {', '.join(given)}")
    project, config = _site(config_file)
    shown_dir = _shown(project.incidents_dir, project.root)
    path = editing.find(project.incidents_dir, ident, shown_dir)
    name = translation_of(path)
    if name is not None:  # the translation's own path was given: its main file
        path = path.with_name(f"{name[0]}.md")
    shown = _shown(path, project.root)
    request = translating.TranslateRequest(
        language=language, message="(message)", title=title,
        at=editing.parse_when("--at", at, config) if at else None)
    translating.translate(path, shown, request, config, dry_run=True)
    request = dataclasses.replace(request, message=_message(message))
    click.echo(_shown(translating.translate(path, shown, request, config)))


@click.command()
@click.argument("ident", metavar="ID")
@click.option("-t", "--template", metavar="NAME",
              help="Take the message from templates/NAME.md (such as resolved).")
@update_options
def resolve(ident: str, template: str | None, message: str | None,
            components: tuple[str, ...], at: str | None, config_file: Path) -> None:
    """Add the final update to incident ID: Resolved (Completed for maintenance).

    \b
    mkstatus resolve email-delays -m "All queued email has been delivered."
    mkstatus resolve email-delays --template resolved
    """
    _add_update(ident, config_file, message, resolve=True, components=components, at=at,
                template=template)
