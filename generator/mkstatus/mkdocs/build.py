"""What the CLI's commands do, with MkDocs as the engine.

This is adapter code (it may import MkDocs; the core may not). `run_build` validates
first, builds into a temporary folder beside the target, and swaps it in with one atomic
rename, so a failed, invalid or interrupted build leaves the published site byte-identical.
Where the atomic exchange is missing, the swap is two renames, and a kill between them is
repaired by the next build (`recover`); guide/deploying.md says what each platform gets.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from mkstatus.compute.site import Site
from mkstatus.config import syntax_problems
from mkstatus.errors import BuildError, ConfigError, ValidationError
from mkstatus.incidents.parse import forget_parsed
from mkstatus.locking import lock
from mkstatus.memory import give_back
from mkstatus.mkdocs.unchanged import reusing
from mkstatus.project import Project, load_project
from mkstatus.times import TimeError, resolve_now

TMP_PREFIX = ".mkstatus-build-"
OLD_PREFIX = ".mkstatus-old-"


def build_now(option: str | None) -> datetime:
    try:
        return resolve_now(option or os.environ.get("MKSTATUS_NOW") or None)
    except TimeError as exc:
        raise ConfigError(f"--now: {exc}") from None


def mkdocs_config(config_file: Path, **overrides: Any) -> Any:
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    if not config_file.is_file():
        raise ConfigError(f"{config_file}: no such file (run `mkstatus init` to create a site)")
    problems = syntax_problems(config_file, str(config_file))
    if problems:
        raise ValidationError(problems)
    records = _Collect()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(records)
    try:
        return load_config(config_file=str(config_file), **overrides)
    except MkDocsException as exc:  # ConfigurationError, or Abort (a SystemExit)
        reasons = [r.getMessage() for r in records.records] or [str(exc).strip()]
        raise ConfigError("\n".join(f"{config_file}: {r}" for r in reasons)) from None
    finally:
        mkdocs_log.removeHandler(records)


class _Collect(logging.Handler):
    """Keeps MkDocs' own config errors: its exception only says 'Aborted'."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def project_of(config: Any) -> Project:
    plugin = config.plugins.get("mkstatus")
    if plugin is None:
        raise ConfigError(f"{config.config_file_path}: add `- mkstatus` under `plugins:`")
    return plugin.project(config)  # type: ignore[no-any-return]


def load(config_file: Path, now: datetime) -> Site:
    return load_project(project_of(mkdocs_config(config_file)), now)


def run_build(config_file: Path, now_option: str | None, site_dir: Path | None,
              strict: bool) -> Path:
    """Validate, build into a folder beside the target, swap it in; warnings go to stderr
    as ``warning: ...``. A failure of any kind leaves the published site as it was."""
    now = build_now(now_option)
    config = mkdocs_config(config_file)
    target = (site_dir or Path(config.site_dir)).resolve()
    with _disk_errors(target):
        recover(target)  # even when this build fails: a kill must not cost the old site
    site = load_project(project_of(config), now)  # validate before touching anything
    forget_parsed()  # one build, one load: nothing to keep for a next one
    give_back()
    if strict and site.warnings:
        raise ValidationError(list(site.warnings))
    with _disk_errors(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        with _build_lock(target), _frozen_clock(now, now_option):
            _sweep(target)
            staging = staging_dir(target)
            try:
                mkdocs_build(config, staging, site, strict=strict, previous=target)
                swap_in(staging, target)
            finally:
                remove_tree(staging)
    return target


@contextlib.contextmanager
def _disk_errors(target: Path) -> Iterator[None]:
    """A full disk, a read-only tree or a file in the way: one line naming the path."""
    try:
        yield
    except OSError as exc:
        where = exc.filename2 or exc.filename or target
        raise BuildError(f"{target}: build failed, the published site is unchanged: cannot "
                         f"write {where}: {exc.strerror or exc}") from None


def staging_dir(target: Path) -> Path:
    """A new folder beside ``target`` made with the umask's modes, as ``mkdocs build``
    makes ``site/`` (``mkdtemp`` would make it 0700: a web server running as another user
    would get 403 for the whole published site)."""
    while True:
        path = target.parent / f"{TMP_PREFIX}{target.name}-{secrets.token_hex(6)}"
        try:
            path.mkdir(0o777)
        except FileExistsError:
            continue
        return path


def mkdocs_build(config: Any, staging: Path, site: Site, *, strict: bool = False,
                 serve_url: str | None = None, unchanged: str = "the published site",
                 previous: Path | None = None) -> None:
    """MkDocs builds into the staging folder, reusing the config and site already loaded;
    its warnings are printed as they come, its errors only if they explain the failure.
    ``serve_url`` makes it a preview build, as in ``mkdocs serve``. Files equal to those
    of the ``previous`` build (the folder the staging one replaces) are hard links to
    them (``unchanged``)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    config["site_dir"], config["strict"] = str(staging), strict
    plugin = config.plugins["mkstatus"]
    plugin.now, plugin.preloaded = site.now, site
    with console_log(held_errors=True) as console, reusing(staging, previous):
        try:
            build(config, serve_url=serve_url)
        except MkDocsException as exc:
            errors = console.held()
            why = "" if errors and isinstance(exc, Abort) else f": {exc}"
            raise BuildError("\n".join([*errors, f"build failed, {unchanged} is "
                                                   f"unchanged{why}"])) from None
        console.print_held()


class Console(logging.StreamHandler):  # type: ignore[type-arg]
    """MkDocs' log lines as the CLI prints its own: warnings as ``warning: ...`` (as
    `mkstatus check` prints them), other lines as they are. Errors may be held back until
    the caller knows whether they explain a failure (a full disk reported once, not twice)."""

    PREFIX = {logging.WARNING: "warning: ", logging.ERROR: "error: ", logging.CRITICAL: "error: "}

    def __init__(self, level: int, held_errors: bool) -> None:
        super().__init__(sys.stderr)
        self.setLevel(level)
        self.holding = held_errors
        self._held: list[logging.LogRecord] = []

    def format(self, record: logging.LogRecord) -> str:
        return self.PREFIX.get(record.levelno, "") + record.getMessage()

    def emit(self, record: logging.LogRecord) -> None:
        if self.holding and record.levelno >= logging.ERROR:
            self._held.append(record)
        else:
            super().emit(record)

    def held(self) -> list[str]:
        """The held error messages, dropped from the handler (the caller reports them)."""
        out, self._held = [r.getMessage() for r in self._held], []
        return out

    def print_held(self) -> None:
        """Print what was held after all. (Not ``release``: that is ``logging.Handler``'s
        lock release, which every ``handle`` and ``flush`` calls; overriding it printed
        held errors at once, and recursed without end as the print flushed.)"""
        for record in self._held:
            super().emit(record)
        self._held = []


@contextlib.contextmanager
def console_log(level: int = logging.WARNING, held_errors: bool = False) -> Iterator[Console]:
    """MkDocs' (and the plugin's) log lines on stderr while the block runs; inside another
    such block (a build inside `serve`), its handler, holding errors if asked to."""
    logger = logging.getLogger("mkdocs")
    outer = next((h for h in logger.handlers if isinstance(h, Console)), None)
    if outer is not None:
        holding, outer.holding = outer.holding, held_errors or outer.holding
        try:
            yield outer
        finally:
            outer.holding = holding
            outer.held()  # what was held and not reported is dropped, as below
        return
    handler = Console(level, held_errors)
    saved = logger.level
    logger.addHandler(handler)
    logger.setLevel(min(level, logger.getEffectiveLevel()))
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved)


@contextlib.contextmanager
def _build_lock(target: Path) -> Iterator[None]:
    """One build per target at a time, so sweeping leftovers never hits a live build."""
    lock_path = target.parent / f".mkstatus-build-{target.name}.lock"
    with open(lock_path, "a+b") as handle:
        lock(handle.fileno(), lock_path)
        yield


@contextlib.contextmanager
def _frozen_clock(now: datetime, option: str | None) -> Iterator[None]:
    """With an explicit clock, MkDocs' own dates (sitemap) follow it too."""
    explicit = option or os.environ.get("MKSTATUS_NOW")
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    if explicit and saved is None:
        os.environ["SOURCE_DATE_EPOCH"] = str(int(now.timestamp()))
    try:
        yield
    finally:
        if explicit and saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def _old_copies(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f"{OLD_PREFIX}{target.name}-*"))


