"""Response times from raw samples: recent percentiles (badges) and hourly figures.

Daily p50/p95 come from ``uptime.daily_latency``, which compacted days can also answer.
The figures here need the samples themselves, so they only look at the last two days,
which are raw in any store compacted the usual way (``compact --older-than`` 2 days or
more); a window with no raw sample has no figure rather than a wrong one. Percentiles
are nearest-rank over the successful samples of every region, as for days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mkstatus.samples.model import Sample, percentile

RECENT = timedelta(hours=24)
HOURS = 48


@dataclass(frozen=True, slots=True)
class Latency:
    """Percentiles of the successful samples of a stretch, in milliseconds."""

    start: datetime
    end: datetime
    count: int  # successful samples with a latency
    failed: int  # failed samples (no meaningful latency)
    p50: int | None
    p95: int | None


def latency_of(samples: Iterable[Sample], start: datetime, end: datetime) -> Latency:
    """Percentiles of the samples in [start, end)."""
    values: list[int] = []
    failed = 0
    for s in samples:
        if start <= s.time < end:
            if s.outcome.failed:
                failed += 1
            elif s.latency_ms is not None:
                values.append(s.latency_ms)
    values.sort()
    return Latency(start, end, len(values), failed, percentile(values, 0.5),
                   percentile(values, 0.95))


def recent_latency(samples: Sequence[Sample], now: datetime, span: timedelta = RECENT
                   ) -> dict[str, Latency]:
    """Per component, the latency of the last ``span`` (24 hours) up to ``now``."""
    by_comp: dict[str, list[Sample]] = {}
    for s in samples:
        by_comp.setdefault(s.component, []).append(s)
    return {cid: latency_of(items, now - span, now) for cid, items in sorted(by_comp.items())}


def hourly_latency(samples: Sequence[Sample], now: datetime, hours: int = HOURS
                   ) -> list[Latency]:
    """One component's last ``hours`` whole UTC hours and the hour under way, oldest
    first (``hours + 1`` entries; the last is partial)."""
    top = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    starts = [top - timedelta(hours=n) for n in range(hours, -1, -1)]
    buckets: list[list[Sample]] = [[] for _ in starts]
    for s in samples:
        # The hour a sample falls in, counted from the first: whole UTC hours, so this is
        # its time truncated to the hour, without making that datetime per sample.
        index = (s.time - starts[0]) // _HOUR
        if 0 <= index <= hours and s.time < now:
            buckets[index].append(s)
    return [latency_of(bucket, t, min(t + _HOUR, now)) for t, bucket in zip(starts, buckets,
                                                                           strict=True)]


_HOUR = timedelta(hours=1)
