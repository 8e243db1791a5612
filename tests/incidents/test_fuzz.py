"""The seeded fuzz run of `make test`: mutated demo incidents give a message or succeed,
never a traceback (issue 14; QUALITY.md "hostile text"). The long run is `make fuzz`
(bench/fuzz.py); a crash either run finds is replayed with `bench/fuzz.py --only N`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests import mutants
from tests.conftest import DEMO_NOW, copy_demo, mkstatus

MESSAGE_RE = re.compile(r"(warning: )?incidents/2026-11-22-m\d{3}\.md:\d+:\d+: \S")


def test_mutants_in_process_give_a_message_or_succeed() -> None:
    tally = mutants.run(seed=2026, count=400)
    first = tally.crashes[0] if tally.crashes else None
    assert first is None, (f"{tally.line()}; replay with bench/fuzz.py --seed 2026 --only "
                           f"{first[0]} (from incidents/{first[1]}.md):\n{first[2]}")
    assert tally.tried == 400 and tally.accepted > 40 and tally.refused > 200, tally.line()


def test_mutants_through_check_give_a_message_or_succeed(tmp_path: Path) -> None:
    """One `mkstatus check` over a folder of 100 mutants: one line per problem, exit 1,
    and no traceback on the way (the folder walk, the reading, the parse, the site)."""
    site = copy_demo(tmp_path / "site")
    shutil.rmtree(site / "samples", ignore_errors=True)
    for number, _, data in mutants.mutants(seed=2027, count=100):
        (site / "incidents" / f"2026-11-22-m{number:03}.md").write_bytes(data)
    result = mkstatus("check", "--now", DEMO_NOW, cwd=site)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) > 50 and all(MESSAGE_RE.match(line) for line in lines), lines
    assert result.stderr.endswith(" problem(s) found\n")
