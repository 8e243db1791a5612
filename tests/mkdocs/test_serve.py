"""`mkstatus serve` as a user meets it: a real server on 127.0.0.1 and real HTTP requests,
every one with a timeout (a hanging request is the defect these tests look for)."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import DEMO_NOW, copy_demo, mkstatus

WAIT = 120  # seconds for a build of the demo on a loaded machine
INCIDENT = "incidents/2026-11-22-email-delivery-delays.md"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """A `mkstatus serve` process whose stderr lines are collected as they come."""

    def __init__(self, root: Path, port: int) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH",
                                                                 "MKSTATUS_NOW")}
        self.tmp = root.parent / "tmp"  # where the preview's temporary folder goes
        self.tmp.mkdir(exist_ok=True)
        env.update({"NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(self.tmp)})
        self.url = f"http://127.0.0.1:{port}/"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkstatus", "serve", "--dev-addr", f"127.0.0.1:{port}",
             "--now", DEMO_NOW], cwd=root, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self._new.put(line)

    def wait_for_line(self, wanted: Callable[[str], bool]) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if found := [line for line in self.lines if wanted(line)]:
                return found[0]
            assert self.process.poll() is None, "\n".join(self.lines)
            try:
                self._new.get(timeout=1)
            except queue.Empty:
                continue
        raise AssertionError("not printed in time:\n" + "\n".join(self.lines))

    def get(self, path: str = "") -> str:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            assert response.status == 200
            return str(response.read().decode())

    def wait_for_page(self, wanted: Callable[[str], bool], path: str = "") -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            page = self.get(path)
            if wanted(page):
                return page
            time.sleep(0.5)
        raise AssertionError("the page never changed:\n" + "\n".join(self.lines))

    def stop(self, how: signal.Signals = signal.SIGINT) -> int:
        self.process.send_signal(how)  # Ctrl-C, or a process manager's SIGTERM
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    root = copy_demo(tmp_path / "demo")
    server = Served(root, free_port())
    try:
        yield server
    finally:
        server.stop()


def test_serve_says_where_it_serves(served: Served) -> None:
    line = served.wait_for_line(lambda line: "Serving on " in line)
    assert line.endswith(f"Serving on {served.url}")
    assert "Delays sending and receiving email" in served.get()
    (preview,) = served.tmp.glob("mkstatus-serve-*")
    assert (preview / "site" / "index.html").is_file()
    assert served.stop(signal.SIGTERM) == 0  # as a process manager stops it
    assert not preview.exists()


def test_an_invalid_file_keeps_the_last_good_site_and_shows_the_errors(
        served: Served, tmp_path: Path) -> None:
    """Issue 13: while an incident file was invalid, every browser request hung."""
    served.wait_for_line(lambda line: "Serving on " in line)
    good = served.get()
    assert 'role="alert"' not in good
    incident = tmp_path / "demo" / INCIDENT
    text = incident.read_text()
    incident.write_text(text.replace("impact: minor", "impact: enormous"))
    error = served.wait_for_line(lambda line: line.startswith(f"error: {INCIDENT}:"))
    assert "impact" in error
    page = served.wait_for_page(lambda page: 'role="alert"' in page)
    assert "Delays sending and receiving email" in page  # the last good site
    assert "this preview shows the last good build" in page
    assert error.removeprefix("error: ").replace("'", "&#x27;") in page
    other = served.get("history/")  # every page, not only the one open in the browser
    assert 'role="alert"' in other
    incident.write_text(text)
    fixed = served.wait_for_page(lambda page: 'role="alert"' not in page)
    assert "Delays sending and receiving email" in fixed
    served.wait_for_line(lambda line: "the preview is current again" in line)
    assert not any("Traceback" in line for line in served.lines)


def test_a_busy_port_is_one_line_naming_it(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = mkstatus("serve", "--dev-addr", f"127.0.0.1:{port}", cwd=root)
    assert result.returncode == 1
    assert result.stderr == (
        f"--dev-addr 127.0.0.1:{port}: port {port} is already in use (another `mkstatus "
        "serve`?); stop the other server or choose another address with --dev-addr "
        "IP:PORT\n")
