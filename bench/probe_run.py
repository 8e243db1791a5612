"""Wall time of one probe run over many loopback endpoints that each answer in 1 s.

    python bench/probe_run.py [--endpoints 200] [--delay 1.0]

Probes run concurrently, so the run should take about the slowest probe (1 s plus
overhead), not the sum (200 s). Memory per probe in flight is the peak of Python
allocations (tracemalloc) during a second, untimed run, and the peak growth of the
resident set (sampled every 5 ms) in that run, each divided by the number of endpoints:
with every probe waiting on its slow server at once, that is what each in-flight probe
holds (thread, socket, session, buffers). Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "generator"), str(REPO)]

from mkstatus.probes.config import HttpProbe  # noqa: E402
from mkstatus.probes.run import MAX_WORKERS, run_probes  # noqa: E402

from tests.probe_servers import ROUTES, serving  # noqa: E402


class _RssPeak:
    """Highest resident set size above the starting one, sampled every 5 ms."""

    def __init__(self) -> None:
        self.start, self.peak, self.done = _rss(), 0, threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.done.wait(0.005):
            self.peak = max(self.peak, _rss() - self.start)

    def stop(self) -> int:
        self.done.set()
        self.thread.join()
        return self.peak


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run(endpoints: int = 200, delay: float = 1.0) -> dict[str, Any]:
    """Prints the figures and returns them: ``wall_s``, ``tracemalloc_per_probe`` and
    ``rss_per_probe`` (bytes per probe in flight), and the rest of what is printed."""

    def slow(c):  # noqa: ANN001, ANN202
        time.sleep(delay)
        c.respond(200, b"ok")

    with serving(routes={**ROUTES, "/bench": slow}) as server:
        probes = [(f"c{i:03d}", HttpProbe(url=server.url(f"/bench?n={i}"), timeout_s=10))
                  for i in range(endpoints)]
        started = time.perf_counter()
        samples = run_probes(probes, region="bench", environ={}, now=lambda: datetime.now(UTC))
        wall = time.perf_counter() - started
        # A second run for memory: tracemalloc slows allocation, so it is not timed.
        rss = _RssPeak()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        run_probes(probes, region="bench", environ={}, now=lambda: datetime.now(UTC))
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        rss_growth = rss.stop()
    outcomes: dict[str, int] = {}
    for s in samples:
        outcomes[s.outcome.value] = outcomes.get(s.outcome.value, 0) + 1
    latencies = sorted(s.latency_ms or 0 for s in samples)
    print(f"endpoints            {endpoints} (each answers after {delay:g} s)")
    print(f"worker threads       {min(endpoints, MAX_WORKERS)}")
    print(f"wall time            {wall:.2f} s")
    print(f"sum of latencies     {sum(latencies) / 1000:.1f} s")
    print(f"slowest probe        {latencies[-1] / 1000:.2f} s")
    print(f"outcomes             {outcomes}")
    n = max(endpoints, 1)
    print(f"memory in flight     {peak / n / 1024:.0f} KB per probe by tracemalloc (peak"
          f" {peak / 2**20:.1f} MB); RSS {rss_growth / n / 1024:.0f} KB per probe (peak"
          f" growth {rss_growth / 2**20:.1f} MB, the loopback server's threads included)",
          flush=True)
    return {"endpoints": endpoints, "delay_s": delay, "workers": min(endpoints, MAX_WORKERS),
            "wall_s": wall, "latency_sum_s": sum(latencies) / 1000,
            "slowest_s": latencies[-1] / 1000, "outcomes": outcomes,
            "tracemalloc_bytes": peak, "rss_growth_bytes": rss_growth,
            "tracemalloc_per_probe": peak / n, "rss_per_probe": rss_growth / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoints", type=int, default=200)
    parser.add_argument("--delay", type=float, default=1.0)
    args = parser.parse_args()
    run(args.endpoints, args.delay)


if __name__ == "__main__":
    main()
