"""A seeded mutator over the demo incidents, and the oracle: a message or success, never a
traceback (QUALITY.md "hostile text").

Mutant `n` of seed `s` is always the same bytes (its own `random.Random`), so a crash
found by the long run (`bench/fuzz.py`, `make fuzz`) is replayed with `--only N`. Each
mutant is one to three edits of one demo file: delete, duplicate, swap or insert lines,
flip characters (to hostile ones: NUL, NEL, U+202E, tabs, quotes, YAML indicators),
change times (to the edges of the range, impossible dates, DST gaps, odd zones), statuses,
component ids, front-matter keys and heading levels, nest YAML deeply, or truncate the
bytes (possibly inside a UTF-8 sequence).

The in-process run parses each mutant as `check` does and, when it is accepted, computes
the site from it and renders every file the build would write, so what reaches `build`
is covered too.
"""

from __future__ import annotations

import random
import re
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mkstatus.compute.site import compute
from mkstatus.config import parse_config
from mkstatus.incidents.parse import parse_incident
from mkstatus.model import SiteConfig
from mkstatus.render.generate import generate

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "incidents").glob("*.md"))
NOW = datetime.fromisoformat("2026-11-22T21:00:00+00:00")

HOSTILE = [*"#-:—|·=,[]{}&*!'\"\t \\%<>`~?@", "\x00", "\x85", "\u202e", "\u2066", "\u2028",
           "\r", "\x1b", "\x7f", "\ufeff", "\ufffe", "🔥", "é", "\u0301", "中", "\n", "\n\n", "---"]
TIMES = ["0001-01-01 00:00", "9999-12-31 23:59", "1969-12-31 23:59", "1970-01-01 00:00",
         "8999-12-31 23:59", "9000-01-01 00:00", "2026-02-30 10:00", "2026-13-01 10:00",
         "2026-11-22 24:00", "2026-11-22 10:60", "2026-03-29 02:30", "2026-09-27 02:30",
         "2026-04-05 02:30", "2026-11-22 10:00:61", "2026-11-22T10:00:00", "2026-11-22 21:00",
         "2026-11-22 20:59:59", "2026-11-23 09:00", "2031-01-01 00:00", "2026-11-22 10:00"]
ZONES = ["", " Z", " UTC", " +14:00", " -12:00", " +2359", " -23:59", " +24:00", " +13:00",
         " NZST", " +13", " z", "+13:00", " -00:00"]
STATUSES = ["Investigating", "Identified", "Monitoring", "Resolved", "Scheduled",
            "In progress", "in_progress", "Verifying", "Completed", "Cancelled", "RESOLVED",
            "resolvd", "Done", "", "Resolved — again", "Investigating 🔥"]
IDS = ["broadband", "dns", "website", "api", "email", "dashboard", "nope", "", "API",
       "a b", "x" * 300, "../etc", "status", "web-site", "=", "api=major_outage"]
COMPONENT_STATUSES = ["operational", "degraded_performance", "partial_outage",
                      "major_outage", "under_maintenance", "down", "", "Major_Outage"]
KEYS = ["title", "impact", "components", "started", "scheduled_for", "scheduled_until",
        "informational", "pin", "draft", "titel", "[a, b]", "{a: b}", "? x", "&a x", "*a",
        "!!python/object:os.system x", "<<", "- title", "title: x\ntitle", ""]
VALUES = ["NO", "yes", "12:30:00", "true", "~", "null", "[]", "{}", "''", '"\\u202e"',
          "|\n  two\n  lines", "*a", "&a x", "!!binary aGk=", "major", "critical", "maintenance",
          "none", "2026-11-22 10:00", "[dns, api]", "{dns: down}", "9999-12-31 23:59 Z"]
LINES = ["---", "...", "## Postmortem", "## Post-mortem", "## postmortem", "## Update",
         "##", "## 2026-11-22 10:00 Z — Resolved", "### 2026-11-22 11:00 Z — Resolved",
         "Components: dns=major_outage", "Components: nope=down, dns", "Components:",
         "components: dns=operational", "Next update: 30 min", "```", "~~~", "````text",
         "  - x", "title: again", "draft: true", "pin: yes", "informational: true",
         "scheduled_for: 2026-11-30 10:00 Z", "scheduled_until: 2026-11-30 09:00 Z",
         "started: 2026-11-22 01:00 Z", "impact: critical", "<script>alert(1)</script>",
         "[x](javascript:alert(1))", "\t- tabbed", "# 2026-11-22 10:00 Z — Identified", ""]

TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?"
                     r"(?:\s*(?:Z|UTC|[+-]\d{2}:?\d{2}))?")
STATUS_RE = re.compile(r"(?<=— )[A-Za-z ]+$", re.MULTILINE)


def _lines(text: str) -> list[str]:
    return text.split("\n")


def delete_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def duplicate_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    row = rng.randrange(len(lines))
    lines.insert(rng.randrange(len(lines) + 1), lines[row])
    return "\n".join(lines)


def swap_lines(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines)


def insert_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    lines.insert(rng.randrange(len(lines) + 1), rng.choice(LINES))
    return "\n".join(lines)


