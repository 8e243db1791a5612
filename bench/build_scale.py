"""Build time at scale, side by side with the engine's floor. Prints figures; asserts nothing.

For each N it generates N realistic incidents (3-5 updates each, mixed components, one in
eight a scheduled maintenance, some postmortems) and, optionally, D days of 5-minute probe
samples for C components; builds them with `mkstatus build` in a subprocess; and builds the
floor: plain MkDocs + Material rendering the same content, each incident file as an ordinary
Markdown page, padded with short pages to the same number of pages (generated ones included),
with the same settings as the demo (search off, short nav). Wall time and peak memory come
from the child process.

    .venv/bin/python bench/build_scale.py                       # N = 100, 1000
    .venv/bin/python bench/build_scale.py -n 10 100 1000 10000 --days 0 90 --also 10000:365 \\
        --components 20 --repeat 3                              # issue 20's table
    .venv/bin/python bench/build_scale.py -n 100 1000 10000 --days 365 --components 20
    .venv/bin/python bench/build_scale.py -n 1000 --days 365 --components 20 --compact-days 7
    .venv/bin/python bench/build_scale.py -n 100 --demo         # also time the demo site
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 22, 21, 0, tzinfo=UTC)
STATUSES = ["degraded_performance", "partial_outage", "major_outage"]


def site_yaml(components: int, with_probes: bool) -> str:
    lines = ["site_name: Bench Status", "site_url: https://status.example.com/",
             "theme: {name: material, font: false}", "plugins:", "  - mkstatus:",
             "      timezone: Europe/Paris", "      components:"]
    for i in range(components):
        lines.append(f"        - {{id: c{i}, name: Component {i}, group: G{i % 4}}}")
        if with_probes:
            lines[-1] = lines[-1][:-1] + ", probe: {url: 'https://example.com/h'}}"
    lines.append("nav: [{Status: index.md}, {History: history.md}]")
    return "\n".join(lines) + "\n"


def incident_text(rng: random.Random, index: int, components: int) -> tuple[str, str]:
    start = NOW - timedelta(minutes=rng.randrange(60, 365 * 24 * 60 * 3))
    stem = f"{start:%Y-%m-%d}-incident-{index}"
    comps = rng.sample(range(components), k=min(components, rng.randint(1, 3)))
    if index % 8 == 0:
        until = start + timedelta(hours=2)
        names = ", ".join(f"c{c}" for c in comps)
        body = (f"---\ntitle: Maintenance {index}\ncomponents: [{names}]"
                f"\nscheduled_for: {start:%Y-%m-%d %H:%M} Z\nscheduled_until: "
                f"{until:%Y-%m-%d %H:%M} Z\n---\n\nPlanned work on the database.\n\n"
                f"## {start - timedelta(days=3):%Y-%m-%d %H:%M} Z — Scheduled\nWe will upgrade.\n")
        return stem, body
    front = "\n".join(f"  c{c}: {rng.choice(STATUSES)}" for c in comps)
    updates = []
    moment = start
    steps = ["Investigating", "Identified", "Monitoring", "Resolved"][: rng.randint(2, 4)]
    if rng.random() < 0.9 and steps[-1] != "Resolved":
        steps.append("Resolved")
    for step in steps:
        updates.append(f"## {moment:%Y-%m-%d %H:%M} Z — {step}\n"
                       f"We are working on **incident {index}**: step {step.lower()}. "
                       "Customers may see errors; see [the FAQ](https://example.com/faq).\n")
        moment += timedelta(minutes=rng.randint(10, 180))
    post = "\n## Postmortem\n\n### What happened\nA change went wrong.\n" if index % 5 == 0 else ""
    return stem, (f"---\ntitle: Incident number {index}\nimpact: minor\ncomponents:\n{front}\n"
                  f"---\n\nSummary of incident {index}.\n\n" + "\n".join(reversed(updates)) + post)


def write_samples(root: Path, components: int, days: int) -> int:
    sys.path.insert(0, str(REPO / "generator"))
    from mkstatus.samples.model import Outcome, Sample, sample_line
    from mkstatus.samples.store import day_dir

    count = 0
    rng = random.Random(7)
    for d in range(days):
        day = (NOW - timedelta(days=d)).date()
        folder = day_dir(root / "samples", day)
        folder.mkdir(parents=True, exist_ok=True)
        lines = []
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        for minute in range(0, 24 * 60, 5):
            moment = midnight + timedelta(minutes=minute)
            if moment > NOW:
                break
            for c in range(components):
                failed = rng.random() < 0.002
                lines.append(sample_line(Sample(
                    time=moment, component=f"c{c}", region="default",
                    outcome=Outcome.TIMEOUT if failed else Outcome.OK,
                    http_code=None if failed else 200, latency_ms=rng.randint(40, 400),
                    cert_expires=None, error=None)))
        (folder / "default.jsonl").write_bytes(b"".join(lines))
        count += len(lines)
    return count


def make_site(root: Path, n: int, components: int, days: int,
              compact_days: int | None = None) -> int:
    (root / "docs").mkdir(parents=True)
    (root / "incidents").mkdir()
    (root / "mkdocs.yml").write_text(site_yaml(components, with_probes=days > 0))
    rng = random.Random(n)
    for i in range(n):
        stem, text = incident_text(rng, i, components)
        (root / "incidents" / f"{stem}.md").write_text(text)
    count = write_samples(root, components, days) if days else 0
    if count and compact_days is not None:
        from mkstatus.samples.compact import compact

        compact(root / "samples", older_than_days=compact_days, now=NOW)
    return count


def copy_demo(dest: Path) -> Path:
    """The repo's demo site inputs, copied so a benchmark may change them."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "incidents", "docs", "overrides", "samples"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


