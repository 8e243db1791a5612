"""Option bundles and error handling shared by every command."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

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
    from mkstatus.errors import MkstatusError

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MkstatusError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]
