"""msgspec's decoders of sample lines, for ``samples.read``: in a module of their own, so
that only a build that reads a day-file imports msgspec."""

from __future__ import annotations

from typing import Annotated

import msgspec

# The samples' JSON, as ``parse_line`` accepts it: unknown keys ignored, the last of
# duplicate keys wins, and integers within int64 (``json.loads`` takes any size: a file
# with an integer out of int64, or an ``e`` that is not text, is read by ``read_file``).
Int64 = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]


class Record(msgspec.Struct, gc=False):
    t: str
    c: str
    o: str
    h: Int64 | None = None
    l: Int64 | None = None  # noqa: E741 - the file format's key
    x: str | None = None
    e: str | None = None


_ARRAY = msgspec.json.Decoder(list[Record])
_LINE = msgspec.json.Decoder(Record)


def decode_array(text: bytes) -> list[Record] | None:
    """A JSON array of records, or None when msgspec refuses it."""
    try:
        return _ARRAY.decode(text)
    except msgspec.DecodeError:
        return None


def decode_lines(lines: list[bytes]) -> list[Record] | None:
    """One record per line, or None when msgspec refuses one."""
    try:
        return list(map(_LINE.decode, lines))
    except msgspec.DecodeError:
        return None
