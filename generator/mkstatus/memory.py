"""Memory a build has freed, given back to the system between its stages.

Loading ten thousand incidents and rendering the site's outputs leave the C allocator's
heap full of holes that Python freed but the process still holds; the next stage's
allocations land on top, and the build's peak memory grows by what was never given
back. glibc's ``malloc_trim`` returns those free pages: 3 to 5 MB of the peak of a
10,000-incident build, for about a millisecond. Elsewhere (macOS, musl) it does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable


def give_back() -> None:
    """Return the heap's free memory to the system, where glibc can."""
    trim = _trim()
    if trim is not None:
        trim(0)


@functools.cache
def _trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc
        return None
