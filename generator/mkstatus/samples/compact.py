"""`mkstatus compact`: old raw sample files become daily aggregates of runs.

Compaction runs only on request. Per component and region a day keeps its sample count,
latency p50/p95 and the runs of consecutive samples in one state (see `samples.Run`),
which is everything status and uptime are computed from: no figure on the site changes.
The aggregate is written (temporary file, fsync, rename) before the raw file is removed,
under the writers' lock, and records the raw file's length and SHA-256, so a crash in
between leaves a raw copy that the next run recognises and removes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from mkstatus.samples.store import (
    DEFAULT_MAX_GAP,
    RUNS_SUFFIX,
    DayAggregate,
    Sample,
    day_files,
    format_time,
    loads,
    percentile,
    read_file,
    sample_runs,
    sort_unique,
)


@dataclass(slots=True)
class CompactReport:
    """What ``compact`` did, for the CLI to print."""

    files_compacted: int = 0
    samples_compacted: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    warnings: list[str] = field(default_factory=list)


def aggregate_day(day: date, samples: Sequence[Sample], max_gap: timedelta) -> list[DayAggregate]:
    """Per component/region aggregates of one day; latency of successful samples only."""
    out: list[DayAggregate] = []
    by_key: dict[tuple[str, str], list[Sample]] = {}
    for s in sort_unique(samples):
        by_key.setdefault((s.component, s.region), []).append(s)
    for (comp, region), seq in sorted(by_key.items()):
        lat = sorted(s.latency_ms for s in seq if s.latency_ms is not None and not s.outcome.failed)
        out.append(DayAggregate(day, comp, region, len(seq), percentile(lat, 0.5),
                                percentile(lat, 0.95), tuple(sample_runs(seq, max_gap=max_gap))))
    return out


def _runs_doc(aggs: list[DayAggregate], max_gap: timedelta, src: bytes) -> bytes:
    comps = {}
    for a in aggs:
        runs = []
        for r in a.runs:
            rec: dict[str, object] = {"s": format_time(r.start), "u": format_time(r.end),
                                      "st": r.state, "n": r.count}
            if r.state == "failed":
                rec["o"] = r.outcome.value
            runs.append(rec)
        comps[a.component] = {"n": a.count, "p50": a.latency_p50, "p95": a.latency_p95,
                              "runs": runs}
    doc = {"v": 1, "gap_s": int(max_gap.total_seconds()), "src_len": len(src),
           "src_sha256": hashlib.sha256(src).hexdigest(), "components": comps}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), allow_nan=False).encode() + b"\n"


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
        for path in sorted(d.glob("*.jsonl")):
            _compact_file(day, path, max_gap, report)
    return report


def _compact_file(day: date, path: Path, max_gap: timedelta, report: CompactReport) -> None:
    """Under the writers' lock, so no append can land in the file being replaced."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:
            _compact_locked(day, path, max_gap, report)
    finally:
        os.close(fd)


def _compact_locked(day: date, path: Path, max_gap: timedelta, report: CompactReport) -> None:
    src = path.read_bytes()
    target = path.with_name(path.stem + RUNS_SUFFIX)
    if target.exists():
        doc = loads(target.read_bytes())
        prefix = src[: doc["src_len"]]  # type: ignore[index]
        if hashlib.sha256(prefix).hexdigest() != doc["src_sha256"]:  # type: ignore[index]
            report.warnings.append(f"{path}: new samples for a compacted day; left as is")
            return
        if len(src) == doc["src_len"]:  # type: ignore[index]
            path.unlink()  # the crash case: aggregate complete, raw not yet deleted
            return
    samples = read_file(path, path.stem, report.warnings.append)
    data = _runs_doc(aggregate_day(day, samples, max_gap), max_gap, src)
    _atomic_write(target, data)
    path.unlink()
    report.files_compacted += 1
    report.samples_compacted += len(samples)
    report.bytes_before += len(src)
    report.bytes_after += len(data)
