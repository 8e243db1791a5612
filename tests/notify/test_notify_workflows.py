"""`init`'s probe and deploy workflows run `mkstatus notify` after the deploy job and
commit its ledger, one sender at a time; `.gitattributes` union-merges the ledgers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import mkstatus


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("init") / "site"
    mkstatus("init", str(root), "--site-url", "https://status.example.com/",
             "--timezone", "UTC", cwd=root.parent, check=True)
    return root


@pytest.mark.parametrize(("name", "first"), [("probe.yml", "probe"), ("deploy.yml", "build"),
                                             ("post-status.yml", "post"),
                                             ("post-status-issue.yml", "post")])
def test_notify_runs_after_the_deploy_and_commits_the_ledger(site: Path, name: str,
                                                             first: str) -> None:
    flow = yaml.safe_load((site / ".github" / "workflows" / name).read_text())
    assert list(flow["jobs"]) == [first, "deploy", "notify"]
    job = flow["jobs"]["notify"]
    assert job["needs"] == "deploy" and "environment" not in job
    assert job["permissions"] == {"contents": "write"}
    assert job["concurrency"] == {"group": "notify", "cancel-in-progress": False}
    assert job["steps"][0]["with"] == {"ref": "${{ github.ref_name }}",
                                       "persist-credentials": False}
    runs = [s.get("run", "") for s in job["steps"]]
    notify = runs.index("mkstatus notify")
    push = next(i for i, r in enumerate(runs) if "git add .mkstatus/notified" in r)
    assert notify < push and "pull -q --rebase" in runs[push]
    assert "GITHUB_TOKEN" not in str(job["steps"][notify])  # the token goes to git only


def test_the_ledgers_merge_by_union(site: Path) -> None:
    lines = (site / ".gitattributes").read_text().splitlines()
    assert ".mkstatus/notified/*.jsonl merge=union" in lines


def test_two_clones_appending_to_one_ledger_rebase_without_conflict(site: Path,
                                                                     tmp_path: Path) -> None:
    import subprocess

    from mkstatus.notify.ledger import Ledger

    def git(cwd: Path, *args: str) -> str:
        return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                               *args], cwd=cwd, check=True, capture_output=True,
                              text=True).stdout

    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    first, second = tmp_path / "a", tmp_path / "b"
    git(tmp_path, "clone", "-q", str(origin), str(first))
    (first / ".gitattributes").write_text((site / ".gitattributes").read_text())
    Ledger(first, "webhook-0123456789abcdef").record([{"id": "old"}])
    git(first, "add", "-A")
    git(first, "commit", "-q", "-m", "start")
    git(first, "push", "-q", "origin", "HEAD")
    git(tmp_path, "clone", "-q", str(origin), str(second))
    for clone, sent in ((first, "from-a"), (second, "from-b")):
        Ledger(clone, "webhook-0123456789abcdef").record([{"id": sent}])
        git(clone, "commit", "-q", "-am", sent)
    git(first, "push", "-q", "origin", "HEAD")
    git(second, "pull", "-q", "--rebase", "origin", git(second, "branch", "--show-current")
        .strip())
    assert Ledger(second, "webhook-0123456789abcdef").ids() == {"old", "from-a", "from-b"}
