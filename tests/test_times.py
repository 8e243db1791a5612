"""The build's clock."""

from __future__ import annotations

import time

from mkstatus.times import resolve_now


def test_the_clock_is_never_behind_what_was_just_written() -> None:
    """`probe` then `build` in the same second: the sample must not be in the build's future."""
    for _ in range(50):
        before = time.time()
        now = resolve_now(None, {})
        assert now.microsecond == 0 and now.timestamp() >= before
        assert now.timestamp() - before < 60  # rounded up, not moved ahead
    assert resolve_now(None, {"SOURCE_DATE_EPOCH": "1700000000"}).timestamp() == 1700000000
