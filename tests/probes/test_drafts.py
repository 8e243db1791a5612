"""The pure decision "a new episode needs a draft", over sample histories.

A history is written one character per probe run, every 5 minutes, per region: `o` ok,
`x` failed, `.` no sample. The samples become runs and timelines through the real
readers (`probe_history`), and every probe run of the history asks the question again at
its own `now`, as the scheduled workflow does: the drafts are the distinct branch names
ever asked for, so "one pull request per episode, never one per run" is what is counted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import groupby

import pytest
from mkstatus.compute.drafts import Episode, drafts_needed, episodes, resolves_suggested
from mkstatus.compute.status import views
from mkstatus.config import parse_config
from mkstatus.incidents.parse import parse_incident
from mkstatus.model import Incident, SiteConfig
from mkstatus.probes.verdicts import probe_history
from mkstatus.samples.model import Outcome, Run

T0 = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
STEP = timedelta(minutes=5)
RECOVERED_AFTER = timedelta(minutes=15)  # three probe intervals


def config(down_after: int = 2) -> SiteConfig:
    probe = {"url": "https://api.example/", "down_after": down_after}
    site, problems = parse_config({"timezone": "UTC", "components": [
        {"id": "api", "name": "API", "probe": probe},
        {"id": "web", "name": "Website", "probe": dict(probe)}]},
        site_name="S", site_url="https://status.example/")
    assert site is not None, problems
    return site


def runs(history: str, component: str = "api", region: str = "default") -> list[Run]:
    """One run per stretch of equal characters (`.`: no sample)."""
    out = []
    index = 0
    for char, group in groupby(history):
        count = len(list(group))
        if char != ".":
            start = T0 + index * STEP
            out.append(Run(component, region, "ok" if char == "o" else "failed", start,
                           start + (count - 1) * STEP, count,
                           Outcome.OK if char == "o" else Outcome.TIMEOUT))
        index += count
    return out


def drafts_over(history: dict[str, str], site: SiteConfig,
                incidents: tuple[Incident, ...] = ()) -> list[str]:
    """Every branch a probe run of this history would ask a draft for, in order."""
    length = max(len(h) for h in history.values())
    asked: list[str] = []
    for i in range(length):
        now = T0 + i * STEP + timedelta(seconds=30)  # just after that run's sample
        seen = [r for region, h in history.items() for r in runs(h[:i + 1], region=region)]
        timelines = {cid: h.timeline for cid, h in probe_history(site, seen, now).items()}
        for draft in drafts_needed(timelines, views(incidents, now),
                                   recovered_after=RECOVERED_AFTER):
            if draft.branch not in asked:
                asked.append(draft.branch)
    return asked


def test_a_flapping_probe_gives_one_draft() -> None:
    flapping = "oooxxoxxooxxxoxxooxx"  # never up for 15 minutes between failures
    assert drafts_over({"default": flapping}, config()) == ["mkstatus/draft/api-20261122T1415Z"]


def test_recovery_then_a_new_failure_gives_a_second_draft() -> None:
    history = "ooxxxxooooooxxx"  # down 14:10, up 14:30 for 20 min, down again at 15:00
    assert drafts_over({"default": history}, config()) == [
        "mkstatus/draft/api-20261122T1410Z", "mkstatus/draft/api-20261122T1500Z"]


def test_one_failed_sample_is_not_an_episode() -> None:
    assert drafts_over({"default": "oooxoooxooo"}, config()) == []  # down_after: 2


def test_quorum_across_regions() -> None:
    # one region of three down: a partial outage, no draft; two of three: a draft
    one = {"eu": "ooxxxxxx", "us": "oooooooo", "ap": "oooooooo"}
    two = {"eu": "ooxxxxxx", "us": "oooxxxxx", "ap": "oooooooo"}
    assert drafts_over(one, config()) == []
    # a majority is down once the second region's failures are confirmed: 14:15
    assert drafts_over(two, config()) == ["mkstatus/draft/api-20261122T1415Z"]


OPEN_INCIDENT = """\
---
title: API errors
components:
  api: partial_outage
