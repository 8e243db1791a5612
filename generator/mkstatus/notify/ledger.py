"""What each destination was told: an append-only JSON Lines file per destination.

``.mkstatus/notified/<key>.jsonl`` lives in the site's repository and is committed by the
CI job, with ``merge=union`` in ``.gitattributes``: two clones that both appended keep
both sides' lines, and a line that arrives twice means nothing more (readers take the set
of ids). The key is the destination's scheme and a hash of its URL *template*, with its
``${VARS}`` unexpanded, so no secret reaches the file name and a rotated token keeps its
history.

A line is written, and fsynced, right after each successful send, so a run killed at any
moment repeats at most the one message that was in flight. A kill can also leave half a
line: readers skip it, and the next append starts on a fresh line.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from mkstatus.files import fsync_dir
from mkstatus.model import Destination

LEDGER_DIR = Path(".mkstatus") / "notified"
log = logging.getLogger(__name__)


def destination_key(template: str, kind: str) -> str:
    """`<kind>-<16 hex of the SHA-256 of the template>`; kind is a literal URL scheme."""
    digest = hashlib.sha256(template.encode()).hexdigest()[:16]
    return f"{re.sub(r'[^a-z0-9]+', '-', kind.lower()).strip('-') or 'url'}-{digest}"


def key_of(destination: Destination) -> str:
    kind = "webhook" if destination.webhook else destination.url.split("://", 1)[0]
    return destination_key(destination.url, kind)


class Ledger:
    """One destination's file; `record` appends whole lines under an exclusive lock."""

    def __init__(self, root: Path, key: str) -> None:
        self.path = root / LEDGER_DIR / f"{key}.jsonl"

    def exists(self) -> bool:
        return self.path.is_file()

    def ids(self) -> set[str]:
        """Every id the file holds, whatever its outcome (sent, baseline or filtered)."""
        if not self.path.is_file():
            return set()
        out = set()
        for number, line in enumerate(self.path.read_bytes().splitlines(), 1):
            try:
                out.add(str(json.loads(line)["id"]))
            except (ValueError, KeyError, TypeError):
                log.warning("%s:%d: skipped an unreadable line (a run killed mid-write?)",
                            self.path, number)
        return out

    def start(self) -> None:
        """Create the file, empty, so the next run is no longer a first run."""
        if not self.path.exists():
            self.record([])

    def record(self, lines: Iterable[dict[str, str]]) -> None:
        data = b"".join(json.dumps(line, sort_keys=True, ensure_ascii=False).encode()
                        + b"\n" for line in lines)
        created = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path) as fd:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data  # a killed run left half a line: start afresh
            os.write(fd, data)
            os.fsync(fd)
        if created:
            fsync_dir(self.path.parent)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[int]:
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)

