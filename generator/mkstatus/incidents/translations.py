"""Incidents in several languages, one story: `incidents/<id>.<lang>.md`.

A translation is a copy of its main file (`incidents/<id>.md`) with the title, summary,
messages and postmortem in another language of `languages:`. Everything that makes the
story (the front matter but the title, and each update's time, status, component changes,
promise and occurrence) must be the main file's: a difference is an error, and so is an
update of the main file the translation lacks (it lags behind). An update whose heading
is there but whose text is still empty waits for its translation: a warning (an error
with `--strict`), and the language's pages show the main text with a note meanwhile.
`mkstatus update ID` adds the new update's heading, without text, to every translation,
so posting in the main language never breaks `check`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from mkstatus.errors import Problem
from mkstatus.incidents.folder import (
    Listing,
    UnreadableFile,
    list_incident_files,
    read_regular,
    translation_of,
)
from mkstatus.incidents.parse import parse_draft
from mkstatus.model import ComponentStatus, Incident, SiteConfig, Update
from mkstatus.times import show

# What a translation keeps of its main file, with the front-matter key it is written as.
STORY = (("kind", "informational"), ("impact", "impact"), ("components", "components"),
         ("started", "started"), ("scheduled_for", "scheduled_for"),
         ("scheduled_until", "scheduled_until"), ("pin", "pin"), ("draft", "draft"),
         ("recurrence", "recurrence"))


@dataclass(frozen=True, slots=True)
class Translations:
    """Every translation that agrees with its main file, by language then incident id,
    and what was found wrong (errors) or waiting (warnings)."""

    by_language: Mapping[str, Mapping[str, Incident]]
    problems: tuple[Problem, ...] = ()
    waiting: tuple[Problem, ...] = ()


def load_translations(directory: Path, config: SiteConfig, root: Path,
                      incidents: Iterable[Incident], listing: Listing | None = None
                      ) -> Translations:
    """Read every `<id>.<lang>.md` under ``directory`` and check it against its main
    file (one of ``incidents``, the main files read without problems); ``listing``: the
    folder's ``list_incident_files`` when the caller has it already."""
    if not directory.is_dir():
        return Translations({})
    mains = {i.id: i for i in incidents}
    found: dict[str, dict[str, Incident]] = {}
    problems: list[Problem] = []
    waiting: list[Problem] = []
    if listing is None:
        listing = list_incident_files(directory, root)
    for file, shown in listing.files:
        name = translation_of(file)
        if name is None:
            continue
        incident_id, language = name
        main_path = shown[: -len(f".{language}.md")] + ".md"
        refusal = _language_problem(language, config)
        if refusal:
            problems.append(Problem(shown, 1, 1, refusal))
            continue
        try:
            data = read_regular(file)
        except UnreadableFile as exc:
            problems.append(Problem(shown, 1, 1, str(exc)))
            continue
        translation, draft = parse_draft(shown, incident_id, data, config)
        problems.extend(draft.problems)
        main = mains.get(incident_id)
        if main is None:
            if not (root / main_path).exists():
                problems.append(Problem(shown, 1, 1, f"a translation of {incident_id}, but "
                                        f"there is no {main_path}: a translation sits "
                                        "beside its main file"))
            continue  # else the main file's own problems are reported
        if translation is None:
            continue
        errors = compare(main, translation, draft.lines, language)
        problems.extend(errors)
        if not errors:
            waiting.extend(waiting_updates(main, translation, language, config))
            found.setdefault(language, {})[incident_id] = translation
    return Translations(found, tuple(problems), tuple(waiting))


def _language_problem(language: str, config: SiteConfig) -> str:
    listed = config.languages or (config.language,)
    if language == config.language:
        return (f"{language} is the site's main language (theme.language in "
                f"{config.config_path}): its text belongs in the main file")
    if language not in listed:
        return (f"a translation into {language}, but {language} is not in `languages:` "
                f"in {config.config_path} ({', '.join(listed)}): add it there, or remove "
                "this file")
    return ""