def make_floor(root: Path, pages: int, incidents: Path) -> None:
    """The engine's floor: plain MkDocs + Material rendering the same content as pages.

    Every incident file becomes an ordinary Markdown page (its own text, front matter
    included), the rest are short pages, so the floor has the same number of pages and the
    same Markdown to convert; what mkstatus adds above it is its own cost.
    """
    docs = root / "docs"
    (docs / "p").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nHello.\n")
    sources = sorted(incidents.glob("*.md"))
    for i in range(pages - 1):
        text = (sources[i].read_text() if i < len(sources) else
                f"# Page {i}\n\nSome **text** and [a link](https://example.com/).\n")
        (docs / "p" / f"page-{i}.md").write_text(text)
    (root / "mkdocs.yml").write_text(
        "site_name: Floor\nsite_url: https://floor.example.com/\ntheme: {name: material, "
        "font: false}\nplugins: []\nnav: [{Home: index.md}]\nnot_in_nav: /p/\n")


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and the child's peak RSS in MB; see `timed_cpu`."""
    seconds, _cpu, peak = timed_cpu(cmd, cwd, env)
    return seconds, peak


def timed_cpu(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system of the command and every process it
    waited for, so worker processes count) and the largest peak RSS in MB of one of those
    processes. RUSAGE_CHILDREN is a high-water mark, so each measurement runs in a fresh
    `python -c` wrapper that reports its own child."""
    wrapper = ("import resource,subprocess,sys,time;t=time.perf_counter();"
               "r=subprocess.run(sys.argv[1:]);u=resource.getrusage(resource.RUSAGE_CHILDREN);"
               "print(time.perf_counter()-t, u.ru_utime+u.ru_stime, u.ru_maxrss/1024,"
               " r.returncode)")
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], cwd=cwd, env=env,
                         capture_output=True, text=True, check=True)
    seconds, cpu, peak, code = out.stdout.split()[-4:]
    if code != "0":
        raise SystemExit(f"{cmd} failed in {cwd}:\n{out.stderr[-3000:]}")
    return float(seconds), float(cpu), float(peak)


def size_of(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), sum(1 for p in files if p.suffix == ".html")


def bench_env() -> dict[str, str]:
    """The environment of every timed build: no MkDocs 2 notice, the real clock, and
    Python's bytecode written and read as for an installed package (the floor's packages
    have theirs; with PYTHONDONTWRITEBYTECODE, mkstatus from a checkout would compile its
    modules on every run)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for name in ("SOURCE_DATE_EPOCH", "PYTHONDONTWRITEBYTECODE", "MKSTATUS_CACHE_DIR"):
        env.pop(name, None)
    return env


KINDS = ("mkstatus", "cold", "floor")
HEADER = ("|      N | days |   samples |  pages | mkstatus CPU s       | cold CPU s           "
          "| floor CPU s          | CPU / floor | cold / floor | mkstatus wall s      "
          "| floor wall s         | mkstatus peak MB | cold peak MB | floor peak MB |")


def print_header(repeat: int) -> None:
    print(f"Paired runs, alternating, {repeat} of each; median (min-max). mkstatus: a build "
          "with the derived cache and the site the previous build left (.mkstatus-cache: "
          "sample cache, compiled templates, rendered pages; site/: unchanged files are "
          "linked), as every build but a fresh clone's; cold: without either; "
          "floor: plain MkDocs + Material, same pages. CPU = user + system of the build and "
          "its workers; peak = largest RSS of one process.")
    print(HEADER)
    print("|" + "|".join("-" * (len(c) - 1) + ":" for c in HEADER.split("|")[1:-1]) + "|",
          flush=True)


def spread(values: list[float], digits: int = 2) -> str:
    """Median and (min-max), e.g. ``1.23 (1.20-1.31)``."""
    return (f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-"
            f"{max(values):.{digits}f})")


