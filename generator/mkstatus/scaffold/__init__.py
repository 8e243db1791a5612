"""`mkstatus init`: a new status site that builds at once and deploys from GitHub Actions.

The templates live in the package (`mkstatus/scaffold/`) under names without a leading dot
(`gitignore`, `github/...`), because package-data globs skip hidden files; `TARGETS` maps
them to where they go. Nothing is ever overwritten unless asked: a second `init` in a
site lists every file it would clobber and writes none of them. `requirements.txt` says how
CI installs the very mkstatus that ran `init` (see `install`).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mkstatus.errors import MkstatusError
from mkstatus.scaffold.install import (
    WHEEL_DIR,
    InstallSource,
    dependency_pins,
    requirements_text,
    running_source,
)

TARGETS = {
    "mkdocs.yml": "mkdocs.yml",
    "gitignore": ".gitignore",
    "gitattributes": ".gitattributes",
    "docs/index.md": "docs/index.md",
    "docs/about.md": "docs/about.md",
    "incidents/2026-01-05-example-incident.md": "incidents/2026-01-05-example-incident.md",
    **{f"templates/{name}.md": f"templates/{name}.md" for name in (
        "degraded-performance", "maintenance", "monitoring", "outage", "resolved")},
    "github/workflows/probe.yml": ".github/workflows/probe.yml",
    "github/workflows/check.yml": ".github/workflows/check.yml",
    "github/workflows/deploy.yml": ".github/workflows/deploy.yml",
    "github/workflows/watchdog.yml": ".github/workflows/watchdog.yml",
    "github/workflows/post-status.yml": ".github/workflows/post-status.yml",
    "github/workflows/post-status-issue.yml": ".github/workflows/post-status-issue.yml",
    "github/ISSUE_TEMPLATE/status-update.yml": ".github/ISSUE_TEMPLATE/status-update.yml",
    "github/dependabot.yml": ".github/dependabot.yml",
}
REQUIREMENTS = "requirements.txt"


class ScaffoldError(MkstatusError):
    """`init` would overwrite files, or was given a value the site cannot use."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The few values a new site needs; everything else is edited in mkdocs.yml later."""

    site_name: str = "Example Status"
    site_url: str = "https://status.example.com/"
    timezone: str = "UTC"
    # The workflows run the Python that ran `init`, so the pinned dependencies fit it.
    python: str = field(default_factory=lambda: "{}.{}".format(*sys.version_info[:2]))


def local_timezone(environ: dict[str, str] | None = None) -> str:
    """The machine's IANA zone ($TZ or /etc/localtime), so times read as the team expects."""
    env = os.environ if environ is None else environ
    candidates = [env.get("TZ", "").lstrip(":")]
    try:
        link = os.readlink("/etc/localtime")
        candidates.append(link.split("zoneinfo/", 1)[1] if "zoneinfo/" in link else "")
    except OSError:
        pass
    for name in candidates:
        if name and "/" in name:
            try:
                ZoneInfo(name)
                return name
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return "UTC"


def render(settings: Settings, requirements: str) -> dict[str, str]:
    """Every text file of the new site, relative path -> text (pure: no file system writes)."""
    _validate(settings)
    url = settings.site_url if settings.site_url.endswith("/") else settings.site_url + "/"
    values = {"@@SITE_NAME@@": _yaml_scalar(settings.site_name), "@@SITE_URL@@": url,
              "@@TIMEZONE@@": settings.timezone, "@@PYTHON@@": settings.python}
    root = files("mkstatus.scaffold") / "files"
    out: dict[str, str] = {}
    for source, target in TARGETS.items():
        text = _read(root, source)
        for key, value in values.items():
            text = text.replace(key, value)
        out[target] = text
    out[REQUIREMENTS] = requirements
    return dict(sorted(out.items()))


def _read(root: Traversable, source: str) -> str:
    node = root
    for part in source.split("/"):
        node = node / part
    return node.read_text(encoding="utf-8")


def _validate(settings: Settings) -> None:
    if not settings.site_url.startswith(("http://", "https://")):
        raise ScaffoldError(f"--site-url: expected an absolute URL such as "
                            f"https://status.example.com/, found {settings.site_url!r}")
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScaffoldError(f"--timezone: unknown timezone {settings.timezone!r} (use an IANA "
                            "name such as Europe/Paris)") from None


def _yaml_scalar(text: str) -> str:
    import json

    return json.dumps(text.strip(), ensure_ascii=False)


def init(directory: Path, settings: Settings, force: bool = False,
         requirements_only: bool = False,
         source: InstallSource | None = None) -> tuple[list[Path], InstallSource]:
    """Write the site into `directory`; refuse (writing nothing) if any file exists.

    With `requirements_only`, (re)write only `requirements.txt` and the wheel it names,
    removing wheels it no longer names: how a site moves to another mkstatus.
    """
    source = source or running_source()
    text = render(settings, requirements_text(source, dependency_pins()))
    planned = {name: body.encode("utf-8") for name, body in text.items()
               if not requirements_only or name == REQUIREMENTS}
    if source.wheel is not None and source.wheel_name is not None:
        planned[f"{WHEEL_DIR}/{source.wheel_name}"] = source.wheel
    existing = sorted(name for name in planned if (directory / name).exists())
    if existing and not (force or requirements_only):
        listing = "\n".join(f"  {directory / name}" for name in existing)
        raise ScaffoldError(f"these files already exist; nothing was written (use --force "
                            f"to overwrite them):\n{listing}")
    written = []
    for name, body in planned.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        written.append(path)
    if requirements_only:
        for stale in sorted((directory / WHEEL_DIR).glob("mkstatus-*.whl")):
            if stale.name != source.wheel_name:
                stale.unlink()
    return written, source
