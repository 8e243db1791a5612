"""The one small exception family of the core.

The CLI turns these into click errors and the MkDocs plugin into ``PluginError``: users see
``path:line:col: message`` lines, never a traceback. Bugs are not caught and keep theirs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One problem in a user's file, located as precisely as we can."""

    path: str
    line: int
    col: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class MkstatusError(Exception):
    """Base of every error a user can cause; its text is shown as is."""


class ValidationError(MkstatusError):
    """Every problem found in one run, so a user fixes them all at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(MkstatusError):
    """A configuration value that cannot work (an unset ${VAR}, a missing site_url)."""


class BuildError(MkstatusError):
    """The site could not be built; the published site was left as it was."""
