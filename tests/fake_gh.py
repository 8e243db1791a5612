"""A stand-in for the `gh` command line in workflow tests (tests/workflow_steps.py).

It knows only the calls our workflows make, answers them from a JSON state file
($FAKE_GH_STATE: repository permissions, pull requests, issues) and records every call
there, so a test can say exactly what the workflow asked GitHub to do. Anything else
fails loudly, so a workflow cannot come to depend on a call the tests never saw. A call
whose words contain one of the state's `fail` strings fails as GitHub's API does when it
is down (exit 1, "HTTP 502"), so a test can say what the workflow does then.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def option(args: list[str], name: str, default: str | None = None) -> str | None:
    return args[args.index(name) + 1] if name in args else default


def body(args: list[str]) -> str:
    path = option(args, "--body-file")
    return Path(path).read_text() if path else option(args, "--body", "") or ""


def git(*args: str) -> str:
    """The repository the step runs in stands for GitHub's copy of it."""
    return subprocess.run(["git", *args], check=True, capture_output=True,
                          text=True).stdout


def main(args: list[str]) -> int:
    state_file = Path(os.environ["FAKE_GH_STATE"])
    state: dict[str, Any] = json.loads(state_file.read_text()) if state_file.exists() else {}
    state.setdefault("calls", []).append(args)
    prs: list[dict[str, Any]] = state.setdefault("prs", [])
    comments: list[dict[str, Any]] = state.setdefault("comments", [])
    assert os.environ.get("GH_TOKEN"), "gh needs GH_TOKEN in the step's environment"
    if any(failing in " ".join(args) for failing in state.get("fail", [])):
        state_file.write_text(json.dumps(state, indent=1))
        print("HTTP 502: Bad Gateway (https://api.github.com/graphql)", file=sys.stderr)
        return 1
    out = ""
    api = [a for a in args if a != "--paginate"]
    match api[:2]:
        case ["api", path] if "/commits?path=" in path:
            assert option(api, "--jq") == ".[].sha", args
            out = git("log", "--format=%H", "--", path.split("?path=")[1])
        case ["api", path] if path.endswith("/pulls") and "/commits/" in path:
            assert option(api, "--jq") == ".[0].number // empty", args
            sha = path.split("/")[-2]
            out = next((f"{pr['number']}\n" for pr in prs if pr["commit"] == sha), "")
        case ["api", path] if "/commits/" in path:
            assert option(api, "--jq") == ".commit.message", args
            out = git("log", "-1", "--format=%B", path.split("/")[-1])
        case ["api", path] if path.endswith("/comments") and "/issues/" in path:
            assert option(api, "--jq") == ".[].body", args
            number = int(path.split("/")[-2])
            out = "".join(c["body"] for c in comments if c["number"] == number)
        case ["api", path] if path.endswith("/permission"):
            user = path.split("/")[-2]
            permission = state.get("permissions", {}).get(user, "none")
            assert option(args, "--jq") == ".permission", args
            out = permission + "\n"
        case ["issue" | "pr", "comment"]:
            comments.append({"on": args[0], "number": int(args[2]), "body": body(args)})
        case ["issue", "close"]:
            state.setdefault("closed", []).append(int(args[2]))
        case ["pr", "list"]:
            head = option(args, "--head")
            assert option(args, "--state") == "all" and option(args, "--jq") == ".[].number"
            out = "".join(f"{pr['number']}\n" for pr in prs if pr["head"] == head)
        case ["pr", "create"]:
            number = 100 + len(prs)
            prs.append({"number": number, "head": option(args, "--head"),
                        "base": option(args, "--base"), "title": option(args, "--title"),
                        "body": body(args), "commit": git("rev-parse", "HEAD").strip()})
            out = f"https://github.invalid/acme/status/pull/{number}\n"
        case _:
            print(f"fake gh: no answer for {args}", file=sys.stderr)
            return 2
    state_file.write_text(json.dumps(state, indent=1))
    sys.stdout.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
