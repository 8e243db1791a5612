"""Run a workflow job's own shell steps, read from its YAML, as a GitHub runner would.

A stand-in for the runner, small on purpose: `run:` steps in order under the shell GitHub
uses (`bash -e` when no `shell:` is given, in the step or in `defaults:`; `bash
--noprofile --norc -eo pipefail` for `shell: bash`), each with its `env:`; `${{ expr }}`
replaced by the test's values (an expression the test gave no value for fails the test);
`if:` limited to `success()`, `failure()` and `always()`; GITHUB_OUTPUT, GITHUB_ENV and
GITHUB_STEP_SUMMARY files as on a runner (outputs become `steps.<id>.outputs.<name>`
values for later steps). Steps that `uses:` an action are skipped: the test does what
they do (a clone for checkout) or checks their inputs. A fake `gh` (tests/fake_gh.py)
stands in for GitHub's API.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mkstatus
import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
CONDITIONS = {"success()", "failure()", "always()"}
FAKE_GH = Path(__file__).with_name("fake_gh.py")


@dataclass(frozen=True, slots=True)
class StepRun:
    name: str
    code: int
    stdout: str
    stderr: str


# What GitHub's Linux runners run for a `run:` step, by its shell (docs.github.com,
# workflow syntax, jobs.<job_id>.steps[*].shell): with none given, plain `bash -e`, so a
# failure inside a pipeline does not stop the step; `shell: bash` adds pipefail.
SHELLS: dict[str | None, list[str]] = {
    None: ["bash", "-e"],
    "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"],
    "sh": ["sh", "-e"],
}


def job(text: str, name: str) -> dict[str, Any]:
    """The job, each of its steps carrying the shell it runs under: its own `shell:`,
    else the job's `defaults.run.shell`, else the workflow's (None: none given)."""
    flow = yaml.safe_load(text)
    found: dict[str, Any] = flow["jobs"][name]
    default = ((found.get("defaults") or {}).get("run") or {}).get("shell") or (
        (flow.get("defaults") or {}).get("run") or {}).get("shell")
    return {**found, "steps": [{**step, "shell": step.get("shell", default)}
                               for step in found.get("steps", [])]}


def substitute(text: str, values: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        assert match.group(1) in values, f"the test has no value for ${{{{ {match[1]} }}}}"
        return values[match.group(1)]
    return EXPRESSION.sub(one, text)


def runner_env(workdir: Path, tmp: Path, extra: dict[str, str] | None = None
               ) -> dict[str, str]:
    """What a runner's shell has: our Python's bin first (mkstatus), the fake `gh`, git
    without the machine's config, and the GITHUB_* variables the steps read."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    if not gh.exists():
        gh.write_text(f"#!{sys.executable}\nimport runpy\nrunpy.run_path({str(FAKE_GH)!r}, "
                      "run_name='__main__')\n")
        gh.chmod(0o755)
    return {"PATH": f"{bin_dir}:{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(tmp), "PYTHONPATH": str(Path(mkstatus.__file__).parents[1]),
            "GITHUB_REF_NAME": "main", "GITHUB_SERVER_URL": "https://github.invalid",
            "GITHUB_REPOSITORY": "acme/status", "GITHUB_WORKSPACE": str(workdir),
            "RUNNER_TEMP": str(tmp / "runner-temp"), "CI": "true",
            "NO_MKDOCS_2_WARNING": "1", "GIT_CONFIG_NOSYSTEM": "1",
            "FAKE_GH_STATE": str(tmp / "gh-state.json"), **(extra or {})}


def run_job(steps: list[dict[str, Any]], workdir: Path, env: dict[str, str],
            values: dict[str, str], skip: frozenset[str] = frozenset()) -> list[StepRun]:
    """Every `run:` step the job would run, in order; returns what each did."""
    temp = Path(env["RUNNER_TEMP"])
    temp.mkdir(parents=True, exist_ok=True)
    files = {key: temp / key.lower() for key in ("GITHUB_OUTPUT", "GITHUB_ENV",
                                                 "GITHUB_STEP_SUMMARY")}
    for path in files.values():
        path.write_text("")
    values = dict(values)
    failed = False
    done: list[StepRun] = []
    for index, step in enumerate(steps):
        if "run" not in step or step.get("name") in skip:
            continue
        condition = EXPRESSION.sub(r"\1", str(step.get("if", "success()"))).strip()
        assert condition in CONDITIONS, f"the stand-in runner cannot evaluate if: {condition}"
        if (condition == "success()" and failed) or (condition == "failure()" and not failed):
            continue
        step_env = {**env, **_read_env(files["GITHUB_ENV"]),
                    **{k: str(v) for k, v in files.items()},
                    **{k: substitute(str(v), values) for k, v in (step.get("env") or {}).items()}}
        script = temp / f"step-{index}.sh"
        script.write_text(substitute(step["run"], values))
        shell = step.get("shell")
        assert shell in SHELLS, f"the stand-in runner has no shell {shell!r}"
        result = subprocess.run([*SHELLS[shell], str(script)], cwd=workdir, env=step_env,
                                capture_output=True, text=True, timeout=300)
        done.append(StepRun(step.get("name") or step["run"], result.returncode,
                            result.stdout, result.stderr))
        failed = failed or result.returncode != 0
        outputs = _read_env(files["GITHUB_OUTPUT"])
        if "id" in step:
            values.update({f"steps.{step['id']}.outputs.{k}": v for k, v in outputs.items()})
        files["GITHUB_OUTPUT"].write_text("")
    return done


def _read_env(path: Path) -> dict[str, str]:
    """`NAME=value` lines and `NAME<<DELIMITER` blocks, as the runner reads them."""
    out: dict[str, str] = {}
    lines = path.read_text().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            out[name] = "\n".join(lines[i + 1:end])
            i = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True, timeout=60, env=env).stdout


def seed_origin(root: Path, files: dict[str, str]) -> Path:
    """`files` committed and pushed to a bare `main` under `root`, as GitHub would hold it."""
    bare, seed = root / "origin.git", root / "seed"
    git(root, "init", "-q", "--bare", "-b", "main", str(bare))
    git(root, "init", "-q", "-b", "main", str(seed))
    for name, text in files.items():
        (seed / name).parent.mkdir(parents=True, exist_ok=True)
        (seed / name).write_text(text, encoding="utf-8")
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "site")
    git(seed, "push", "-q", str(bare), "main")
    return bare
