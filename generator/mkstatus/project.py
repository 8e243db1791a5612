"""A status site's directory, read as a whole: config, incidents, introduction.

Both adapters (the MkDocs plugin and the CLI) start here, so `mkstatus check`, `mkstatus
build` and a plain `mkdocs build` validate exactly the same things.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .config import parse_config, read_text
from .errors import ValidationError
from .incidents import load_incidents
from .model import SiteConfig
from .site import Site, compute


@dataclass(frozen=True, slots=True)
class Project:
    """Where a site's inputs live; `root` is the folder of mkdocs.yml."""

    root: Path
    config_file: Path
    docs_dir: Path
    site_name: str
    site_url: str | None
    plugin: Mapping[str, Any]

    @property
    def incidents_dir(self) -> Path:
        return self.root / str(self.plugin.get("incidents_dir") or "incidents")

    @property
    def samples_dir(self) -> Path:
        return self.root / str(self.plugin.get("samples_dir") or "samples")

    @property
    def introduction_file(self) -> Path:
        return self.docs_dir / "index.md"


def load_config(project: Project) -> SiteConfig:
    shown = _shown(project.config_file, project.root)
    config, problems = parse_config(project.plugin, site_name=project.site_name,
                                    site_url=project.site_url, config_path=shown,
                                    text=read_text(project.config_file))
    if config is None:
        raise ValidationError(problems)
    return config


def load_project(project: Project, now: datetime) -> Site:
    """Validate everything (all problems at once) and compute the site at `now`."""
    config = load_config(project)
    incidents, problems = load_incidents(project.incidents_dir, config, project.root)
    if problems:
        raise ValidationError(problems)
    intro = project.introduction_file
    introduction = strip_front_matter(read_text(intro) or "") if intro.is_file() else ""
    return compute(config, incidents, now, introduction=introduction)


def strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            return text[text.find("\n", end + 1) + 1:] if "\n" in text[end + 1:] else ""
    return text


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
