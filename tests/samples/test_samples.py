"""The samples store: nothing lost across processes, crashes and git merges; compaction."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from mkstatus.errors import ConfigError
from mkstatus.samples.aggregates import load_aggregates
from mkstatus.samples.compact import compact
from mkstatus.samples.model import Outcome, Run, Sample, sample_line
from mkstatus.samples.store import append_samples

from tests.sample_oracle import aggregate_day, load_runs, load_samples, sample_runs

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def s(minutes: float, outcome: Outcome = Outcome.OK, comp: str = "api", region: str = "eu",
      **kw: object) -> Sample:
    return Sample(T0 + timedelta(minutes=minutes), comp, region, outcome, **kw)  # type: ignore[arg-type]


def raw_with_samples(root: Path) -> list[Path]:
    """The raw day-files that hold samples (compaction leaves a compacted one empty)."""
    return [p for p in sorted(root.rglob("*.jsonl"))
            if not p.name.endswith(".runs.jsonl") and p.stat().st_size]


def no_warn(msg: str) -> None:
    raise AssertionError(f"unexpected warning: {msg}")


def test_line_format_is_compact_and_round_trips(tmp_path: Path) -> None:
    full = s(0.0021, Outcome.OK, http_code=200, latency_ms=143,
             cert_expires=datetime(2027, 1, 10, 12, tzinfo=UTC), error="a \"quoted\" é")
    assert sample_line(s(0, http_code=200, latency_ms=143)) == (
        b'{"t":"2026-11-22T10:00:00Z","c":"api","o":"ok","h":200,"l":143}\n')
    append_samples(tmp_path, [full, s(1, Outcome.TIMEOUT)])
    path = tmp_path / "2026/11/22/eu.jsonl"
    assert path.read_bytes().splitlines()[0].startswith(b'{"t":"2026-11-22T10:00:00.126Z"')
    assert load_samples(tmp_path, warn=no_warn) == [full.__class__(
        T0 + timedelta(milliseconds=126), "api", "eu", Outcome.OK, 200, 143,
        datetime(2027, 1, 10, 12, tzinfo=UTC), 'a "quoted" é'), s(1, Outcome.TIMEOUT)]


def test_files_are_split_by_utc_day_and_region(tmp_path: Path) -> None:
    late = Sample(datetime(2026, 11, 23, 0, 30, tzinfo=UTC).astimezone(
        datetime.now().astimezone().tzinfo), "api", "us", Outcome.OK)
    append_samples(tmp_path, [s(0), late])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.jsonl")) == [
        "2026/11/22/eu.jsonl", "2026/11/23/us.jsonl"]


@pytest.mark.parametrize("region", ["../x", "EU", "", "a/b", "a" * 80])
def test_unsafe_region_names_are_refused(tmp_path: Path, region: str) -> None:
    with pytest.raises(ConfigError):
        append_samples(tmp_path, [s(0, region=region)])
    assert not any(tmp_path.iterdir())


def _writer(root: str, proc: int, n: int) -> None:
    for i in range(n):
        append_samples(Path(root), [s(i / 60, comp=f"p{proc}", latency_ms=i)])


def test_parallel_writer_processes_lose_nothing(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), p, 500)) for p in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    lines = (tmp_path / "2026/11/22/eu.jsonl").read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 8 * 500 + 1
    got = load_samples(tmp_path, warn=no_warn)
    assert len(got) == 4000
    assert {(x.component, x.latency_ms) for x in got} == {
        (f"p{p}", i) for p in range(8) for i in range(500)}


def _same_millisecond_writer(root: str, proc: int) -> None:
    """A probe process of its own, recording at the same millisecond as the others."""
    outcome = Outcome.TIMEOUT if proc % 2 else Outcome.OK
    append_samples(Path(root), [s(0.0021, outcome, latency_ms=100 + proc)])


def test_concurrent_probes_at_the_same_millisecond_keep_every_sample(tmp_path: Path) -> None:
    """Issue 14.9: two probe processes may record one component and region at the same
    millisecond; only samples equal in every field are one sample."""
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_same_millisecond_writer, args=(str(tmp_path), p))
             for p in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    append_samples(tmp_path, [s(0.0021, Outcome.OK, latency_ms=100)])  # a repeated line
    got = load_samples(tmp_path, warn=no_warn)
    assert [(x.outcome, x.latency_ms) for x in got] == [
        (Outcome.OK, 100), (Outcome.OK, 102), (Outcome.TIMEOUT, 101), (Outcome.TIMEOUT, 103)]
    assert [(r.state, r.count) for r in sample_runs(got)] == [("ok", 2), ("failed", 2)]


def test_torn_last_line_is_skipped_with_warning_and_next_append_works(tmp_path: Path) -> None:
    append_samples(tmp_path, [s(0), s(1)])
    path = tmp_path / "2026/11/22/eu.jsonl"
    with path.open("ab") as f:
        f.write(b'{"t":"2026-11-22T10:02:00Z","c":"api","o":"o')  # killed mid-write
    warnings: list[str] = []
    assert load_samples(tmp_path, warn=warnings.append) == [s(0), s(1)]
    assert warnings == [f"{path}:3: skipped an invalid sample line (JSONDecodeError: "
                        + warnings[0].split("(JSONDecodeError: ", 1)[1]]
    append_samples(tmp_path, [s(3)])
    warnings.clear()
    assert load_samples(tmp_path, warn=warnings.append) == [s(0), s(1), s(3)]
    assert len(warnings) == 1 and warnings[0].startswith(f"{path}:3:")


def test_invalid_lines_warn_with_path_and_line(tmp_path: Path) -> None:
    path = tmp_path / "2026/11/22/eu.jsonl"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'[1]\n{"t":"2026-11-22T10:00:00","c":"a","o":"ok"}\n'
                     b'{"t":"2026-11-22T10:00:00Z","c":"a","o":"sideways"}\n\xff\n')
    warnings: list[str] = []
    assert load_samples(tmp_path, warn=warnings.append) == []
    assert [w.split(": ")[0] for w in warnings] == [f"{path}:{n}" for n in (1, 2, 3, 4)]


def test_duplicates_dropped_and_sorted_on_read(tmp_path: Path) -> None:
    append_samples(tmp_path, [s(2), s(1), s(1, comp="web")])
    append_samples(tmp_path, [s(1), s(0)])
    got = load_samples(tmp_path, warn=no_warn)
    assert [(x.time.minute, x.component) for x in got] == [(0, "api"), (1, "api"), (1, "web"),
                                                           (2, "api")]


def test_since_skips_old_day_files_without_opening_them(tmp_path: Path) -> None:
    append_samples(tmp_path, [s(0), s(60 * 24), s(60 * 24 + 5)])
    old = tmp_path / "2026/11/22/eu.jsonl"
    old.chmod(0)  # opening it would fail: proves it is skipped by path
    try:
        got = load_samples(tmp_path, since=T0 + timedelta(days=1, minutes=1), warn=no_warn)
    finally:
        old.chmod(0o644)
    assert got == [s(60 * 24 + 5)]


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd.parent),
           "GIT_AUTHOR_DATE": "2026-11-22T10:00:00Z", "GIT_COMMITTER_DATE": "2026-11-22T10:00:00Z"}
    out = subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                         text=True)
    return out.stdout


def test_two_clones_append_then_pull_rebase_without_conflict(tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    a, b = tmp_path / "a", tmp_path / "b"
    git(tmp_path, "clone", "-q", str(origin), str(a))
    for clone in (a,):
        git(clone, "config", "user.name", "t")
        git(clone, "config", "user.email", "t@example.com")
    (a / ".gitattributes").write_text("samples/** merge=union\n")
    append_samples(a / "samples", [s(0), s(0, region="us")])
    git(a, "add", ".")
    git(a, "commit", "-qm", "init")
    git(a, "push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", str(origin), str(b))
    git(b, "config", "user.name", "t")
    git(b, "config", "user.email", "t@example.com")
    # Both clones append to the same eu file, plus a region each; b also repeats a sample.
    append_samples(a / "samples", [s(5), s(10), s(5, region="ap")])
    append_samples(b / "samples", [s(6), s(11), s(0), s(6, region="sa")])
    for clone, msg in ((a, "a"), (b, "b")):
        git(clone, "add", ".")
        git(clone, "commit", "-qm", msg)
    git(a, "push", "-q", "origin", "main")
    git(b, "pull", "-q", "--rebase", "origin", "main")
    git(b, "push", "-q", "origin", "main")
    assert git(b, "status", "--porcelain") == ""
    got = load_samples(b / "samples", warn=no_warn)
    assert [(x.region, x.time.minute) for x in got] == [
        ("eu", 0), ("us", 0), ("ap", 5), ("eu", 5), ("eu", 6), ("sa", 6), ("eu", 10),
        ("eu", 11)]


def _history() -> list[Sample]:
    """Three days of 5-minute samples with outages, degradation, gaps and a midnight run."""
    out = []
    for i in range(3 * 288):
        minute = i * 5
        if 400 <= i < 410:
            continue  # a 50-minute gap: no data
        if 100 <= i < 103 or 166 <= i < 171 or 280 <= i < 300 or i == 500:
            outcome = Outcome.TIMEOUT if i % 2 else Outcome.HTTP_STATUS
        elif 600 <= i < 640:
            outcome = Outcome.DEGRADED
        else:
            outcome = Outcome.OK
        out.append(s(minute, outcome, latency_ms=100 + i % 37, http_code=200))
        out.append(s(minute, Outcome.OK, region="us", latency_ms=50 + i % 11))
    return out


def test_compaction_keeps_every_status_figure(tmp_path: Path) -> None:
    samples = _history()
    append_samples(tmp_path, samples)
    before_runs = load_runs(tmp_path, warn=no_warn)
    by_day: dict[object, list[Sample]] = {}
    for x in samples:
        by_day.setdefault(x.time.date(), []).append(x)
    expected_aggs = [a for day, xs in sorted(by_day.items()) for a in
                     aggregate_day(day, xs, timedelta(minutes=15))]  # type: ignore[arg-type]
    now = T0 + timedelta(days=3, hours=2)
    report = compact(tmp_path, older_than_days=1, now=now)
    assert report.files_compacted == 4 and report.bytes_after < report.bytes_before / 10
    assert len(raw_with_samples(tmp_path)) == 4  # days 24 and 25 stay raw
    assert load_runs(tmp_path, warn=no_warn) == before_runs
    assert load_runs(tmp_path, warn=no_warn) == sample_runs(samples)
    assert load_aggregates(tmp_path, warn=no_warn) == [
        a for a in expected_aggs if a.day < (now - timedelta(days=1)).date()]
    failed = [r for r in before_runs if r.state == "failed"]
    assert [(r.count, r.start.strftime("%d %H:%M")) for r in failed] == [
        (3, "22 18:20"), (5, "22 23:50"), (20, "23 09:20"), (1, "24 03:40")]
    assert failed[1].end.strftime("%d %H:%M") == "23 00:10"  # across midnight, compacted
    assert any(r.start.day == 23 and r.end.day == 24 for r in before_runs)  # compacted + raw
    assert compact(tmp_path, older_than_days=1, now=now).files_compacted == 0  # idempotent


def test_compaction_crash_between_write_and_delete_loses_nothing(tmp_path: Path) -> None:
    append_samples(tmp_path, _history())
    before = load_runs(tmp_path, warn=no_warn)
    raw = tmp_path / "2026/11/22/eu.jsonl"
    kept = raw.read_bytes()
    compact(tmp_path, older_than_days=2, now=T0 + timedelta(days=3))
    raw.write_bytes(kept)  # as if killed after the rename, before the unlink
    (raw.parent / ".eu.runs.json.abc.tmp").write_text("half")  # and a stray temp file
    warnings: list[str] = []
    assert load_runs(tmp_path, warn=warnings.append) == before
    assert warnings == [f"{raw}: day already compacted; raw samples ignored (run compact again)"]
    compact(tmp_path, older_than_days=2, now=T0 + timedelta(days=3))
    assert raw.read_bytes() == b"" and not list(tmp_path.rglob("*.tmp"))  # emptied
    assert load_runs(tmp_path, warn=no_warn) == before


NOW = T0 + timedelta(days=3, hours=2)  # days 22 and 23 are compacted with --older-than 1


def _state(x: Sample) -> str:
    return "failed" if x.outcome.failed else x.outcome.value


def assert_every_sample_in_a_run(runs: list[Run], samples: list[Sample]) -> None:
    """Nothing lost: each sample lies in a run of its component, region and state."""
    for x in samples:
        assert any(r.component == x.component and r.region == x.region
                   and r.state == _state(x) and r.start <= x.time <= r.end for r in runs), x


def test_samples_arriving_for_a_compacted_day_are_merged_by_the_next_compact(
        tmp_path: Path) -> None:
    samples = _history()
    append_samples(tmp_path, samples)
    compact(tmp_path, older_than_days=1, now=NOW)
    raw = tmp_path / "2026/11/23/eu.jsonl"
    assert raw.read_bytes() == b""
    # A runner that pushed late: samples of day 23 (in its 50-minute gap) land in the
    # emptied file.
    late = [s(2007, Outcome.TIMEOUT), s(2012, Outcome.TIMEOUT), s(2017)]
    append_samples(tmp_path, late)
    warnings: list[str] = []
    assert load_runs(tmp_path, warn=warnings.append) == sample_runs(samples)
    assert warnings == [f"{raw}: day already compacted; raw samples ignored (run compact again)"]
    report = compact(tmp_path, older_than_days=1, now=NOW)
    assert (report.warnings, report.files_compacted, report.samples_compacted) == ([], 1, 3)
    assert raw.read_bytes() == b""
    runs = load_runs(tmp_path, warn=no_warn)
    assert runs == sample_runs(samples + late)
    assert [(r.count, r.start.strftime("%d %H:%M")) for r in runs if r.state == "failed"
            and r.region == "eu" and r.start.day == 23][-1] == (2, "23 19:27")
    assert compact(tmp_path, older_than_days=1, now=NOW).files_compacted == 0


def test_a_compacted_file_extended_by_a_merge_is_compacted_again_whole(tmp_path: Path) -> None:
    """Git's union merge of "emptied here" with "appended there" gives the compacted bytes
    followed by the new lines: the day is computed again from the whole file."""
    samples = _history()
    append_samples(tmp_path, samples)
    raw = tmp_path / "2026/11/22/eu.jsonl"
    kept = raw.read_bytes()
    compact(tmp_path, older_than_days=1, now=NOW)
    late = [s(302, Outcome.TIMEOUT, latency_ms=9), s(303, Outcome.TIMEOUT)]  # inside a run
    raw.write_bytes(kept + b"".join(sample_line(x) for x in late))
    report = compact(tmp_path, older_than_days=1, now=NOW)
    assert (report.warnings, report.files_compacted) == ([], 1)
    day = T0.date()
    expected = aggregate_day(day, [x for x in samples + late if x.time.date() == day
                                   and x.region == "eu"], timedelta(minutes=15))
    got = [a for a in load_aggregates(tmp_path, warn=no_warn) if a.day == day and a.region == "eu"]
    assert got == expected  # one batch: the first compaction's records were replaced
    assert load_runs(tmp_path, warn=no_warn) == sample_runs(samples + late)


def test_aggregates_survive_a_union_merge_of_two_compactions(tmp_path: Path) -> None:
    append_samples(tmp_path, _history())
    compact(tmp_path, older_than_days=1, now=NOW)
    before = load_aggregates(tmp_path, warn=no_warn)
    agg = tmp_path / "2026/11/22/eu.runs.jsonl"
    lines = agg.read_bytes().splitlines(keepends=True)
    assert len(lines) == 1 and lines[0].startswith(b'{"c":"api","n":168,')
    agg.write_bytes(b"".join([*lines, b"\n", *lines]))  # both clones' lines, as union keeps them
    assert load_aggregates(tmp_path, warn=no_warn) == before


def _legacy_doc(jsonl: Path, src: bytes) -> bytes:
    """The same aggregates as ``<region>.runs.json``, the format of older versions."""
    comps = {}
    for line in jsonl.read_bytes().splitlines():
        rec = json.loads(line)
        comps[rec["c"]] = {k: rec[k] for k in ("n", "p50", "p95", "runs")}
    doc = {"v": 1, "gap_s": 900, "src_len": len(src),
           "src_sha256": hashlib.sha256(src).hexdigest(), "components": comps}
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def test_runs_json_of_older_versions_is_read_and_converted_when_samples_arrive(
        tmp_path: Path) -> None:
    samples = _history()
    append_samples(tmp_path, samples)
    sources = {p: p.read_bytes() for p in tmp_path.glob("2026/11/2[23]/*.jsonl")}
    compact(tmp_path, older_than_days=1, now=NOW)
    expected = load_aggregates(tmp_path, warn=no_warn)
    for raw, src in sources.items():
        new = raw.with_name(raw.stem + ".runs.jsonl")
        raw.with_name(raw.stem + ".runs.json").write_bytes(_legacy_doc(new, src))
        new.unlink()
    assert load_aggregates(tmp_path, warn=no_warn) == expected
    assert load_runs(tmp_path, warn=no_warn) == sample_runs(samples)
    raw = tmp_path / "2026/11/22/us.jsonl"
    raw.write_bytes(sources[raw])  # an old crash: compacted, the raw file not yet removed
    assert compact(tmp_path, older_than_days=1, now=NOW).files_compacted == 0
    assert raw.read_bytes() == b"" and raw.with_name("us.runs.json").exists()
    late = [s(600, Outcome.DNS, region="us"), s(601, Outcome.DNS, region="us")]  # 22 20:00
    append_samples(tmp_path, late)
    assert compact(tmp_path, older_than_days=1, now=NOW).files_compacted == 1
    assert not raw.with_name("us.runs.json").exists()  # converted: its records moved over
    assert raw.with_name("us.runs.jsonl").exists()
    assert_every_sample_in_a_run(load_runs(tmp_path, warn=no_warn), samples + late)


def _two_clones(tmp_path: Path, samples: list[Sample]) -> tuple[Path, Path]:
    """Two clones of a repository whose first commit holds ``samples``, raw."""
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    clones = []
    for name in ("a", "b"):
        clone = tmp_path / name
        git(tmp_path, "clone", "-q", str(origin), str(clone))
        git(clone, "config", "user.name", name)
        git(clone, "config", "user.email", f"{name}@example.com")
        if name == "a":
            (clone / ".gitattributes").write_text("samples/** merge=union\n")
            append_samples(clone / "samples", samples)
            commit(clone, "samples")
            git(clone, "push", "-q", "origin", "main")
        clones.append(clone)
    return clones[0], clones[1]


def commit(clone: Path, message: str) -> None:
    git(clone, "add", "-A", ".")
    git(clone, "commit", "-qm", message)


def test_two_clones_compacting_the_same_day_rebase_without_conflict(tmp_path: Path) -> None:
    samples = _history()
    a, b = _two_clones(tmp_path, samples)
    late = s(60 * 13 + 58, Outcome.TIMEOUT)  # 22 23:58, held back by b's runner
    append_samples(b / "samples", [late])
    commit(b, "late sample")
    for clone in (a, b):  # both compact days 22 and 23; b's day 22 has one more sample
        assert compact(clone / "samples", older_than_days=1, now=NOW).files_compacted == 4
        commit(clone, "compact")
    git(a, "push", "-q", "origin", "main")
    git(b, "pull", "-q", "--rebase", "origin", "main")
    git(b, "push", "-q", "origin", "main")
    assert git(b, "status", "--porcelain") == ""
    assert_every_sample_in_a_run(load_runs(b / "samples", warn=no_warn), [*samples, late])
    # Day 23, which both compacted from the same bytes, reads as one compaction.
    day = date(2026, 11, 23)
    assert [x for x in load_aggregates(b / "samples", warn=no_warn) if x.day == day] == [
        x for x in load_aggregates(a / "samples", warn=no_warn) if x.day == day]
    assert len([x for x in load_aggregates(b / "samples", warn=no_warn) if x.day == day]) == 2


def test_a_clone_compacting_a_day_another_appended_to_rebases_without_conflict(
        tmp_path: Path) -> None:
    samples = _history()
    a, b = _two_clones(tmp_path, samples)
    late = [s(60 * 13 + 58, Outcome.TIMEOUT), s(60 * 13 + 59, Outcome.TIMEOUT)]
    append_samples(b / "samples", late)  # day 22, appended while a compacts it
    commit(b, "late samples")
    compact(a / "samples", older_than_days=1, now=NOW)
    commit(a, "compact")
    git(a, "push", "-q", "origin", "main")
    git(b, "pull", "-q", "--rebase", "origin", "main")  # no modify/delete conflict
    git(b, "push", "-q", "origin", "main")
    assert git(b, "status", "--porcelain") == ""
    raw = b / "samples/2026/11/22/eu.jsonl"
    assert raw.read_bytes().endswith(b"".join(sample_line(x) for x in late))
    warnings: list[str] = []
    load_runs(b / "samples", warn=warnings.append)
    assert warnings == [f"{raw}: day already compacted; raw samples ignored (run compact again)"]
    report = compact(b / "samples", older_than_days=1, now=NOW)
    assert (report.warnings, report.files_compacted) == ([], 1)
    assert load_runs(b / "samples", warn=no_warn) == sample_runs(samples + late)
    commit(b, "compact again")
    git(b, "push", "-q", "origin", "main")
    git(a, "pull", "-q", "--rebase", "origin", "main")
    assert load_runs(a / "samples", warn=no_warn) == sample_runs(samples + late)