def flip_chars(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        if chars:
            chars[rng.randrange(len(chars))] = rng.choice(HOSTILE)
    return "".join(chars)


def change_time(rng: random.Random, text: str) -> str:
    found = list(TIME_RE.finditer(text))
    if not found:
        return flip_chars(rng, text)
    match = rng.choice(found)
    return text[:match.start()] + rng.choice(TIMES) + rng.choice(ZONES) + text[match.end():]


def change_status(rng: random.Random, text: str) -> str:
    found = list(STATUS_RE.finditer(text))
    if not found or rng.random() < 0.2:
        return text.replace("_outage", rng.choice(["", "_outage "]), 1) if rng.random() < 0.5 \
            else re.sub(r"(?<==)[a-z_]+", rng.choice(COMPONENT_STATUSES), text, count=1)
    match = rng.choice(found)
    return text[:match.start()] + rng.choice(STATUSES) + text[match.end():]


def change_id(rng: random.Random, text: str) -> str:
    known = [cid for cid in IDS[:6] if cid in text]
    if not known:
        return insert_line(rng, text)
    return text.replace(rng.choice(known), rng.choice(IDS), rng.choice([1, -1]))


def change_key(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    rows = [i for i, line in enumerate(lines[:12]) if re.match(r"\s*[a-z_]+:", line)]
    if not rows:
        return insert_line(rng, text)
    row = rng.choice(rows)
    key, _, value = lines[row].partition(":")
    if rng.random() < 0.5:
        lines[row] = f"{rng.choice(KEYS)}:{value}"
    else:
        lines[row] = f"{key}: {rng.choice(VALUES)}"
    return "\n".join(lines)


def change_heading(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    rows = [i for i, line in enumerate(lines) if line.startswith("#")]
    if not rows:
        return insert_line(rng, text)
    row = rng.choice(rows)
    bare = lines[row].lstrip("#")
    hashes = "#" * rng.randint(0, 7)
    lines[row] = hashes + (bare.lstrip() if rng.random() < 0.2 else bare)
    return "\n".join(lines)


def nest_deeply(rng: random.Random, text: str) -> str:
    depth = rng.choice([10, 60, 1000])
    deep = rng.choice(["[" * depth + "]" * depth, "[" * depth, "{a: " * depth,
                       "\n".join(" " * i + f"k{i}:" for i in range(depth))])
    return text.replace("\n", f"\nx: {deep}\n", 1)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[:rng.randrange(len(data) + 1)]


TEXT_EDITS: list[Callable[[random.Random, str], str]] = [
    delete_line, duplicate_line, swap_lines, insert_line, flip_chars, change_time,
    change_time, change_status, change_status, change_id, change_key, change_key,
    change_heading, nest_deeply]


def mutant(seed: int, number: int) -> tuple[str, bytes]:
    """Mutant `number` of `seed`: the demo file it came from, and its bytes."""
    rng = random.Random(seed * 1_000_003 + number)
    source = rng.choice(SEEDS)
    text = source.read_text(encoding="utf-8")
    for _ in range(rng.randint(1, 3)):
        text = rng.choice(TEXT_EDITS)(rng, text)
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.08:
        data = truncate(rng, data)
    return source.stem, data


def demo_config() -> SiteConfig:
    """The demo's components and timezone, read from its mkdocs.yml's plugin section."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    raw = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=Loader)  # noqa: S506
    plugin = next(p["mkstatus"] for p in raw["plugins"] if isinstance(p, dict)
                  and "mkstatus" in p)
    config, problems = parse_config(plugin, site_name=raw["site_name"],
                                    site_url=raw["site_url"])
    assert config is not None, problems
    return config


@dataclass
class Tally:
    """What a run found: accepted, refused (with a message), crashed (a traceback)."""

    tried: int = 0
    accepted: int = 0
    refused: int = 0
    crashes: list[tuple[int, str, str]] = field(default_factory=list)  # n, seed file, tb

    @property
    def crashed(self) -> int:
        return len(self.crashes)

    def line(self) -> str:
        return (f"mutants tried {self.tried}, accepted {self.accepted}, refused "
                f"{self.refused}, crashed {self.crashed}")


def check_one(data: bytes, config: SiteConfig, render: bool = True) -> bool:
    """True when the mutant is accepted (and its site computed and rendered), False when
    it is refused with messages; any exception is a crash, for the caller to record."""
    incident, problems = parse_incident("incidents/2026-11-22-mutant.md", "2026-11-22-mutant",
                                        data, config)
    if problems:
        assert incident is None and all(str(p).startswith("incidents/") for p in problems)
        return False
    assert incident is not None
    site = compute(config, [incident], NOW)
    if render:
        generate(site)
    return True


def run(seed: int, count: int, start: int = 0, render: bool = True,
        progress: Callable[[Tally], None] | None = None) -> Tally:
    config = demo_config()
    tally = Tally()
    for number in range(start, start + count):
        source, data = mutant(seed, number)
        tally.tried += 1
        try:
            if check_one(data, config, render):
                tally.accepted += 1
            else:
                tally.refused += 1
        except Exception:  # noqa: BLE001 - a crash is what we are looking for: record it
            tally.crashes.append((number, source, traceback.format_exc()))
        if progress is not None and tally.tried % 1000 == 0:
            progress(tally)
    return tally


def mutants(seed: int, count: int) -> Iterator[tuple[int, str, bytes]]:
    for number in range(count):
        yield (number, *mutant(seed, number))
