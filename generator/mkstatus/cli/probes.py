"""`mkstatus probe` and `mkstatus compact`: the command-line side of probes and samples.

Adapter code only: options are parsed here, the work is `probing.run_probes`,
`samples.append_samples` and `samples_compact.compact`. A probe run exits 0 whatever the probes
found (a red service is a result, not a failure of the job, and a failing exit code would
stop a scheduled workflow before it commits the samples); only configuration and internal
errors exit non-zero.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from mkstatus.cli.options import config_option, now_option, user_errors

_TABLE_HEAD = ("component", "outcome", "http", "latency", "note")


def register(main: click.Group) -> None:
    """Add the probe commands to the main group (kept out of cli.py on purpose)."""
    main.add_command(probe)
    main.add_command(compact)


def _project(config_file: Path) -> Any:
    from mkstatus.mkdocs.build import mkdocs_config, project_of

    return project_of(mkdocs_config(config_file))


@click.command()
@config_option
@click.option("--region", default="default", show_default=True, metavar="NAME",
              help="Name of the place this runs from (lower-case letters, digits, hyphens), "
                   "e.g. eu-west. Samples go to samples/YYYY/MM/DD/NAME.jsonl.")
@user_errors
def probe(config_file: Path, region: str) -> None:
    """Run every configured probe once, concurrently, and append one sample per probe.

    Exit status is 0 whenever the probes ran, whatever they found; it is 1 for
    configuration errors (such as an unset ${VAR} in a probe), samples that cannot be
    written (a full disk, a read-only tree: one line naming the path) and internal
    errors. Progress goes to stderr, the summary table to stdout.
    """
    with _secrets_scrubbed():
        _probe(config_file, region)


@contextlib.contextmanager
def _secrets_scrubbed() -> Iterator[None]:
    """A bug keeps its traceback, but without the probes' secrets (it may quote a URL)."""
    from mkstatus.errors import MkstatusError
    from mkstatus.probes.run import scrub_known

    try:
        yield
    except MkstatusError:
        raise
    except Exception:
        click.echo("mkstatus probe: internal error (a bug; secrets removed below):", err=True)
        click.echo(scrub_known(traceback.format_exc()), err=True, nl=False)
        sys.exit(1)


def _probe(config_file: Path, region: str) -> None:
    from mkstatus.errors import ConfigError, MkstatusError
    from mkstatus.probes.run import run_probes, scrub_known
    from mkstatus.project import load_config
    from mkstatus.samples.store import REGION_RE, append_samples

    if not REGION_RE.match(region):
        raise ConfigError(f"--region: {region!r} must match {REGION_RE.pattern}")
    project = _project(config_file)
    config = load_config(project)
    probes = [(c.id, c.probe) for c in config.components if c.probe is not None]
    if not probes:
        click.echo("No component has a `probe:` in mkdocs.yml; nothing to do.", err=True)
        return
    progress = _Progress(len(probes), sys.stderr.isatty())
    samples = run_probes(probes, region=region, environ=os.environ,
                         now=lambda: datetime.now(UTC), on_result=progress)
    progress.done()
    click.echo(scrub_known(summary_table(samples)))
    try:
        append_samples(project.samples_dir, samples)
    except OSError as exc:  # a full disk, a read-only tree, a file where a folder should be
        where = exc.filename or project.samples_dir
        raise MkstatusError(f"{where}: cannot record this run's samples: "
                            f"{exc.strerror or exc}") from None
    failed = sum(1 for s in samples if s.outcome.failed)
    click.echo(f"{len(samples)} sample(s) appended to {project.samples_dir} (region "
               f"{region}); {failed} failed.", err=True)


class _Progress:
    """One self-rewriting line on a terminal; one plain line per result in CI logs."""

    def __init__(self, total: int, tty: bool) -> None:
        self.total, self.tty, self.count = total, tty, 0

    def __call__(self, sample: Any) -> None:
        self.count += 1
        text = f"[{self.count}/{self.total}] {sample.component}: {sample.outcome.value}"
        if self.tty:
            click.echo(f"\r\x1b[2K{text}", nl=False, err=True)
        else:
            click.echo(text, err=True)

    def done(self) -> None:
        if self.tty and self.count:
            click.echo("\r\x1b[2K", nl=False, err=True)


def _printable(text: str) -> str:
    """Network text is untrusted: no escape sequences may reach the terminal."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def summary_table(samples: Sequence[Any]) -> str:
    """A fixed-width table, one row per component, in component order."""
    rows = [_TABLE_HEAD]
    for s in sorted(samples, key=lambda s: s.component):
        note = s.error or ""
        if s.cert_expires is not None:
            note = (note + "; " if note else "") + f"cert until {s.cert_expires:%Y-%m-%d}"
        rows.append((s.component, s.outcome.value,
                     "" if s.http_code is None else str(s.http_code),
                     "" if s.latency_ms is None else f"{s.latency_ms} ms", _printable(note)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(_TABLE_HEAD) - 1)]
    lines = ["  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[-1]]).rstrip()
             for r in rows]
    return "\n".join(lines)


@click.command()
@config_option
@now_option
@click.option("--older-than", "older_than", type=click.IntRange(min=1), required=True,
              metavar="DAYS", help="Compact the UTC days that ended more than DAYS days ago.")
@user_errors
def compact(config_file: Path, now: str | None, older_than: int) -> None:
    """Roll old raw samples into daily aggregates (on request only; safe to re-run).

    Each compacted day keeps its sample count, latency p50/p95 and the runs of
    consecutive same-state samples, so status, uptime and charts do not change. The
    gap that splits runs is 3 x the largest `interval_minutes` of the configured probes.
    """
    from mkstatus.mkdocs.build import build_now
    from mkstatus.probes.verdicts import max_gap_for
    from mkstatus.project import load_config
    from mkstatus.samples.compact import compact as compact_samples

    project = _project(config_file)
    config = load_config(project)
    report = compact_samples(project.samples_dir, older_than_days=older_than,
                             now=build_now(now), max_gap=max_gap_for(config))
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"Compacted {report.files_compacted} day-file(s), {report.samples_compacted} "
               f"sample(s): {report.bytes_before:,} -> {report.bytes_after:,} bytes.")
