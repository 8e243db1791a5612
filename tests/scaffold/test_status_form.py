"""Posting from a phone: the issue form and the workflow_dispatch form have the same
fields; their workflows' own `run:` steps, read from the YAML, run against a local bare
repository standing in for GitHub (a fake `gh` for its API). A valid submission lands as
a valid incident, committed as the person who asked; an invalid one publishes nothing
and says what to fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from mkstatus.cli.main import main
from mkstatus.incidents import forms
from mkstatus.scaffold import Settings, render

from tests.workflow_steps import StepRun, git, job, run_job, runner_env, seed_origin

pytestmark = pytest.mark.slow

NOW = "2026-11-22T20:05:00Z"  # 2026-11-23 09:05 NZDT
SKIPPED = frozenset({"Install mkstatus"})  # the runner's environment, not the workflow's
FILES = render(Settings(timezone="Pacific/Auckland", python="3.11"), "mkstatus\n")
ISSUE_FORM = yaml.safe_load(FILES[".github/ISSUE_TEMPLATE/status-update.yml"])
DISPATCH = FILES[".github/workflows/post-status.yml"]
ISSUE_FLOW = FILES[".github/workflows/post-status-issue.yml"]


def test_the_two_forms_have_the_same_fields_as_the_reader() -> None:
    fields = [(f["id"], f["attributes"]["label"]) for f in ISSUE_FORM["body"] if "id" in f]
    assert fields == list(forms.FIELDS)
    inputs = yaml.safe_load(DISPATCH)[True]["workflow_dispatch"]["inputs"]
    assert list(inputs) == [key for key, _ in forms.FIELDS]
    assert all(inputs[key]["description"].startswith(label) for key, label in forms.FIELDS)
    dropdowns = {f["id"]: f["attributes"]["options"] for f in ISSUE_FORM["body"]
                 if f["type"] == "dropdown"}
    assert dropdowns == {key: spec["options"] for key, spec in inputs.items()
                         if spec["type"] == "choice"}
    assert ISSUE_FORM["body"][1]["attributes"]["options"] == list(forms.ACTIONS)


def body(**answers: str) -> str:
    return "\n\n".join(f"### {label}\n\n{answers.get(key) or '_No response_'}"
                       for key, label in forms.FIELDS) + "\n"


@pytest.mark.parametrize(("answers", "expected"), [
    ({"action": "new", "template": "outage", "components": "api,\nwebsite=partial_outage"},
     ["new", "--template", "outage", "--component", "api", "--component",
      "website=partial_outage"]),
    ({"action": "update", "incident": "api-down", "status": "identified", "message": "Found.",
      "next_update": "1 h"},
     ["update", "api-down", "--message", "Found.", "--next-update", "1 h", "--status",
      "identified"]),
    ({"action": "resolve", "incident": "api-down", "template": "resolved",
      "next_update": "1 h", "status": "identified"},
     ["resolve", "api-down", "--template", "resolved"]),
])
def test_answers_make_the_command_a_person_would_type(answers: dict[str, str],
                                                     expected: list[str]) -> None:
    read = forms.read_issue_body(body(**answers))
    assert forms.command(forms.form(read)) == expected


@pytest.mark.parametrize(("answers", "message"), [
    ({"action": "delete"}, "What to do: choose one of new, update, resolve, found 'delete'"),
    ({"action": "new", "message": "Down."}, "Title of a new incident: write one, or choose "
     "a template"),
    ({"action": "new", "title": "Down"}, "Message: say what is happening, or choose a "
     "template"),
    ({"action": "update", "message": "x"}, "Incident to update or resolve: give its id "
     "(such as 2026-11-23-api-unavailable) to update it"),
    ({"action": "resolve", "incident": "x"}, "Message: say that it is over and what "
     "happened, or choose the resolved template"),
])
def test_incomplete_answers_say_what_to_fix(answers: dict[str, str], message: str) -> None:
    with pytest.raises(forms.FormError) as caught:
        forms.form(forms.read_issue_body(body(**answers)))
    assert str(caught.value) == message


def test_an_issue_not_made_with_the_form() -> None:
    with pytest.raises(forms.FormError) as caught:
        forms.read_issue_body("The API is down!")
    assert str(caught.value) == ("this issue was not made with the status form: its body "
                                 "has no '### What to do' heading")


@pytest.fixture()
def origin(tmp_path: Path) -> Path:
    """The scaffolded site pushed to a bare `main`, as GitHub would hold it."""
    return seed_origin(tmp_path, FILES)


def runner(tmp_path: Path, origin: Path, name: str, permissions: dict[str, str] | None = None
           ) -> tuple[Path, dict[str, str]]:
    """A fresh clone (what actions/checkout does) and the runner's environment."""
    home = tmp_path / name
    home.mkdir()
    git(home, "clone", "-q", str(origin), "repo")
    env = runner_env(home / "repo", home, {"MKSTATUS_NOW": NOW})
    Path(env["FAKE_GH_STATE"]).write_text(json.dumps({"permissions": permissions or {}}))
    return home / "repo", env


