"""Every figure of issue 7 in one run, then one table of its targets. Asserts nothing.

    .venv/bin/python bench/all.py                     # ~20-30 min on 2 cores
    .venv/bin/python bench/all.py --with-compacted    # also builds with samples compacted
    .venv/bin/python bench/all.py --quick --repeat 1  # smoke test, NOT the issue's sizes

In sequence, each part in a child process of its own (which measures in further child
processes, as the scripts do when run alone), printing its table as it goes:

1. build_scale: N = 100, 1,000 and 10,000 incidents with 20 components x 365 days of
   5-minute samples, all raw (and, with --with-compacted, raw for 7 days only): mkstatus cold (no
   sample cache), rebuild (with it) and the floor, medians of --repeat builds;
2. samples_scale: 2.1 M samples (20 components x 365 days): load + aggregation cold in one
   process, cold with the default workers, warm; then the same after compacting;
3. serve_rebuild: `mkstatus serve` on the demo site, then on N = 1,000 with 20 components
   x 365 days of samples, each in a child of its own;
4. probe_run: 200 loopback endpoints that answer after 1 s.

--quick: N = 100 and 1,000, 90 days of samples, serve with N = 100.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# The bench folder's own scripts (sys.path[0]); these two import no mkstatus at the top.
import build_scale
import serve_rebuild

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
COMPONENTS = 20
FAILED = "failed"  # a part whose child process failed; a missing key: a part not run

CHILD = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
figures = getattr(importlib.import_module(sys.argv[2]), sys.argv[3])(**json.loads(sys.argv[4]))
with open(sys.argv[5], "w") as out:
    json.dump(figures, out)
"""


