"""Compacted days: reading their aggregates back, and writing them.

``compact`` reduces a day-file to ``<region>.runs.jsonl``: one record per component per line
(``model.part_records``), each with ``src``, the length and hash of the raw bytes it was
computed from. Records are written sorted, one per line, so that git's union merge of two
clones' versions is a set of whole records; readers take each record once per (``src``,
component). ``<region>.runs.json``, one JSON document per file, is the older format; it is
read as the same records.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from mkstatus.samples.model import DayAggregate, part_of, source_id
from mkstatus.samples.store import LEGACY_RUNS_SUFFIX, RUNS_SUFFIX, aggregate_file, day_files


def load_aggregates(root: Path, *, since: date | None = None, warn: Callable[[str], None]
                    ) -> list[DayAggregate]:
    """Every compacted day's aggregates, in (day, component, region) order: one per
    record (``read_records``), so a day compacted in two batches (samples that arrived
    after its first compaction) has two per component, whose runs ``merge_runs`` joins
    and whose latency ``uptime.daily_latency`` weighs by their counts."""
    out: list[DayAggregate] = []
    for day, d in day_files(root, since):
        regions = {p.name[: -len(suffix)] for suffix in (RUNS_SUFFIX, LEGACY_RUNS_SUFFIX)
                   for p in d.glob(f"*{suffix}") if not p.name.startswith(".")}
        for region in sorted(regions):
            path = aggregate_file(d, region)
            if path is None:
                continue
            for record in read_records(path, warn):
                try:
                    part = part_of([record], region)
                except (ValueError, KeyError, TypeError, AttributeError) as e:
                    warn(f"{path}: skipped an unreadable aggregate of {record.get('c')!r} "
                         f"({type(e).__name__}: {e})")
                    continue
                out += [DayAggregate(day, comp, region, count, p50, p95, tuple(part.runs))
                        for comp, count, p50, p95 in part.rows]
    return sorted(out, key=lambda a: (a.day, a.component, a.region))


def read_records(path: Path, warn: Callable[[str], None]) -> list[dict[str, Any]]:
    """The aggregate records of one compacted (day, region), in a stable order.

    ``<region>.runs.jsonl`` holds one record per line (``model.part_records``, with
    ``src``, the length and hash of the raw bytes it was computed from). Git's union
    merge of two clones' versions may repeat or interleave lines: records are read in
    sorted order and, of those with the same ``src`` and component (the same samples
    described twice), the first is kept. An older ``<region>.runs.json`` is converted.
    """
    if path.name.endswith(LEGACY_RUNS_SUFFIX):
        return legacy_records(path, warn)
    found: dict[tuple[object, object], dict[str, Any]] = {}
    lines = sorted(set(path.read_bytes().splitlines()))
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            key = (record.get("src"), record["c"])
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            warn(f"{path}: skipped an unreadable aggregate line ({type(e).__name__}: {e})")
            continue
        found.setdefault(key, record)
    return list(found.values())


def legacy_records(path: Path, warn: Callable[[str], None]) -> list[dict[str, Any]]:
    """An older ``<region>.runs.json`` (one JSON document) as ``read_records`` gives
    records, its source's length and SHA-256 as their ``src``."""
    try:
        doc = json.loads(path.read_bytes())
        src = source_id(doc["src_len"], doc["src_sha256"])
        return [{"c": comp, **c, "src": src} for comp, c in sorted(doc["components"].items())]
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        warn(f"{path}:1: unreadable aggregate ({type(e).__name__}: {e})")
        return []


def record_lines(records: Iterable[dict[str, Any]]) -> bytes:
    """The content of a ``<region>.runs.jsonl``: each distinct record once, sorted."""
    return b"".join(sorted({json.dumps(r, sort_keys=True, separators=(",", ":"),
                                       allow_nan=False, ensure_ascii=False).encode() + b"\n"
                            for r in records}))