def compare(main: Incident, translation: Incident, lines: Mapping[str, int],
            language: str) -> list[Problem]:
    """Where ``translation`` tells another story than ``main``, as problems located in
    the translation (``lines``: the line of each front-matter key)."""
    out: list[Problem] = []
    path, there = translation.path, main.path
    for attribute, key in STORY:
        if getattr(main, attribute) != getattr(translation, attribute):
            out.append(Problem(path, lines.get(key, 1), 1, f"{key}: differs from {there}; a "
                               "translation keeps its main file's front matter and "
                               "translates only the title"))
    mine = {u.time: u for u in translation.updates}
    theirs = {u.time: u for u in main.updates}
    for update in translation.updates:
        other = theirs.get(update.time)
        when = _when(update)
        if other is None:
            out.append(Problem(path, update.line, 4, f"no update at {when} in {there}: a "
                               "translation has its main file's updates, at the same times"))
            continue
        where = f"{there} (line {other.line})"
        if other.status != update.status:
            out.append(Problem(path, update.line, 4, f"'{update.label}' here, but "
                               f"'{other.label}' in {where}: a translation has the same "
                               "statuses"))
        if dict(other.components) != dict(update.components):
            out.append(Problem(path, update.line, 4, f"component changes differ from "
                               f"{where}: here {_changes(update.components)}, there "
                               f"{_changes(other.components)}"))
        if other.next_update != update.next_update or other.occurrence != update.occurrence:
            out.append(Problem(path, update.line, 4, f"the 'Next update:' or 'Occurrence:' "
                               f"line differs from {where}"))
    for update in main.updates:
        if update.time not in mine:
            out.append(Problem(path, _nearest_line(translation, update), 1,
                               f"lags behind {there}: its update at {_when(update)} — "
                               f"{update.label} (line {update.line}) is missing here; add "
                               f"its heading, or run `mkstatus update {main.id} --lang "
                               f"{language} --at '{_when(update)}' -m …`"))
    return out


def _when(update: Update) -> str:
    """An update's time as written in files (with its offset): the heading to look for."""
    local = update.time
    stamp = local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")
    offset = local.strftime("%z")
    return f"{stamp} {offset[:3]}:{offset[3:]}" if offset else stamp


def _changes(changes: tuple[tuple[str, ComponentStatus], ...]) -> str:
    return ", ".join(f"{cid}={status.code}" for cid, status in sorted(
        changes, key=lambda c: c[0])) or "none"


def _nearest_line(translation: Incident, missing: Update) -> int:
    """Where the missing update's heading belongs: beside the translation's update
    nearest in time (line 1 when it has none)."""
    if not translation.updates:
        return 1
    nearest = min(translation.updates, key=lambda u: abs(u.time - missing.time))
    return nearest.line


def waiting_updates(main: Incident, translation: Incident, language: str,
                    config: SiteConfig) -> list[Problem]:
    """The updates (and summary, postmortem) of ``translation`` whose text is still empty
    while the main file has some: warnings, one per update."""
    out = []
    theirs = {u.time: u for u in main.updates}
    for update in translation.updates:
        other = theirs[update.time]
        if other.message.strip() and not update.message.strip():
            out.append(Problem(translation.path, update.line, 4, f"update '{update.label}' "
                               f"at {show(update.time, config.zone)} is waiting for its "
                               f"{language} translation (the {language} pages show the "
                               f"{config.language} text meanwhile)", warning=True))
    for piece in ("summary", "postmortem"):
        if getattr(main, piece).strip() and not getattr(translation, piece).strip():
            out.append(Problem(translation.path, 1, 1, f"the {piece} is waiting for its "
                               f"{language} translation", warning=True))
    return out


def localize(main: Incident, translation: Incident | None, main_language: str) -> Incident:
    """``main`` as a language's pages show it: the translation's words where there are
    some, else the main file's, marked with their language (``fallback``) so the page
    says they are not translated yet."""
    if translation is None:
        return replace(main, fallback=main_language, untranslated=_pieces(main),
                       updates=tuple(_fallback(u, main_language) for u in main.updates))
    words = {u.time: u for u in translation.updates}
    updates = []
    for update in main.updates:
        translated = words.get(update.time)
        if translated is not None and translated.message.strip():
            updates.append(replace(update, message=translated.message))
        else:
            updates.append(_fallback(update, main_language))
    missing = tuple(p for p in ("summary", "postmortem")
                    if getattr(main, p).strip() and not getattr(translation, p).strip())
    return replace(main, title=translation.title, updates=tuple(updates),
                   summary=translation.summary or main.summary,
                   postmortem=translation.postmortem or main.postmortem,
                   fallback=main_language if missing else "", untranslated=missing)


def _pieces(incident: Incident) -> tuple[str, ...]:
    return ("title", *(p for p in ("summary", "postmortem") if getattr(incident, p).strip()))


def _fallback(update: Update, language: str) -> Update:
    return replace(update, fallback=language) if update.message.strip() else update
