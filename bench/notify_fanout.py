"""`mkstatus notify` fanning out: D destinations x U updates, against loopback receivers.

    python bench/notify_fanout.py [--destinations 10] [--updates 50] [--delay 0.0 0.02]

Half the destinations are our signed webhook, half Apprise's `json://`, each with its own
receiver on 127.0.0.1 that records every request (and, for the webhook, checks its
signature). One incident with U updates is published after a first run has recorded the
baseline; then one real `mkstatus notify` subprocess sends everything. Printed per receiver
delay: the wall time of that command (start-up included) and of the sending alone (from
the first request received to the last), the requests received, repeats (should be 0)
and the requests each destination got. Destinations are served concurrently, each one
message at a time, so the sending takes about U x (one request's round trip), not
D x U. Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "generator"), str(REPO)]

from tests.notify.test_notify import make_site, many_updates  # noqa: E402
from tests.notify_servers import Receiver  # noqa: E402

SECRET = "bench-secret"


def run(destinations: int, updates: int, delay: float) -> dict[str, float]:
    receivers = [Receiver(secret=SECRET if i % 2 == 0 else None, delay=delay)
                 for i in range(destinations)]
    items = []
    for i, r in enumerate(receivers):
        if i % 2 == 0:
            items.append(f"        - webhook: {r.url}/w{i}\n          secret: {SECRET}\n")
        else:
            items.append(f'        - url: "json://127.0.0.1:{r.port}/j{i}"\n')
    with tempfile.TemporaryDirectory() as tmp:
        root = make_site(Path(tmp) / "site", "      notify:\n" + "".join(items))
        for path in (root / "incidents").iterdir():
            path.unlink()
        (root / "incidents" / "2026-04-01-long-outage.md").write_text(many_updates(updates))
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
               "PYTHONPATH": str(REPO / "generator")}
        command = [sys.executable, "-m", "mkstatus", "notify", "--now"]
        subprocess.run([*command, "2026-04-01T07:00:00Z"], cwd=root, env=env, check=True,
                       capture_output=True)  # the baseline: nothing published yet
        start = time.perf_counter()
        subprocess.run([*command, "2026-04-01T23:00:00Z"], cwd=root, env=env, check=True,
                       capture_output=True)
        wall = time.perf_counter() - start
    for r in receivers:
        r.stop()
    stamps = [t for r in receivers for t in r.times]
    per_destination = [len(r.requests) for r in receivers]
    repeats = 0
    for r in receivers:
        keys = Counter(req.headers.get("Idempotency-Key") or req.body for req in r.requests)
        repeats += sum(n - 1 for n in keys.values())
    assert all(req.verified is not False for r in receivers for req in r.requests)
    return {"wall": wall, "sending": max(stamps) - min(stamps), "requests": sum(per_destination),
            "repeats": repeats, "min": min(per_destination), "max": max(per_destination)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--destinations", type=int, default=10)
    parser.add_argument("--updates", type=int, default=50)
    parser.add_argument("--delay", type=float, nargs="+", default=[0.0, 0.02],
                        help="seconds each receiver waits before answering")
    args = parser.parse_args()
    print(f"{args.destinations} destinations x {args.updates} updates "
          f"({args.destinations // 2 + args.destinations % 2} signed webhooks, "
          f"{args.destinations // 2} Apprise json://), {os.cpu_count()} cores")
    print("receiver delay | notify wall | sending | requests | repeats | per destination")
    for delay in args.delay:
        f = run(args.destinations, args.updates, delay)
        print(f"{delay * 1000:>11.0f} ms | {f['wall']:>9.2f} s | {f['sending']:>5.2f} s | "
              f"{f['requests']:>8.0f} | {f['repeats']:>7.0f} | {f['min']:.0f}-{f['max']:.0f}")


if __name__ == "__main__":
    main()
