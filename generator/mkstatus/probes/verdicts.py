"""What the probes say about each component, now and over history: pure functions of runs.

Input is ``samples.Run`` (consecutive same-state samples of one component and region),
because compacted days only exist as runs; the answer is the same before and after
``mkstatus compact``. Rules (DESIGN.md, "Status semantics"):

- A sample speaks for the time until the next sample of its region, at most
  ``3 x interval_minutes``: after that the region has "no recent data" and is left out.
- A region is *down* during a failed run of at least ``down_after`` samples, from the
  first failed sample on (so uptime loses nothing by waiting for confirmation). A shorter
  failed run (often the runner's own blip) keeps the region's previous state.
- A region is *degraded* while its latest sample is ``degraded`` (slower than degraded_ms).
- Across the regions that have data at a moment: major_outage when a majority is down,
  partial_outage when some are, degraded_performance when any is slow, else operational;
  no region with data means no status at all (None, "no recent data", never "up").

Maintenance windows are not applied here: ``status.component_states`` and ``uptime`` turn
probe failures inside a window into under_maintenance, so the rule lives in one place each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from mkstatus.compute.status import ProbeVerdict
from mkstatus.model import ComponentStatus, SiteConfig
from mkstatus.probes.upstream import UpstreamProbe
from mkstatus.samples.model import Outcome, Run, Sample
from mkstatus.times import show

STALE_FACTOR = 3  # no sample for 3 x interval_minutes: "no recent data"

OK, DEGRADED, DOWN = "ok", "degraded", "down"
PARTIAL = "partial"  # a followed vendor reports a partial outage
VENDOR_STATES = {Outcome.UPSTREAM_PARTIAL.state: PARTIAL, Outcome.UPSTREAM_MAJOR.state: DOWN}


@dataclass(frozen=True, slots=True)
class Segment:
    """A half-open stretch [start, end) in one state; ``outcome`` names a failure."""

    start: datetime
    end: datetime
    state: str
    outcome: str = ""


def stale_after(probe: object) -> timedelta:
    """How long one sample speaks for its region (3 x the probe's interval)."""
    return timedelta(minutes=STALE_FACTOR * int(getattr(probe, "interval_minutes", 5)))


def max_gap_for(config: SiteConfig) -> timedelta:
    """The ``max_gap`` for ``load_runs``/``compact``: 3 x the largest probe interval."""
    probes = [c.probe for c in config.components if c.probe is not None]
    return max((stale_after(p) for p in probes), default=stale_after(None))


def region_segments(runs: Sequence[Run], *, down_after: int, speaks_for: timedelta,
                    now: datetime, upstream: bool = False) -> list[Segment]:
    """One region's runs (sorted by start) as covered stretches; gaps are no data.

    For a followed vendor (``upstream``) its reports are states of their own, and a
    failed run (the vendor's page could not be read) is no data, not an outage."""
    out: list[Segment] = []
    for i, run in enumerate(runs):
        if run.start >= now:
            break
        nxt = runs[i + 1].start if i + 1 < len(runs) else None
        limit = run.end + speaks_for
        end = min(nxt if nxt is not None and nxt <= limit else limit, now)
        if upstream and run.state == "failed":
            continue
        if run.state in VENDOR_STATES:
            state, outcome = VENDOR_STATES[run.state], ""
        elif run.state == "failed" and run.count >= down_after:
            state, outcome = DOWN, run.outcome.value
        elif run.state == "failed":  # not confirmed: the previous state holds
            prev = out[-1] if out and out[-1].end >= run.start else None
            state, outcome = (prev.state, prev.outcome) if prev else (OK, "")
        else:
            state, outcome = run.state, ""
        if out and out[-1].end >= run.start and out[-1].state == state:
            out[-1] = Segment(out[-1].start, end, state, out[-1].outcome)
        elif run.start < end:
            out.append(Segment(run.start, end, state, outcome))
    return out


def combine(regions: Mapping[str, list[Segment]]) -> list[tuple[datetime, datetime,
                                                                 ComponentStatus]]:
    """Merge regions' stretches into component statuses; times with no region are omitted."""
    cuts = sorted({t for segs in regions.values() for s in segs for t in (s.start, s.end)})
    out: list[tuple[datetime, datetime, ComponentStatus]] = []
    cursors = {name: 0 for name in regions}
    for begin, finish in zip(cuts, cuts[1:], strict=False):
        states = []
        for name, segs in regions.items():
            i = cursors[name]
            while i < len(segs) and segs[i].end <= begin:
                i += 1
            cursors[name] = i
            if i < len(segs) and segs[i].start <= begin:
                states.append(segs[i].state)
        if not states:
            continue
        status = _across(states)
        if out and out[-1][1] == begin and out[-1][2] is status:
            out[-1] = (out[-1][0], finish, status)
        else:
            out.append((begin, finish, status))
    return out


def _across(states: Sequence[str]) -> ComponentStatus:
    down = states.count(DOWN)
    if down * 2 > len(states):
        return ComponentStatus.MAJOR_OUTAGE
    if down or PARTIAL in states:
        return ComponentStatus.PARTIAL_OUTAGE
    if DEGRADED in states:
        return ComponentStatus.DEGRADED_PERFORMANCE
    return ComponentStatus.OPERATIONAL


@dataclass(frozen=True, slots=True)
class ProbeHistory:
    """One probed component: its statuses over time and the verdict at ``now``."""

    timeline: tuple[tuple[datetime, datetime, ComponentStatus], ...]
    verdict: ProbeVerdict


def probe_history(config: SiteConfig, runs: Iterable[Run], now: datetime
                  ) -> dict[str, ProbeHistory]:
    """Every probed component's history and current verdict, from all regions' runs."""
    by_comp: dict[str, dict[str, list[Run]]] = {}
    for run in runs:
        by_comp.setdefault(run.component, {}).setdefault(run.region, []).append(run)
    out: dict[str, ProbeHistory] = {}
    for comp in config.components:
        if comp.probe is None:
            continue
        upstream = isinstance(comp.probe, UpstreamProbe)
        regions = {
            name: region_segments(sorted(rs, key=lambda r: r.start),
                                  down_after=comp.probe.down_after,
                                  speaks_for=stale_after(comp.probe), now=now,
                                  upstream=upstream)
            for name, rs in sorted(by_comp.get(comp.id, {}).items())
        }
        timeline = combine(regions)
        mine = by_comp.get(comp.id, {})
        last = max((r.end for rs in mine.values() for r in rs if r.start < now), default=None)
        last = min(last, now) if last is not None else None
        verdict = _verdict(regions, timeline, last, now, config.zone)
        if upstream and verdict.status is not None:  # the vendor's words, not our probes'
            verdict = replace(verdict, state="", hit=0, regions=0, outcomes=(),
                              detail=f"{verdict.status.label.lower()} since "
                              f"{_when(verdict.since or now, now, config.zone)}")
        out[comp.id] = ProbeHistory(tuple(timeline), verdict)
    return out


def _verdict(regions: Mapping[str, list[Segment]],
             timeline: Sequence[tuple[datetime, datetime, ComponentStatus]],
             last: datetime | None, now: datetime, zone: tzinfo) -> ProbeVerdict:
    """The status now; ``since`` is the last sample's time when there is no recent data."""
    if not timeline or timeline[-1][1] < now:
        if last is None:
            return ProbeVerdict(None, None, "no probe samples yet")
        return ProbeVerdict(None, last, f"no recent data (last sample {_when(last, now, zone)})")
    start, _, status = timeline[-1]
    current = [segs[-1] for segs in regions.values() if segs and segs[-1].end >= now]
    word = {ComponentStatus.MAJOR_OUTAGE: DOWN, ComponentStatus.PARTIAL_OUTAGE: DOWN,
            ComponentStatus.DEGRADED_PERFORMANCE: DEGRADED}.get(status, OK)
    hit = [s for s in current if s.state == word]
    verdict = ProbeVerdict(status, start, state={DOWN: "down", DEGRADED: "slow", OK: "up"}[word],
                           hit=len(hit), regions=len(current),
                           outcomes=tuple(sorted({s.outcome for s in hit if s.outcome})))
    return replace(verdict, detail=_detail(verdict, now, zone))


def _detail(verdict: ProbeVerdict, now: datetime, zone: tzinfo) -> str:
    """Plain words for the CLI: "down in 2 of 3 regions since 14:05 NZDT (timeout)" (the
    pages word the same parts in their language: ``render.verdicts``)."""
    n = verdict.regions
    where = "" if n == 1 else (f" in all {n} regions" if verdict.hit == n
                               else f" in {verdict.hit} of {n} regions")
    why = (f" ({', '.join(o.replace('_', ' ') for o in verdict.outcomes)})"
           if verdict.outcomes else "")
    return f"{verdict.state}{where} since {_when(verdict.since or now, now, zone)}{why}"


def _when(moment: datetime, now: datetime, zone: tzinfo) -> str:
    """Only the time of day when it is today; the date too otherwise."""
    full = show(moment, zone)
    same_day = moment.astimezone(zone).date() == now.astimezone(zone).date()
    return full.split(" ", 1)[1] if same_day else full


def cert_warnings(config: SiteConfig, samples: Iterable[Sample], now: datetime
                  ) -> dict[str, datetime]:
    """Certificates that expire within their probe's ``tls_warn_days``, by component.

    The latest sample that saw a certificate decides: a renewed certificate clears the
    warning at the next probe run.
    """
    latest: dict[str, tuple[datetime, datetime]] = {}
    for s in samples:
        if s.cert_expires is not None and (s.component not in latest
                                           or s.time >= latest[s.component][0]):
            latest[s.component] = (s.time, s.cert_expires)
    return expiring_certs(config, latest, now)


def expiring_certs(config: SiteConfig, latest: Mapping[str, tuple[datetime, datetime]],
                   now: datetime) -> dict[str, datetime]:
    """``cert_warnings`` from each component's latest (sample time, certificate expiry)."""
    out: dict[str, datetime] = {}
    for comp in config.components:
        seen = latest.get(comp.id)
        days = getattr(comp.probe, "tls_warn_days", 0)
        if seen is not None and days and seen[1] - now <= timedelta(days=days):
            out[comp.id] = seen[1]
    return out
