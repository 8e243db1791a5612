"""Wall time of one probe run over many loopback endpoints that each answer in 1 s.

    python bench/probe_run.py [--endpoints 200] [--delay 1.0]

Probes run concurrently, so the run should take about the slowest probe (1 s plus
overhead), not the sum (200 s). Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "generator"), str(REPO)]

from mkstatus.probe_config import HttpProbe  # noqa: E402
from mkstatus.probing import MAX_WORKERS, run_probes  # noqa: E402

from tests.probe_servers import ROUTES, serving  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoints", type=int, default=200)
    parser.add_argument("--delay", type=float, default=1.0)
    args = parser.parse_args()

    def slow(c):  # noqa: ANN001, ANN202
        time.sleep(args.delay)
        c.respond(200, b"ok")

    with serving(routes={**ROUTES, "/bench": slow}) as server:
        probes = [(f"c{i:03d}", HttpProbe(url=server.url(f"/bench?n={i}"), timeout_s=10))
                  for i in range(args.endpoints)]
        started = time.perf_counter()
        samples = run_probes(probes, region="bench", environ={}, now=lambda: datetime.now(UTC))
        wall = time.perf_counter() - started
    outcomes: dict[str, int] = {}
    for s in samples:
        outcomes[s.outcome.value] = outcomes.get(s.outcome.value, 0) + 1
    latencies = sorted(s.latency_ms or 0 for s in samples)
    print(f"endpoints            {args.endpoints} (each answers after {args.delay:g} s)")
    print(f"worker threads       {min(args.endpoints, MAX_WORKERS)}")
    print(f"wall time            {wall:.2f} s")
    print(f"sum of latencies     {sum(latencies) / 1000:.1f} s")
    print(f"slowest probe        {latencies[-1] / 1000:.2f} s")
    print(f"outcomes             {outcomes}")


if __name__ == "__main__":
    main()
