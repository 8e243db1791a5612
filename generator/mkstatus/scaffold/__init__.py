"""`mkstatus init`: a new status site that builds at once and deploys from GitHub Actions.

The templates live in the package (`mkstatus/scaffold/`) under names without a leading dot
(`gitignore`, `github/...`), because package-data globs skip hidden files; `TARGETS` maps
them to where they go. Nothing is ever overwritten unless asked: a second `init` in a
site lists every file it would clobber and writes none of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mkstatus import __version__
from mkstatus.errors import MkstatusError

TARGETS = {
    "mkdocs.yml": "mkdocs.yml",
    "requirements.txt": "requirements.txt",
    "gitignore": ".gitignore",
    "gitattributes": ".gitattributes",
    "docs/index.md": "docs/index.md",
    "docs/about.md": "docs/about.md",
    "incidents/2026-01-05-example-incident.md": "incidents/2026-01-05-example-incident.md",
    "github/workflows/probe.yml": ".github/workflows/probe.yml",
    "github/workflows/check.yml": ".github/workflows/check.yml",
    "github/workflows/deploy.yml": ".github/workflows/deploy.yml",
}


class ScaffoldError(MkstatusError):
    """`init` would overwrite files, or was given a value the site cannot use."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The few values a new site needs; everything else is edited in mkdocs.yml later."""

    site_name: str = "Example Status"
    site_url: str = "https://status.example.com/"
    timezone: str = "UTC"


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


def render(settings: Settings) -> dict[str, str]:
    """Every file of the new site, relative path -> text (pure: no file system writes)."""
    _validate(settings)
    url = settings.site_url if settings.site_url.endswith("/") else settings.site_url + "/"
    values = {"@@SITE_NAME@@": _yaml_scalar(settings.site_name), "@@SITE_URL@@": url,
              "@@TIMEZONE@@": settings.timezone, "@@VERSION@@": __version__}
    root = files("mkstatus.scaffold") / "files"
    out: dict[str, str] = {}
    for source, target in TARGETS.items():
        text = _read(root, source)
        for key, value in values.items():
            text = text.replace(key, value)
        out[target] = text
    return out


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


def init(directory: Path, settings: Settings, force: bool = False) -> list[Path]:
    """Write the site into `directory`; refuse (writing nothing) if any file exists."""
    planned = render(settings)
    existing = sorted(name for name in planned if (directory / name).exists())
    if existing and not force:
        listing = "\n".join(f"  {directory / name}" for name in existing)
        raise ScaffoldError(f"these files already exist; nothing was written (use --force "
                            f"to overwrite them):\n{listing}")
    written = []
    for name, text in planned.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
