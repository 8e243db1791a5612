"""`mkstatus compact`: old raw sample files become daily aggregates of runs.

Compaction runs only on request, on the UTC days that ended more than ``older_than_days``
(at least 1) ago, which no probe run appends to any more. Per component and region a day
keeps its sample count, latency p50/p95, latest certificate and the runs of consecutive
samples in one state (see `model.Run`): everything status and uptime are computed from,
so no figure on the site changes.

Everything under ``samples/`` must survive git's union merge of two clones' changes
(``samples/** merge=union``), so compaction never deletes a file another clone may
still append to:

- the aggregates go to ``<region>.runs.jsonl``, one record per component per line, each
  naming the raw bytes it was computed from (``src``: their length and hash). Two clones
  that compact the same day write the same lines, or different lines that the union
  keeps side by side; readers deduplicate them (``aggregates.read_records``).
- the raw file is emptied, not deleted, under the writers' lock. A clone that appended to
  it meanwhile merges cleanly (git cannot merge an append into a deleted file: the rebase
  would stop on a modify/delete conflict), and the merged file holds the compacted lines
  followed by the new ones; a raw file that receives lines after compaction (a runner
  that pushes late) keeps them.
- the next ``compact`` merges such lines: when the raw file starts with the bytes a
  record was computed from, the day is computed again from the whole file and replaces
  those records; otherwise its lines are new samples, compacted as a further batch.

The aggregates are written (temporary file, fsync, rename) before the raw file is
emptied, so a crash in between leaves raw bytes that a record already names: the next
run recognises them and only empties the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from mkstatus.files import atomic_write
from mkstatus.locking import locked
from mkstatus.samples.aggregates import read_records, record_lines
from mkstatus.samples.model import DEFAULT_MAX_GAP, part_records, src_id
from mkstatus.samples.read import reduce_day_file
from mkstatus.samples.store import (
    LEGACY_RUNS_SUFFIX,
    RUNS_SUFFIX,
    aggregate_file,
    day_files,
    raw_files,
)


@dataclass(slots=True)
class CompactReport:
    """What ``compact`` did, for the CLI to print."""

    files_compacted: int = 0
    samples_compacted: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    warnings: list[str] = field(default_factory=list)


def compact(
    root: Path, *, older_than_days: int, now: datetime, max_gap: timedelta = DEFAULT_MAX_GAP
) -> CompactReport:
    """Compact the raw day-files of days that ended more than N days ago; crash-safe and
    safe to re-run. ``max_gap`` must be at least 3 x the largest probe interval so that
    runs never hide a "no data" stretch."""
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1: today's file is still appended")
    report = CompactReport()
    _sweep_temp_files(root)
    cutoff = now.astimezone(UTC).date() - timedelta(days=older_than_days)
    for day, d in day_files(root, None):
        if day >= cutoff:
            break
        for path in raw_files(d):
            if path.stat().st_size:  # an empty file: compacted, nothing new since
                _compact_file(day, path, max_gap, report)
    return report


def _sweep_temp_files(root: Path) -> None:
    """Remove temp files a killed compaction left behind (they were never renamed)."""
    for tmp in root.glob("*/*/*/.*.tmp"):
        tmp.unlink(missing_ok=True)


def _compact_file(day: date, path: Path, max_gap: timedelta, report: CompactReport) -> None:
    """Under the writers' lock, so no append lands in the file while it is compacted."""
    try:
        with locked(path, os.O_RDWR) as fd:
            src = _read_all(fd)
            if src:
                _compact_locked(day, path, src, max_gap, report)
                os.ftruncate(fd, 0)
                os.fsync(fd)
    except FileNotFoundError:
        return  # removed while we waited for the lock: nothing left to compact


def _compact_locked(day: date, path: Path, src: bytes, max_gap: timedelta,
                    report: CompactReport) -> None:
    """Write the aggregates that cover ``src``, the raw file's bytes."""
    region = path.stem
    existing = aggregate_file(path.parent, region)
    records = [] if existing is None else read_records(existing, report.warnings.append)
    sources = {r.get("src") for r in records}
    if src_id(src) in sources:
        return  # compacted already (a crash before the file was emptied)
    # The records this file's bytes extend are computed again, from the whole file.
    replaced = {s for s in sources if _extends(src, s)}
    part = reduce_day_file(day, region, path, src, max_gap, report.warnings.append)
    batch = [{**r, "src": src_id(src)} for r in part_records(part)]
    kept = [r for r in records if r.get("src") not in replaced]
    target = path.with_name(region + RUNS_SUFFIX)
    before = target.stat().st_size if target.exists() else 0
    data = record_lines(kept + batch)
    atomic_write(target, data)
    if existing is not None and existing.name.endswith(LEGACY_RUNS_SUFFIX):
        existing.unlink()  # converted: its records are in the new file
    report.files_compacted += 1
    report.samples_compacted += sum(count for _, count, _, _ in part.rows)
    report.bytes_before += len(src)
    report.bytes_after += len(data) - before


def _extends(src: bytes, source: object) -> bool:
    """Whether ``src`` starts with (and is longer than) the bytes ``source`` names."""
    if not isinstance(source, str) or ":" not in source:
        return False
    length = source.split(":", 1)[0]
    return length.isdigit() and int(length) < len(src) and src_id(src[: int(length)]) == source


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)
