"""`mkstatus init`: a site that checks and builds at once, valid workflows, no clobbering."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from mkstatus.cli.main import main
from mkstatus.scaffold.install import running_source

NOW = "2026-11-23T20:25:00Z"
SOURCE = running_source()  # how this test run's mkstatus was installed (editable: a wheel)
FILES = sorted([
    ".gitattributes", ".github/ISSUE_TEMPLATE/status-update.yml", ".github/dependabot.yml",
    ".github/workflows/check.yml", ".github/workflows/deploy.yml",
    ".github/workflows/post-status-issue.yml", ".github/workflows/post-status.yml",
    ".github/workflows/probe.yml", ".github/workflows/watchdog.yml", ".gitignore",
    "docs/about.md", "docs/index.md", "incidents/2026-01-05-example-incident.md",
    "mkdocs.yml", "requirements.txt",
    *(f"templates/{name}.md" for name in ("degraded-performance", "maintenance", "monitoring",
                                          "outage", "resolved")),
    *([f".mkstatus/wheels/{SOURCE.wheel_name}"] if SOURCE.wheel_name else [])])


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


def test_requirements_install_the_running_mkstatus(site: Path) -> None:
    lines = [line for line in (site / "requirements.txt").read_text().splitlines()
             if not line.startswith("#")]
    assert lines[0] == SOURCE.requirement
    pins = lines[1:]
    assert pins == sorted(pins) and all(re.fullmatch(r"[a-z0-9-]+==\S+", p) for p in pins)
    names = {p.split("==")[0] for p in pins}
    assert {"mkdocs", "mkdocs-material", "markupsafe", "requests"} <= names  # transitive too
    assert "mkstatus" not in names and "pytest" not in names  # not the test extra
    if SOURCE.wheel_name:
        wheel = site / ".mkstatus" / "wheels" / SOURCE.wheel_name
        assert lines[0] == f"./.mkstatus/wheels/{SOURCE.wheel_name}"
        assert wheel.read_bytes() == SOURCE.wheel


def test_init_says_where_mkstatus_came_from(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert f"\n{SOURCE.summary}.\n" in result.stderr


def test_requirements_only_rewrites_requirements_and_its_wheel(site: Path) -> None:
    (site / "mkdocs.yml").write_text("site_name: mine\n")
    (site / "requirements.txt").write_text("mkstatus==0.0.1\n")
    stale = site / ".mkstatus" / "wheels" / "mkstatus-0.0.1-py3-none-any.whl"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"old")
    code, out = run("init", str(site), "--requirements-only")
    assert code == 0, out
    assert (site / "mkdocs.yml").read_text() == "site_name: mine\n"
    assert SOURCE.requirement in (site / "requirements.txt").read_text().splitlines()
    assert not stale.exists()
    assert sorted(p.name for p in stale.parent.iterdir()) == (
        [SOURCE.wheel_name] if SOURCE.wheel_name else [])


def workflow(site: Path, name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((site / ".github" / "workflows" / name).read_text())


def steps(job: dict) -> list[str]:  # type: ignore[type-arg]
    return [s.get("uses", "").split("@")[0] or s["run"] for s in job["steps"]]


DEFAULT_BRANCH = "github.ref_name == github.event.repository.default_branch"
DEPLOY_JOB = {
    "name": "Deploy to GitHub Pages", "runs-on": "ubuntu-latest", "timeout-minutes": 10,
    "permissions": {"pages": "write", "id-token": "write"},
    "environment": {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"},
    "concurrency": {"group": "pages", "cancel-in-progress": False},
    "steps": [{"id": "deployment", "uses": "actions/deploy-pages@"
               "d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e"}]}


def test_probe_workflow(site: Path) -> None:
    flow = workflow(site, "probe.yml")
    assert flow[True] == {"schedule": [{"cron": "*/5 * * * *"}], "workflow_dispatch": None}
    assert flow["concurrency"] == {"group": "probe", "cancel-in-progress": False}
    assert flow["permissions"] == {}
    probe, deploy = flow["jobs"]["probe"], flow["jobs"]["deploy"]
    assert probe["if"] == "github.event_name == 'schedule' || " + DEFAULT_BRANCH
    assert probe["permissions"] == {"contents": "write", "pull-requests": "write",
                                    "issues": "write"} and "environment" not in probe
    names = steps(probe)
    order = [next(i for i, s in enumerate(names) if key in s) for key in (
        "mkstatus probe", "mkstatus compact --older-than 7", "pull -q --rebase",
        "mkstatus build", "actions/upload-pages-artifact")]
    assert order == sorted(order)  # probe, push, then build and hand the site on
    assert probe["steps"][0]["with"] == {"persist-credentials": False}
    assert deploy == {**DEPLOY_JOB, "needs": "probe"}


def test_deploy_and_check_workflows(site: Path) -> None:
    deploy = workflow(site, "deploy.yml")
    assert deploy[True] == {"push": None, "workflow_dispatch": None}
    assert deploy["permissions"] == {}
    build = deploy["jobs"]["build"]
    assert build["if"] == DEFAULT_BRANCH and "environment" not in build
    assert build["permissions"] == {"contents": "read"}
    assert steps(build)[-2:] == ["mkstatus build", "actions/upload-pages-artifact"]
    assert deploy["jobs"]["deploy"] == {**DEPLOY_JOB, "needs": "build"}
    check = workflow(site, "check.yml")
    assert check[True] == {"pull_request": None, "workflow_dispatch": None}
    assert check["jobs"]["check"]["permissions"] == {"contents": "read"}
    assert "mkstatus check --format github" in steps(check["jobs"]["check"])


def test_every_workflow_installs_with_a_pip_cache_and_sees_no_secret_but_the_probes(
        site: Path) -> None:
    python = "{}.{}".format(*sys.version_info[:2])
    secret_steps = []
    for name in ("probe.yml", "deploy.yml", "check.yml", "post-status.yml",
                 "post-status-issue.yml", "watchdog.yml"):
        text = (site / ".github" / "workflows" / name).read_text()
        for job_id, job in workflow(site, name)["jobs"].items():
            setup = [s for s in job["steps"] if "setup-python" in s.get("uses", "")]
            if job_id not in ("deploy", "watchdog"):
                assert [s["with"] for s in setup] == [{
                    "python-version": python, "cache": "pip",
                    "cache-dependency-path": "requirements.txt"}]
                assert any("/bin/python -m pip install -r requirements.txt" in step
                           for step in steps(job))  # into the cached virtualenv
            secret_steps += [(name, s.get("name")) for s in job["steps"]
                             if "secrets." in json.dumps(s)]
        assert text.count("secrets.") == sum(1 for n, _ in secret_steps if n == name)
    assert secret_steps == [("probe.yml", "Probe")]


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
        "(did you mean 'api'?); the components configured in mkdocs.yml are: website, api, "
        "support",
        "::error file=incidents/2026-11-24-bad.md,line=7,col=23::expected an update status "
        "(investigating, identified, monitoring, resolved, scheduled, in_progress, verifying, "
        "completed, cancelled), found 'Investigatin' (did you mean 'investigating'?)",
        "2 problem(s) found"]
