"""`mkstatus compact`: old raw sample files become daily aggregates of runs.

Compaction runs only on request. Per component and region a day keeps its sample count,
latency p50/p95 and the runs of consecutive samples in one state (see `model.Run`),
which is everything status and uptime are computed from: no figure on the site changes.
The aggregate is written (temporary file, fsync, rename) before the raw file is removed,
under the writers' lock, and records the raw file's length and SHA-256, so a crash in
between leaves a raw copy that the next run recognises and removes.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from mkstatus.files import atomic_write
from mkstatus.locking import locked
from mkstatus.samples.model import DEFAULT_MAX_GAP, FilePart, part_records
from mkstatus.samples.read import reduce_day_file
from mkstatus.samples.store import RUNS_SUFFIX, day_files, raw_files


@dataclass(slots=True)
class CompactReport:
    """What ``compact`` did, for the CLI to print."""

    files_compacted: int = 0
    samples_compacted: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    warnings: list[str] = field(default_factory=list)


def _runs_doc(part: FilePart, max_gap: timedelta, src: bytes) -> bytes:
    comps = {rec.pop("c"): rec for rec in part_records(part)}
    for rec in comps.values():
        rec.pop("x", None)
    doc = {"v": 1, "gap_s": int(max_gap.total_seconds()), "src_len": len(src),
           "src_sha256": hashlib.sha256(src).hexdigest(), "components": comps}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), allow_nan=False).encode() + b"\n"


def _sweep_temp_files(root: Path) -> None:
    """Remove temp files a killed compaction left behind (they were never renamed)."""
    for tmp in root.glob("*/*/*/.*.tmp"):
        tmp.unlink(missing_ok=True)


def compact(
    root: Path, *, older_than_days: int, now: datetime, max_gap: timedelta = DEFAULT_MAX_GAP
) -> CompactReport:
    """Replace raw day-files older than N days by run aggregates; crash-safe.

    The aggregate is written (tempfile + fsync + rename) before the raw file is deleted, and
    records the raw file's length and hash: a crash in between leaves both, readers use the
    aggregate, and the next run deletes the raw file. ``max_gap`` must be at least 3 x the
    largest probe interval so that runs never hide a "no data" stretch.
    """
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1: today's file is still appended")
    report = CompactReport()
    _sweep_temp_files(root)
    cutoff = now.astimezone(UTC).date() - timedelta(days=older_than_days)
    for day, d in day_files(root, None):
        if day >= cutoff:
            break
        for path in raw_files(d):
            _compact_file(day, path, max_gap, report)
    return report


def _compact_file(day: date, path: Path, max_gap: timedelta, report: CompactReport) -> None:
    """Under the writers' lock, so no append can land in the file being replaced."""
    try:
        with locked(path, os.O_RDONLY):
            _compact_locked(day, path, max_gap, report)
    except FileNotFoundError:
        return  # removed while we waited for the lock: nothing left to compact


def _compact_locked(day: date, path: Path, max_gap: timedelta, report: CompactReport) -> None:
    src = path.read_bytes()
    target = path.with_name(path.stem + RUNS_SUFFIX)
    if target.exists():
        doc = json.loads(target.read_bytes())
        prefix = src[: doc["src_len"]]
        if hashlib.sha256(prefix).hexdigest() != doc["src_sha256"]:
            report.warnings.append(f"{path}: new samples for a compacted day; left as is")
            return
        if len(src) == doc["src_len"]:
            path.unlink()  # the crash case: aggregate complete, raw not yet deleted
            return
    part = reduce_day_file(day, path.stem, path, src, max_gap, report.warnings.append)
    data = _runs_doc(part, max_gap, src)
    atomic_write(target, data)
    path.unlink()
    report.files_compacted += 1
    report.samples_compacted += sum(count for _, count, _, _ in part.rows)
    report.bytes_before += len(src)
    report.bytes_after += len(data)
