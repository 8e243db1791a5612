"""Writing translations (`incidents/<id>.<lang>.md`) for `mkstatus update ID --lang LANG`.

As in ``editing``, an edit only inserts: the translated text under the heading of the
update it translates (the latest, or the one at `--at`), or that heading and its text
where the translation lacks it. A translation that does not exist yet is made from its
main file: the same front matter with the `--title` given, and every update's heading
(time, status, `Components:`, `Next update:`, `Occurrence:` lines), each without text
but the one translated. The result is read back with the real parser and checked against
the main file (``translations.compare``) before an atomic write.

``add_headings`` is what `mkstatus update ID` (in the main language) runs after writing
the main file: each existing translation gets the new update's heading, without text, so
it never lags behind (an error) but waits for its words (a warning).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mkstatus.incidents.atomic import NotRegular, locked, replace_file, write_new
from mkstatus.incidents.editing import (
    EditError,
    check,
    edit_errors,
    message_lines,
    write_time,
)
from mkstatus.incidents.folder import UnreadableFile, read_regular
from mkstatus.incidents.parse import (
    COMPONENTS_LINE_RE,
    NEXT_UPDATE_RE,
    level2_headings,
    parse_draft,
    parse_incident,
)
from mkstatus.incidents.recurrence import OCCURRENCE_RE
from mkstatus.incidents.translations import compare
from mkstatus.model import Incident, SiteConfig, Update

TITLE_RE = re.compile(r"title:.*")
Note = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class TranslateRequest:
    """What `mkstatus update ID --lang LANG` was asked for."""

    language: str
    message: str
    at: datetime | None = None  # the update translated; None: the latest
    title: str | None = None  # the translated title of a translation made now


def translation_path(main: Path, language: str) -> Path:
    return main.with_name(f"{main.stem}.{language}.md")


def translation_shown(main_shown: str, language: str) -> str:
    return f"{main_shown.removesuffix('.md')}.{language}.md"


def check_language(language: str, config: SiteConfig) -> None:
    """--lang names a further language of `languages:`."""
    if language == config.language:
        raise EditError(f"--lang {language}: {language} is the site's main language; leave "
                        "out --lang to update the main file")
    if language not in config.further_languages:
        listed = ", ".join(config.languages or (config.language,))
        raise EditError(f"--lang {language}: {language} is not in `languages:` in "
                        f"{config.config_path} ({listed}): add it there first")


def translate(main_path: Path, main_shown: str, request: TranslateRequest,
              config: SiteConfig, dry_run: bool = False) -> Path:
    """Add the translated text of one update, making the translation if needed; the path
    written. ``dry_run`` checks the request and writes nothing."""
    check_language(request.language, config)
    main, main_text = _read_main(main_path, main_shown, config)
    target = _target(main, main_shown, request.at, config)
    path = translation_path(main_path, request.language)
    shown = translation_shown(main_shown, request.language)
    with edit_errors(shown):
        if not path.exists():
            if not request.title or not request.title.strip():
                raise EditError(f"{shown} does not exist yet: give the incident's title "
                                f"in {request.language} with --title, and it is made from "
                                f"{main_shown}")
            text = skeleton(main_text, main, request.title.strip())
            text = _with_text(text, _parse(shown, text, main, config), main_text, target,
                              request.message, shown)
            _verify(shown, text, main, config, request.language, ())
            if not dry_run and not write_new(path, text.encode("utf-8")):
                raise EditError(f"{shown} was made by someone else meanwhile: run the "
                                "command again")
            return path
        if request.title is not None:
            raise EditError(f"--title: {shown} has its title already; edit it in the file")
        with locked(path):
            old_text = read_regular(path).decode("utf-8")
            old = _parse(shown, old_text, main, config)
            before = _story_problems(shown, old_text, main, config, request.language)
            text = _with_text(old_text, old, main_text, target, request.message, shown)
            _verify(shown, text, main, config, request.language, before)
            if not dry_run:
                replace_file(path, text.encode("utf-8"))
        return path


def add_headings(main_path: Path, main_shown: str, config: SiteConfig, note: Note) -> None:
    """After the main file got an update: each translation of it gets the headings it
    lacks, without text (see the module's docstring). A translation that cannot take
    them (its own problems) is named, and left as it is."""
    try:
        main, main_text = _read_main(main_path, main_shown, config)
    except EditError:
        return
    for language in config.further_languages:
        path = translation_path(main_path, language)
        shown = translation_shown(main_shown, language)
        if not path.is_file():
            continue
        try:
            with locked(path):
                text = read_regular(path).decode("utf-8")
                old = _parse(shown, text, main, config)
                have = {u.time for u in old.updates}
                missing = [u for u in main.updates if u.time not in have]
                if not missing:
                    continue
                for update in missing:
                    text = _insert_heading(text, _parse(shown, text, main, config),
                                           _heading_block(main_text, update), update.time)
                _verify(shown, text, main, config, language, ())
                replace_file(path, text.encode("utf-8"))
        except (EditError, UnreadableFile, UnicodeDecodeError, NotRegular, OSError) as exc:
            note(f"warning: {shown} was left as it was ({str(exc).splitlines()[0]}); add "
                 f"the new update's heading to it by hand")
            continue
        times = ", ".join(write_time(u.time, config.zone) for u in missing)
        note(f"{shown}: added the heading of the update at {times}; its {language} text "
             f"waits: mkstatus update {main.id} --lang {language} -m …")


def _read_main(path: Path, shown: str, config: SiteConfig) -> tuple[Incident, str]:
    try:
        data = read_regular(path)
    except UnreadableFile as exc:
        raise EditError(f"{shown}: {exc}") from None
    main, problems = parse_incident(shown, path.stem, data, config)
    if main is None:
        raise EditError("fix the file first:\n" + "\n".join(str(p) for p in problems))
    return main, data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")


def _target(main: Incident, shown: str, at: datetime | None, config: SiteConfig) -> Update:
    if not main.updates:
        raise EditError(f"{shown} has no update to translate yet")
    if at is None:
        return main.updates[-1]
    for update in main.updates:
        if update.time == at:
            return update
    times = ", ".join(write_time(u.time, config.zone) for u in main.updates)
    raise EditError(f"--at {write_time(at, config.zone)}: {shown} has no update at that "
                    f"time; its updates are at {times}")


def _parse(shown: str, text: str, main: Incident, config: SiteConfig) -> Incident:
    translation, draft = parse_draft(shown, main.id, text.encode("utf-8"), config)
    if translation is None:
        raise EditError("fix the file first:\n" + "\n".join(str(p) for p in draft.problems))
    return translation


def _story_problems(shown: str, text: str, main: Incident, config: SiteConfig,
                    language: str) -> tuple[str, ...]:
    translation, draft = parse_draft(shown, main.id, text.encode("utf-8"), config)
    if translation is None:
        return tuple(str(p) for p in draft.problems)
    return tuple(p.message for p in compare(main, translation, draft.lines, language))


def _verify(shown: str, text: str, main: Incident, config: SiteConfig, language: str,
            before: tuple[str, ...]) -> None:
    """Read back with the parser (``editing.check``); no disagreement with the main file
    may be new (a lag the edit did not touch may stay: it is an error for `check`)."""
    check(shown, main.id, text, config)
    after = _story_problems(shown, text, main, config, language)
    new = [p for p in after if p not in before]
    if new:
        raise EditError(f"{shown}: the edit would not agree with the main file; nothing "
                        "written:\n" + "\n".join(new))


def skeleton(main_text: str, main: Incident, title: str) -> str:
    """A new translation: the main file's front matter with ``title``, and every update's
    heading in the main file's order, without text."""
    lines = main_text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    front = [f"title: {_quoted(title)}" if TITLE_RE.fullmatch(line.rstrip()) else line
             for line in lines[: end + 1]]
    updates = sorted(main.updates, key=lambda u: u.time, reverse=main.newest_first)
    body: list[str] = []
    for update in updates:
        body += ["", *_heading_block(main_text, update)]
    return "\n".join([*front, *body]) + "\n"


def _quoted(title: str) -> str:
    """A title as YAML reads it back exactly: double-quoted, as JSON writes it."""
    return json.dumps(title, ensure_ascii=False)


def _heading_block(main_text: str, update: Update) -> list[str]:
    """An update's heading and the lines under it that are part of the story."""
    lines = main_text.split("\n")
    row = update.line - 1
    block = [lines[row].rstrip()]
    row += 1
    while row < len(lines) and any(pattern.fullmatch(lines[row].strip()) for pattern in (
            COMPONENTS_LINE_RE, NEXT_UPDATE_RE, OCCURRENCE_RE)):
        block.append(lines[row].rstrip())
        row += 1
    return block


def _with_text(text: str, translation: Incident, main_text: str, target: Update,
               message: str, shown: str) -> str:
    """``text`` with ``message`` as the translation of ``target``: under its heading, or
    with its heading where the translation lacks it."""
    lines_message = message_lines(message)
    mine = next((u for u in translation.updates if u.time == target.time), None)
    if mine is None:
        block = [*_heading_block(main_text, target), *lines_message]
        return _insert_heading(text, translation, block, target.time)
    if mine.message.strip():
        raise EditError(f"{shown}: the update at {_written(mine)} (line {mine.line}) is "
                        "translated already: edit the file to change its text")
    lines = text.split("\n")
    row = mine.line - 1 + len(_heading_block(text, mine))
    rest = lines[row:]
    tail = [""] if rest and rest[0].strip() else []
    return "\n".join(lines[:row] + lines_message + tail + rest)


def _written(update: Update) -> str:
    local = update.time
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def _insert_heading(text: str, translation: Incident, block: list[str],
                    when: datetime) -> str:
    """``block`` (a heading and its lines) where an update at ``when`` belongs in the
    translation's own order: by time among its updates, before any postmortem."""
    lines = text.split("\n")
    updates = sorted(translation.updates, key=lambda u: u.time,
                     reverse=translation.newest_first)
    row: int | None = None
    for update in updates:
        if (update.time < when) if translation.newest_first else (update.time > when):
            row = update.line - 1
            break
    if row is None:
        after = max((u.line - 1 for u in translation.updates), default=_front_end(lines))
        row = next((r for r, _ in level2_headings(lines, after + 1)[0]), None)
    if row is None:
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join([*lines, "", *block]) + "\n"
    return "\n".join([*lines[:row], *block, "", *lines[row:]])


def _front_end(lines: list[str]) -> int:
    return next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
