"""`mkstatus serve`: MkDocs' live-reload server over rebuilds that never break the preview.

`mkdocs serve` rebuilds into the folder it serves. A rebuild that fails (an incident file
saved half-edited) leaves that folder emptied and every browser request waiting for a
build that never completes: MkDocs holds requests until the rebuild it started is shown.
Here each rebuild validates first and builds into a staging folder that replaces the
served one only when complete (the swap of `mkstatus build`). A failed rebuild prints its
errors, keeps serving the last good site with the errors at the top of every page, and
lets the waiting requests go; saving the fixed file rebuilds and clears them.
"""

from __future__ import annotations

import contextlib
import errno
import html
import logging
import os
import re
import shutil
import signal
import socket
import tempfile
import traceback
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.livereload import LiveReloadServer

from mkstatus.errors import ConfigError, MkstatusError
from mkstatus.mkdocs import incremental
from mkstatus.mkdocs.build import (
    build_now,
    console_log,
    mkdocs_build,
    mkdocs_config,
    project_of,
    remove_tree,
    staging_dir,
    swap_in,
)
from mkstatus.mkdocs.incremental import Kept, stat
from mkstatus.project import load_project
from mkstatus.times import iso_utc

log = logging.getLogger("mkdocs.mkstatus.serve")
# How often the watched folders are scanned for changes, in seconds (MkDocs: 0.5). A scan
# of 1,000 incident files costs about 5 ms of CPU; half MkDocs' interval takes an eighth
# of a second off the average time an edit takes to show, now that a rebuild is quick.
POLLING_INTERVAL = 0.25

ERROR_BOX = (
    '<div role="alert" style="position:relative;z-index:10;margin:0;padding:.8em 1.2em;'
    'background:#b71c1c;color:#fff;font:14px/1.4 system-ui,sans-serif">'
    "<strong>mkstatus serve: this preview shows the last good build.</strong> "
    "Fix these problems and save; the page reloads by itself."
    '<pre style="margin:.5em 0 0;white-space:pre-wrap;color:#fff;background:none">'
    "{errors}</pre></div>")


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server that shows the last rebuild's errors on every page."""

    errors: str | None = None

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)
        errors = self.errors
        if errors is None:
            return content
        body = re.search(rb"<body[^>]*>", content)
        at = body.end() if body else 0
        box = ERROR_BOX.format(errors=html.escape(errors)).encode()
        return content[:at] + box + content[at:]


def run_serve(config_file: Path, now_option: str | None, dev_addr: str) -> None:
    """Serve a preview of the site on ``dev_addr`` until interrupted."""
    if now_option:
        os.environ["MKSTATUS_NOW"] = iso_utc(build_now(now_option))
    config = mkdocs_config(config_file, dev_addr=dev_addr)
    host, port = config.dev_addr.host, config.dev_addr.port
    check_address(host, port)  # before the first build: say it now, not after it
    mount_path = urlsplit(config.site_url or "/").path
    serve_url = f"http://{host}:{port}{('/' + mount_path.lstrip('/')).rstrip('/')}/"
    with console_log(logging.INFO), _terminate_as_interrupt():
        _serve(config_file, config, dev_addr, serve_url, mount_path)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a process manager, a script's ``terminate()``) shuts down as Ctrl-C does,
    so the preview's temporary folder is removed."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    saved = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, saved)


