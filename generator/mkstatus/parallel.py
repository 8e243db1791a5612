"""Work shared between processes with the standard library, or done here.

A large build is CPU-bound Python: one process uses one core, and the machines that
build status pages (CI runners, laptops) have two or more. ``map_parts(func, parts)``
runs ``func`` over ``parts`` in a ``concurrent.futures.ProcessPoolExecutor`` and returns
the answers in order. ``func`` is a module-level function (or a ``functools.partial`` of
one) and the parts are picklable, so nothing depends on what a worker inherited.

Workers start with ``fork``, and only where that is safe: on Linux, with no other thread
running in this process (``mkstatus serve`` rebuilds from a watcher thread; a fork could
catch another thread holding a lock). CPython advises against fork on macOS, and
``spawn`` would re-import MkDocs and the theme in every worker, which costs more than a
build of the sizes that benefit; so everywhere else, and with ``MKSTATUS_WORKERS=1``, the
parts run here, one after the other, with the same answer.

Failures are never hidden: an exception in a worker is raised here with the worker's
traceback attached (``concurrent.futures`` chains it as the cause), and a worker that dies
raises ``BrokenProcessPool``; no part is silently done twice.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
H = TypeVar("H")
S = TypeVar("S")


def workers() -> int:
    """Processes a build may use: the cores this process may run on, capped by
    ``$MKSTATUS_WORKERS``; 1 where forking is not safe (see the module docstring)."""
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1
    cap = os.environ.get("MKSTATUS_WORKERS", "")
    count = len(os.sched_getaffinity(0))
    return max(1, int(cap) if cap.isdigit() else count)


def map_parts(func: Callable[[T], R], parts: Sequence[T]) -> list[R]:
    """``[func(p) for p in parts]``, shared between ``workers()`` processes."""
    return map_parts_beside(func, parts, lambda: None)[1]


def split(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """``items`` in consecutive parts of ``size`` (the last may be shorter)."""
    return [items[i:i + size] for i in range(0, len(items), size)]


def map_parts_beside(func: Callable[[T], R], parts: Sequence[T],
                     here: Callable[[], H], take: Callable[[R], S] | None = None
                     ) -> tuple[H, list[S]]:
    """``(here(), map_parts(func, parts))``, with ``here`` run in this process while the
    workers take the parts (so this process is not idle while it waits). With ``take``,
    each answer is ``take(answer)``, called here as each arrives, so that what this
    process keeps of an answer (not the answer) is all it holds of the finished parts."""
    finish: Callable[[R], Any] = take or (lambda answer: answer)
    count = min(workers(), len(parts))
    if count <= 1:
        return here(), [finish(func(part)) for part in parts]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        futures = [pool.submit(func, part) for part in parts]
        mine = here()
        out = []
        for i, future in enumerate(futures):
            out.append(finish(future.result()))
            futures[i] = None  # type: ignore[call-overload]  # let the answer go
        return mine, out
