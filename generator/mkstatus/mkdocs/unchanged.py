"""An output file the previous build wrote byte for byte the same is a hard link to it.

Adapter code. `mkstatus build` and `serve` build into a staging folder beside the
published one and swap it in (``build``), so every build creates every file anew. Creating
a file costs the kernel far more than linking one: on this project's CI machine class,
writing 400 small files took 0.3-0.9 ms of system time each, linking them 0.03 ms, and a
100-incident site is 389 files, most of them the same as the last build's (theme assets,
settled incidents, badges). So while MkDocs builds, ``reusing`` routes its two writers
(``mkdocs.utils.write_file`` for pages, ``mkdocs.utils.copy_file`` for theme and docs
files) and our generated files (``GeneratedFile``) through ``Writer``: where the previous
build's file at the same path holds exactly the bytes to write, the new file is a hard
link to it, else it is written as before.

What it keeps safe: the bytes are compared, never assumed (a file edited by hand in the
published folder is written anew); only regular files are linked, never through a
symbolic link; the published folder is only read; the link survives the swap that
removes the old folder, so no two published sites ever share a file; where linking is
refused (another filesystem, a filesystem without hard links), the file is written. A
linked file keeps its modification time, so `aws s3 sync` and rsync skip it too.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, InclusionLevel

# The active writer while a `reusing` block runs (one build at a time per process).
_ACTIVE: list[Writer] = []


class Writer:
    """Writes files under ``staging``, linking those equal to their twin under
    ``previous``."""

    def __init__(self, staging: Path, previous: Path) -> None:
        self.staging = os.fspath(staging)
        self.previous = os.fspath(previous)

    def _twin(self, output_path: str) -> str | None:
        rel = os.path.relpath(output_path, self.staging)
        if rel.startswith(os.pardir) or os.path.isabs(rel):
            return None
        return os.path.join(self.previous, rel)

    def write(self, content: bytes, output_path: str) -> None:
        """``mkdocs.utils.write_file``'s contract: parents made, ``content`` written."""
        os.makedirs(os.path.dirname(output_path), exist_ok=True)
        twin = self._twin(output_path)
        if twin is not None and _holds(twin, content) and _link(twin, output_path):
            return
        try:
            with open(output_path, "wb") as handle:
                handle.write(content)
        except OSError as exc:  # a full disk fails the write, which names no file
            raise OSError(exc.errno, exc.strerror, exc.filename or output_path) from None

    def copy(self, source_path: str, output_path: str) -> None:
        """``mkdocs.utils.copy_file``'s contract (``output_path`` may be a folder)."""
        os.makedirs(os.path.dirname(output_path), exist_ok=True)
        if os.path.isdir(output_path):
            output_path = os.path.join(output_path, os.path.basename(source_path))
        with open(source_path, "rb") as handle:
            self.write(handle.read(), output_path)


def _holds(path: str, content: bytes) -> bool:
    """``path`` is a regular file (not reached through a symbolic link) of exactly
    ``content``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(content):
            return False
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read() == content
    finally:
        os.close(fd)


def _link(twin: str, output_path: str) -> bool:
    try:
        os.link(twin, output_path, follow_symlinks=False)
    except OSError:  # another filesystem, no hard links, a file in the way: write it
        return False
    return True


@contextlib.contextmanager
def reusing(staging: Path, previous: Path | None) -> Iterator[None]:
    """While the block runs, MkDocs' writers and ``GeneratedFile`` link unchanged files
    of ``previous`` into ``staging``; without a ``previous`` folder, nothing changes."""
    if previous is None or not previous.is_dir():
        yield
        return
    from mkdocs import utils

    writer = Writer(staging, previous)
    saved = utils.write_file, utils.copy_file
    utils.write_file, utils.copy_file = writer.write, writer.copy  # type: ignore[assignment]
    _ACTIVE.append(writer)
    try:
        yield
    finally:
        _ACTIVE.remove(writer)
        utils.write_file, utils.copy_file = saved  # type: ignore[assignment]


class GeneratedFile(File):
    """A file mkstatus made in memory: written through the active ``Writer``, if any
    (MkDocs writes a generated file's content with ``open`` itself, not through
    ``mkdocs.utils``), and let go of once written: from then on the file is its own
    source. MkDocs writes these files before the pages, and keeps every ``File`` to the
    end: at 10,000 incidents, the API's JSON and the feeds held through the pages were
    15 MB of the build's peak memory. A ``deferred`` file (a feed the render store has)
    is not even read until it is written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set on every such file, in this order, so all share one layout (see
        # ``plugin.FinishedPage``): a page's ``GeneratedPage`` and sidebar key.
        self.make_later: Callable[[], bytes] | None = None
        self.finished: Any = None
        self.sidebar_key: Any = None

    @classmethod
    def deferred(cls, config: Any, src_uri: str, make: Callable[[], bytes],
                 inclusion: InclusionLevel) -> GeneratedFile:
        """A file whose bytes ``make`` gives when it is written (or read before)."""
        file = cls.generated(config, src_uri, content=b"", inclusion=inclusion)
        assert isinstance(file, GeneratedFile)
        file.make_later = make
        return file

    @property
    def content_bytes(self) -> bytes:
        if self.make_later is not None:
            return self.make_later()
        return super().content_bytes

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self.make_later = None
        File.content_bytes.fset(self, value)  # type: ignore[attr-defined]

    @property
    def content_string(self) -> str:
        if self.make_later is not None:
            return self.make_later().decode("utf-8-sig", errors="strict")
        return super().content_string

    @content_string.setter
    def content_string(self, value: str) -> None:
        self.make_later = None
        File.content_string.fset(self, value)  # type: ignore[attr-defined]

    def copy_file(self, dirty: bool = False) -> None:
        if self.make_later is not None:
            self._content, self.make_later = self.make_later(), None
        content: Any = self._content
        if content is None:
            super().copy_file(dirty)
            return
        if _ACTIVE:
            data = content.encode("utf-8") if isinstance(content, str) else content
            _ACTIVE[-1].write(data, self.abs_dest_path)
        else:
            super().copy_file(dirty)
        if not self.is_documentation_page():
            self._content, self.abs_src_path = None, self.abs_dest_path
