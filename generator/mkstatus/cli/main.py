"""The `mkstatus` command group; each command family lives in a module of its own."""

from __future__ import annotations

import click

from mkstatus import __version__
from mkstatus.cli import authoring, notify, oncall, probes, site


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mkstatus")
def main() -> None:
    """mkstatus: a static status page from incident files and probe samples."""


site.register(main)
authoring.register(main)
probes.register(main)
notify.register(main)
oncall.register(main)