def recover(target: Path) -> None:
    """Where the two-rename swap was killed between its renames, ``target`` is missing and
    the complete old site waits as ``.mkstatus-old-<name>-<pid>``: rename it back (under
    the build lock: another build may be between its renames right now)."""
    if target.exists() or not target.parent.is_dir() or not _old_copies(target):
        return
    with _build_lock(target):
        olds = _old_copies(target)
        if not target.exists() and olds:
            newest = max(olds, key=lambda p: p.stat().st_ctime)
            os.rename(newest, target)


def _sweep(target: Path) -> None:
    """Remove what a killed build left behind (we hold the build lock). Old copies are
    only removed while the published site exists (see ``recover``)."""
    prefixes = (TMP_PREFIX, OLD_PREFIX) if target.exists() else (TMP_PREFIX,)
    for prefix in prefixes:
        for leftover in target.parent.glob(f"{prefix}{target.name}-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def swap_in(staging: Path, target: Path) -> None:
    """Publish `staging` at `target` in one step; the old site is removed afterwards.

    Where ``renameat2(RENAME_EXCHANGE)`` is missing or refused (macOS, some filesystems),
    two renames: between them ``target`` does not exist for an instant; a kill there
    leaves the old site complete beside it, for ``recover``."""
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        remove_tree(staging)  # the old site, now
        return
    old = target.parent / f"{OLD_PREFIX}{target.name}-{os.getpid()}"
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(old, target)  # the published site goes back where it was
        raise
    remove_tree(old)


def remove_tree(top: Path) -> None:
    """``shutil.rmtree(top, ignore_errors=True)`` in less memory: rmtree keeps an entry
    object for every name of a folder it is in, and the old site of a 10,000-incident
    build took 8 MB more than the build's own peak to remove. A symbolic link is
    removed, never followed."""
    if not os.path.lexists(top):
        return
    if os.path.islink(top) or not os.path.isdir(top):
        with contextlib.suppress(OSError):
            os.unlink(top)
        return
    for folder, subfolders, names in os.walk(top, topdown=False):
        for name in names:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))
        for name in subfolders:
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                if os.path.islink(path):
                    os.unlink(path)
                else:
                    os.rmdir(path)
    with contextlib.suppress(OSError):
        os.rmdir(top)


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): both names swap atomically, or nothing happens."""
    if not sys.platform.startswith("linux"):
        return False
    # The process's own symbols include libc's: no `ctypes.util.find_library`, which
    # runs `ldconfig -p` in a subprocess on every build.
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)
