"""The sample store: where day-files live, and the locked append that writes them.

Layout: ``samples/YYYY/MM/DD/<region>.jsonl``, one file per (UTC day, region), one line per
sample (``model.sample_line``). Once the day is compacted, ``<region>.runs.jsonl`` beside
it holds the day's aggregates and the raw file stays, empty (see ``samples.compact``);
``<region>.runs.json``, one JSON document, is the older aggregate format, still read.

Why JSON Lines with one ``write`` per line under ``flock``: concurrent writers of one region
never interleave, a crash can only tear the last line (readers skip it with a warning, the
next append starts on a fresh line), and ``merge=union`` lets git merge two clones'
appends line by line. Readers sort and drop duplicates, so union merges are harmless.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, date
from pathlib import Path

from mkstatus.errors import ConfigError
from mkstatus.locking import locked
from mkstatus.samples.model import Sample, sample_line

REGION_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
RAW_SUFFIX = ".jsonl"
RUNS_SUFFIX = ".runs.jsonl"
LEGACY_RUNS_SUFFIX = ".runs.json"
_DAY_DIR_RE = (re.compile(r"^\d{4}$"), re.compile(r"^\d{2}$"), re.compile(r"^\d{2}$"))


def day_dir(root: Path, day: date) -> Path:
    return root / f"{day.year:04d}" / f"{day.month:02d}" / f"{day.day:02d}"


def day_files(root: Path, since: date | None) -> Iterator[tuple[date, Path]]:
    """Day directories in date order, skipping days before ``since`` by name only."""
    def subdirs(p: Path, pattern: re.Pattern[str]) -> list[Path]:
        try:
            return sorted(e for e in p.iterdir() if e.is_dir() and pattern.match(e.name))
        except FileNotFoundError:
            return []

    for y in subdirs(root, _DAY_DIR_RE[0]):
        if since and int(y.name) < since.year:
            continue
        for m in subdirs(y, _DAY_DIR_RE[1]):
            for d in subdirs(m, _DAY_DIR_RE[2]):
                try:
                    day = date(int(y.name), int(m.name), int(d.name))
                except ValueError:
                    continue
                if since is None or day >= since:
                    yield day, d


def raw_files(directory: Path) -> list[Path]:
    """A day directory's raw sample files (``<region>.jsonl``), in region order."""
    return sorted(p for p in directory.glob(f"*{RAW_SUFFIX}")
                  if not p.name.endswith(RUNS_SUFFIX))


def aggregate_file(directory: Path, region: str) -> Path | None:
    """The region's aggregates of that day, if it was compacted: ``<region>.runs.jsonl``,
    else the older ``<region>.runs.json``."""
    for suffix in (RUNS_SUFFIX, LEGACY_RUNS_SUFFIX):
        path = directory / f"{region}{suffix}"
        if path.exists():
            return path
    return None


def check_region(region: str) -> None:
    # The region becomes a file name: refuse anything that could leave samples/.
    if not REGION_RE.match(region):
        raise ConfigError(f"region {region!r} must match {REGION_RE.pattern}")


def append_samples(root: Path, samples: Sequence[Sample]) -> None:
    """Append samples to their (UTC day, region) files; safe across processes."""
    groups: dict[Path, list[bytes]] = {}
    for s in samples:
        check_region(s.region)
        path = day_dir(root, s.time.astimezone(UTC).date()) / f"{s.region}{RAW_SUFFIX}"
        groups.setdefault(path, []).append(sample_line(s))
    for path, lines in sorted(groups.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        _append_lines(path, lines)


def _append_lines(path: Path, lines: list[bytes]) -> None:
    """One ``os.write`` per line on an O_APPEND fd, under the file's lock: ``compact``
    takes the same lock, so no append lands in a file while it is being compacted."""
    with locked(path, os.O_RDWR | os.O_APPEND | os.O_CREAT) as fd:
        size = os.fstat(fd).st_size
        # A crash mid-append left a torn line: isolate it so it is the only line lost.
        if size and os.pread(fd, 1, size - 1) != b"\n":
            lines = [b"\n" + lines[0], *lines[1:]]
        for line in lines:
            _write_all(fd, line)
        os.fsync(fd)


def _write_all(fd: int, data: bytes) -> None:
    written = os.write(fd, data)
    while written < len(data):  # regular files write fully; be correct anyway
        written += os.write(fd, data[written:])
