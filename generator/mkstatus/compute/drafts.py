"""Probes draft the incident; a person publishes it.

Pure functions of probe timelines (``probes.verdicts.probe_history``), the published
incidents and `now`, so the probe workflow's GitHub step stays a thin loop over their
answers:

- An **episode** is a component's time down at quorum (major_outage across the regions
  that report: `down_after` failed samples in a majority of them), from its first failed
  sample until the probes have seen it up for `recovered_after` without a break. A
  flapping probe (down, up for less than `recovered_after`, down again) is one episode;
  recovery and a new failure are two.
- An ongoing episode **needs a draft** unless a published incident or maintenance naming
  the component was open at some moment of it: a person already speaks for it. Each
  episode has a stable branch name (the component and the episode's first failed sample,
  to the minute), so a later probe run finds the pull request already opened for it:
  one per episode, never one per run.
- An open incident whose probed components have all been up for `recovered_after` gets
  a **suggestion to resolve** it, with the exact `mkstatus resolve` command.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mkstatus.compute.status import View
from mkstatus.model import ComponentStatus, Kind

Timeline = Sequence[tuple[datetime, datetime, ComponentStatus]]
DOWN = ComponentStatus.MAJOR_OUTAGE  # down at quorum
UP = (ComponentStatus.OPERATIONAL, ComponentStatus.DEGRADED_PERFORMANCE)  # answering
BRANCH_PREFIX = "mkstatus/draft/"


@dataclass(frozen=True, slots=True)
class Episode:
    component: str
    start: datetime  # the first failed sample
    last_down: datetime  # the end of its last time down
    recovered: datetime | None  # when the up time that ended it began; None: ongoing

    @property
    def branch(self) -> str:
        """A name that every probe run computes the same way for this episode."""
        return f"{BRANCH_PREFIX}{self.component}-{self.start.astimezone(UTC):%Y%m%dT%H%MZ}"


@dataclass(frozen=True, slots=True)
class Draft:
    """An ongoing episode nobody has spoken for yet."""

    episode: Episode

    @property
    def component(self) -> str:
        return self.episode.component

    @property
    def branch(self) -> str:
        return self.episode.branch


@dataclass(frozen=True, slots=True)
class Resolve:
    """An open incident whose probed components have been up for `recovered_after`."""

    incident: str
    components: tuple[str, ...]
    up_since: datetime

    @property
    def command(self) -> str:
        return (f'mkstatus resolve {self.incident} --template resolved  # or -m "What '
                'happened, and that it is over."')


def episodes(timeline: Timeline, recovered_after: timedelta, component: str = ""
             ) -> list[Episode]:
    """A component's episodes, oldest first, from its probe timeline. Times without data
    are gaps, and a partial outage (down in some regions) is not up: neither counts as
    up time, and neither starts an episode."""
    out: list[Episode] = []
    current: Episode | None = None
    up_since: datetime | None = None
    previous_end: datetime | None = None
    for start, end, status in timeline:
        if status is DOWN:
            first = start if current is None else current.start
            current = Episode(component, first, end, None)
            up_since = None
        elif status in UP:
            if up_since is None or previous_end is None or start > previous_end:
                up_since = start
            if current is not None and end - up_since >= recovered_after:
                out.append(Episode(component, current.start, current.last_down, up_since))
                current = None
        else:
            up_since = None
        previous_end = end
    if current is not None:
        out.append(current)
    return out


def drafts_needed(timelines: Mapping[str, Timeline], views: Sequence[View], *,
                  recovered_after: timedelta) -> list[Draft]:
    """The ongoing episodes that need a draft incident, one per component at most."""
    out = []
    for cid, timeline in sorted(timelines.items()):
        found = episodes(timeline, recovered_after, cid)
        if not found or found[-1].recovered is not None:
            continue
        episode = found[-1]
        if not any(_covers(v, cid, episode.start) for v in views):
            out.append(Draft(episode))
    return out


def _covers(v: View, cid: str, since: datetime) -> bool:
    """A published incident or maintenance naming the component, open at some moment
    since `since` (it may have been resolved since: a person spoke for this episode)."""
    return (v.kind is not Kind.NOTICE and cid in v.incident.component_ids
            and (v.end is None or v.end >= since))


def resolves_suggested(timelines: Mapping[str, Timeline], views: Sequence[View], *,
                       recovered_after: timedelta, now: datetime) -> list[Resolve]:
    """Open incidents whose probed components have all been up for `recovered_after`."""
    out = []
    for v in views:
        if v.kind is not Kind.INCIDENT or not v.is_open:
            continue
        probed = [cid for cid in v.incident.component_ids if cid in timelines]
        since = [_up_since(timelines[cid], now) for cid in probed]
        if probed and all(s is not None and now - s >= recovered_after for s in since):
            out.append(Resolve(v.id, tuple(probed), max(s for s in since if s is not None)))
    return sorted(out, key=lambda r: r.incident)


def _up_since(timeline: Timeline, now: datetime) -> datetime | None:
    """Since when the component has been up without a break, if it is up now."""
    since: datetime | None = None
    for start, end, status in reversed(timeline):
        if status not in UP or end < (since or now):
            break
        since = start
    return since
