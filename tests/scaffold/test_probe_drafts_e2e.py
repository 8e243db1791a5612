"""Probes draft the incident, a person publishes it: the probe workflow's own steps, read
from probe.yml, over a dozen probe runs against a local bare repository (a fake `gh` for
GitHub's API).

Each run starts from a fresh clone, as actions/checkout does; the test appends that run's
samples (what `mkstatus probe` would have written; real probes are the business of
tests/test_probe_workflow_e2e.py) and runs the job's shell steps at that run's clock
(MKSTATUS_NOW): the push, then the drafting step. The API fails for a while: one pull
request with a draft incident, found again (not repeated) by later runs; a person removes
`draft: true` and merges; once the probes have seen the API up for `recovered_after`, one
comment on that pull request gives the exact `mkstatus resolve` command.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from mkstatus.samples.model import Outcome, Sample
from mkstatus.samples.store import append_samples
from mkstatus.scaffold import Settings, render

from tests.workflow_steps import git, job, run_job, runner_env, seed_origin

pytestmark = pytest.mark.slow

T0 = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
STEP = timedelta(minutes=5)
FILES = render(Settings(timezone="UTC", python="3.11"), "mkstatus\n")
PROBE_JOB = job(FILES[".github/workflows/probe.yml"], "probe")
SKIPPED = frozenset({"Install mkstatus", "Probe", "Compact samples older than a week",
                     "Build"})
RAN = ["Commit and push the samples", "Draft incidents, suggest resolutions"]
API = "ooxxxxxxxoooooo"  # one character per run: the API fails from 14:10 to 14:40
BRANCH = "mkstatus/draft/api-20261122T1410Z"


@pytest.fixture()
def origin(tmp_path: Path) -> Path:
    return seed_origin(tmp_path, FILES)


def probe_run(tmp_path: Path, origin: Path, index: int, state: Path,
              fail: tuple[str, ...] = ()) -> list[tuple[str, int]]:
    """One scheduled run: a fresh clone, this run's samples, the job's own steps; the
    calls to GitHub naming one of `fail` fail, as when its API is down."""
    home = tmp_path / f"run-{index:02d}"
    home.mkdir()
    git(home, "clone", "-q", str(origin), "repo")
    repo = home / "repo"
    when = T0 + index * STEP
    up = API[index] == "o"
    append_samples(repo / "samples", [
        Sample(when, "website", "default", Outcome.OK, 200, 120),
        Sample(when, "api", "default", Outcome.OK if up else Outcome.TIMEOUT,
               200 if up else None, 90 if up else None, error=None if up else "timed out")])
    now = (when + timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    env = runner_env(repo, home, {"MKSTATUS_NOW": now, "FAKE_GH_STATE": str(state)})
    state.write_text(json.dumps({**json.loads(state.read_text()), "fail": list(fail)}))
    ran = run_job(PROBE_JOB["steps"], repo, env, {"github.token": "not-a-real-token"},
                  SKIPPED)
    for step in ran:
        assert step.code == 0 or fail, (step.name, step.stdout, step.stderr)
    return [(r.name, r.code) for r in ran]


def page_built(tmp_path: Path, index: int, ref: str = "main") -> str:
    """The home page the job's own Build step makes from that run's checkout of `ref`
    (the drafting step leaves it on main), at that run's clock."""
    home = tmp_path / f"run-{index:02d}"
    git(home / "repo", "checkout", "-q", ref)
    now = (T0 + index * STEP + timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    build = [s for s in PROBE_JOB["steps"] if s.get("name") == "Build"]
    (ran,) = run_job(build, home / "repo", runner_env(home / "repo", home,
                                                      {"MKSTATUS_NOW": now}), {})
    assert ran.code == 0, ran.stderr
    return (home / "repo" / "site" / "index.html").read_text()


def publish(tmp_path: Path, origin: Path) -> str:
    """What a person does with the pull request: remove `draft: true` and merge."""
    person = tmp_path / "person"
    git(tmp_path, "clone", "-q", str(origin), str(person))
    git(person, "checkout", "-q", BRANCH)
    (path,) = (person / "incidents").glob("2026-11-22-*.md")
    path.write_text(path.read_text().replace("draft: true\n", ""))
    git(person, "commit", "-qam", "Publish the API incident")
    git(person, "checkout", "-q", "main")
    git(person, "pull", "-q", "origin", "main")
    git(person, "merge", "-q", "--no-ff", "-m", "Merge pull request #100", BRANCH)
    git(person, "push", "-q", "origin", "main")
    return path.stem


def test_probes_draft_one_incident_per_episode_and_suggest_resolving_it(
        tmp_path: Path, origin: Path) -> None:
    state = tmp_path / "gh-state.json"
    state.write_text("{}")
    published = ""
    for index in range(len(API)):
        if index == 6:  # 14:30: someone reads the pull request and publishes it
            published = publish(tmp_path, origin)
        if index == 13:  # GitHub fails to list the comments: no second comment
            assert probe_run(tmp_path, origin, index, state, ("/comments",)) == [
                (RAN[0], 0), (RAN[1], 1)]
        else:
            assert probe_run(tmp_path, origin, index, state) == [(name, 0) for name in RAN]
        gh: dict[str, Any] = json.loads(state.read_text())
        opened = [pr["head"] for pr in gh.get("prs", [])]
        # the API is down at quorum from the second failed sample, 14:15, on
        assert opened == ([] if index < 3 else [BRANCH]), index
        comments = gh.get("comments", [])
        # up since 14:45: for recovered_after (15 min) at the run of 15:00, once
        assert len(comments) == (1 if index >= 12 else 0), index
        if index in (5, 6):  # nothing is published without a person: a draft stays a draft
            home = page_built(tmp_path, index)
            assert ("API unavailable" in home) == (index == 6), index
            assert "Detected automatically" in home  # the probes' own verdict, as always
        if index == 5:  # the draft's own branch, built: `draft: true` keeps it off the page
            assert "API unavailable" not in page_built(tmp_path, index, BRANCH)

    (pr,) = gh["prs"]
    assert (pr["number"], pr["base"], pr["title"]) == (100, "main",
                                                       "Draft incident: API unavailable")
    assert "The probes see **API** down since 2026-11-22 14:10 UTC (5 min so far)" in \
        pr["body"]
    assert "| Probes now | down since 14:10 UTC (timeout) |" in pr["body"]
    draft = git(origin, "show", f"{BRANCH}:incidents/{published}.md")
    assert draft == """\
---
title: API unavailable
impact: major
draft: true
started: 2026-11-22 14:10 +00:00
components:
  api: major_outage
---

## 2026-11-22 14:15 +00:00 — Investigating
Next update: 30 min
Since 14:10 UTC, customers cannot use API. We are aware of the problem and are working \
to restore service now. There is no need to report it to us or to retry: nothing on your \
side causes this.

We will post the next update by 14:45 UTC, sooner if anything changes.
"""
    (comment,) = gh["comments"]
    assert comment["on"] == "issue" and comment["number"] == 100
    assert comment["body"].startswith(f"<!-- mkstatus:resolve:{published} -->\nThe probes "
                                      "have seen API up since 2026-11-22 14:45 UTC (15 min)")
    assert f"mkstatus resolve {published} --template resolved" in comment["body"]
    # one pull request and one comment: later runs found both by branch name and marker
    creates = [c for c in gh["calls"] if c[:2] == ["pr", "create"]]
    assert len(creates) == 1


def test_a_failed_call_to_github_opens_no_second_pull_request(tmp_path: Path,
                                                              origin: Path) -> None:
    """The drafting step reads each answer from GitHub before acting on it: a failed call
    stops the step (the deploy goes on: continue-on-error) and the next run tries again,
    never reading the failure as "no pull request yet"."""
    state = tmp_path / "gh-state.json"
    state.write_text("{}")
    failed = [(RAN[0], 0), (RAN[1], 1)]

    def prs() -> list[str]:
        return [pr["head"] for pr in json.loads(state.read_text()).get("prs", [])]

    for index in range(3):
        probe_run(tmp_path, origin, index, state)
    # 14:15, the first run that drafts: the branch is pushed, opening its pull request fails
    assert probe_run(tmp_path, origin, 3, state, ("pr create",)) == failed
    assert prs() == [] and git(origin, "branch", "--list", BRANCH).strip() == BRANCH
    # the next run opens it, over the branch the failed run left
    assert probe_run(tmp_path, origin, 4, state) == [(name, 0) for name in RAN]
    assert prs() == [BRANCH]
    # a person closes it unmerged, and GitHub deletes its branch; then listing the pull
    # requests fails: that is no reason to open the episode's second one
    git(origin, "branch", "-D", BRANCH)
    assert probe_run(tmp_path, origin, 5, state, ("pr list",)) == failed
    assert prs() == [BRANCH] and git(origin, "branch", "--list", BRANCH) == ""
    assert probe_run(tmp_path, origin, 6, state) == [(name, 0) for name in RAN]
    assert prs() == [BRANCH] and git(origin, "branch", "--list", BRANCH) == ""
