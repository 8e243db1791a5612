"""Work kept from one build for the next in the same process (`mkstatus serve`).

A preview rebuild after an edit re-renders every page, but almost every incident's
Markdown is unchanged, and Markdown conversion was a third of a rebuild at N = 1,000.
Conversions are pure functions of their text and settings, so they are kept by that key:
``generate`` starts each build with ``next_build()``, and what the new build does not use
is dropped, so the memory held stays one build's worth.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import jinja2

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
    """Compiled Jinja templates kept in memory: Jinja checks each against its template's
    source checksum, so an edited template is compiled again."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


BYTECODE = MemoryBytecodeCache()
