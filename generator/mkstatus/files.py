"""What every stage does with files: write one atomically, make a folder's entries durable,
and name a file to a user."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` whole or not at all: a temporary file beside it
    (``.<name>.*.tmp``, so readers and globs of the real names skip it), fsync, rename."""
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


def fsync_dir(directory: Path) -> None:
    """Make the folder's entries (a rename, a new name) durable, as fsync does a file's data."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def shown(path: Path | str, root: Path | None = None) -> str:
    """``path`` as messages show it: relative to ``root`` (default: the working folder)
    with ``/`` separators, else as given."""
    path = Path(path)
    base = Path.cwd() if root is None else root
    for inner, outer in ((path, base), (path.resolve(), base.resolve())):
        try:
            return inner.relative_to(outer).as_posix()
        except ValueError:
            pass
    return path.as_posix()
