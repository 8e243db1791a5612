"""The three on-call paths of guide/on-call.md, timed on this machine.

    python bench/on_call.py [--repeat 3]

Each path runs what it runs in real life, in a site made by `mkstatus init` and pushed
to a local bare repository standing in for GitHub:

- **laptop**: `mkstatus new --template outage -c api`, `mkstatus check`, `git commit`
  and `git push`, then `mkstatus build` (what deploy.yml runs after the push);
- **phone**: the `run:` steps of post-status.yml's job, read from the YAML (write the
  update with `mkstatus form`, check, commit as the person and push, build);
- **probe draft**: the probe job's drafting step once an outage is confirmed
  (`mkstatus check --format github`, `mkstatus drafts`, a branch, a push and `gh pr
  create` against tests/fake_gh.py).

What is not measured here, because it happens on GitHub: waiting for a runner, checkout,
`pip install` (from the pip cache in most runs), uploading the site and the Pages deploy
job. Prints the median wall seconds of each path; not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "generator"), str(REPO)]

from mkstatus.samples.model import Outcome, Sample  # noqa: E402
from mkstatus.samples.store import append_samples  # noqa: E402
from mkstatus.scaffold import Settings, render  # noqa: E402

from tests.workflow_steps import git, job, run_job, runner_env, seed_origin  # noqa: E402

NOW = datetime(2026, 11, 22, 20, 5, tzinfo=UTC)
FILES = render(Settings(timezone="Pacific/Auckland", python="3.11"), "mkstatus\n")


def origin(root: Path) -> Path:
    return seed_origin(root, FILES)


def clone(root: Path, bare: Path, name: str) -> tuple[Path, dict[str, str]]:
    home = root / name
    home.mkdir()
    git(home, "clone", "-q", str(bare), "repo")
    env = runner_env(home / "repo", home, {"MKSTATUS_NOW": NOW.strftime("%Y-%m-%dT%H:%MZ")})
    return home / "repo", env


def laptop(root: Path, bare: Path) -> float:
    repo, env = clone(root, bare, "laptop")
    env = {**os.environ, **env, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@example.com"}
    script = ("mkstatus new --template outage -c api && mkstatus check && git add incidents"
              " && git commit -qm 'API outage' && git push -q origin HEAD:main"
              " && mkstatus build")
    start = time.perf_counter()
    subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=repo, env=env, check=True,
                   capture_output=True)
    return time.perf_counter() - start


def phone(root: Path, bare: Path) -> float:
    repo, env = clone(root, bare, "phone")
    values = {"inputs.action": "new", "inputs.incident": "", "inputs.title": "",
              "inputs.template": "outage", "inputs.components": "api",
              "inputs.status": "(default)", "inputs.message": "",
              "inputs.next_update": "20 min", "github.event.sender.login": "alice",
              "github.event.sender.id": "1234", "github.token": "x"}
    steps = job(FILES[".github/workflows/post-status.yml"], "post")["steps"]
    start = time.perf_counter()
    ran = run_job(steps, repo, env, values, frozenset({"Install mkstatus"}))
    elapsed = time.perf_counter() - start
    assert all(r.code == 0 for r in ran), [(r.name, r.stderr) for r in ran]
    return elapsed


def probe_draft(root: Path, bare: Path) -> float:
    repo, env = clone(root, bare, "probe")
    for minutes in (0, 5):
        append_samples(repo / "samples", [Sample(NOW - timedelta(minutes=minutes), "api",
                                                 "default", Outcome.TIMEOUT)])
    git(repo, "add", "samples")
    git(repo, "commit", "-qm", "samples")
    git(repo, "push", "-q", "origin", "HEAD:main")
    git(repo, "config", "user.name", "github-actions[bot]")
    git(repo, "config", "user.email", "bot@example.com")
    steps = [s for s in job(FILES[".github/workflows/probe.yml"], "probe")["steps"]
             if s.get("name") == "Draft incidents, suggest resolutions"]
    start = time.perf_counter()
    (ran,) = run_job(steps, repo, env, {"github.token": "x"})
    elapsed = time.perf_counter() - start
    assert ran.code == 0 and "pull/100" in ran.stdout, (ran.stdout, ran.stderr)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    figures: dict[str, list[float]] = {"laptop": [], "phone": [], "probe draft": []}
    for _ in range(args.repeat):
        for name, path in (("laptop", laptop), ("phone", phone),
                           ("probe draft", probe_draft)):
            root = Path(tempfile.mkdtemp(prefix="mkstatus-oncall-"))
            try:
                figures[name].append(path(root, origin(root)))
            finally:
                shutil.rmtree(root, ignore_errors=True)
    for name, times in figures.items():
        print(f"{name:12} median {statistics.median(times):5.1f} s  "
              f"(runs: {', '.join(f'{t:.1f}' for t in times)})")


if __name__ == "__main__":
    main()
