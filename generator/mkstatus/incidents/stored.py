"""A derived cache of parsed incident files, kept between builds.

Every build reads every incident file, and almost all of them are unchanged since the
previous build: parsing them again was a third of the CPU of loading a site of 10,000
incidents (``bench/build_scale.py``). ``load_incidents`` keeps what each file parsed to
in one file, by default ``.mkstatus-cache/incidents.pickle`` next to ``mkdocs.yml``
(never committed; ``$MKSTATUS_CACHE_DIR`` moves it, ``off`` disables it).

It can never serve a stale incident:

- an entry is used only for the same path (as messages show it, which is also the
  incident's ``path``) and the same BLAKE2b digest of the very bytes just read; the bytes
  parsed on a miss are the bytes hashed, never read a second time;
- the whole cache is dropped when anything else the parse depends on differs
  (``fingerprint``): the cache format, the versions of mkstatus, Python and PyYAML, the
  source of the parser's modules, and the configuration the parser reads (the component
  ids and the timezone, with its rules' file, which decides what a local time means);
- only files parsed without a single problem are kept, so an invalid file is parsed
  again on every build and its messages (``path:line:col``) are exactly those without
  the cache.

The file is written atomically (temporary file, rename) and only when an entry was added
or dropped; one that cannot be read (torn, corrupt, another format) is ignored and
written again. It is read with an unpickler that builds only the model's classes, dates,
times and zones, so a planted file cannot run code.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import tempfile
import zoneinfo
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mkstatus import __version__
from mkstatus.derived import cache_dir
from mkstatus.model import Incident, SiteConfig

FORMAT = 1
NAME = "incidents.pickle"
# The modules whose code decides what a file parses to (tests/incidents/test_stored.py
# checks that every mkstatus module the parser imports is here).
PARSER_MODULES = ("__init__.py", "derived.py", "errors.py", "i18n.py", "model.py",
                  "parallel.py", "text.py", "times.py", "incidents/__init__.py",
                  "incidents/folder.py", "incidents/frontmatter.py", "incidents/parse.py",
                  "incidents/recurrence.py", "incidents/rules.py", "incidents/stored.py",
                  "incidents/strictyaml.py")
_PACKAGE = Path(__file__).resolve().parent.parent
# What a cache file may build: nothing else is looked up while it is read.
_ALLOWED = {
    ("mkstatus.model", name) for name in (
        "Incident", "Update", "Kind", "Impact", "ComponentStatus", "UpdateStatus",
        "MaintenanceStatus")
} | {("datetime", name) for name in ("datetime", "date", "timedelta", "timezone")} | {
    ("zoneinfo", "ZoneInfo")}


def _zone_method(owner: object, name: str) -> Any:
    """What a pickled zone asks ``getattr`` for (``ZoneInfo`` pickles as its bound class
    method ``_unpickle``), and nothing else: the real ``getattr`` would reach any
    function's globals, and from there anything."""
    if owner is zoneinfo.ZoneInfo and name == "_unpickle":
        return zoneinfo.ZoneInfo._unpickle  # type: ignore[attr-defined]
    raise pickle.UnpicklingError(f"getattr({owner!r}, {name!r}) is not kept in this cache")


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("builtins", "getattr"):
            return _zone_method
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not kept in this cache")
        return super().find_class(module, name)


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class Store:
    """The entries of one cache file: path as shown -> (digest, incident)."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path, self.key = path, key
        self.entries: dict[str, tuple[bytes, Incident]] = {}
        self.changed = False
        try:
            self.entries = _read(path, key)
        except Exception:  # missing, torn or corrupt: a damaged pickle
            return  # can fail in any of the constructors it calls; nothing is skipped,
            # every file is parsed again and the cache rewritten

    def get(self, shown: str, data_digest: bytes) -> Incident | None:
        entry = self.entries.get(shown)
        if (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == data_digest
                and isinstance(entry[1], Incident) and entry[1].path == shown):
            return entry[1]
        return None

    def put(self, shown: str, data_digest: bytes, incident: Incident) -> None:
        self.entries[shown] = (data_digest, incident)
        self.changed = True

    def save(self, present: Iterable[str]) -> None:
        """Write the cache if anything changed, keeping only the files ``present`` in the
        folder now. Failures are ignored: the cache is only derived data."""
        keep = set(present)
        if any(shown not in keep for shown in self.entries):
            self.entries = {k: v for k, v in self.entries.items() if k in keep}
            self.changed = True
        if not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _write(self.path, self.key, self.entries)
        except OSError:
            return
        self.changed = False


# Entries per pickle of the file. One pickle of everything would hold a memo of every
# object while it is written: tens of megabytes at 10,000 incidents, more than the
# incidents themselves.
CHUNK = 256


def _read(path: Path, key: bytes) -> dict[str, tuple[bytes, Incident]]:
    """The entries of a cache file written under ``key``; {} for another key or format.
    The file is a header, chunks of entries and an end mark, each pickled on its own: a
    file cut anywhere, even between two pickles, fails to read."""
    entries: dict[str, tuple[bytes, Incident]] = {}
    with open(path, "rb") as handle:
        stream = io.BufferedReader(handle, 1 << 16)
        if _Unpickler(stream).load() != (FORMAT, key):
            return {}
        while (chunk := _Unpickler(stream).load()) is not None:
            for shown, data_digest, incident in chunk:
                entries[shown] = (data_digest, incident)
        if stream.read(1):
            raise ValueError("data after the end mark")
    return entries


def _write(path: Path, key: bytes, entries: dict[str, tuple[bytes, Incident]]) -> None:
    """The entries pickled into a temporary file beside ``path``, renamed over it: a
    reader sees the old file or the new one, never a part."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    items = [(shown, d, incident) for shown, (d, incident) in entries.items()]
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((FORMAT, key), handle, protocol=pickle.HIGHEST_PROTOCOL)
            for start in range(0, len(items), CHUNK):
                pickle.dump(items[start:start + CHUNK], handle,
                            protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(None, handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _code_digest() -> bytes | None:
    """The parser's source, read as it is imported (the code that runs is the code that
    was imported); None when it is installed without its sources (then no cache)."""
    code = hashlib.blake2b(digest_size=16)
    try:
        for name in PARSER_MODULES:
            code.update(name.encode() + b"\0" + (_PACKAGE / name).read_bytes() + b"\0")
    except OSError:
        return None
    return code.digest()


_CODE = _code_digest()


def open_store(project_root: Path, config: SiteConfig) -> Store | None:
    """The cache for a site's incidents under ``config``, or None when caches are off or
    the parse's inputs cannot be pinned down (a zone whose rules' file is not found).
    It is read again by each build that has files to read (``mkstatus serve`` keeps
    the unchanged ones in memory, see ``load_incidents``) and let go after: holding it
    for the next rebuild would hold its digests through every build's peak."""
    folder = cache_dir(project_root)
    key = fingerprint(config)
    if folder is None or key is None:
        return None
    return Store(folder / NAME, key)


def fingerprint(config: SiteConfig) -> bytes | None:
    """Everything besides a file's bytes and path that its parse depends on."""
    if _CODE is None:
        return None
    zone = config.timezone
    rules = b""
    if zone is not None:
        found = zone_rules(zone.key)
        if found is None:
            return None
        rules = found
    parts = (FORMAT, __version__, sys.version, yaml.__version__,
             hasattr(yaml, "CSafeLoader"), _CODE, config.config_path,
             tuple(c.id for c in config.components), str(zone), digest(rules))
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).digest()


def zone_rules(key: str) -> bytes | None:
    """The TZif file ``ZoneInfo(key)`` was read from: the first in ``zoneinfo.TZPATH``,
    else the ``tzdata`` package's, as ``zoneinfo`` looks; None when neither is found."""
    for base in zoneinfo.TZPATH:
        candidate = os.path.join(base, key)
        if os.path.isfile(candidate):
            try:
                with open(candidate, "rb") as handle:
                    return handle.read()
            except OSError:
                return None
    *folders, name = key.split("/")
    try:
        package = resources.files(".".join(["tzdata.zoneinfo", *folders]))
        return package.joinpath(name).read_bytes()
    except (ImportError, OSError, ValueError):
        return None
