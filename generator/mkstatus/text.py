"""Small helpers for user-facing text: XML-safe text, 'did you mean' hints, and the
characters a title or a name may not hold.

XML 1.0 forbids most C0 control characters (feedgen raises on them, browsers show
garbage); probe errors and response bodies can carry any byte. ``clean`` drops them,
keeping tab, line feed and carriage return.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    return _ILLEGAL.sub("", text)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# C0 and C1 controls (and DEL), and the bidirectional embeddings, overrides and isolates:
# in a title or a name they hide text (U+0085 is "forbidden" in HTML) or reverse the text
# after them on the page (U+202E).
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return",
                  "\x1b": "an escape character", "\x85": "a next-line character (NEL)"}


def forbidden_character(text: str) -> tuple[int, str] | None:
    """The index of the first control or direction character in `text`, and what it is
    (`contains U+202E RIGHT-TO-LEFT OVERRIDE, ...`), or None."""
    match = _FORBIDDEN.search(text)
    if match is None:
        return None
    char = match.group(0)
    code = f"U+{ord(char):04X}"
    if "\u202a" <= char <= "\u2069":
        what = (f"contains {code} {unicodedata.name(char)}, a direction control that "
                "reorders the text around it")
    else:
        what = f"contains {code}, {_CONTROL_NAMES.get(char, 'a control character')}"
    return match.start(), what