def in_child(module: str, func: str, **kwargs: Any) -> Any:
    """``module.func(**kwargs)`` in a fresh Python process, its output shown as it comes;
    returns what it returned (through JSON), or FAILED."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name in ("MKSTATUS_CACHE_DIR", "MKSTATUS_WORKERS"):  # the defaults are measured
        env.pop(name, None)
    with tempfile.TemporaryDirectory(prefix="mkstatus-all-") as tmp:
        out = Path(tmp) / "figures.json"
        sys.stdout.flush()
        done = subprocess.run([sys.executable, "-c", CHILD, str(BENCH), module, func,
                               json.dumps(kwargs), str(out)], cwd=REPO, env=env)
        if done.returncode or not out.exists():
            print(f"!! {module}.{func}({kwargs}) failed, exit status {done.returncode}",
                  flush=True)
            return FAILED
        return json.loads(out.read_text())


def git_head() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head


def header() -> str:
    version = importlib.metadata.version
    return (f"mkstatus bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_head()}; "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, mkdocs "
            f"{version('mkdocs')}, mkdocs-material {version('mkdocs-material')}")


@dataclass
class Row:
    target: str
    measured: str
    met: bool | None  # None: not measured


def verdict(met: bool | None) -> str:
    return "–" if met is None else "yes" if met else "**no**"


def missing(results: dict[str, Any], key: str) -> str | None:
    """Why a part has no figures ("not run", "failed"), or None when it has them."""
    if key not in results:
        return "not run"
    return "failed (see above)" if results[key] == FAILED else None


def summary(results: dict[str, Any], sizes: dict[str, Any], args: argparse.Namespace) -> None:
    rows: list[Row] = []
    days, ns = sizes["days"], sizes["n"]
    compacts: list[int | None] = [None, 7] if args.with_compacted else [None]
    for compact in compacts:
        kind = "all raw" if compact is None else f"compacted beyond {compact} days"
        what = f"{COMPONENTS} components × {days} days of 5-min samples, {kind}"
        for n in [n for n in ns if n >= 1000]:  # the targets; N = 100 is a figure
            key = f"build n={n} compact={compact}"
            why = missing(results, key)
            r = results.get(key)
            for label, ratio, seconds, note in (
                    ("cold: no sample cache, a fresh clone", "ratio", "cold_s",
                     f"median of {args.repeat}"),
                    ("rebuild: with the sample cache", "rebuild_ratio", "rebuild_s",
                     "one build")):
                target = f"mkstatus/floor ≤ 1.3 at N = {n:,}, {what}; {label}"
                if why or r is None:
                    rows.append(Row(target, why or "", None))
                    continue
                rows.append(Row(target, f"{r[ratio]:.2f} ({r[seconds]:.2f} s, {note}; floor "
                                        f"{r['floor_s']:.2f} s)", r[ratio] <= 1.3))
        n = max(ns)
        key = f"build n={n} compact={compact}"
        target = (f"{n:,} incidents + {COMPONENTS} components × {days} days of samples "
                  f"({kind}) built in < 40 s, cold")
        why = missing(results, key)
        if why:
            rows.append(Row(target, why, None))
        else:
            r = results[key]
            rows.append(Row(target, f"{r['cold_s']:.2f} s (median of {args.repeat}; peak RSS "
                                    f"{r['peak_mb']:.0f} MB)", r["cold_s"] < 40))

    why = missing(results, "samples")
    count = (f"{results['samples']['samples'] / 1e6:.1f} M samples" if not why
             else f"{COMPONENTS * days * 288 / 1e6:.1f} M samples")
    targets = (f"load + aggregation of {count} < 5 s, cold, default workers",
               f"load + aggregation of {count} < 500 MB peak RSS, cold, default workers")
    if why:
        rows += [Row(t, why, None) for t in targets]
    else:
        cold = results["samples"]["raw"]["cold"]
        total = cold["load"] + cold["uptime"]
        yardstick = results["samples"].get("json_loads_s")
        rows.append(Row(targets[0], f"{total:.2f} s (load, runs, status, latency "
                                    f"{cold['load']:.2f} s + uptime {cold['uptime']:.2f} s; "
                                    f"plain json.loads of every line took {yardstick:.2f} s "
                                    "in this run, the issue's 'about 5 s')", total < 5))
        rows.append(Row(targets[1], f"{cold['maxrss_mb']:.0f} MB (the process and its forked "
                                    "readers)", cold["maxrss_mb"] < 500))

    n = sizes["serve_n"]
    for key, target, limit in (
            ("serve demo", "`mkstatus serve`: an incident edit shown in < 2 s, demo site "
                           "(median)", 2),
            ("serve n", f"`mkstatus serve` usable at N = {n:,} ({COMPONENTS} components × "
                        f"{days} days of samples): an edit shown in < 5 s (median; threshold "
                        "ours, the issue says 'usable')", 5)):
        why = missing(results, key)
        if why:
            rows.append(Row(target, why, None))
            continue
        serve = results[key]
        r = serve["demo"] if key == "serve demo" else serve["n"][str(n)]
        rows.append(Row(target, f"{r['median']:.2f} s (max {r['max']:.2f} s of "
                                f"{len(r['times'])} edits; first build {r['first_s']:.2f} s)",
                        r["median"] < limit))

    why = missing(results, "probes")
    targets = ("200 probes × 1 s: wall time < 3 s", "200 probes × 1 s: < 1 MB per probe in flight")
    if why:
        rows += [Row(t, why, None) for t in targets]
    else:
        p = results["probes"]
        rows.append(Row(targets[0], f"{p['wall_s']:.2f} s", p["wall_s"] < 3))
        worst = max(p["tracemalloc_per_probe"], p["rss_per_probe"])
        rows.append(Row(targets[1], f"{p['tracemalloc_per_probe'] / 1024:.0f} KB by tracemalloc, "
                                    f"{p['rss_per_probe'] / 1024:.0f} KB of RSS (server threads "
                                    "included)", worst < 2**20))

    print()
    print("## Issue 7 targets (2 cores)" + (" — QUICK RUN, NOT THE ISSUE'S SIZES" if args.quick
                                            else ""))
    print()
    print("| target | measured | met? |")
    print("| --- | --- | --- |")
    for row in rows:
        print(f"| {row.target} | {row.measured} | {verdict(row.met)} |")
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="N = 100 and 1,000, 90 days of samples, serve with N = 100: a "
                             "smoke test, not the issue's sizes")
    parser.add_argument("--repeat", type=int, default=3, metavar="R",
                        help="builds of each kind per N, passed to build_scale (default 3)")
    parser.add_argument("--with-compacted", action="store_true",
                        help="also build with samples compacted beyond 7 days")
    parser.add_argument("--no-git", action="store_true",
                        help="skip samples_scale's bytes-in-git figure (git gc)")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="also write every figure the parts returned to FILE")
    args = parser.parse_args()
    sizes: dict[str, Any] = ({"n": [100, 1000], "days": 90, "serve_n": 100} if args.quick else
                             {"n": [100, 1000, 10000], "days": 365, "serve_n": 1000})
    days = sizes["days"]
    head = header()
    print(head, flush=True)
    if args.quick:
        print("QUICK RUN (--quick): N = 100 and 1,000, 90 days of samples, serve with "
              "N = 100; these are NOT issue 7's sizes", flush=True)
    results: dict[str, Any] = {}
    started = time.perf_counter()

    def part(title: str) -> float:
        print(f"\n## {title}\n", flush=True)
        return time.perf_counter()

    def took(since: float) -> None:
        print(f"({time.perf_counter() - since:.0f} s)", flush=True)

    try:
        for compact in [None, 7] if args.with_compacted else [None]:
            kind = "all raw" if compact is None else f"raw for {compact} days"
            t0 = part(f"Build: mkstatus vs plain mkdocs-material (floor), {COMPONENTS} "
                      f"components, {days} days of samples ({kind})")
            build_scale.print_header(args.repeat)
            for n in sizes["n"]:
                results[f"build n={n} compact={compact}"] = in_child(
                    "build_scale", "run", n=n, components=COMPONENTS, days=days, env=None,
                    compact_days=compact, repeat=args.repeat)
            took(t0)
        t0 = part(f"Samples: {COMPONENTS} components x {days} days, load + aggregation")
        results["samples"] = in_child("samples_scale", "run", days=days,
                                      components=COMPONENTS, git=not args.no_git)
        took(t0)
        t0 = part(f"`mkstatus serve`: demo, and N = {sizes['serve_n']:,} with {COMPONENTS} "
                  f"components x {days} days of samples")
        serve_rebuild.print_header()
        results["serve demo"] = in_child("serve_rebuild", "run", ns=[])
        results["serve n"] = in_child("serve_rebuild", "run", ns=[sizes["serve_n"]],
                                      components=COMPONENTS, days=days, demo=False)
        took(t0)
        t0 = part("Probes: 200 loopback endpoints answering after 1 s")
        results["probes"] = in_child("probe_run", "run", endpoints=200, delay=1.0)
        took(t0)
    except KeyboardInterrupt:
        print("\ninterrupted: the summary has what was measured", flush=True)
    print(f"\nwhole run {time.perf_counter() - started:.0f} s")
    summary(results, sizes, args)
    if args.json:
        args.json.write_text(json.dumps({"header": head, "quick": args.quick,
                                         "sizes": sizes, "repeat": args.repeat,
                                         "results": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
