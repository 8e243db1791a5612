"""A derived cache of what each raw day-file of samples reduces to, kept between builds.

A build reads the last ~92 days of samples, and all but today's file are unchanged since
the previous build: re-parsing them is most of the sample cost (a year of 5-minute samples
for 20 components is 2.1 million lines). ``summarize_samples`` reduces a day-file to a
``FilePart`` — its runs, one latency row per component and its latest certificate per
component — and this module keeps those parts in one JSON file (as rows of integers,
``encode_part``: times in µs, states and outcomes as codes, so that reading a year back
parses no time text), by default
``.mkstatus-cache/samples.json`` next to ``mkdocs.yml`` (never committed; ``mkstatus
init`` ignores it in git; ``$MKSTATUS_CACHE_DIR`` moves it, ``off`` disables it).

An entry is used only when it provably describes the file's current bytes:

- the same size and modification time (nanoseconds) as when it was stored, unless that
  time was within ``_RACY_NS`` of the moment it was stored: a file written again in the
  same clock tick could keep both (git's "racily clean" problem), so such an entry is
  checked by content instead;
- otherwise the same size and the same BLAKE2b digest of the bytes (a fresh ``git clone``
  or a CI cache restore changes every modification time, not the content).

The whole cache is dropped when the mkstatus version, the cache format or the run gap
(``max_gap``, which shapes runs) differs. Only files whose whole UTC day lies inside the
requested window are cached, and never a file that needed a warning (torn or invalid
lines): those are read every time, so their warnings are printed every time. The cache is
written atomically (temporary file, rename); a cache that cannot be read or written is
ignored — it is derived data, and the samples stay the only record.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from mkstatus import __version__
from mkstatus.derived import cache_dir
from mkstatus.files import atomic_write
from mkstatus.samples.model import FilePart, Run, from_us, to_us
from mkstatus.samples.reduce import OUTCOME_CODES, STATE_NAMES

# 2: parts as ``model.part_records`` (the format of compacted days, with time text);
# 3: parts as ``encode_part``'s integer rows
FORMAT = 3
_RACY_NS = 2_000_000_000


def cache_file(project_root: Path) -> Path | None:
    """Where a site's sample cache lives, or None when ``$MKSTATUS_CACHE_DIR=off``."""
    base = cache_dir(project_root)
    return None if base is None else base / "samples.json"


class SampleCache:
    """The entries of one cache file, for samples under ``root``, read with ``gap_us``."""

    def __init__(self, path: Path, root: Path, gap_us: int) -> None:
        self.path = path
        self.root = root
        self.gap_us = gap_us
        self.entries: dict[str, dict[str, Any]] = {}
        self.changed = False
        try:
            doc = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return
        if (isinstance(doc, dict) and doc.get("format") == FORMAT
                and doc.get("mkstatus") == __version__ and doc.get("gap_us") == gap_us
                and isinstance(doc.get("files"), dict)):
            self.entries = doc["files"]

    def _key(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def get(self, path: Path) -> FilePart | None:
        """The part stored for ``path`` if it describes the file's current bytes."""
        entry = self.entries.get(self._key(path))
        if not isinstance(entry, dict):
            return None
        try:
            st = path.stat()
            if entry["size"] != st.st_size:
                return None
            if entry["mtime_ns"] != st.st_mtime_ns:
                if entry["blake2b"] != file_digest(path.read_bytes()):
                    return None
                entry["mtime_ns"] = _trusted_mtime(st.st_mtime_ns)
                self.changed = True
            part = decode_part(entry["part"], path.stem)
        except (OSError, KeyError, TypeError, ValueError, IndexError, OverflowError):
            return None
        return part

    def put(self, path: Path, size: int, mtime_ns: int, digest: str, part: FilePart) -> None:
        """Store the part of the bytes read from ``path``: their size and
        ``file_digest``, and the file's modification time before they were read."""
        self.entries[self._key(path)] = {
            "size": size, "mtime_ns": _trusted_mtime(mtime_ns), "blake2b": digest,
            "part": encode_part(part)}
        self.changed = True

    def save(self) -> None:
        """Write the cache if anything changed, dropping entries of files now gone
        (compacted or deleted). Failures are ignored: the cache is only derived data."""
        if not self.changed:
            return
        files = {k: v for k, v in sorted(self.entries.items()) if (self.root / k).is_file()}
        doc = {"format": FORMAT, "mkstatus": __version__, "gap_us": self.gap_us,
               "files": files}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(doc, separators=(",", ":")).encode())
        except OSError:
            return
        self.changed = False


def file_digest(data: bytes) -> str:
    """What the cache compares when modification times differ."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _trusted_mtime(mtime_ns: int) -> int | None:
    """The modification time to compare later, or None (compare content) when the file
    changed so recently that another write in the same clock tick could go unseen."""
    return None if time.time_ns() - mtime_ns < _RACY_NS else mtime_ns


_STATES = dict(enumerate(STATE_NAMES))
_STATE_CODES = {state: code for code, state in _STATES.items()}
_OUTCOMES = dict(enumerate(OUTCOME_CODES))
_OUTCOME_CODES = {outcome: code for code, outcome in _OUTCOMES.items()}
_RUN = 5  # integers per run: first and last sample (µs), state, count, outcome


def encode_part(part: FilePart) -> list[list[Any]]:
    """A ``FilePart`` as one row per component, in component order (as
    ``model.part_records`` orders them)::

        [component, count, p50, p95, certificate seen (µs) or null, its expiry (µs) or
         null, [first, last, state, count, outcome, first, last, ...]]

    with each run's times in µs since the epoch and its state and outcome as codes (their
    places in ``reduce.STATE_NAMES`` and ``reduce.OUTCOME_CODES``)."""
    runs: dict[str, list[int]] = {}
    for r in part.runs:
        runs.setdefault(r.component, []).extend((
            to_us(r.start), to_us(r.end), _STATE_CODES[r.state], r.count,
            _OUTCOME_CODES[r.outcome]))
    rows = []
    for comp, count, p50, p95 in sorted(part.rows):
        seen, expires = part.certs.get(comp, (None, None))
        rows.append([comp, count, p50, p95, seen,
                     None if expires is None else to_us(expires), runs.get(comp, [])])
    return rows


def decode_part(rows: list[Any], region: str) -> FilePart:
    """``encode_part``'s rows read back, the runs of ``region``: the part the day-file
    was reduced to. Raises KeyError, TypeError or ValueError on anything else (a
    damaged cache is a cache miss)."""
    part = FilePart()
    for comp, count, p50, p95, seen, expires, flat in rows:
        if type(comp) is not str or type(flat) is not list or len(flat) % _RUN:
            raise TypeError("not a cached part")
        if not {type(v) for v in (count, *flat)} <= {int} or count < 1 or (
                flat and min(flat[3::_RUN]) < 1):
            raise ValueError("counts and times must be integers, counts positive")
        if not all(v is None or type(v) is int for v in (p50, p95, seen, expires)):
            raise TypeError("percentiles and certificate times must be integers or null")
        if (seen is None) != (expires is None):
            raise ValueError("a certificate needs both times")
        part.runs += [Run(comp, region, _STATES[flat[i + 2]], from_us(flat[i]),
                          from_us(flat[i + 1]), flat[i + 3], _OUTCOMES[flat[i + 4]])
                      for i in range(0, len(flat), _RUN)]
        part.rows.append((comp, count, p50, p95))
        if seen is not None and expires is not None:
            part.certs[comp] = (seen, from_us(expires))
    return part
