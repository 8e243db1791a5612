"""`mkstatus init`: a site that checks and builds at once, valid workflows, no clobbering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from mkstatus.cli.main import main

NOW = "2026-11-23T20:25:00Z"
FILES = [".gitattributes", ".github/workflows/check.yml", ".github/workflows/deploy.yml",
         ".github/workflows/probe.yml", ".gitignore", "docs/about.md", "docs/index.md",
         "incidents/2026-01-05-example-incident.md", "mkdocs.yml", "requirements.txt"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"MKSTATUS_NOW": NOW,
                                                       "NO_MKDOCS_2_WARNING": "1"})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    code, out = run("init", str(tmp_path / "mysite"), "--site-name", "Acme: Status",
                    "--timezone", "Pacific/Auckland")
    assert code == 0, out
    return tmp_path / "mysite"


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_init_writes_the_site_then_check_and_build_succeed(site: Path) -> None:
    assert sorted(snapshot(site)) == FILES
    config = site / "mkdocs.yml"
    assert run("check", "-f", str(config)) == (0, "OK: 1 incident file(s), 3 component(s)\n")
    code, out = run("build", "-f", str(config), "--now", NOW, "--strict")
    assert code == 0, out
    home = (site / "site" / "index.html").read_text()
    assert "All Systems Operational" in home and "Acme: Status" in home
    assert "Example - API errors" not in home  # the example incident is a draft
    code, out = run("status", "--json", "-f", str(config), "--now", NOW)
    assert (code, json.loads(out)["indicator"]) == (0, "none")


def test_scaffold_contract(site: Path) -> None:
    config = yaml.safe_load((site / "mkdocs.yml").read_text())
    plugin = config["plugins"][0]["mkstatus"]
    assert config["theme"]["font"] is False
    assert all("search" not in p for p in config["plugins"])
    assert plugin["timezone"] == "Pacific/Auckland" and plugin["contact"]
    headers = plugin["components"][1]["probe"]["headers"]
    assert headers == {"Authorization": "Bearer ${STATUS_API_TOKEN}"}
    assert "samples/** merge=union" in (site / ".gitattributes").read_text()
    assert {"site/", ".venv/"} <= set((site / ".gitignore").read_text().split())
    assert (site / "requirements.txt").read_text().splitlines()[-1].startswith("mkstatus==")


def workflow(site: Path, name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((site / ".github" / "workflows" / name).read_text())


def steps(job: dict) -> list[str]:  # type: ignore[type-arg]
    return [s.get("uses", "").split("@")[0] or s["run"] for s in job["steps"]]


def test_probe_workflow(site: Path) -> None:
    flow = workflow(site, "probe.yml")
    assert flow[True] == {"schedule": [{"cron": "*/5 * * * *"}], "workflow_dispatch": None}
    assert flow["concurrency"] == {"group": "probe", "cancel-in-progress": False}
    assert flow["permissions"] == {"contents": "write", "pages": "write", "id-token": "write"}
    job = flow["jobs"]["probe"]
    names = steps(job)
    order = [next(i for i, s in enumerate(names) if key in s) for key in (
        "mkstatus probe", "mkstatus compact --older-than 7", "pull -q --rebase",
        "mkstatus build", "actions/upload-pages-artifact", "actions/deploy-pages")]
    assert order == sorted(order)  # probe, push, then build and deploy in the same job
    probe_step = next(s for s in job["steps"] if s.get("run") == "mkstatus probe")
    assert probe_step["env"] == {"STATUS_API_TOKEN": "${{ secrets.STATUS_API_TOKEN }}"}


def test_check_and_deploy_workflows(site: Path) -> None:
    check = workflow(site, "check.yml")
    assert check[True] == {"pull_request": None}
    assert "mkstatus check --format github" in steps(check["jobs"]["check"])
    deploy = workflow(site, "deploy.yml")
    assert deploy[True] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert steps(deploy["jobs"]["deploy"])[-4:] == [
        "mkstatus build", "actions/configure-pages", "actions/upload-pages-artifact",
        "actions/deploy-pages"]


def test_second_init_refuses_and_writes_nothing(site: Path) -> None:
    (site / "mkdocs.yml").write_text("site_name: mine\n")
    (site / "docs" / "index.md").unlink()
    before = snapshot(site)
    code, out = run("init", str(site))
    assert code == 1
    assert out.splitlines() == [
        "these files already exist; nothing was written (use --force to overwrite them):",
        *(f"  {site / name}" for name in FILES if name != "docs/index.md")]
    assert snapshot(site) == before
    assert run("init", str(site), "--force")[0] == 0
    assert sorted(snapshot(site)) == FILES
    assert (site / "mkdocs.yml").read_text() != "site_name: mine\n"


def test_init_refuses_bad_values(tmp_path: Path) -> None:
    assert run("init", str(tmp_path), "--timezone", "NZST") == (
        1, "--timezone: unknown timezone 'NZST' (use an IANA name such as Europe/Paris)\n")
    assert run("init", str(tmp_path), "--site-url", "status.example.com") == (
        1, "--site-url: expected an absolute URL such as https://status.example.com/, "
           "found 'status.example.com'\n")
    assert list(tmp_path.iterdir()) == []


def test_check_format_github_annotations(site: Path) -> None:
    bad = site / "incidents" / "2026-11-24-bad.md"
    bad.write_text("---\ntitle: Bad\ncomponents:\n  apii: major_outage\n---\n\n"
                   "## 2026-11-24 09:00 — Investigatin\nx\n")
    code, out = run("check", "--format", "github", "-f", str(site / "mkdocs.yml"))
    assert code == 1
    assert out.splitlines() == [
        "::error file=incidents/2026-11-24-bad.md,line=4,col=3::unknown component 'apii' "
        "(did you mean 'api'?)",
        "::error file=incidents/2026-11-24-bad.md,line=7,col=23::expected an update status "
        "(investigating, identified, monitoring, resolved, scheduled, in_progress, verifying, "
        "completed, cancelled), found 'Investigatin' (did you mean 'investigating'?)",
        "2 problem(s) found"]
