"""How long `mkstatus serve` takes to show an incident edit. Prints figures; asserts nothing.

It starts a real `mkstatus serve` on 127.0.0.1 for the demo site (and for N generated
incidents), waits for the first build, then appends a line to an incident several times
and measures from each save until the served page contains the new text.

    .venv/bin/python bench/serve_rebuild.py            # demo site and N = 1000
    .venv/bin/python bench/serve_rebuild.py -n 0       # demo site only
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from build_scale import NOW, copy_demo, make_site


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return str(response.read().decode())
    except OSError:
        return ""


def wait_for(url: str, needle: str, deadline: float) -> float | None:
    while time.perf_counter() < deadline:
        if needle in fetch(url):
            return time.perf_counter()
        time.sleep(0.05)
    return None


def measure(root: Path, incident: Path, label: str, rounds: int = 5) -> None:
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [str(Path(sys.executable).with_name("mkstatus")), "serve", "--now",
           NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), "--dev-addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/incidents/{incident.stem}/"
        start = time.perf_counter()
        if wait_for(url, "mks-update", start + 600) is None:
            raise SystemExit(f"{label}: serve did not come up")
        first = time.perf_counter() - start
        times = []
        for i in range(rounds):
            marker = f"edit-marker-{i}-{time.time_ns()}"
            text = incident.read_text()
            saved = time.perf_counter()
            incident.write_text(text.rstrip("\n") + f"\n\n{marker}\n")
            shown = wait_for(url, marker, saved + 120)
            if shown is None:
                raise SystemExit(f"{label}: edit {i} never appeared")
            times.append(shown - saved)
            time.sleep(0.5)
        print(f"| {label:<22} | {first:8.2f} s | {statistics.median(times):8.2f} s | "
              f"{max(times):8.2f} s |", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, nargs="*", default=[1000])
    args = parser.parse_args()
    print("| site                   | first build | edit shown (median) | (max) |")
    print("|------------------------|------------:|--------------------:|------:|")
    with tempfile.TemporaryDirectory(prefix="mkstatus-serve-") as tmp:
        demo = copy_demo(Path(tmp) / "demo")
        measure(demo, demo / "incidents" / "2026-11-22-email-delivery-delays.md", "demo")
        for n in args.n:
            root = Path(tmp) / f"n{n}"
            make_site(root, n, 6, 0)
            oldest = min((root / "incidents").glob("*.md"))  # every update published
            measure(root, oldest, f"{n} incidents")


if __name__ == "__main__":
    main()
