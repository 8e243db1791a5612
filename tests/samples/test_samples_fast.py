"""The fast sample reader gives exactly the reference answer, warnings included."""

from __future__ import annotations

import json
import logging
import os
import random
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from mkstatus import parallel
from mkstatus.compute.uptime import daily_latency
from mkstatus.model import Component, SiteConfig
from mkstatus.probes.config import HttpProbe
from mkstatus.probes.verdicts import cert_warnings, max_gap_for, probe_history
from mkstatus.project import Project, load_probe_data
from mkstatus.samples import read as samples_fast
from mkstatus.samples.aggregates import load_aggregates
from mkstatus.samples.compact import compact
from mkstatus.samples.model import Outcome, Sample, parse_line, sample_line
from mkstatus.samples.read import summarize_samples
from mkstatus.samples.reduce import merge_runs
from mkstatus.samples.store import append_samples

from tests.sample_oracle import load_samples, reference_summary, sample_runs, summary_of

START = datetime(2026, 11, 18, 22, 0, tzinfo=UTC)
GAP = timedelta(minutes=15)
COMPONENTS = ("api", "web", "db")
REGIONS = ("eu", "us", "ap")


def _samples(seed: int = 7) -> list[Sample]:
    """Four days, three regions, three components; millisecond times, outages, slowness,
    probe gaps, certificates renewed mid-way, and an hour where one region is silent."""
    rng = random.Random(seed)
    out = []
    for slot in range(4 * 288):
        base = START + timedelta(minutes=5 * slot)
        for region in REGIONS:
            if region == "ap" and 300 <= slot < 320:
                continue  # the runner was down: no data
            for comp in COMPONENTS:
                if rng.random() < 0.02:
                    continue  # a missed run: small gaps
                t = base + timedelta(milliseconds=rng.choice([0, rng.randrange(1, 4000)]))
                roll = rng.random()
                down = (comp == "db" and region != "us" and 500 <= slot < 530) or roll < 0.03
                if down:
                    outcome = rng.choice([Outcome.TIMEOUT, Outcome.HTTP_STATUS, Outcome.DNS])
                    out.append(Sample(t, comp, region, outcome, 503 if roll < 0.01 else None,
                                      rng.choice([None, 9000]), None, "no answer"))
                    continue
                outcome = Outcome.DEGRADED if roll < 0.08 else Outcome.OK
                expires = datetime(2027, 1, 1 if slot < 700 else 3, tzinfo=UTC)
                out.append(Sample(t, comp, region, outcome, 200, rng.randrange(20, 2000),
                                  expires if comp != "db" else None))
    return out


def _store(root: Path) -> list[Sample]:
    """The samples as a long-lived store sees them: appended, then damaged and merged."""
    samples = _samples()
    append_samples(root, samples)
    eu20 = root / "2026/11/20/eu.jsonl"
    lines = eu20.read_bytes().splitlines(keepends=True)
    # A union merge: a clone's appends interleaved out of order, with repeated samples.
    eu20.write_bytes(b"".join(lines[:400] + lines[600:700] + lines[400:650] + lines[700:]))
    # A torn last line, an invalid line in the middle, a non-canonical but valid time,
    # a `true` latency (accepted by the reference as an int) and a bracket in an error.
    us19 = root / "2026/11/19/us.jsonl"
    with us19.open("ab") as f:
        f.write(b'{"t":"2026-11-19T23:59:59Z","c":"api","o":"o')
    ap21 = root / "2026/11/21/ap.jsonl"
    lines = ap21.read_bytes().splitlines(keepends=True)
    lines[10:10] = [b'{"t":"2026-11-21T00:50:00Z","c":"api","o":"sideways"}\n',
                    b'{"t":"2026-11-21 00:51:00Z","c":"web","o":"ok","l":5}\n',
                    b'{"t":"2026-11-21T00:52:00Z","c":"web","o":"ok","l":true}\n']
    ap21.write_bytes(b"".join(lines))
    with (root / "2026/11/21/eu.jsonl").open("ab") as f:
        f.write(sample_line(Sample(datetime(2026, 11, 21, 23, 59, tzinfo=UTC), "api", "eu",
                                   Outcome.RESET, error="reset by [::1]:443")))
        # A second probe process, at the same millisecond as the first, saw it fail.
        twin = next(s for s in samples if s.region == "eu" and s.time.day == 21)
        f.write(sample_line(Sample(twin.time, twin.component, "eu", Outcome.TIMEOUT)))
    return samples


