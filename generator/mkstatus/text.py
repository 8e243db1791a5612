"""Small helpers for user-facing text: XML-safe text and 'did you mean' hints.

XML 1.0 forbids most C0 control characters (feedgen raises on them, browsers show
garbage); probe errors and response bodies can carry any byte. ``clean`` drops them,
keeping tab, line feed and carriage return.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    return _ILLEGAL.sub("", text)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
