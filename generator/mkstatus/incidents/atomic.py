"""Locked, atomic writes of one incident file, for `mkstatus new`, `update` and `resolve`.

The new text is written in full to a temp file beside the target, fsynced, then renamed
over it (or hard-linked to a new name, which refuses a name already taken), and the
folder is fsynced. A full disk or a read-only tree fails before the rename: the temp file
is removed and the incident file is byte-identical, so the caller can say "nothing was
written" and mean it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from mkstatus import locking
from mkstatus.files import fsync_dir


class NotRegular(OSError):
    """The path is not a regular file (a FIFO would block the open)."""


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on the regular file currently at `path` (``mkstatus.locking``).

    The open never blocks (O_NONBLOCK): a FIFO or a device is refused (NotRegular)
    instead of being waited on for ever.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    with locking.locked(path, flags) as fd:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular(0, "not a regular file", str(path))
        yield


def _temp(path: Path, data: bytes) -> str:
    """A fully written, fsynced temp file beside `path` (`.tmp`: never read as an incident)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(name)
        raise
    return name


def replace_file(path: Path, data: bytes) -> None:
    """`path` now holds `data`, or (on any OSError) still holds what it held."""
    name = _temp(path, data)
    try:
        os.chmod(name, path.stat().st_mode & 0o7777)
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        raise
    fsync_dir(path.parent)


def write_new(path: Path, data: bytes) -> bool:
    """Create `path` atomically with `data`; False if the name is taken (hard link refuses)."""
    name = _temp(path, data)
    try:
        os.chmod(name, 0o666 & ~_umask())
        os.link(name, path)
    except FileExistsError:
        return False
    finally:
        os.unlink(name)
    fsync_dir(path.parent)
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

