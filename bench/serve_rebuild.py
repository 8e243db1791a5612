"""How long `mkstatus serve` takes to show an incident edit. Prints figures; asserts nothing.

It starts a real `mkstatus serve` on 127.0.0.1 for the demo site (and for N generated
incidents), waits for the first build, then appends a line to an incident several times
and measures from each save until the served page contains the new text.

    .venv/bin/python bench/serve_rebuild.py            # demo site and N = 1000
    .venv/bin/python bench/serve_rebuild.py -n         # demo site only
    .venv/bin/python bench/serve_rebuild.py -n 1000 --components 20 --days 365
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
from typing import Any

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


def wait_for(url: str, needle: str, deadline: float,
             server: subprocess.Popen[bytes] | None = None) -> float | None:
    """When the page at ``url`` first contains ``needle``; None at the deadline, or as soon
    as ``server`` has exited."""
    while time.perf_counter() < deadline:
        if needle in fetch(url):
            return time.perf_counter()
        if server is not None and server.poll() is not None:
            return None
        time.sleep(0.05)
    return None


def measure(root: Path, incident: Path, label: str, rounds: int = 5) -> dict[str, Any]:
    """Prints a table row and returns its figures: seconds to the first build, and from
    each save until the page shows it (``times``, their ``median`` and ``max``)."""
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [str(Path(sys.executable).with_name("mkstatus")), "serve", "--now",
           NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), "--dev-addr", f"127.0.0.1:{port}"]
    with tempfile.TemporaryFile() as log:  # serve's output, shown if it fails
        server = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)

        def failed(why: str) -> SystemExit:
            server.terminate()
            server.wait(timeout=30)
            log.seek(0)
            tail = log.read()[-3000:].decode(errors="replace")
            return SystemExit(f"{label}: {why} (serve exit status {server.returncode}); "
                              f"its output ends:\n{tail}")

        try:
            url = f"http://127.0.0.1:{port}/incidents/{incident.stem}/"
            start = time.perf_counter()
            if wait_for(url, "mks-update", start + 600, server) is None:
                raise failed("serve did not come up")
            first = time.perf_counter() - start
            times = []
            for i in range(rounds):
                marker = f"edit-marker-{i}-{time.time_ns()}"
                text = incident.read_text()
                saved = time.perf_counter()
                incident.write_text(text.rstrip("\n") + f"\n\n{marker}\n")
                shown = wait_for(url, marker, saved + 120, server)
                if shown is None:
                    raise failed(f"edit {i} never appeared")
                times.append(shown - saved)
                time.sleep(0.5)
            print(f"| {label:<22} | {first:8.2f} s | {statistics.median(times):8.2f} s | "
                  f"{max(times):8.2f} s |", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"label": label, "first_s": first, "times": times,
            "median": statistics.median(times), "max": max(times)}


def print_header() -> None:
    print("| site                   | first build | edit shown (median) | (max) |")
    print("|------------------------|------------:|--------------------:|------:|", flush=True)


def run(ns: list[int], components: int = 6, days: int = 0, demo: bool = True,
        rounds: int = 5) -> dict[str, Any]:
    """The demo site (unless ``demo`` is false), then N generated incidents with
    ``components`` components and ``days`` days of samples, for each N in ``ns``; prints
    the table's rows and returns ``{"demo": ..., "n": {N: ...}}`` as ``measure`` gives them."""
    figures: dict[str, Any] = {"demo": None, "n": {}}
    with tempfile.TemporaryDirectory(prefix="mkstatus-serve-") as tmp:
        if demo:
            site = copy_demo(Path(tmp) / "demo")
            figures["demo"] = measure(
                site, site / "incidents" / "2026-11-22-email-delivery-delays.md", "demo",
                rounds)
        for n in ns:
            root = Path(tmp) / f"n{n}"
            make_site(root, n, components, days)
            oldest = min((root / "incidents").glob("*.md"))  # every update published
            label = f"{n} incidents"
            if days:
                label += f", {components}x{days} d"
            figures["n"][n] = measure(root, oldest, label, rounds)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, nargs="*", default=[1000])
    parser.add_argument("--components", type=int, default=6, metavar="C",
                        help="components of the generated sites (default 6)")
    parser.add_argument("--days", type=int, default=0, metavar="D",
                        help="days of 5-minute samples for each component (default 0)")
    args = parser.parse_args()
    print_header()
    run(args.n, args.components, args.days)


if __name__ == "__main__":
    main()
