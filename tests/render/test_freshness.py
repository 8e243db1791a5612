"""Every page says when it was built and carries what the staleness script needs;
`stale_after` and its defaults; the watchdog workflow's own step against a live page
served on loopback. (The script itself runs in Chromium: tests/browser/test_freshness.py.)"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html
from mkstatus.cli.main import main
from mkstatus.config import parse_config
from mkstatus.scaffold import Settings, init, render

from tests.workflow_steps import job, run_job, runner_env

NOW = "2026-11-22T21:00:00Z"


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    init(tmp_path / "site", Settings("Test Status", "https://status.example.com/",
                                     "Pacific/Auckland"))
    return tmp_path / "site"


def build(site: Path, now: str, *extra_config: str) -> Path:
    config = site / "mkdocs.yml"
    if extra_config:
        config.write_text(config.read_text().replace(
            "      contact:", "".join(f"      {line}\n" for line in extra_config) +
            "      contact:"))
    result = CliRunner().invoke(main, ["build", "-f", str(config), "--now", now])
    assert result.exit_code == 0, result.output
    return site / "site"


def settings(**plugin: object) -> tuple[object, list[str]]:
    config, problems = parse_config(plugin, site_name="S", site_url="https://s.example/")
    return config, [str(p) for p in problems]


def test_stale_after_defaults_and_mistakes() -> None:
    probed = [{"id": "a", "probe": {"url": "https://a.example/", "interval_minutes": 10}},
              {"id": "b", "probe": {"tcp": "b.example:53"}}]
    config, _ = settings(components=probed)
    assert config.stale_after == timedelta(minutes=30)  # type: ignore[attr-defined]
    assert config.recovered_after == timedelta(minutes=30)  # type: ignore[attr-defined]
    config, _ = settings(components=[{"id": "a"}])
    assert config.stale_after == timedelta(hours=24)  # type: ignore[attr-defined]
    config, _ = settings(stale_after="2 h", recovered_after="20 min", stale_script=False)
    assert (config.stale_after, config.recovered_after, config.stale_script) == (  # type: ignore[attr-defined]
        timedelta(hours=2), timedelta(minutes=20), False)
    assert settings(stale_after=30, stale_script="no", recovered_after="soon")[1] == [
        "mkdocs.yml:1:1: stale_after: expected a duration such as 30 min, 1 h or 1 h 30 min,"
        " found 30",
        "mkdocs.yml:1:1: recovered_after: expected a duration such as 30 min, 1 h or "
        "1 h 30 min, found 'soon'",
        "mkdocs.yml:1:1: stale_script: expected true or false, found 'no'",
    ]


def test_every_page_says_when_it_was_built(site: Path) -> None:
    out = build(site, NOW)
    # every page but MkDocs' own 404.html, which says "not found" and no status
    pages = sorted(p for p in out.rglob("*.html") if p.name != "404.html")
    assert len(pages) > 8
    for page in pages:
        tree = html.parse(str(page))
        stamp = tree.xpath('//*[@id="mks-built"]')
        assert len(stamp) == 1, page
        assert stamp[0].text_content() == "This page was built 2026-11-23 10:00 NZDT."
        assert stamp[0].get("data-built") == "2026-11-22T21:00:00Z"
        assert stamp[0].get("data-stale-after") == "900"  # 3 x the 5-minute probes
        assert stamp[0].get("data-stale") == (
            "This page has not been refreshed since 2026-11-23 10:00 NZDT; the status may be "
            "out of date. Other ways to reach us: Email support@example.com while our "
            "services are down")
        scripts = [s.text or "" for s in tree.xpath("//script")]
        stale = [s for s in scripts if "mks-built" in s]
        assert len(stale) == 1 and len(stale[0].encode()) < 400, page  # guide/on-call.md
    status = json.loads((out / "api" / "v2" / "status.json").read_text())
    assert status["mkstatus"] == {"built_at": "2026-11-22T21:00:00Z", "next_updates": [],
                                  "stale_after_s": 900}


def test_the_script_is_optional(site: Path) -> None:
    out = build(site, NOW, "stale_script: false", 'stale_after: "2 h"')
    page = (out / "index.html").read_text()
    assert 'data-stale-after="7200"' in page and "This page was built" in page
    assert "getElementById(\"mks-built\")" not in page


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def live(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "live"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet,
                                                                     directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def watchdog(tmp_path: Path, url: str) -> tuple[int, str]:
    text = render(Settings(site_url=url), "x\n")[".github/workflows/watchdog.yml"]
    steps = job(text, "watchdog")["steps"]
    work = tmp_path / "runner"
    work.mkdir(exist_ok=True)
    (ran,) = run_job(steps, work, runner_env(work, tmp_path, {"no_proxy": "*"}), {})
    return ran.code, ran.stdout


def test_the_watchdog_fails_when_the_live_page_is_stale(site: Path, live: tuple[Path, str],
                                                       tmp_path: Path) -> None:
    root, url = live
    clock = datetime.now(UTC).replace(microsecond=0)
    for age, fresh in ((timedelta(minutes=2), True), (timedelta(hours=3), False)):
        built = build(site, (clock - age).isoformat())
        target = root / "api" / "v2"
        target.mkdir(parents=True, exist_ok=True)
        (target / "status.json").write_bytes((built / "api" / "v2" / "status.json")
                                             .read_bytes())
        code, out = watchdog(tmp_path, url)
        if fresh:
            assert code == 0 and out.startswith(f"fresh: {url}api/v2/status.json was built "), \
                out
        else:
            assert code == 1, out
            assert out.startswith(f"::error::the live page is stale: {url}api/v2/status.json "
                                  "was built "), out
            assert "stale_after is 15 min. Is the probe or deploy workflow failing" in out


def test_the_watchdog_fails_when_it_cannot_read_the_page(live: tuple[Path, str],
                                                         tmp_path: Path) -> None:
    code, out = watchdog(tmp_path, live[1])  # nothing published yet: 404
    assert code == 1 and out.startswith(f"::error::cannot read the build time from "
                                        f"{live[1]}api/v2/status.json: HTTPError: HTTP Error 404: "
                                        "File not found"), out
