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

``in_parts`` shares out a job in parts without guessing what each costs: the part
numbers wait in a pipe (``Tickets``), and this process and forked children each take the
next one whenever they are free, so both finish within a part of each other even when
one core is slower or busier.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, NoReturn, TypeVar

T = TypeVar("T")
R = TypeVar("R")


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


class Tickets:
    """The numbers 0 to ``n - 1``, each taken once by whichever process asks first.

    They are written to a pipe before any fork, and the write end closed, so every
    process sees the same queue and an empty one reads as the end. A read of four bytes
    from a pipe is atomic, so no number is taken twice or torn."""

    LIMIT = 1024  # 4 KB: always fits in a pipe's buffer, so filling it never blocks

    def __init__(self, n: int) -> None:
        if not 0 <= n <= self.LIMIT:
            raise ValueError(f"{n} tickets: at most {self.LIMIT}")
        read_end, write_end = os.pipe()
        try:
            if n:
                os.write(write_end, struct.pack(f"<{n}I", *range(n)))
        finally:
            os.close(write_end)
        self.fd = read_end

    def take(self) -> int | None:
        """The next number, or None when all are taken."""
        if self.fd < 0:
            return None
        data = os.read(self.fd, 4)
        return struct.unpack("<I", data)[0] if data else None  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Tickets:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def in_parts(count: int, part: Callable[[int], R], *, fork: bool = True,
             processes: int | None = None,
             parent_first: Callable[[], Any] = lambda: None,
             child_first: Callable[[], Any] = lambda: None) -> tuple[list[R], Any, Any]:
    """``[part(0), ..., part(count - 1)]``, done by this process and forked children
    (when ``fork`` and ``Child`` allow: one per further core, ``processes`` in all at
    most), each taking parts until none is left; first, this process does
    ``parent_first`` and the first child ``child_first``, whose answers come back too.
    A part a child took but never sent back (it died) is done here."""
    if count > Tickets.LIMIT:
        raise ValueError(f"{count} parts: at most {Tickets.LIMIT}")

    def take(tickets: Tickets) -> dict[int, R]:
        done = {}
        while (number := tickets.take()) is not None:
            done[number] = part(number)
        return done

    limit = count + 1 if processes is None else processes
    children = max(0, min(cores(), count + 1, limit) - 1) if fork else 0
    with Tickets(count) as tickets, contextlib.ExitStack() as stack:
        first = stack.enter_context(Child(lambda: (child_first(), take(tickets)),
                                          fork=children > 0))
        others = [stack.enter_context(Child(lambda: take(tickets)))
                  for _ in range(children - 1)]
        parent_answer = parent_first()
        done = take(tickets)
        child_answer, theirs = first.result()
        for answer in [theirs, *(child.result() for child in others)]:
            done.update(answer)
    return [done[n] if n in done else part(n) for n in range(count)], parent_answer, child_answer


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
