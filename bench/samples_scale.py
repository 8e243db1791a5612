"""Scale of the sample store: one year of 5-minute samples for 20 components.

    python bench/samples_scale.py [--days 365] [--components 20] [--keep DIR] [--no-git]

Writes ~2.1 million samples (one region) into a temporary folder (or DIR/samples, reused
when it exists), then measures, each in a fresh child process so peak memory (ru_maxrss)
belongs to that step alone:

- load + aggregate: everything a build does with samples (``project.load_probe_data`` and
  ``uptime.site_uptime`` over 365 days): parse, runs, status, uptime, daily latency;
  cold (no sample cache: a fresh clone), in one process and with the default worker
  processes, then warm (the sample cache of the previous run, unchanged files);
- the same after ``compact --older-than 7`` (what a long-lived site would hold);
- bytes per sample on disk, and in git after ``git gc`` (pack size).

Each figure is wall seconds, with CPU seconds (user + system, of the process and of its
worker processes) beside it.

Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "generator"))

from mkstatus.samples.compact import compact  # noqa: E402
from mkstatus.samples.model import Outcome, Sample, sample_line  # noqa: E402
from mkstatus.samples.store import day_dir  # noqa: E402

END = datetime(2026, 11, 22, tzinfo=UTC)
STEP = timedelta(minutes=5)


def write(root: Path, days: int, components: int) -> int:
    """Realistic lines (latency, code, certificate expiry; 0.3% failures), one file a day."""
    rng = random.Random(1)
    cert = datetime(2027, 2, 1, tzinfo=UTC)
    names = [f"component-{i:02d}" for i in range(components)]
    count = 0
    for d in range(days):
        start = END - timedelta(days=days - d)
        lines = []
        for slot in range(288):
            t = start + slot * STEP + timedelta(seconds=3)
            for name in names:
                bad = rng.random() < 0.003
                s = Sample(t, name, "eu-west", Outcome.TIMEOUT if bad else Outcome.OK,
                           None if bad else 200, None if bad else rng.randint(40, 400),
                           None if bad else cert, "no response within 10 s" if bad else None)
                lines.append(sample_line(s))
        path = day_dir(root, start.date()) / "eu-west.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(lines))
        count += len(lines)
    return count


CHILD = """
import json, os, resource, sys, time
from datetime import datetime, UTC
from pathlib import Path
sys.path.insert(0, {gen!r})
from mkstatus.model import Component, SiteConfig
from mkstatus.probes.config import HttpProbe
from mkstatus.project import Project, load_probe_data
from mkstatus.compute.uptime import site_uptime
root = Path({root!r})
comps = tuple(Component(f"component-{{i:02d}}", f"C{{i}}", None, "", i,
              HttpProbe(url="https://x.example/")) for i in range({n}))
config = SiteConfig("S", "https://s.example/", None, "", comps, history_days={days})
project = Project(root.parent, root.parent / "mkdocs.yml", root.parent, "S", None,
                  {{"samples_dir": root.name}})
