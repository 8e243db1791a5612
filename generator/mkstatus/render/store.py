"""Finished output kept on disk from one build for the next: the render store.

The scheduled job rebuilds a site every few minutes, and almost everything it renders is
what it rendered last time: a resolved incident's page, a feed nobody has added to. Each
such output is kept in ``<cache>/render/<versions>.sqlite`` (``derived.cache_dir``) under
a key that is a hash of everything it is made of: the value it renders (an incident's
``View``, a feed's entries), the site's settings (``site_key``) and the code and
templates that render it (``CODE``). A changed input is a new key, never a stale hit.

It is derived data, like the rest of the cache folder: a missing, locked, torn or foreign
file costs a render, never a build. Each value carries a checksum of its key and bytes,
so a page torn by a crash (writes are not synced: nothing here is worth a flush) is
rendered again instead of served. Entries the last full build did not use are dropped,
so the file stays one site's worth.

Pages read from the store are read again when MkDocs writes them (``GeneratedPage``), so
a build holds one page body at a time, not ten thousand.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sqlite3
import sys
from collections.abc import Callable
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

from mkstatus import __version__

DIGEST = 16


def digest(*parts: bytes | str) -> bytes:
    """A key from its parts (each length-prefixed, so parts cannot run into each other)."""
    h = hashlib.blake2b(digest_size=DIGEST)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


def _code_stamp() -> str:
    """What rendering depends on besides its inputs: our package's files (templates,
    catalogs, code; their sizes and times, so an edited checkout is new code) and the
    versions of the libraries that turn text into HTML and feeds."""
    root = Path(__file__).resolve().parent.parent
    stamps = []
    for folder, _dirs, names in sorted(os.walk(root)):
        if "__pycache__" in folder:
            continue
        for name in sorted(names):
            if name.endswith((".py", ".j2", ".html", ".mo", ".css", ".json", ".js")):
                try:
                    st = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                stamps.append(f"{folder[len(str(root)):]}/{name}:{st.st_size}:{st.st_mtime_ns}")
    versions = []
    for dist in ("markdown", "pymdown-extensions", "nh3", "jinja2", "markupsafe", "feedgen",
                 "lxml", "babel", "mkdocs", "mkdocs-material"):
        try:
            versions.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist}=-")
    return digest(__version__, sys.version, *versions, *stamps).hex()


_CODE: str | None = None


def code_key() -> str:
    """``_code_stamp``, worked out once per process."""
    global _CODE
    if _CODE is None:
        _CODE = _code_stamp()
    return _CODE


class RenderStore:
    """Values by key in one SQLite file; or nothing kept, where ``path`` is None."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._broken = path is None
        self._pending: list[tuple[bytes, bytes]] = []
        self._keys: set[bytes] | None = None
        self.used: set[bytes] = set()
        self.hits = self.misses = 0

    @classmethod
    def for_site(cls, cache: Path | None) -> RenderStore:
        """The store of a site whose cache folder is ``cache`` (None: no store)."""
        return cls(None if cache is None else cache / "render" / f"{code_key()[:16]}.sqlite")

    def begin(self) -> RenderStore:
        """A new build (with its language trees) starts: nothing used by it yet."""
        self.used, self._keys = set(), None
        self.hits = self.misses = 0
        return self

    @property
    def enabled(self) -> bool:
        return not self._broken

    def _connect(self) -> sqlite3.Connection | None:
        """The connection of this process: a forked worker opens its own."""
        if self._broken:
            return None
        if self._db is not None and self._pid == os.getpid():
            return self._db
        assert self.path is not None
        try:
            fresh = not self.path.parent.is_dir()
            if fresh:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                for old in self.path.parent.iterdir():  # other code versions' stores
                    if not old.name.startswith(self.path.name):
                        old.unlink(missing_ok=True)
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                                 check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")
            db.execute("CREATE TABLE IF NOT EXISTS kept (key BLOB PRIMARY KEY, value BLOB)")
        except (OSError, sqlite3.Error):
            self._break()
            return None
        self._db, self._pid = db, os.getpid()
        return db

    def _break(self) -> None:
        """Keep nothing more this build; a file that cannot be read is started again by
        the next one."""
        self._broken = True
        if self.path is not None and self._pid in (0, os.getpid()):
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.unlink(f"{self.path}{suffix}")
        return None

    def has(self, key: bytes) -> bool:
        """Whether ``key`` is kept (its value is checked when it is read)."""
        if self._keys is None:
            db = self._connect()
            if db is None:
                return False
            try:
                self._keys = {bytes(k) for (k,) in db.execute("SELECT key FROM kept")}
            except sqlite3.Error:
                self._break()
                return False
        if key in self._keys:
            self.used.add(key)
            return True
        return False

    def get(self, key: bytes) -> bytes | None:
        """The value kept under ``key``, or None (never a torn one)."""
        db = self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT value FROM kept WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            self._break()
            return None
        if row is None:
            self.misses += 1
            return None
        value = bytes(row[0])
        if value[:DIGEST] != digest(key, value[DIGEST:]):
            self.misses += 1
            return None
        self.hits += 1
        self.used.add(key)
        return value[DIGEST:]

    def put(self, key: bytes, value: bytes | str) -> None:
        """Keep ``value`` (written with the next ``flush``)."""
        if self._broken:
            return
        data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
        self._pending.append((key, digest(key, data) + data))
        self.used.add(key)
        if self._keys is not None:
            self._keys.add(key)
        if len(self._pending) >= 200:
            self.flush()

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        db = self._connect()
        if db is None or not pending:
            return
        try:
            db.execute("BEGIN")
            db.executemany("INSERT OR REPLACE INTO kept (key, value) VALUES (?, ?)", pending)
            db.execute("COMMIT")
        except sqlite3.Error:
            self._break()

    def prune(self) -> None:
        """After a full build: drop what it did not use, once that is most of the file."""
        db = self._connect()
        if db is None:
            return
        self.flush()
        try:
            (count,) = db.execute("SELECT count(*) FROM kept").fetchone()
            if count <= 2 * len(self.used) + 100:
                return
            db.execute("BEGIN")
            db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key BLOB PRIMARY KEY)")
            db.execute("DELETE FROM used")
            db.executemany("INSERT OR IGNORE INTO used (key) VALUES (?)",
                           ((k,) for k in self.used))
            db.execute("DELETE FROM kept WHERE key NOT IN (SELECT key FROM used)")
            db.execute("COMMIT")
        except sqlite3.Error:
            self._break()

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            try:
                self.flush()
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None


