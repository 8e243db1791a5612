"""Text that is safe to put in XML and HTML.

XML 1.0 forbids most C0 control characters (feedgen raises on them, browsers show
garbage); probe errors and response bodies can carry any byte. We drop them, keeping tab,
line feed and carriage return.
"""

from __future__ import annotations

import re

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    return _ILLEGAL.sub("", text)
