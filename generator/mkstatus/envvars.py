"""``${NAME}`` references to environment variables: the one rule for probes and notify.

Probe URLs, headers and body matchers, and notification URLs and secrets may name
environment variables as ``${NAME}``. They are expanded only at the moment of use, so the
parsed configuration, the built site and every message hold the reference, never the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from mkstatus.errors import ConfigError

VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
MALFORMED = "malformed ${VAR} reference (expected ${NAME} with letters, digits, _)"


def names(texts: Iterable[str | None]) -> set[str]:
    """The variable names the texts reference."""
    return {name for text in texts if text for name in VAR_RE.findall(text)}


def is_malformed(text: str) -> bool:
    """A ``${`` that does not start a well-formed ``${NAME}``: almost surely a typo."""
    return "${" in VAR_RE.sub("", text)


def expand(text: str, environ: Mapping[str, str], where: str) -> str:
    """The text with each ``${NAME}`` replaced; an unset one is an error naming it."""
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            raise ConfigError(f"{where}: environment variable {name} is not set")
        return environ[name]

    return VAR_RE.sub(one, text)
