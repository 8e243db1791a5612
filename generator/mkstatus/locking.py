"""Exclusive file locks between processes: the POSIX implementation, a clear error elsewhere.

Appending samples, compacting them, editing an incident and swapping the built site each
hold an exclusive ``flock`` while they work. ``fcntl`` exists only on POSIX systems (Linux,
macOS, the BSDs): this module is the only one that imports it, and only when a lock is
taken, so importing mkstatus (a plain ``mkdocs build``, ``mkstatus --help``) works
everywhere, and a command that needs a lock says so instead of failing with a traceback.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from mkstatus.errors import MkstatusError


class LockingUnsupported(MkstatusError):
    """This system has no POSIX file locks, which the command needs."""


def lock(fd: int, what: Path | str) -> None:
    """Wait for an exclusive lock on the open file ``fd`` (released when it is closed)."""
    try:
        import fcntl
    except ImportError:
        raise LockingUnsupported(
            f"{what}: mkstatus needs POSIX file locking (fcntl) to change this file safely "
            "while other processes may write it; run this command on Linux or macOS "
            "(on Windows, in WSL)") from None
    fcntl.flock(fd, fcntl.LOCK_EX)


@contextlib.contextmanager
def locked(path: Path, flags: int, mode: int = 0o644) -> Iterator[int]:
    """An fd opened with ``flags`` on the file *currently* at ``path``, under its lock.

    Another process may unlink the file, or replace it with a new inode (an atomic
    rename), while we wait for the lock; what we then hold is no longer the file at
    ``path``, so we let go and lock the one that is. Without ``os.O_CREAT`` in ``flags``
    a file that is gone raises FileNotFoundError.
    """
    while True:
        fd = os.open(path, flags, mode)
        try:
            lock(fd, path)
            if _still_at(fd, path):
                yield fd
                return
        finally:
            os.close(fd)


def _still_at(fd: int, path: Path) -> bool:
    held = os.fstat(fd)
    try:
        current = os.stat(path)
    except FileNotFoundError:
        return False
    return held.st_nlink > 0 and (held.st_dev, held.st_ino) == (current.st_dev, current.st_ino)
