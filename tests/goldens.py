"""Golden scenarios: tests/scenarios/<name>/{mkdocs.yml, now.txt, incidents/, expected/}.

`expected/` holds every file the core generates for the scenario (pages as Markdown,
feeds, JSON, ...). After an intended change, rebuild them with `make goldens` (that is,
`python -m tests.goldens --update`) and review the diff.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import yaml
from mkstatus.project import Project, load_project
from mkstatus.render import urls
from mkstatus.render.generate import generate
from mkstatus.times import resolve_now

SCENARIOS = Path(__file__).parent / "scenarios"
# The package's own files, copied as they are: no golden copy of them.
VERBATIM = {urls.CSS, urls.UPTIME_SCHEMA}


def outputs(scenario: Path) -> dict[str, bytes]:
    config_file = scenario / "mkdocs.yml"
    raw = yaml.safe_load(config_file.read_text())
    plugin = next(p["mkstatus"] for p in raw["plugins"] if isinstance(p, dict))
    project = Project(root=scenario, config_file=config_file, docs_dir=scenario / "docs",
                      site_name=raw["site_name"], site_url=raw["site_url"], plugin=plugin)
    now = resolve_now((scenario / "now.txt").read_text().strip())
    site = load_project(project, now)
    return {o.path: o.content if isinstance(o.content, bytes) else o.content.encode()
            for o in generate(site) if o.path not in VERBATIM}


def update(scenario: Path) -> None:
    expected = scenario / "expected"
    shutil.rmtree(expected, ignore_errors=True)
    for path, content in outputs(scenario).items():
        target = expected / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update", action="store_true", help="rewrite expected/ folders")
    args = parser.parse_args()
    for scenario in sorted(p for p in SCENARIOS.iterdir() if p.is_dir()):
        if args.update:
            update(scenario)
            print(f"updated {scenario.relative_to(SCENARIOS.parent.parent)}/expected")


if __name__ == "__main__":
    main()
