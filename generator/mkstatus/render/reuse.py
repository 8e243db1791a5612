"""Work kept from one build for the next: in the same process (`mkstatus serve`), and
compiled templates on disk too (``MemoryBytecodeCache``).

A preview rebuild after an edit re-renders every page, but almost every incident's
Markdown is unchanged, and Markdown conversion was a third of a rebuild at N = 1,000.
Conversions are pure functions of their text and settings, so they are kept by that key:
``generate`` starts each build with ``next_build()``, and what the new build does not use
is dropped, so the memory held stays one build's worth.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from mkstatus import __version__

T = TypeVar("T")


class Reuse:
    """Values by key, from this build or (moved over on first use) the previous one."""

    def __init__(self) -> None:
        self.previous: dict[Hashable, Any] = {}
        self.current: dict[Hashable, Any] = {}

    def next_build(self) -> None:
        self.previous, self.current = self.current, {}

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        if key in self.current:
            return self.current[key]  # type: ignore[no-any-return]
        value = self.previous.pop(key) if key in self.previous else make()
        self.current[key] = value
        return value  # type: ignore[no-any-return]


CONVERSIONS = Reuse()


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled Jinja templates, kept in memory for the next build in this process and,
    once ``folder`` is set (``use_folder``), on disk for the next process: compiling
    Material's and our templates was a fifth of a 100-incident build.

    It can never serve stale code. Jinja checks every entry against its template's source
    checksum (an edited template is compiled again), and an entry's name holds what else
    compiled code depends on: the environment's compile-time settings (``settings_key``);
    the folder's name holds the versions of mkstatus, Jinja and Python. Entries are
    derived data: written atomically, and one that cannot be read is compiled again.
    """

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}
        self.folder: Path | None = None

    def use_folder(self, cache: Path | None) -> None:
        """Keep compiled templates under ``cache`` (a site's ``derived.cache_dir``), or in
        memory only (None)."""
        self.folder = None if cache is None else cache / "jinja" / VERSIONS

    def _name(self, bucket: jinja2.bccache.Bucket) -> str:
        return f"{bucket.key}-{settings_key(bucket.environment)}"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        name = self._name(bucket)
        code = self.store.get(name)
        if code is None and self.folder is not None:
            try:
                code = (self.folder / name).read_bytes()
            except OSError:
                return
        if code is not None:
            try:
                bucket.bytecode_from_string(code)
            except (ValueError, EOFError, TypeError):  # a torn file: compile again
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        name = self._name(bucket)
        code = bucket.bytecode_to_string()
        if self.store.get(name) == code:
            return
        self.store[name] = code
        if self.folder is not None:
            self._write(name, code)

    def _write(self, name: str, code: bytes) -> None:
        assert self.folder is not None
        try:
            if not self.folder.is_dir():
                self.folder.mkdir(parents=True, exist_ok=True)
                for old in self.folder.parent.iterdir():  # other versions' entries
                    if old != self.folder:
                        shutil.rmtree(old, ignore_errors=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(code)
            os.replace(tmp, self.folder / name)
        except OSError:
            return  # derived data: the next build compiles again


VERSIONS = hashlib.blake2b(repr((__version__, jinja2.__version__, sys.version)).encode(),
                           digest_size=8).hexdigest()


def settings_key(env: jinja2.Environment) -> str:
    """What compiled code depends on besides the template's source: the environment's
    syntax, whitespace and compile-time settings and its extensions."""
    key = env.__dict__.get("_mkstatus_settings_key")
    if key is None:
        def name(value: Any) -> str:
            return repr(value) if isinstance(value, bool | None) else \
                f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', value)}"

        settings = (env.block_start_string, env.block_end_string,
                    env.variable_start_string, env.variable_end_string,
                    env.comment_start_string, env.comment_end_string,
                    env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
                    env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
                    env.optimized, env.is_async, name(env.autoescape), name(env.finalize),
                    sorted(env.extensions), env.code_generator_class.__qualname__,
                    env.context_class.__qualname__)
        key = hashlib.blake2b(repr(settings).encode(), digest_size=8).hexdigest()
        env.__dict__["_mkstatus_settings_key"] = key
    return key


BYTECODE = MemoryBytecodeCache()
