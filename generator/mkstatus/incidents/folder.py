"""Finding and reading the files of `incidents/`, refusing what is not an incident file.

A status page must not hang on a named pipe, crash on a dangling link or publish a file
linked in from outside the repository (`check --format github` would echo its keys and
headings into a pull request). So the folder is walked with `os.scandir`, every entry is
looked at before anything is opened, and only regular files are read: opened with
O_NONBLOCK (a FIFO swapped in after the look cannot block the open) and checked again
with `fstat` before a byte is read. Every refusal is a `Problem` with the file's path;
nothing is skipped without a word, except hidden files and editor leftovers.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from mkstatus.errors import Problem

MAX_BYTES = 2_000_000
KINDS = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFSOCK: "a socket",
         stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
         stat.S_IFDIR: "a directory"}
TEXT_SUFFIXES = (".markdown", ".mdown", ".mkdn", ".mkd", ".md", ".txt", ".text")
LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")  # fr, pt-BR (Material's codes)


def translation_of(path: Path) -> tuple[str, str] | None:
    """`<id>.<lang>.md` (a translation, see ``translations``): its incident id and
    language; None for any other name (an incident id holds no dot)."""
    stem, dot, language = path.stem.rpartition(".")
    if not dot or "." in stem or not LANGUAGE_RE.fullmatch(language):
        return None
    return stem, language


class UnreadableFile(Exception):
    """A file that cannot be read as an incident; the message says why, without its text."""


class NotUtf8(ValueError):
    """Bytes that are not UTF-8, with the line and column (of the file) where they stop."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


@dataclass(frozen=True, slots=True)
class Listing:
    """The incident files found (path, as shown in messages) and the problems found."""

    files: tuple[tuple[Path, str], ...]
    problems: tuple[Problem, ...]


def ignored(name: str) -> bool:
    """Hidden files (.gitkeep, swap files, our own .tmp files) and editor backups."""
    return name.startswith((".", "#")) or name.endswith("~")


def list_incident_files(directory: Path, root: Path) -> Listing:
    """Every `*.md` under `directory` (sorted), and a problem for anything else in it.

    `root` is the project's folder: a link must resolve inside it (or inside `directory`).
    """
    files: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    allowed = (os.path.realpath(root), os.path.realpath(directory))
    pending = [directory]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(named(folder, root), 1, 1,
                                    f"cannot read this folder ({exc.strerror})"))
            continue
        for entry in entries:
            if ignored(entry.name):
                continue
            path = Path(entry.path)
            where = named(path, root)
            problem = _look(entry, allowed)
            if problem is None and entry.is_dir(follow_symlinks=False):
                pending.append(path)
                if entry.name.endswith(".md"):
                    problem = "a folder named like an incident file: remove `.md` from its name"
            elif problem is None and not entry.name.endswith(".md"):
                problem = (f"not read: only `.md` files are incidents; rename it to "
                           f"{_md_name(entry.name)} (or move it out of this folder)")
            elif problem is None:
                files.append((path, where))
            if problem is not None:
                problems.append(Problem(where, 1, 1, problem))
    files.sort(key=lambda item: item[0].parts)
    return Listing(tuple(files), tuple(problems))


def _look(entry: os.DirEntry[str], allowed: tuple[str, ...]) -> str | None:
    """Why this entry cannot be an incident file or a folder of them, or None."""
    try:
        info = os.stat(entry.path)  # follows a link: dangling or looping links fail here
    except OSError as exc:
        if not entry.is_symlink():
            return f"cannot be read ({exc.strerror})"
        if exc.errno == errno.ELOOP:
            return "a symbolic link that never reaches a file (it loops): remove it"
        return "a symbolic link to a file that does not exist: fix or remove the link"
    if entry.is_symlink():
        target = os.path.realpath(entry.path)
        if not any(target == base or target.startswith(base + os.sep) for base in allowed):
            return ("a symbolic link to a file outside the project (the folder of "
                    "mkdocs.yml): not read; copy the file into the repository instead")
        if stat.S_ISDIR(info.st_mode):
            return "a symbolic link to a folder: not followed; move or link the files instead"
    if stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode):
        return None
    kind = KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
    return f"{kind}, not a regular file: only regular files are read; remove it"


def _md_name(name: str) -> str:
    """`x.markdown`, `x.MD`, `x.md.txt`, `x` -> `x.md`; `x.png` -> `x.md` as well."""
    stem = name
    while stem.lower().endswith(TEXT_SUFFIXES):
        stem = stem[: stem.rindex(".")]
    if stem == name and "." in name:
        stem = name[: name.rindex(".")]
    return f"{stem}.md"


def decode_utf8(data: bytes) -> str:
    """The text of `data`, or NotUtf8 at the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise NotUtf8(line, col, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                      "save the file as UTF-8") from None


def read_regular(path: Path, limit: int = MAX_BYTES, what: str = "an incident file") -> bytes:
    """The bytes of a regular file, never blocking on a FIFO; a file larger than `limit`
    is refused by its size (`what` names the kind of file in that message)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise UnreadableFile(f"{kind}, not a regular file: only regular files are read")
        if info.st_size > limit:
            raise UnreadableFile(f"file is {info.st_size:,} bytes; {what} may have at most "
                                 f"{limit:,} (move large attachments elsewhere and link them)")
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)


def named(path: Path, root: Path) -> str:
    """The path as messages show it: relative to the project when it is inside. Never
    through `resolve()` (``mkstatus.files.shown`` falls back to it), which would name the
    target of a link that leads out of the project."""
    text, base = os.fspath(path), os.fspath(root)
    # What relative_to says, without its parsing (a third of listing 10,000 incidents):
    # both are normalized, so a path inside `root` starts with it and a slash.
    if os.sep == "/" and base != "/" and text.startswith(base + "/"):
        return text[len(base) + 1:]
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