def _reference(root: Path, since: datetime | None, until: datetime | None):  # noqa: ANN202
    warnings: list[str] = []
    return reference_summary(root, since=since, until=until, max_gap=GAP,
                             warn=warnings.append), warnings


def _fast(root: Path, since: datetime | None, until: datetime | None):  # noqa: ANN202
    warnings: list[str] = []
    return summarize_samples(root, since=since, until=until, max_gap=GAP,
                             warn=warnings.append), warnings


WINDOWS = [(None, None), (START + timedelta(hours=7, minutes=3), None),
           (None, START + timedelta(days=2, hours=5, seconds=1)),
           (START + timedelta(days=1, hours=3), START + timedelta(days=3, minutes=22))]


@pytest.fixture
def reference_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the day-files the fast path handed to the reference line reader."""
    seen: list[str] = []
    real = samples_fast.read_file

    def spy(path: Path, region: str, warn: Callable[[str], None],
            data: bytes | None = None) -> list[Sample]:
        seen.append("/".join(path.parts[-4:]))
        return real(path, region, warn, data)

    monkeypatch.setattr(samples_fast, "read_file", spy)
    return seen


@pytest.mark.parametrize(("since", "until"), WINDOWS)
def test_fast_summary_equals_reference(tmp_path: Path, since: datetime | None,
                                       until: datetime | None,
                                       reference_reads: list[str]) -> None:
    _store(tmp_path)
    kept = (tmp_path / "2026/11/18/us.jsonl").read_bytes()
    compact(tmp_path, older_than_days=2, now=START + timedelta(days=3))  # day 18
    (tmp_path / "2026/11/18/us.jsonl").write_bytes(kept)  # a crash before the unlink
    fast, fast_warnings = _fast(tmp_path, since, until)
    ref, ref_warnings = _reference(tmp_path, since, until)
    assert fast == ref
    assert fast_warnings == ref_warnings
    assert ref.runs and ref.latency and ref.certs  # the comparison is not vacuous
    assert {r.state for r in ref.runs} == {"ok", "degraded", "failed"}
    # Only the torn file and the one with invalid lines needed the reference reader; the
    # merged, bracketed and compacted files did not.
    torn = [] if since and since.day > 19 else ["2026/11/19/us.jsonl"]
    assert reference_reads == [*torn, "2026/11/21/ap.jsonl"]
    assert fast_warnings[0] == (f"{tmp_path}/2026/11/18/us.jsonl: day already compacted; "
                                "raw samples ignored (run compact again)") or since


def test_fast_summary_of_untouched_store_equals_sample_runs(
        tmp_path: Path, reference_reads: list[str]) -> None:
    samples = _samples(seed=11)
    append_samples(tmp_path, samples)
    fast, warnings = _fast(tmp_path, None, None)
    assert warnings == [] and reference_reads == []
    unique = load_samples(tmp_path, warn=warnings.append)
    assert fast.runs == sample_runs(samples, max_gap=GAP) == sample_runs(unique, max_gap=GAP)
    assert fast == summary_of(unique, max_gap=GAP)
    assert {r.state for r in fast.runs} == {"ok", "degraded", "failed"}


@pytest.mark.parametrize("clock", ["24:00:00", "09:15:60", "1\u0663:00:00", "09-15-00"])
def test_a_time_of_day_the_clock_refuses_goes_to_the_reference_reader(
        tmp_path: Path, reference_reads: list[str], clock: str) -> None:
    """The fast reader parses each distinct time of day once (``_time_of_day``): one it
    cannot read exactly as ``datetime`` would (hour 24, minute 60, a non-ASCII digit, a
    misplaced separator) sends the file to the line reader, which warns and skips it."""
    day = tmp_path / "2026/11/21"
    append_samples(tmp_path, [s for s in _samples() if s.time.date() == date(2026, 11, 21)])
    lines = (day / "eu.jsonl").read_bytes().splitlines(keepends=True)
    lines[5:5] = [f'{{"t":"2026-11-21T{clock}Z","c":"api","o":"ok","l":5}}\n'.encode()]
    (day / "eu.jsonl").write_bytes(b"".join(lines))
    fast, fast_warnings = _fast(tmp_path, None, None)
    ref, ref_warnings = _reference(tmp_path, None, None)
    assert (fast, fast_warnings) == (ref, ref_warnings)
    assert "2026/11/21/eu.jsonl" in reference_reads
    assert any(":6: skipped an invalid sample line" in w for w in fast_warnings)
    assert reference_reads.count("2026/11/21/eu.jsonl") == 1


def test_torn_and_invalid_lines_warn_as_the_reference_does(
        tmp_path: Path, reference_reads: list[str]) -> None:
    _store(tmp_path)
    fast, warnings = _fast(tmp_path, None, None)
    assert reference_reads == ["2026/11/19/us.jsonl", "2026/11/21/ap.jsonl"]
    assert (fast, warnings) == _reference(tmp_path, None, None)
    assert [w.split(": ")[0] for w in warnings] == [
        f"{tmp_path}/2026/11/19/us.jsonl:850", f"{tmp_path}/2026/11/21/ap.jsonl:11"]


def test_escapes_and_non_ascii_text_need_no_line_by_line_read(
        tmp_path: Path, reference_reads: list[str]) -> None:
    samples = _samples()[:3000]
    samples[5] = Sample(samples[5].time, "api", samples[5].region, Outcome.JSON_MISMATCH,
                        200, 12, None, 'JSON $.status["état"] is not the expected value')
    append_samples(tmp_path, samples)
    assert _fast(tmp_path, None, None) == _reference(tmp_path, None, None)
    assert reference_reads == []


def test_sample_outside_its_day_file_falls_back_to_the_reference(tmp_path: Path) -> None:
    append_samples(tmp_path, _samples()[:3000])
    first = (tmp_path / "2026/11/18/eu.jsonl").read_bytes().split(b"\n")[0]
    with (tmp_path / "2026/11/19/eu.jsonl").open("ab") as f:  # hand edits: yesterday's
        f.write(b'{"t":"2026-11-18T23:01:00Z","c":"api","o":"timeout"}\n')  # samples in
        f.write(first.replace(b'"o":"ok"', b'"o":"dns"') + b"\n")  # today's file
    fast = _fast(tmp_path, None, None)
    assert fast == _reference(tmp_path, None, None)
    assert any(r.start == datetime(2026, 11, 18, 23, 1, tzinfo=UTC) and r.state == "failed"
               for r in fast[0].runs)
    kept = parse_line(first, "eu")  # two samples with one time and different outcomes
    assert kept.outcome is not Outcome.DNS and any(
        r.component == kept.component and r.region == "eu" and r.start <= kept.time <= r.end
        and r.state != "failed" for r in fast[0].runs)


def test_samples_of_one_millisecond_are_kept_unless_identical(tmp_path: Path) -> None:
    """Samples with the same time differ by content: all are kept, in an order that does
    not depend on the order of the lines; identical lines count once."""
    append_samples(tmp_path, _samples()[:3000])
    path = tmp_path / "2026/11/19/eu.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    first = parse_line(lines[0], "eu")
    twins = [Sample(first.time, first.component, "eu", outcome, code, lat, None, err)
             for outcome, code, lat, err in [(Outcome.TIMEOUT, None, None, "no answer"),
                                             (Outcome.HTTP_STATUS, 503, 40, "HTTP 503"),
                                             (Outcome.OK, 200, 7, None)]]
    extra = [sample_line(x) for x in twins] + [lines[0], sample_line(twins[0])]
    path.write_bytes(b"".join([*lines[:1], *extra, *lines[1:]]))
    forward = _fast(tmp_path, None, None)
    assert forward == _reference(tmp_path, None, None)
    path.write_bytes(b"".join([*reversed(extra), *reversed(lines)]))  # another line order
    assert _fast(tmp_path, None, None) == forward
    ref = load_samples(tmp_path, warn=print)
    assert sum(x.time == first.time and x.component == first.component
               and x.region == "eu" for x in ref) == 4
    day = [a for a in forward[0].latency if a.day == first.time.date()
           and a.component == first.component and a.region == "eu"]
    assert day[0].count == sum(x.time.date() == first.time.date()
                               and x.component == first.component and x.region == "eu"
                               for x in ref)


def _old_load_probe_data(project: Project, config: SiteConfig, now: datetime):  # noqa: ANN202
    """``project.load_probe_data`` before the fast path, kept as the reference: every
    sample (uptime reports go back as far as the data does), and the raw samples of the
    last 49 hours as they are."""
    gap = max_gap_for(config)
    warn = logging.getLogger("mkstatus.samples.store").warning
    raw = [s for s in load_samples(project.samples_dir, since=None, warn=warn) if s.time <= now]
    aggs = [a for a in load_aggregates(project.samples_dir, since=None, warn=warn)
            if a.day <= now.astimezone(UTC).date()]
    runs = merge_runs([r for a in aggs for r in a.runs] + sample_runs(raw, max_gap=gap),
                      max_gap=gap)
    history = probe_history(config, runs, now)
    inputs = {"probe_timelines": {cid: h.timeline for cid, h in history.items()},
              "latency": daily_latency(raw, aggs)}
    recent = tuple(s for s in raw if s.time >= now - timedelta(hours=49))
    return ({cid: h.verdict for cid, h in history.items()},
            {"uptime_inputs": inputs, "cert_expiry": cert_warnings(config, raw, now),
             "recent_samples": recent})


@pytest.mark.parametrize("now", [START + timedelta(days=3, hours=20, minutes=1),
                                 START + timedelta(days=2, hours=1, minutes=31)])
def test_load_probe_data_is_unchanged(tmp_path: Path, now: datetime,
                                      caplog: pytest.LogCaptureFixture) -> None:
    root = tmp_path / "samples"
    _store(root)
    compact(root, older_than_days=2, now=START + timedelta(days=3))
    comps = tuple(Component(c, c.upper(), None, "", i, HttpProbe(
        url="https://x.example/", tls_warn_days=60, down_after=2))
        for i, c in enumerate(COMPONENTS))
    config = SiteConfig("S", "https://s.example/", UTC, "", comps, history_days=2)
    project = Project(tmp_path, tmp_path / "mkdocs.yml", tmp_path, "S", None,
                      {"samples_dir": "samples"})
    caplog.set_level(logging.WARNING, "mkstatus.samples.store")
    old = _old_load_probe_data(project, config, now)
    old_log = [r.getMessage() for r in caplog.records]
    caplog.clear()
    new = load_probe_data(project, config, now)
    assert new == old
    assert [r.getMessage() for r in caplog.records] == old_log
    verdicts, extras = new
    assert set(verdicts) == set(COMPONENTS)
    assert extras["uptime_inputs"]["latency"]["api"]
    assert extras["cert_expiry"] and date(2027, 1, 1) <= min(
        extras["cert_expiry"].values()).date()


# --- Reading in forked processes ------------------------------------------------------


@pytest.fixture
def forks(forks: list[int], monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Read with three worker processes however few files there are."""
    monkeypatch.setattr(samples_fast, "_FILES_PER_WORKER", 1)
    monkeypatch.setenv("MKSTATUS_WORKERS", "3")
    return forks