now = datetime.fromisoformat({now!r})
def cpu():
    return sum(u.ru_utime + u.ru_stime for u in map(
        resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
c0, t0 = cpu(), time.perf_counter()
verdicts, extras = load_probe_data(project, config, now)
t1, c1 = time.perf_counter(), cpu()
uptime = site_uptime(config, [], now, **extras["uptime_inputs"])
t2 = time.perf_counter()
rss = [resource.getrusage(who).ru_maxrss / 1024
       for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print(json.dumps({{"load": t1 - t0, "load_cpu": c1 - c0, "uptime": t2 - t1,
                  "maxrss_mb": rss[0] + rss[1],
                  "days": len(next(iter(uptime.values())).days)}}))
"""


def measure(root: Path, components: int, days: int, cache: Path,
            workers: str = "") -> dict[str, float]:
    """One load in a fresh process, with the sample cache in ``cache``. Peak memory adds
    the forked readers' peak to the parent's (an upper bound of the sum at any moment)."""
    code = CHILD.format(gen=str(REPO / "generator"), root=str(root), n=components,
                        days=days, now=END.isoformat())
    env = {**os.environ, "MKSTATUS_CACHE_DIR": str(cache), "MKSTATUS_WORKERS": workers}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


JSON_LOADS = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
for path in sorted(Path({root!r}).rglob("*.jsonl")):
    for line in path.read_bytes().splitlines():
        json.loads(line)
print(time.perf_counter() - t0)
"""


def json_loads_seconds(root: Path) -> float:
    """The issue's yardstick, measured here and now: plain ``json.loads`` of every line,
    in one fresh process (the issue: "about 5 s for that here"), so a slow spell of the
    machine shows up in the figures."""
    out = subprocess.run([sys.executable, "-c", JSON_LOADS.format(root=str(root))],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def report(label: str, r: dict[str, float]) -> None:
    print(f"{label:<32} {r['load']:5.2f} s load+runs+status+latency ({r['load_cpu']:.2f} s "
          f"CPU, workers included), {r['uptime']:.2f} s uptime ({r['days']} days); "
          f"peak RSS {r['maxrss_mb']:.0f} MB", flush=True)


def loads(root: Path, components: int, days: int, what: str) -> dict[str, dict[str, float]]:
    """Cold in one process, cold with the default workers, then warm; printed and returned
    as ``{"cold_1": ..., "cold": ..., "warm": ...}``."""
    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="mkstatus-cache-") as tmp:
        out["cold_1"] = measure(root, components, days, Path(tmp) / "one", "1")
        report(f"load {what}, cold, 1 process", out["cold_1"])
        cache = Path(tmp) / "cache"
        out["cold"] = measure(root, components, days, cache)
        report(f"load {what}, cold", out["cold"])
        out["warm"] = measure(root, components, days, cache)
        report(f"load {what}, warm", out["warm"])
    return out


def file_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def git_pack_bytes(root: Path) -> int:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], check=True,
                              capture_output=True, text=True).stdout

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "samples")
    git("gc", "-q")
    stats = dict(line.split(": ") for line in git("count-objects", "-v").splitlines())
    return int(stats["size-pack"]) * 1024


def run(days: int = 365, components: int = 20, keep: Path | str | None = None,
        git: bool = True) -> dict[str, Any]:
    """Everything above, printed; the figures are returned (loads as ``loads`` gives them,
    sizes in bytes, times in seconds)."""
    keep = Path(keep) if keep else None
    figures: dict[str, Any] = {"days": days, "components": components}
    tmp = Path(tempfile.mkdtemp(prefix="mkstatus-bench-"))
    root = tmp / "samples"
    try:
        t0 = time.perf_counter()
        source = keep / "samples" if keep else root
        if keep and source.is_dir():
            n = sum(p.read_bytes().count(b"\n") for p in source.rglob("*.jsonl"))
            print(f"samples              {n:,} (reused from {source})")
        else:
            n = write(source, days, components)
            print(f"samples              {n:,} ({days} days x {components} "
                  f"components, every 5 min, 1 region); written in "
                  f"{time.perf_counter() - t0:.1f} s")
        figures["samples"] = n
        if source != root:
            shutil.copytree(source, root)
        raw = figures["raw_bytes"] = file_bytes(root)
        print(f"on disk (raw JSONL)  {raw:,} bytes = {raw / n:.1f} bytes/sample")
        figures["json_loads_s"] = json_loads_seconds(root)
        print(f"plain json.loads of every line, 1 process: {figures['json_loads_s']:.2f} s "
              "(the issue's yardstick: about 5 s)", flush=True)
        figures["raw"] = loads(root, components, days, "raw")
        if git:
            pack = figures["git_pack_bytes"] = git_pack_bytes(root)
            print(f"in git (gc'd pack)   {pack:,} bytes = {pack / n:.1f} bytes/sample")
            shutil.rmtree(root / ".git")
        t0, c0 = time.perf_counter(), time.process_time()
        done_report = compact(root, older_than_days=7, now=END, max_gap=3 * STEP)
        figures["compact_s"] = time.perf_counter() - t0
        figures["compact_cpu_s"] = time.process_time() - c0
        done = figures["compacted_bytes"] = file_bytes(root)
        print(f"compact --older-than 7  {figures['compact_s']:.1f} s "
              f"({figures['compact_cpu_s']:.1f} s CPU), "
              f"{done_report.files_compacted} files; now {done:,} bytes on disk")
        figures["compacted"] = loads(root, components, days, "compacted")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"(bench process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}"
          " MB)", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--components", type=int, default=20)
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="write the raw samples to DIR/samples and keep them (reused if "
                             "present); compaction then works on a copy")
    parser.add_argument("--no-git", action="store_true")
    args = parser.parse_args()
    run(args.days, args.components, args.keep, not args.no_git)


if __name__ == "__main__":
    main()