def run(n: int, components: int, days: int, env: dict[str, str] | None,
        compact_days: int | None, repeat: int) -> dict[str, Any]:
    """Builds mkstatus (with its cache), mkstatus cold (without it) and the floor, one
    after the other, ``repeat`` times, rotating which goes first, so a slow spell of a
    shared machine hits all three; prints medians and spread as a table row and returns
    every figure. ``env`` None: ``bench_env()``."""
    env = bench_env() if env is None else env
    with tempfile.TemporaryDirectory(prefix="mkstatus-bench-") as tmp:
        root = Path(tmp) / "site-src"
        samples = make_site(root, n, components, days, compact_days)
        mk = [str(Path(sys.executable).with_name("mkstatus")), "build", "--now",
              NOW.strftime("%Y-%m-%dT%H:%M:%SZ")]
        mkdocs = [str(Path(sys.executable).with_name("mkdocs")), "build", "-q"]
        floor = Path(tmp) / "floor"
        timed_cpu(mk, root, env)  # the cache of a previous build, and the page count
        total, pages = size_of(root / "site")
        make_floor(floor, pages, root / "incidents")
        figures: dict[str, dict[str, list[float]]] = {
            k: {"wall": [], "cpu": [], "peak": []} for k in KINDS}
        for turn in range(repeat):
            for kind in KINDS[turn % 3:] + KINDS[:turn % 3]:
                if kind == "cold":  # a fresh clone: no cache, no site the build may
                    shutil.rmtree(root / ".mkstatus-cache", ignore_errors=True)  # link
                    shutil.rmtree(root / "site", ignore_errors=True)
                wall, cpu, peak = timed_cpu(mkdocs if kind == "floor" else mk,
                                            floor if kind == "floor" else root, env)
                for key, value in (("wall", wall), ("cpu", cpu), ("peak", peak)):
                    figures[kind][key].append(value)
        med = {k: {m: statistics.median(v) for m, v in f.items()} for k, f in figures.items()}
        mk_f, cold_f, floor_f = figures["mkstatus"], figures["cold"], figures["floor"]
        print(f"| {n:>6} | {days:>4} | {samples:>9,} | {pages:>6} | {spread(mk_f['cpu']):>20} "
              f"| {spread(cold_f['cpu']):>20} | {spread(floor_f['cpu']):>20} | "
              f"{med['mkstatus']['cpu'] / med['floor']['cpu']:>11.2f} | "
              f"{med['cold']['cpu'] / med['floor']['cpu']:>12.2f} | "
              f"{spread(mk_f['wall']):>20} | {spread(floor_f['wall']):>20} | "
              f"{spread(mk_f['peak'], 0):>16} | {spread(cold_f['peak'], 0):>12} | "
              f"{spread(floor_f['peak'], 0):>13} |", flush=True)
    return {"n": n, "components": components, "days": days, "compact_days": compact_days,
            "samples": samples, "pages": pages, "repeat": repeat, "output_mb": total / 1e6,
            "all": figures, "median": med,
            # the names bench/all.py reads
            "cold_s": med["cold"]["wall"], "rebuild_s": med["mkstatus"]["wall"],
            "peak_mb": max(cold_f["peak"] + mk_f["peak"]), "floor_s": med["floor"]["wall"],
            "ratio": med["cold"]["wall"] / med["floor"]["wall"],
            "rebuild_ratio": med["mkstatus"]["wall"] / med["floor"]["wall"],
            "cold_cpu_s": med["cold"]["cpu"], "floor_cpu_s": med["floor"]["cpu"],
            "cpu_ratio": med["cold"]["cpu"] / med["floor"]["cpu"],
            "rebuild_cpu_s": med["mkstatus"]["cpu"],
            "rebuild_cpu_ratio": med["mkstatus"]["cpu"] / med["floor"]["cpu"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--components", type=int, default=6)
    parser.add_argument("--days", type=int, nargs="+", default=[0],
                        help="days of 5-minute samples; several: each N with each")
    parser.add_argument("--also", nargs="*", default=[], metavar="N:DAYS",
                        help="further sizes, e.g. 10000:365 for the memory figure")
    parser.add_argument("--compact-days", type=int, default=None, metavar="D",
                        help="compact samples older than D days first, as the scheduled "
                             "probe workflow does (7); default: every sample raw")
    parser.add_argument("--demo", action="store_true", help="also time the demo site")
    parser.add_argument("--repeat", type=int, default=3, metavar="R",
                        help="builds of each kind per N; medians are printed (default 3)")
    parser.add_argument("--json", type=Path, default=None, help="also write every figure here")
    args = parser.parse_args()
    env = bench_env()
    print(f"mkstatus build vs plain mkdocs-material (floor), {os.cpu_count()} cores, "
          f"{args.components} components with samples "
          f"({'raw' if args.compact_days is None else f'raw for {args.compact_days} days'}),"
          f" {date.today()}")
    if args.demo:
        with tempfile.TemporaryDirectory() as tmp:
            copy_demo(Path(tmp))
            mk = [str(Path(sys.executable).with_name("mkstatus")), "build", "--now",
                  NOW.strftime("%Y-%m-%dT%H:%M:%SZ")]
            seconds, peak = timed(mk, Path(tmp), env)
            print(f"demo site: {seconds:.2f} s wall, {peak:.0f} MB peak RSS")
    print_header(args.repeat)
    sizes = [(n, d) for d in args.days for n in args.n]
    sizes += [(int(a), int(b)) for a, b in (x.split(":") for x in args.also)]
    results = [run(n, args.components, d, env, args.compact_days, args.repeat)
               for n, d in sizes]
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
