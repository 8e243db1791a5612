"""The command line: parse options, call one core function, print.

Imports of MkDocs and the heavier core modules happen inside commands, so `mkstatus
--help` and `mkstatus check` stay quick.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__

F = TypeVar("F", bound=Callable[..., Any])


def config_option(func: F) -> F:
    return click.option("-f", "--config-file", "config_file", default="mkdocs.yml",
                        show_default=True, type=click.Path(dir_okay=False, path_type=Path),
                        help="The site's mkdocs.yml.")(func)


def now_option(func: F) -> F:
    return click.option("--now", default=None, metavar="TIME",
                        help="The build's clock: a time such as 2026-11-22T09:00Z or Unix "
                             "seconds. Default: $MKSTATUS_NOW, $SOURCE_DATE_EPOCH, the clock."
                        )(func)


def user_errors(func: F) -> F:
    """Turn the core's errors into a message and exit code 1, never a traceback."""
    from .errors import MkstatusError

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MkstatusError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mkstatus")
def main() -> None:
    """mkstatus: a static status page from incident files and probe samples."""


@main.command()
@config_option
@now_option
@click.option("--format", "fmt", type=click.Choice(["text", "github"]), default="text",
              show_default=True, help="github prints workflow annotations for pull requests.")
@click.option("--strict", is_flag=True, help="Treat warnings (future updates) as errors.")
def check(config_file: Path, now: str | None, fmt: str, strict: bool) -> None:
    """Validate mkdocs.yml and every incident; print every problem as path:line:col."""
    from .commands import run_check

    sys.exit(run_check(config_file, now, fmt, strict))


@main.command()
@config_option
@now_option
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Where to publish the site (default: mkdocs.yml's site_dir).")
@click.option("--strict", is_flag=True, help="Fail on any warning; the old site stays.")
@user_errors
def build(config_file: Path, now: str | None, site_dir: Path | None, strict: bool) -> None:
    """Validate, build into a temporary folder, then swap it in atomically."""
    from .commands import run_build

    out = run_build(config_file, now, site_dir, strict)
    click.echo(f"Built {out}")


@main.command()
@config_option
@now_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True,
              metavar="IP:PORT", help="Address to serve the preview on.")
@user_errors
def serve(config_file: Path, now: str | None, dev_addr: str) -> None:
    """Preview the site, rebuilding when incidents, samples or mkdocs.yml change."""
    from .commands import run_serve

    run_serve(config_file, now, dev_addr)


@main.command()
@config_option
@now_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@user_errors
def status(config_file: Path, now: str | None, as_json: bool) -> None:
    """Print the current computed status (exit 0 whatever it is)."""
    from .commands import run_status

    click.echo(run_status(config_file, now, as_json), nl=False)
# Commands with their own modules register themselves on the group.
from .cli_authoring import register as register_authoring  # noqa: E402, I001
from .cli_probes import register as register_probes  # noqa: E402

register_authoring(main)
register_probes(main)
