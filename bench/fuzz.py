"""The long fuzz run: seeded mutants of the demo incidents, never a traceback.

Prints mutants tried, accepted, refused and crashed; asserts nothing (a crash is printed
with its traceback and the command that replays it). The same mutator runs 400 mutants
in `make test` (tests/incidents/test_fuzz.py).

    .venv/bin/python bench/fuzz.py                      # 20,000 mutants, seed 1
    .venv/bin/python bench/fuzz.py -n 100000 --seed 7   # longer, another seed
    .venv/bin/python bench/fuzz.py --only 1486          # replay one mutant: its text and fate

Each mutant is parsed as `check` parses it and, when accepted, its site is computed and
every file `build` would write is rendered. With `--cli-batch N` (default 500) every N
mutants are also written into one copy of the demo site and `mkstatus check` runs over
them in a subprocess: its output must be one `path:line:col:` line per problem and no
traceback.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "generator"), str(REPO)]  # fuzz this tree's code

from tests import mutants  # noqa: E402 - after the path is set

LINE_RE = re.compile(r"(warning: )?incidents/\S+:\d+:\d+: \S")


def replay(seed: int, number: int) -> None:
    source, data = mutants.mutant(seed, number)
    print(f"mutant {number} of seed {seed}, from incidents/{source}.md:\n")
    print(data.decode("utf-8", "backslashreplace"))
    tally = mutants.run(seed, 1, start=number)
    print(tally.line())
    for _, _, trace in tally.crashes:
        print(trace)


def cli_batch(seed: int, start: int, count: int, env: dict[str, str]) -> str | None:
    """`mkstatus check` over mutants start..start+count; None, or what went wrong."""
    with tempfile.TemporaryDirectory(prefix="mkstatus-fuzz-") as tmp:
        site = Path(tmp)
        for name in ("mkdocs.yml", "docs", "overrides"):
            src = REPO / name
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, site / name)
        (site / "incidents").mkdir()
        for number in range(start, start + count):
            _, data = mutants.mutant(seed, number)
            (site / "incidents" / f"2026-11-22-m{number}.md").write_bytes(data)
        result = subprocess.run([sys.executable, "-m", "mkstatus", "check", "--now",
                                 mutants.NOW.isoformat()], cwd=site, env=env,
                                capture_output=True, text=True, timeout=600)
    bad = [line for line in result.stdout.splitlines() if not LINE_RE.match(line)]
    if "Traceback" in result.stderr or result.returncode not in (0, 1) or bad:
        return f"exit {result.returncode}\n{result.stderr[-3000:]}\n{bad[:5]}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", type=int, default=None, help="replay one mutant")
    parser.add_argument("--no-render", action="store_true",
                        help="parse and compute only (about 3x faster)")
    parser.add_argument("--cli-batch", type=int, default=500,
                        help="mutants per `mkstatus check` subprocess (0: none)")
    args = parser.parse_args()
    if args.only is not None:
        replay(args.seed, args.only)
        return
    started = time.perf_counter()
    tally = mutants.run(args.seed, args.count, render=not args.no_render,
                        progress=lambda t: print(f"  {t.line()}", flush=True))
    seconds = time.perf_counter() - started
    print(f"in-process (parse, compute{'' if args.no_render else ', render'}), seed "
          f"{args.seed}: {tally.line()} in {seconds:.0f} s")
    seen: set[str] = set()
    for number, source, trace in tally.crashes:
        last = trace.strip().splitlines()[-1]
        if last not in seen:
            seen.add(last)
            print(f"\ncrash: mutant {number} (from incidents/{source}.md), replay with "
                  f"bench/fuzz.py --seed {args.seed} --only {number}\n{trace}")
    if args.cli_batch:
        env = {"PYTHONPATH": str(REPO / "generator"), "PATH": "/usr/bin:/bin",
               "NO_MKDOCS_2_WARNING": "1"}
        failures = 0
        started = time.perf_counter()
        batches = range(0, args.count, args.cli_batch)
        for start in batches:
            problem = cli_batch(args.seed, start, min(args.cli_batch, args.count - start), env)
            if problem is not None:
                failures += 1
                print(f"\n`mkstatus check` over mutants {start}.. failed: {problem}")
        print(f"`mkstatus check` over the same mutants in {len(batches)} batches: "
              f"{failures} with a traceback or a malformed line, in "
              f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