def gh_state(env: dict[str, str]) -> dict[str, Any]:
    return json.loads(Path(env["FAKE_GH_STATE"]).read_text())  # type: ignore[no-any-return]


def names(ran: list[StepRun]) -> list[tuple[str, int]]:
    return [(r.name, r.code) for r in ran]


def published(origin: Path, tmp_path: Path) -> tuple[list[str], Path]:
    """The origin's history, newest first, and a clone of it."""
    clone = tmp_path / "published"
    if not clone.exists():
        git(tmp_path, "clone", "-q", str(origin), str(clone))
    git(clone, "pull", "-q")
    return git(clone, "log", "--format=%an <%ae>|%s").splitlines(), clone


def check(site: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "-f", str(site / "mkdocs.yml")],
                                env={"MKSTATUS_NOW": NOW})
    return result.exit_code, result.stdout


def dispatch(inputs: dict[str, str]) -> dict[str, str]:
    values = {f"inputs.{key}": inputs.get(key, "") for key, _ in forms.FIELDS}
    values.update({"inputs.template": inputs.get("template", "(none)"),
                   "inputs.status": inputs.get("status", "(default)"),
                   "github.event.sender.login": "alice", "github.event.sender.id": "1234",
                   "github.token": "not-a-real-token"})
    return values


def test_dispatch_valid_submission_lands_as_a_valid_incident(tmp_path: Path,
                                                             origin: Path) -> None:
    work, env = runner(tmp_path, origin, "run")
    steps = job(DISPATCH, "post")["steps"]
    ran = run_job(steps, work, env, dispatch({
        "action": "new", "template": "outage", "components": "api",
        "next_update": "20 min"}), SKIPPED)
    assert names(ran) == [("Write the update", 0), ("Check the whole site", 0),
                          ("Commit as the person who asked, and push", 0), ("Build", 0),
                          ("Say what was published", 0)]
    log, clone = published(origin, tmp_path)
    assert log[0] == ("alice <1234+alice@users.noreply.github.com>|Status: "
                      "incidents/2026-11-23-api-unavailable.md")
    text = (clone / "incidents" / "2026-11-23-api-unavailable.md").read_text()
    assert "## 2026-11-23 09:05 +13:00 — Investigating\nNext update: 20 min\nSince 09:05 " \
        "NZDT, customers cannot use API." in text
    assert check(clone) == (0, "")
    assert "API unavailable" in (work / "site" / "index.html").read_text()
    summary = (Path(env["RUNNER_TEMP"]) / "github_step_summary").read_text()
    assert summary == ("Published incidents/2026-11-23-api-unavailable.md; the page shows it "
                       "once the deploy job is done.\n")


def test_dispatch_invalid_submission_publishes_nothing_and_says_what_to_fix(
        tmp_path: Path, origin: Path) -> None:
    before = git(origin, "rev-parse", "main")
    work, env = runner(tmp_path, origin, "run")
    ran = run_job(job(DISPATCH, "post")["steps"], work, env, dispatch({
        "action": "new", "title": "Checkout errors", "components": "checkout=major_outage",
        "message": "Payments fail."}), SKIPPED)
    assert names(ran) == [("Write the update", 1), ("Say what to fix", 0)]
    assert git(origin, "rev-parse", "main") == before  # nothing pushed
    assert not (work / "site").exists() and git(work, "status", "--porcelain") == ""
    problem = ("unknown component 'checkout'; the components configured in mkdocs.yml are: "
               "website, api, support")
    assert ran[-1].stdout == f"::error::{problem}\n"
    summary = (Path(env["RUNNER_TEMP"]) / "github_step_summary").read_text()
    assert summary == ("### Nothing was published\n\nWhat to fix (then run the workflow "
                       f"again):\n\n```\n{problem}\n```\n")