---

## 2026-11-22 14:20 +00:00 — Investigating
We are looking into errors from the API.
"""


def incident(text: str, site: SiteConfig) -> Incident:
    parsed, problems = parse_incident("incidents/x.md", "2026-11-22-api-errors",
                                      text.encode(), site)
    assert parsed is not None, problems
    return parsed


def test_an_open_incident_covering_the_component_gives_none() -> None:
    site = config()
    covered = (incident(OPEN_INCIDENT, site),)
    # the incident is published at 14:20, while the probes already said down at 14:10:
    # the run at 14:10 asks once, before anyone spoke; from then on, none
    assert drafts_over({"default": "ooxxxxxxxx"}, site, covered) == [
        "mkstatus/draft/api-20261122T1410Z"]
    history = "oooooxxxxx"  # down from 14:25, after the incident was opened
    assert drafts_over({"default": history}, site, covered) == []
    # ...and a draft incident, never published, speaks for nobody
    draft = (incident(OPEN_INCIDENT.replace("---\n\n", "draft: true\n---\n\n"), site),)
    assert drafts_over({"default": history}, site, draft) == [
        "mkstatus/draft/api-20261122T1425Z"]


def test_a_resolved_incident_covers_only_its_own_time() -> None:
    site = config()
    resolved = incident(OPEN_INCIDENT.replace(
        "## 2026-11-22 14:20", "## 2026-11-22 14:30 +00:00 — Resolved\nFixed.\n\n"
        "## 2026-11-22 14:20"), site)
    later = "ooooooooooxxx"  # down from 14:50, twenty minutes after the resolution
    assert drafts_over({"default": later}, site, (resolved,)) == [
        "mkstatus/draft/api-20261122T1450Z"]


def test_episodes_keep_gaps_apart_from_up_time() -> None:
    site = config()
    now = T0 + 12 * STEP + timedelta(seconds=30)  # just after the last sample, 15:00
    # down at 14:10 and 14:15 (each sample speaks for 15 minutes: down until 14:30), no
    # data until 14:50, then up for 10 minutes: still one ongoing episode
    seen = runs("ooxx......ooo")
    (timeline,) = [h.timeline for h in probe_history(site, seen, now).values() if h.timeline]
    assert episodes(timeline, RECOVERED_AFTER, "api") == [
        Episode("api", T0 + 2 * STEP, T0 + 6 * STEP, None)]
    later = now + timedelta(minutes=5)  # up for 15 minutes and 30 s: recovered at 14:50
    (timeline,) = [h.timeline for h in probe_history(site, seen, later).values()
                   if h.timeline]
    assert episodes(timeline, RECOVERED_AFTER, "api") == [
        Episode("api", T0 + 2 * STEP, T0 + 6 * STEP, T0 + 10 * STEP)]


@pytest.mark.parametrize(("history", "suggested"), [
    ("ooxxxxoooo", True),   # up since 14:30: 15 minutes 30 s at 14:45:30
    ("ooxxxxxooo", False),  # up since 14:35: 10 minutes 30 s
    ("ooxxxxxxxo", False),  # down until a moment ago
])
def test_resolve_is_suggested_after_recovered_after(history: str, suggested: bool) -> None:
    site = config()
    now = T0 + (len(history) - 1) * STEP + timedelta(seconds=30)
    timelines = {cid: h.timeline for cid, h in probe_history(site, runs(history), now).items()}
    open_ = views((incident(OPEN_INCIDENT, site),), now)
    found = resolves_suggested(timelines, open_, recovered_after=RECOVERED_AFTER, now=now)
    assert [r.incident for r in found] == (["2026-11-22-api-errors"] if suggested else [])
    if suggested:
        assert found[0].command == ('mkstatus resolve 2026-11-22-api-errors --template '
                                    'resolved  # or -m "What happened, and that it is over."')
