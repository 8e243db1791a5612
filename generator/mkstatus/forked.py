"""Work done in forked children, so a build uses more than one core.

A build is CPU-bound Python: one process uses one core, and the machines that build
status pages (CI runners, laptops) have two or more. ``Child(work)`` forks a child that
runs ``work()`` while this process goes on, and ``result()`` returns its answer, sent back
pickled through a pipe. Nothing about the answer depends on the fork:

- when this process may not fork (no ``os.fork``, ``$MKSTATUS_WORKERS`` is 1, or other
  threads run, as in ``mkstatus serve``, which a fork could catch holding a lock), or the
  child dies without an answer, or its answer cannot be pickled, ``result()`` runs
  ``work()`` here instead;
- an exception in the child is raised by ``result()``, as if ``work()`` ran here.

So ``work`` must be a pure function of what the process holds when it forks: whatever it
changes in memory stays in the child.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, NoReturn, TypeVar

T = TypeVar("T")


def cores() -> int:
    """Processes a build may use: one per core this process may run on, capped by
    ``$MKSTATUS_WORKERS``; 1 when it may not fork."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    cap = os.environ.get("MKSTATUS_WORKERS", "")
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, int(cap) if cap.isdigit() else (count or 1))


class Child(Generic[T]):
    """``work()`` in a forked child (or, failing that, here on ``result()``).

    Use it as a context manager: leaving the block with an exception kills a child still
    running, so no process outlives the build."""

    def __init__(self, work: Callable[[], T], fork: bool = True) -> None:
        self.work = work
        self.pid = 0
        self.pipe = -1
        if fork and cores() > 1:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child, which never returns
                _run_child(read_end, write_end, work)
            os.close(write_end)
            self.pid, self.pipe = pid, read_end

    @property
    def forked(self) -> bool:
        return self.pid != 0

    def result(self) -> T:
        if not self.pid:
            return self.work()
        try:
            with os.fdopen(self.pipe, "rb") as pipe:
                self.pipe = -1
                payload = pipe.read()
        finally:
            os.waitpid(self.pid, 0)
            self.pid = 0
        if not payload:  # died, or its answer could not be pickled
            return self.work()
        ok, value = pickle.loads(payload)
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def __enter__(self) -> Child[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.pid:  # result() was not reached: an exception is on its way out
            if self.pipe >= 0:
                os.close(self.pipe)
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0


def _run_child(read_end: int, write_end: int, work: Callable[[], object]) -> NoReturn:
    """Answer through the pipe, then leave without running anything of the parent's (no
    atexit handlers, no flushing of inherited buffers)."""
    try:
        os.close(read_end)
        try:
            answer: tuple[bool, object] = (True, work())
        except Exception as e:  # noqa: BLE001 - sent to the parent, which raises it
            answer = (False, e)
        try:
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - an unpicklable answer: the parent redoes it
            payload = b""
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)