def issue(body_text: str, login: str = "alice") -> dict[str, str]:
    return {"github.event.issue.body": body_text, "github.event.issue.number": "7",
            "github.event.issue.user.login": login, "github.event.issue.user.id": "1234",
            "github.token": "not-a-real-token"}


def test_issue_form_valid_submission_is_published_and_answered(tmp_path: Path,
                                                               origin: Path) -> None:
    work, env = runner(tmp_path, origin, "run", {"alice": "write"})
    flow = job(ISSUE_FLOW, "post")
    assert "contains(github.event.issue.body, '### What to do')" in flow["if"]
    ran = run_job(flow["steps"], work, env, issue(body(
        action="new", title="Slow API", template="degraded-performance",
        components="api", message="Responses take up to 10 seconds. We are adding capacity.",
        next_update="45 min")), SKIPPED)
    assert [code for _, code in names(ran)] == [0] * 6
    log, clone = published(origin, tmp_path)
    assert log[0] == ("alice <1234+alice@users.noreply.github.com>|Status: "
                      "incidents/2026-11-23-slow-api.md")
    assert git(clone, "log", "-1", "--format=%b").strip() == (
        "Posted by @alice with the status form (issue #7).")
    assert check(clone) == (0, "")
    text = (clone / "incidents" / "2026-11-23-slow-api.md").read_text()
    assert text.startswith("---\ntitle: Slow API\nimpact: minor\ncomponents:\n  api: "
                           "degraded_performance\n---\n")
    assert text.endswith("Next update: 45 min\nResponses take up to 10 seconds. We are "
                         "adding capacity.\n")
    state = gh_state(env)
    commit = git(clone, "rev-parse", "HEAD").strip()
    assert state["comments"] == [{"on": "issue", "number": 7, "body": (
        "Published `incidents/2026-11-23-slow-api.md` in https://github.invalid/acme/status/"
        f"commit/{commit}; the page shows it once the deploy job of this run is done.\n")}]
    assert state["closed"] == [7]


@pytest.mark.parametrize(("login", "access", "answers", "problem"), [
    ("alice", "write", {"action": "update", "incident": "api-unavailable",
                        "message": "Found it."},
     "no incident 'api-unavailable' in incidents/"),
    ("alice", "write", {"action": "new", "title": "Down", "components": "api=major_outage",
                        "message": "Down.", "next_update": "soon"},
     "--next-update: expected a duration such as 30 min, 1 h or 1 h 30 min, found 'soon'"),
    ("mallory", "read", {"action": "new", "template": "outage", "components": "api"},
     "Only people with write access to this repository can post; @mallory has read "
     "access."),
])
def test_issue_form_invalid_submission_publishes_nothing_and_says_what_to_fix(
        tmp_path: Path, origin: Path, login: str, access: str, answers: dict[str, str],
        problem: str) -> None:
    before = git(origin, "rev-parse", "main")
    work, env = runner(tmp_path, origin, "run", {login: access})
    ran = run_job(job(ISSUE_FLOW, "post")["steps"], work, env,
                  issue(body(**answers), login), SKIPPED)
    assert names(ran)[-1] == ("Say what to fix on the issue", 0)
    assert [code for _, code in names(ran)][:-1].count(1) == 1  # one step failed, then none ran
    assert git(origin, "rev-parse", "main") == before
    assert not (work / "site").exists()
    state = gh_state(env)
    assert state["comments"] == [{"on": "issue", "number": 7, "body": (
        "**Nothing was published.** What to fix, then open the form again:\n\n"
        f"```\n{problem}\n```\n")}]
    assert "closed" not in state