@pytest.mark.parametrize(("since", "until"), WINDOWS)
def test_forked_readers_give_the_reference_answer(tmp_path: Path, since: datetime | None,
                                                  until: datetime | None,
                                                  forks: list[int]) -> None:
    _store(tmp_path)
    fast = _fast(tmp_path, since, until)
    assert len(forks) == 3
    assert fast == _reference(tmp_path, since, until)
    assert fast[1], "the damaged files' warnings come back from the children, in order"


def _die(*args: object) -> None:
    os._exit(3)


def test_a_reader_that_dies_fails_the_read_loudly(
        tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """No part is silently redone: a worker that dies is an error, not a quiet retry."""
    _store(tmp_path)
    monkeypatch.setattr(samples_fast, "_read_files", _die)
    with pytest.raises(BrokenProcessPool):
        _fast(tmp_path, None, None)
    assert forks


def test_sample_outside_its_day_in_a_forked_reader_falls_back(
        tmp_path: Path, forks: list[int]) -> None:
    append_samples(tmp_path, _samples()[:3000])
    with (tmp_path / "2026/11/19/eu.jsonl").open("ab") as f:
        f.write(b'{"t":"2026-11-18T23:01:00Z","c":"api","o":"timeout"}\n')
    assert _fast(tmp_path, None, None) == _reference(tmp_path, None, None)
    assert forks


def test_no_fork_while_other_threads_run(tmp_path: Path, forks: list[int],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _store(tmp_path)
    monkeypatch.setattr(parallel, "threading", threading)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _fast(tmp_path, None, None) == _reference(tmp_path, None, None)
    finally:
        stop.set()
        other.join()
    assert forks == []


# --- The sample cache -----------------------------------------------------------------


def _cached(root: Path, cache: Path, since: datetime | None = None,
            until: datetime | None = None, gap: timedelta = GAP):  # noqa: ANN202
    warnings: list[str] = []
    return summarize_samples(root, since=since, until=until, max_gap=gap,
                             warn=warnings.append, cache=cache), warnings


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the day-files parsed (not taken from the cache)."""
    seen: list[str] = []
    real = samples_fast._Reader.columns

    def spy(self: samples_fast._Reader, path: Path, data: bytes, day: date, region: str,
            **kw: bool) -> object:
        seen.append("/".join(path.parts[-4:]))
        return real(self, path, data, day, region, **kw)

    monkeypatch.setattr(samples_fast._Reader, "columns", spy)
    return seen


@pytest.mark.parametrize(("since", "until"), WINDOWS)
def test_cached_summary_equals_reference_cold_and_warm(
        tmp_path: Path, since: datetime | None, until: datetime | None,
        parsed: list[str]) -> None:
    root, cache = tmp_path / "samples", tmp_path / "cache" / "samples.json"
    _store(root)
    reference = _reference(root, since, until)
    assert _cached(root, cache, since, until) == reference
    cold = list(parsed)
    parsed.clear()
    assert _cached(root, cache, since, until) == reference
    assert len(parsed) <= len(cold)
    # What is parsed again: files that warned (torn, invalid lines) and files whose day
    # the window cuts; their warnings were printed again, in the same order.
    damaged = {"2026/11/19/us.jsonl", "2026/11/21/ap.jsonl"}
    for name in parsed:
        day = datetime.strptime(name[:10], "%Y/%m/%d").replace(tzinfo=UTC)
        cut = ((since is not None and day < since)
               or (until is not None and day + timedelta(days=1) > until))
        assert name in damaged or cut, name
    if since is None and until is None:
        assert sorted(parsed) == sorted(damaged) and len(cold) == 15


@pytest.mark.parametrize("gap", [timedelta(minutes=15), timedelta(days=3)])
def test_cached_days_with_a_gap_wider_than_a_day_give_the_reference_runs(
        tmp_path: Path, gap: timedelta, parsed: list[str]) -> None:
    """Runs are joined across midnight after the days are read or taken from the cache;
    a run gap of three days joins runs across a day that is read every time (a torn
    file, an invalid line), which must still meet that day's runs in between."""
    root, cache = tmp_path / "samples", tmp_path / "cache.json"
    _store(root)
    warnings: list[str] = []
    expected = reference_summary(root, since=None, until=None, max_gap=gap,
                                 warn=warnings.append)
    assert _cached(root, cache, gap=gap)[0] == expected  # cold: the cache is written
    parsed.clear()
    assert _cached(root, cache, gap=gap)[0] == expected  # warm: most days from it
    assert sorted(parsed) == ["2026/11/19/us.jsonl", "2026/11/21/ap.jsonl"]
    assert any(r.start.date() != r.end.date() for r in expected.runs)  # joined days


def test_cache_sees_appends_and_same_size_rewrites(tmp_path: Path, parsed: list[str]) -> None:
    root, cache = tmp_path / "samples", tmp_path / "cache.json"
    append_samples(root, _samples()[:3000])
    _cached(root, cache)
    eu19 = root / "2026/11/19/eu.jsonl"
    append_samples(root, [Sample(datetime(2026, 11, 19, 23, 59, tzinfo=UTC), "api", "eu",
                                 Outcome.DNS)])
    parsed.clear()
    assert _cached(root, cache) == _reference(root, None, None)
    assert parsed == ["2026/11/19/eu.jsonl"]
    # The same size within the same clock tick: the entry was stored as "racy", so its
    # content is compared, even when the modification time is put back.
    stat = eu19.stat()
    data = eu19.read_bytes()
    eu19.write_bytes(data.replace(b'T23:59:00Z","c":"api"', b'T23:58:00Z","c":"api"'))
    os.utime(eu19, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    parsed.clear()
    fresh = _cached(root, cache)
    assert fresh == _reference(root, None, None) and parsed == ["2026/11/19/eu.jsonl"]
    assert any(r.start == datetime(2026, 11, 19, 23, 58, tzinfo=UTC) and r.state == "failed"
               for r in fresh[0].runs)


def test_cache_survives_new_modification_times(tmp_path: Path, parsed: list[str]) -> None:
    """A fresh clone or a restored CI cache: every mtime differs, no content does."""
    root, cache = tmp_path / "samples", tmp_path / "cache.json"
    append_samples(root, _samples()[:3000])
    files = sorted(root.rglob("*.jsonl"))
    for i, path in enumerate(files):
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))  # long ago: trusted
    reference = _cached(root, cache)
    doc = json.loads(cache.read_bytes())
    assert all(e["mtime_ns"] is not None for e in doc["files"].values())
    for path in files:
        os.utime(path)
    parsed.clear()
    assert _cached(root, cache) == reference
    assert parsed == []
    assert all(e["mtime_ns"] is None for e in json.loads(cache.read_bytes())["files"].values())


def test_cache_is_dropped_when_the_run_gap_changes(tmp_path: Path, parsed: list[str]) -> None:
    root, cache = tmp_path / "samples", tmp_path / "cache.json"
    append_samples(root, _samples()[:3000])
    _cached(root, cache)
    wide = timedelta(hours=2)
    parsed.clear()
    warnings: list[str] = []
    expected = reference_summary(root, since=None, until=None, max_gap=wide,
                                 warn=warnings.append)
    assert _cached(root, cache, gap=wide) == (expected, [])
    assert len(parsed) == len(list(root.rglob("*.jsonl")))
    assert expected != _reference(root, None, None)[0]  # the gap does change the runs


def test_cached_parts_read_back_as_the_compacted_form_does() -> None:
    """The cache's integer rows (``encode_part``) give back the very part that the
    compacted-day records (``part_records``, time text) give, and a damaged row is
    refused with one of the errors a cache lookup treats as a miss."""
    from mkstatus.samples.cache import decode_part, encode_part
    from mkstatus.samples.model import part_of, part_records
    from mkstatus.samples.read import reduce_day_file

    root = Path(__file__).parent  # unused by the reader but for messages
    samples = [s for s in _samples() if s.region == "eu" and s.time.day == 19]
    samples.append(Sample(datetime(2026, 11, 19, 23, 0, tzinfo=UTC), "vendor", "eu",
                          Outcome.UPSTREAM_PARTIAL))
    data = b"".join(sample_line(s) for s in samples)
    part = reduce_day_file(date(2026, 11, 19), "eu", root / "eu.jsonl", data, GAP,
                           lambda _: None)
    assert {r.state for r in part.runs} >= {"ok", "degraded", "failed", "upstream_partial"}
    assert part.certs
    rows = json.loads(json.dumps(encode_part(part)))
    assert decode_part(rows, "eu") == part_of(part_records(part), "eu")
    assert decode_part(rows, "eu").runs == sorted(part.runs, key=lambda r: r.component)
    def damage(where: int, value: object) -> list:
        out = json.loads(json.dumps(rows))
        if where < 0:
            out[1][0] = value  # the component
        else:
            out[1][6][where] = value  # a number of the first run
        return out

    for damaged in (damage(2, 9), damage(4, -1), damage(3, 0),
                    damage(0, 1.5), damage(0, 10**30), damage(-1, None)):
        with pytest.raises((KeyError, TypeError, ValueError, OverflowError)):
            decode_part(damaged, "eu")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong-shape", "unwritable"])
def test_a_damaged_or_unwritable_cache_is_ignored(tmp_path: Path, damage: str) -> None:
    root, cache = tmp_path / "samples", tmp_path / "cache" / "samples.json"
    _store(root)
    reference = _reference(root, None, None)
    if damage == "unwritable":
        (tmp_path / "cache").write_text("a file where the folder should be")
        assert _cached(root, cache) == reference
        return
    _cached(root, cache)
    text = cache.read_bytes()
    cache.write_bytes({"garbage": b"\x00\xff not json", "truncated": text[: len(text) // 2],
                       "wrong-shape": text.replace(b'"part":[["', b'"part":[[7,"')}[damage])
    assert cache.read_bytes() != text
    assert _cached(root, cache) == reference
    assert _cached(root, cache) == reference
    json.loads(cache.read_bytes())  # rewritten whole


EDGE_LINES = {
    "big-latency": b'{"t":"%sT00:10:00Z","c":"api","o":"ok","l":9223372036854775808}',
    "u64-code": b'{"t":"%sT00:10:00Z","c":"api","o":"ok","h":18446744073709551615}',
    "huge-int": b'{"t":"%sT00:10:00Z","c":"api","o":"ok","l":99999999999999999999999}',
    "duplicate-keys": b'{"t":"%sT00:10:00Z","c":"web","c":"api","o":"ok","o":"dns"}',
    "error-not-text": b'{"t":"%sT00:10:00Z","c":"api","o":"timeout","e":42}',
    "unknown-key": b'{"t":"%sT00:10:00Z","c":"api","o":"ok","z":[1,{"a":2}]}',
    "float-latency": b'{"t":"%sT00:10:00Z","c":"api","o":"ok","l":12.0}',
    "null-latency": b'{"t":"%sT00:10:00Z","c":"api","o":"ok","l":null,"x":null}',
    "escaped-error": b'{"t":"%sT00:10:00Z","c":"api","o":"reset","e":"said \\"no\\"\\n"}',
    "non-ascii": '{"t":"%sT00:10:00Z","c":"api","o":"reset","e":"réponse vide ✓"}'.encode(),
    "surrogate": b'{"t":"%sT00:10:00Z","c":"api","o":"reset","e":"\\ud800"}',
    "cert-number": b'{"t":"%sT00:10:00Z","c":"api","o":"ok","x":5}',
    "not-utf8": b'{"t":"%sT00:10:00Z","c":"api","o":"ok","z":"\xff\xfe"}',
    "nan": b'{"t":"%sT00:10:00Z","c":"api","o":"ok","z":NaN}',
}


@pytest.mark.parametrize("case", sorted(EDGE_LINES))
def test_edge_values_read_as_the_reference_reads_them(tmp_path: Path, case: str) -> None:
    """Whichever decoder reads a file (msgspec, or ``json.loads`` line by line for what
    msgspec refuses), the answer is the reference's."""
    day = date(2026, 11, 20)
    append_samples(tmp_path, [s for s in _samples() if s.time.date() == day][:200])
    path = tmp_path / "2026/11/20/eu.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines.insert(7, EDGE_LINES[case].replace(b"%s", day.isoformat().encode()) + b"\n")
    path.write_bytes(b"".join(lines))
    assert _fast(tmp_path, None, None) == _reference(tmp_path, None, None)
