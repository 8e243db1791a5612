"""The last 48 hours of response times, hour by hour, from raw samples (inline SVG).

The daily chart shows trends over the bars' 90 days; this one shows what happened today
and yesterday, when a reader wants to know whether "slow" is over. The geometry is
computed here and drawn by ``templates/uptime.html.j2`` (``hourly_chart``); hours without
a successful sample break the lines. Hours are UTC hours, labelled in the site's zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from mkstatus.compute.latency import Latency
from mkstatus.i18n import Translator

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 170, 56, 8, 10, 30
Point = str  # "x,y"


@dataclass(frozen=True, slots=True)
class HourlyChart:
    cid: str
    hours: int  # hours shown (the last one is the hour under way)
    first: str  # the first hour, as the site's clock shows it
    last: str  # the hour under way
    latest: Latency | None  # the latest hour with a successful sample
    worst: Latency | None  # the hour with the highest p95
    worst_at: str
    samples: int
    failed: int
    grid: list[tuple[str, str, int]]  # y of a grid line, y of its label, milliseconds
    ticks: list[tuple[str, str, str]]  # x, text-anchor, label: first, middle, last hour
    series: list[tuple[str, list[list[Point]]]]  # p95 then p50: runs of consecutive hours
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    base: int = HEIGHT - BOTTOM + 18


def nice_ceiling(value: int) -> int:
    """1, 2 or 5 times a power of ten, so axis labels are round numbers."""
    power = 1
    while power * 10 <= value:
        power *= 10
    return next(m * power for m in (1, 2, 5, 10) if m * power >= max(value, 1))


def hourly_geometry(cid: str, hours: Sequence[Latency], zone: tzinfo, tr: Translator
                    ) -> HourlyChart:
    """The chart of ``compute.latency.hourly_latency``'s buckets, oldest first."""
    measured = [h for h in hours if h.p95 is not None and h.p50 is not None]
    top = nice_ceiling(max((h.p95 or 0) for h in measured))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(hours) - 1, 1)

    def xy(index: int, ms: int) -> Point:
        return f"{LEFT + step * index:.1f},{TOP + plot_h * (1 - ms / top):.1f}"

    def runs(attr: str) -> list[list[Point]]:
        out: list[list[Point]] = []
        previous = -2
        for index, h in enumerate(hours):
            value = getattr(h, attr)
            if value is None:
                continue
            if index != previous + 1:
                out.append([])
            out[-1].append(xy(index, value))
            previous = index
        return out

    def clock(h: Latency) -> str:
        return tr.time(h.start, zone)

    grid = [(f"{TOP + plot_h * (1 - f):.1f}", f"{TOP + plot_h * (1 - f) + 4:.1f}",
             round(top * f)) for f in (0, 0.5, 1)]
    middle = len(hours) // 2
    ticks = [(f"{LEFT + step * i:.1f}", anchor, clock(hours[i]))
             for i, anchor in ((0, "start"), (middle, "middle"), (len(hours) - 1, "end"))]
    worst = max(measured, key=lambda h: (h.p95 or 0, h.start), default=None)
    return HourlyChart(
        cid=cid, hours=len(hours), first=clock(hours[0]), last=clock(hours[-1]),
        latest=measured[-1] if measured else None, worst=worst,
        worst_at=clock(worst) if worst else "", samples=sum(h.count for h in hours),
        failed=sum(h.failed for h in hours), grid=grid, ticks=ticks,
        series=[("p95", runs("p95")), ("p50", runs("p50"))])