def _serve(config_file: Path, config: Any, dev_addr: str, serve_url: str,
           mount_path: str) -> None:
    host, port = config.dev_addr.host, config.dev_addr.port
    folder = Path(tempfile.mkdtemp(prefix="mkstatus-serve-"))
    preview = Preview(config_file, dev_addr, serve_url, folder / "site")
    server = PreviewServer(builder=lambda: None, host=host, port=port,
                           root=str(preview.served), mount_path=mount_path,
                           polling_interval=POLLING_INTERVAL)
    server.builder = _rebuilder(server, preview)
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        preview.full(config, stat(str(config_file)))  # invalid input: refuse to start
        server.watch(config.docs_dir)
        server.watch(str(config_file))
        server = config.plugins.on_serve(server, config=config, builder=server.builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve()
        except OSError as exc:  # lost the port since check_address (a race)
            raise _address_error(host, port, exc) from None
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(folder, ignore_errors=True)


class Preview:
    """The preview's builds into ``served``: in full, validated first into a staging
    folder swapped in when complete; or, after an incident edit, only what changed
    (``incremental``), byte-identical to a full build."""

    def __init__(self, config_file: Path, dev_addr: str, serve_url: str,
                 served: Path) -> None:
        self.config_file, self.dev_addr = config_file, dev_addr
        self.serve_url, self.served = serve_url, served
        self.kept: Kept | None = None  # the last full build's, while it may be reused
        self.samples = incremental.SampleReader()

    def build(self) -> str:
        """Rebuild after a change: "incremental" or "full"."""
        now = build_now(None)  # MKSTATUS_NOW (from --now) or the clock: serve follows time
        kept, self.kept = self.kept, None  # back once the preview is consistent again
        if kept is not None:
            try:
                count = incremental.rebuild(kept, now, self.served, self.samples)
            except MkstatusError:
                self.kept = kept  # nothing was written: the next save may be incremental
                raise
            if count is not None:
                self.kept = kept
                log.info(f"Updated {count} file(s) of the preview.")
                return "incremental"
        before = stat(str(self.config_file))
        self.full(mkdocs_config(self.config_file, dev_addr=self.dev_addr), before, now)
        return "full"

    def full(self, config: Any, config_file_before: tuple[str, int, int, int],
             now: datetime | None = None) -> None:
        """Validate and build into a staging folder, then swap it in for the served one;
        ``config_file_before`` is mkdocs.yml's stat from before ``config`` was read."""
        self.kept = None
        snapshot = incremental.fingerprint(config)
        now = now or build_now(None)
        config.site_url = self.serve_url  # links and feeds point at the preview, as in
        config.plugins["mkstatus"].kept = {}  # mkdocs serve; keep what a rebuild reuses
        site = load_project(project_of(config), now, probe_data=self.samples)
        staging = staging_dir(self.served)
        try:
            mkdocs_build(config, staging, site, serve_url=self.serve_url,
                         unchanged="the preview", previous=self.served)
            swap_in(staging, self.served)
        finally:
            remove_tree(staging)
        self.kept = incremental.keep(config, snapshot, config_file_before)


def _rebuilder(server: PreviewServer, preview: Preview) -> Callable[[], None]:
    """The server's builder: never raises, since MkDocs' server would then keep every
    browser request waiting for a build that never completes."""

    def rebuild() -> None:
        log.info("Building the preview...")
        try:
            preview.build()
        except MkstatusError as exc:
            _failed(server, str(exc))
        except OSError as exc:
            _failed(server, f"{exc.filename or preview.served}: {exc.strerror or exc}")
        except Exception:  # a bug: keep its traceback, and keep the preview serving
            _failed(server, "internal error (a bug):\n" + traceback.format_exc())
        else:
            if server.errors is not None:
                log.info("The problems are fixed; the preview is current again.")
            server.errors = None

    return rebuild


def _failed(server: PreviewServer, errors: str) -> None:
    server.errors = errors
    for line in errors.splitlines():
        log.error(line)
    log.info("The preview keeps showing the last good build until the files are fixed.")


def check_address(host: str, port: int) -> None:
    """Bind ``host:port`` for an instant, as the server will, so that a busy port is one
    line naming it and ``--dev-addr``, not a traceback after the first build."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise _address_error(host, port, exc) from None


def _address_error(host: str, port: int, exc: OSError) -> ConfigError:
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        why = f"port {port} is already in use (another `mkstatus serve`?)"
    else:
        why = f"cannot listen on {where}: {exc.strerror or exc}"
    return ConfigError(f"--dev-addr {where}: {why}; stop the other server or choose another "
                       f"address with --dev-addr IP:PORT")
