"""How long an incident edit takes to show in `mkstatus serve`. Prints figures; asserts nothing.

It generates N incidents (as bench/build_scale.py does), starts a real `mkstatus serve
--now` on 127.0.0.1, waits for the first build, then edits incidents one at a time and
measures from each write of the file to:

- **disk**: the incident's page in the served folder holds the new text;
- **HTTP**: the page served over HTTP holds it (MkDocs' server holds a request while a
  rebuild runs, so this is what a browser's reload gets).

Each edit appends a line to the last update of a resolved incident (a different one each
time; the overall status does not change). Serve's own log says whether each rebuild was
incremental ("Updated N file(s) of the preview") or full (a save may make two
rebuilds: one for the truncated file, one for its text). Serve's CPU time from the write
to the page on disk (user + system, from /proc) says what the rebuild costs whatever the
machine's load, since on a shared machine the wall time mostly measures the queue for a
core.

    .venv/bin/python bench/serve_edit.py                          # N = 1000, 9 edits
    .venv/bin/python bench/serve_edit.py -n 100 1000 --edits 15
    .venv/bin/python bench/serve_edit.py -n 1000 --days 365 --components 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from build_scale import NOW, make_site
from serve_rebuild import fetch, free_port


def wait_file(path: Path, needle: bytes, deadline: float) -> float | None:
    while time.perf_counter() < deadline:
        try:
            if needle in path.read_bytes():
                return time.perf_counter()
        except OSError:
            pass
        time.sleep(0.005)
    return None


def wait_http(url: str, needle: str, deadline: float, out: list[float | None]) -> None:
    while time.perf_counter() < deadline:
        if needle in fetch(url):
            out.append(time.perf_counter())
            return
        time.sleep(0.02)
    out.append(None)


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def served_folder(tmp: Path, deadline: float) -> Path:
    while time.perf_counter() < deadline:
        found = list(tmp.glob("mkstatus-serve-*/site"))
        if found:
            return found[0]
        time.sleep(0.1)
    raise SystemExit("no preview folder appeared")


def spread(values: list[float]) -> str:
    return (f"median {statistics.median(values):.2f} s, min {min(values):.2f}, "
            f"max {max(values):.2f}")


def measure(root: Path, edits: int, label: str) -> dict[str, Any]:
    port = free_port()
    tmp = root / ".tmp"
    tmp.mkdir()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp)}
    cmd = [sys.executable, "-m", "mkstatus", "serve", "--now",
           NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), "--dev-addr", f"127.0.0.1:{port}"]
    log = root / "serve.log"
    for path in [root / "mkdocs.yml", *root.joinpath("docs").rglob("*")]:
        os.utime(path, (time.time() - 60, time.time() - 60))  # a site checked out earlier
    with open(log, "wb") as handle:
        server = subprocess.Popen(cmd, cwd=root, env=env, stdout=handle,
                                  stderr=subprocess.STDOUT)
    try:
        start = time.perf_counter()
        served = served_folder(tmp, start + 600)
        resolved = sorted(p for p in (root / "incidents").glob("*.md")
                          if "— Resolved" in p.read_text())
        first_url = f"http://127.0.0.1:{port}/incidents/{resolved[0].stem}/"
        while "mks-update" not in fetch(first_url):
            if server.poll() is not None or time.perf_counter() > start + 600:
                raise SystemExit(f"{label}: serve did not come up:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        first = time.perf_counter() - start
        disk, http, cpu = [], [], []
        for i in range(edits):
            incident = resolved[(i * 37) % len(resolved)]
            marker = f"edit-marker-{i}-{time.time_ns()}"
            page = served / "incidents" / incident.stem / "index.html"
            url = f"http://127.0.0.1:{port}/incidents/{incident.stem}/"
            text = incident.read_text().rstrip("\n") + f" {marker}\n"
            got: list[float | None] = []
            poller = threading.Thread(target=wait_http, args=(url, marker, time.perf_counter()
                                                              + 120, got))
            used = cpu_seconds(server.pid)
            saved = time.perf_counter()
            incident.write_text(text)
            poller.start()
            on_disk = wait_file(page, marker.encode(), saved + 120)
            cpu.append(cpu_seconds(server.pid) - used)
            poller.join()
            if on_disk is None or got[0] is None:
                raise SystemExit(f"{label}: edit {i} never appeared:\n"
                                 f"{log.read_text()[-3000:]}")
            disk.append(on_disk - saved)
            http.append(got[0] - saved)
            time.sleep(1.0)
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = log.read_text().splitlines()
    incremental = sum("of the preview." in line and "Updated" in line for line in lines)
    print(f"| {label:<26} | {first:6.1f} s | {spread(disk):<32} | {spread(http):<32} | "
          f"{spread(cpu):<32} | {incremental} |", flush=True)
    return {"label": label, "first_s": first, "disk": disk, "http": http, "cpu": cpu,
            "incremental": incremental}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, nargs="*", default=[1000])
    parser.add_argument("--edits", type=int, default=9)
    parser.add_argument("--components", type=int, default=6, metavar="C")
    parser.add_argument("--days", type=int, default=0, metavar="D",
                        help="days of 5-minute samples for each component (default 0)")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    print("| site                       | first  | write to page on disk            "
          "| write to page over HTTP          | serve's CPU from write to page   "
          "| incremental rebuilds |")
    print("|----------------------------|-------:|----------------------------------"
          "|----------------------------------|----------------------------------"
          "|---:|", flush=True)
    with tempfile.TemporaryDirectory(prefix="mkstatus-serve-edit-") as tmp:
        for n in args.n:
            root = Path(tmp) / f"n{n}"
            make_site(root, n, args.components, args.days)
            label = f"{n} incidents" + (f", {args.components}x{args.days} d" if args.days
                                        else "")
            measure(root, args.edits, label)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
