"""Memory a build has freed, given back to the system between its stages.

Loading ten thousand incidents and rendering the site's outputs leave the C allocator's
heap full of holes that Python freed but the process still holds; the next stage's
allocations land on top, and the build's peak memory grows by what was never given
back. glibc's ``malloc_trim`` returns those free pages: 3 to 5 MB of the peak of a
10,000-incident build, for about a millisecond. Elsewhere (macOS, musl) it does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

_TRIM: list[Callable[[int], int] | None] = []


def give_back() -> None:
    """Return the heap's free memory to the system, where glibc can."""
    if not _TRIM:
        trim = None
        if sys.platform.startswith("linux"):
            try:
                trim = ctypes.CDLL(None).malloc_trim
            except (OSError, AttributeError):  # not glibc
                trim = None
        _TRIM.append(trim)
    if _TRIM[0] is not None:
        _TRIM[0](0)