def site_key(*parts: Any) -> bytes:
    """The part of every key that is the site's: its settings and our code."""
    return digest(code_key(), *(repr(p) for p in parts))


class Later:
    """A file's content made when it is written, not when the build starts: a build
    that held every feed it took from the store until MkDocs wrote them held 7 MB more
    at 10,000 incidents. Calling it gives the bytes."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], bytes]) -> None:
        self.make = make

    def __call__(self) -> bytes:
        return self.make()


def files_kept(store: RenderStore | None, key: bytes,
               make: Callable[[], list[tuple[str, Any]]],
               paths: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    """``make()``'s files (path and text or bytes), from ``store`` when it has ``key``.
    Given the ``paths`` ``make`` returns, files the store has are ``Later``: read from it
    when written (and made again if the store lost them by then)."""
    if store is None or not store.enabled:
        return make()
    if paths and store.has(key):
        return [(path, Later(partial(_kept_file, store, key, make, index, path)))
                for index, path in enumerate(paths)]
    files = _unpacked(store.get(key))
    if files is not None:
        return files
    files = make()
    store.put(key, marshal.dumps([tuple(item) for item in files]))
    return files


def _unpacked(kept: bytes | None) -> list[tuple[str, Any]] | None:
    """The files a store value holds; None for none, or for a value of another shape."""
    if kept is None:
        return None
    try:
        return [tuple(item) for item in marshal.loads(kept)]  # type: ignore[misc]
    except (ValueError, EOFError, TypeError):
        return None


def _kept_file(store: RenderStore, key: bytes, make: Callable[[], list[tuple[str, Any]]],
               index: int, path: str) -> bytes:
    files = _unpacked(store.get(key))
    if files is None or len(files) <= index or files[index][0] != path:
        files = make()
    content = files[index][1]
    return content.encode("utf-8") if isinstance(content, str) else bytes(content)


_STORES: dict[Path | None, RenderStore] = {}


def store_for(cache: Path | None) -> RenderStore:
    """The render store of the site whose cache folder is ``cache``, one per process:
    a build and its language trees, or `serve`'s builds, share it."""
    store = _STORES.get(cache)
    if store is None:
        store = _STORES[cache] = RenderStore.for_site(cache)
    return store
