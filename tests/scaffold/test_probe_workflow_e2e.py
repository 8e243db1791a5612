"""The scaffolded probe workflow's own shell steps, run by two runners at the same moment.

A local bare repository stands in for GitHub and a loopback HTTP server for the probed
services. Each runner clones the repository (what actions/checkout does) and then runs
every `run:` step of the probe job, read from the generated probe.yml, in order, with the
`${{ }}` expressions and GITHUB_* variables GitHub would provide replaced by the test's
values. Only the install step is left out: the test's own environment already has
mkstatus. Both runners commit their samples on the same parent and push together, so one
push is always rejected and must go through the pull --rebase loop.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import mkstatus
import pytest
import yaml
from mkstatus.scaffold import Settings, render

from tests.workflow_steps import seed_origin

pytestmark = pytest.mark.slow

SKIPPED = {"Install mkstatus",  # the runner's environment, not the workflow's logic
           "Draft incidents, suggest resolutions"}  # tests/test_probe_drafts_e2e.py
PUSH_STEP = "Commit and push the samples"
PROBED = threading.Event()  # runner a has probed
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Services(BaseHTTPRequestHandler):
    """/ok answers 200, /down 503; every Authorization header seen is kept."""

    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        Services.seen.append(self.headers.get("Authorization", ""))
        code = 200 if self.path == "/ok" else 503
        body = b'"ok"' if code == 200 else b"down"
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Services)
    Services.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True, timeout=60).stdout


def seed(tmp: Path, url: str) -> tuple[Path, dict[str, str]]:
    """The scaffolded site, probing the loopback server, pushed to a bare `main`."""
    files = render(Settings(timezone="UTC"), "mkstatus\n")
    config = yaml.safe_load(files["mkdocs.yml"].replace("${STATUS_API_TOKEN}", "@@TOKEN@@"))
    website, api = config["plugins"][0]["mkstatus"]["components"][:2]
    website["probe"] = {"url": f"{url}/ok", "timeout_s": 30}  # a loaded machine is slow
    api["probe"].update(url=f"{url}/down", timeout_s=30)
    api["probe"]["down_after"] = 2  # down only when both runs' failures are in the samples
    files["mkdocs.yml"] = yaml.safe_dump(config, sort_keys=False).replace(
        "@@TOKEN@@", "${STATUS_API_TOKEN}")
    return seed_origin(tmp, files), files


def substitute(text: str, values: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        assert match.group(1) in values, f"the test has no value for ${{{{ {match[1]} }}}}"
        return values[match.group(1)]
    return EXPRESSION.sub(one, text)


def run_job(steps: list[dict], workdir: Path, token: str,  # type: ignore[type-arg]
            barrier: threading.Barrier) -> list[str]:
    """Run the job's shell steps as a GitHub runner would; returns the steps run."""
    values = {"secrets.STATUS_API_TOKEN": token, "github.token": "not-a-real-token"}
    bin_dir = str(Path(sys.executable).parent)
    base = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(workdir.parent),
            "PYTHONPATH": str(Path(mkstatus.__file__).parents[1]),
            "GITHUB_REF_NAME": "main", "GITHUB_SERVER_URL": "https://github.invalid",
            "GITHUB_WORKSPACE": str(workdir), "CI": "true", "NO_MKDOCS_2_WARNING": "1",
            "GIT_CONFIG_NOSYSTEM": "1"}
    ran = []
    for step in steps:
        if "run" not in step or step.get("name") in SKIPPED:
            continue
        if step.get("name") == "Probe" and token.endswith("-b"):
            # two probes of one service in the same millisecond with the same latency make
            # identical lines, which are one sample (the store dedupes them, and so does
            # git's union merge): runner b probes once runner a's probes are done, and
            # both still commit and push at the same moment
            assert PROBED.wait(timeout=300)
        if step.get("name") == PUSH_STEP:
            barrier.wait(timeout=120)  # both have probed: commit and push together
        env = {**base, **{k: substitute(str(v), values)
                          for k, v in (step.get("env") or {}).items()}}
        script = workdir.parent / f"step-{len(ran)}.sh"
        script.write_text(substitute(step["run"], values))
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=workdir, env=env, capture_output=True, text=True,
                              timeout=180)
        assert done.returncode == 0, (step.get("name"), done.stdout, done.stderr)
        ran.append(step.get("name") or step["run"])
        if step.get("name") == "Probe" and token.endswith("-a"):
            PROBED.set()
    return ran


def test_two_runners_probe_and_push_at_the_same_moment(tmp_path: Path, server: str) -> None:
    bare, files = seed(tmp_path, server)
    steps = yaml.safe_load(files[".github/workflows/probe.yml"])["jobs"]["probe"]["steps"]
    runners = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        git(tmp_path / name, "clone", "-q", str(bare), "repo")
        runners.append(tmp_path / name / "repo")
    barrier = threading.Barrier(2)
    PROBED.clear()
    with ThreadPoolExecutor(2) as pool:
        jobs = [pool.submit(run_job, steps, repo, f"token-{repo.parent.name}", barrier)
                for repo in runners]
        ran = [job.result(timeout=600) for job in jobs]
    assert ran[0] == ran[1] == ["Probe", "Compact samples older than a week", PUSH_STEP,
                                "Build"]
    # each runner's probe step got its own secret from the substituted expression
    assert {"Bearer token-a", "Bearer token-b"} <= set(Services.seen), Services.seen

    final = tmp_path / "final"
    git(tmp_path, "clone", "-q", str(bare), str(final))
    log = git(final, "log", "--format=%s").splitlines()
    assert len(log) == 3 and all(s.startswith("Probe samples ") for s in log[:2])
    # both runs committed on the seed commit: a linear history means one was rebased
    assert git(final, "rev-list", "--merges", "HEAD") == ""
    lines = [line for path in sorted((final / "samples").rglob("*.jsonl"))
             for line in path.read_text().splitlines()]
    assert len(lines) == 4 and len(set(lines)) == 4, lines  # 2 components x 2 runs, none lost
    assert sum('"api"' in line for line in lines) == 2

    build = next(s["run"] for s in steps if s.get("name") == "Build")
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
           "PYTHONPATH": str(Path(mkstatus.__file__).parents[1]), "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(["bash", "-eo", "pipefail", "-c", build], cwd=final, env=env, check=True,
                   capture_output=True, timeout=180)
    api_page = (final / "site" / "components" / "api" / "index.html").read_text()
    assert "Detected automatically" in api_page  # down_after: 2 needs both runs' samples
    # ...which one run's samples alone do not show: the same build at the first push
    git(final, "checkout", "-q", "HEAD~1")
    subprocess.run(["bash", "-eo", "pipefail", "-c", build], cwd=final, env=env, check=True,
                   capture_output=True, timeout=180)
    api_page = (final / "site" / "components" / "api" / "index.html").read_text()
    assert "Detected automatically" not in api_page
