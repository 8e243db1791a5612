"""`mkstatus probe` and `mkstatus compact` end to end, against loopback servers only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import html as lxml_html

from tests.conftest import mkstatus
from tests.probe_servers import FaultServer, refused_port, serving

NO_PROXY_ENV = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
                "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}


SITE_HEAD = """\
site_name: Probe test
site_url: https://status.example.com/
theme: {name: material, font: false}
plugins:
  - mkstatus:
      timezone: UTC
      components:"""


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with serving() as s:
        yield s


def write_site(root: Path, server: FaultServer, *, token_header: bool = False) -> Path:
    """A site whose probes hit healthy and faulty loopback endpoints."""
    header = ('\n            headers: {Authorization: "Bearer ${MKS_TEST_TOKEN}"}'
              if token_header else "")
    refused = refused_port()
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "incidents").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(SITE_HEAD + f"""
        - id: web
          name: Web
          probe:
            url: {server.url("/ok")}
            json: {{path: status, equals: ok}}{header}
        - id: shop
          name: Shop
          probe: {{url: "{server.url("/503")}"}}
        - id: slow
          name: Slow
          probe: {{url: "{server.url("/slow")}", degraded_ms: 300}}
        - id: hang
          name: Hang
          probe: {{url: "{server.url("/silent")}", timeout_s: 1}}
        - id: db
          name: Database
          probe: {{tcp: "127.0.0.1:{refused}"}}
        - id: cache
          name: Cache
          probe: {{tcp: "127.0.0.1:{server.port}"}}
        - id: docs
          name: Docs
""")
    return root


def read_samples(root: Path) -> list[dict[str, object]]:
    files = sorted((root / "samples").rglob("*.jsonl"))
    return [json.loads(line) for f in files for line in f.read_text().splitlines()]


EXPECTED = {"web": "ok", "shop": "http_status", "slow": "degraded", "hang": "timeout",
            "db": "refused", "cache": "ok"}


def test_probe_records_each_outcome_and_exits_zero(tmp_path: Path, server: FaultServer) -> None:
    root = write_site(tmp_path, server)
    started = datetime.now(UTC)
    result = mkstatus("probe", "--region", "test-1", cwd=root, env=NO_PROXY_ENV)
    assert result.returncode == 0, result.stderr
    wall = (datetime.now(UTC) - started).total_seconds()
    assert wall < 8  # concurrent: about the slowest probe's deadline (1 s), not the sum
    samples = read_samples(root)
    assert {s["c"]: s["o"] for s in samples} == EXPECTED
    assert {s["c"]: s.get("h") for s in samples}["shop"] == 503
    day = started.strftime("%Y/%m/%d")
    assert (root / "samples" / day / "test-1.jsonl").is_file()
    # CI (not a terminal): one plain progress line per probe, then the summary table.
    assert result.stderr.count("[") >= len(EXPECTED) and "\x1b" not in result.stderr
    table = result.stdout.splitlines()
    assert table[0].split() == ["component", "outcome", "http", "latency", "note"]
    assert {line.split()[0]: line.split()[1] for line in table[1:]} == EXPECTED


def test_unset_variable_is_a_config_error_and_nothing_is_written(
        tmp_path: Path, server: FaultServer) -> None:
    root = write_site(tmp_path, server, token_header=True)
    result = mkstatus("probe", cwd=root)
    assert result.returncode == 1
    assert result.stderr.strip() == ("component web: probe.headers.Authorization: "
                                     "environment variable MKS_TEST_TOKEN is not set")
    assert not (root / "samples").exists()


def test_bad_region_is_refused(tmp_path: Path, server: FaultServer) -> None:
    root = write_site(tmp_path, server)
    result = mkstatus("probe", "--region", "../etc", cwd=root)
    assert result.returncode == 1
    assert "--region: '../etc' must match" in result.stderr


def test_built_site_shows_detected_outage_and_bars(tmp_path: Path, server: FaultServer) -> None:
    root = write_site(tmp_path, server)
    for _ in range(2):  # down_after: 2
        assert mkstatus("probe", cwd=root, env=NO_PROXY_ENV).returncode == 0
    now = (datetime.now(UTC) + timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    mkstatus("build", "--now", now, cwd=root, check=True)
    home = lxml_html.parse(str(root / "site" / "index.html")).getroot()
    rows = {li.cssselect(".mks-cname a")[0].text_content(): li
            for li in home.cssselect("li.mks-component")}
    shop = rows["Shop"]
    assert "Major outage" in shop.cssselect(".mks-status")[0].text_content()
    note = shop.cssselect(".mks-probe-note")[0].text_content()
    assert note.startswith("Detected automatically: down since ")
    assert note.endswith("(http status).")
    assert rows["Slow"].cssselect(".mks-status")[0].text_content().strip() == \
        "Degraded performance"
    assert "Operational" in rows["Web"].cssselect(".mks-status")[0].text_content()
    for li in rows.values():
        bars = li.cssselect(".mks-bars > a")
        assert len(bars) == 90 and all(b.get("title") for b in bars)
    assert rows["Shop"].cssselect(".mks-bars > a")[-1].get("class") == "x"
    assert rows["Docs"].cssselect(".mks-bars > a")[-1].get("title").endswith(": 100%")
    assert rows["Web"].cssselect(".mks-bars > a")[0].get("class") == "n"  # before data
    assert home.cssselect(".mks-legend li")
    page = lxml_html.parse(str(root / "site" / "components" / "web" / "index.html")).getroot()
    chart = page.cssselect("figure.mks-chart svg")[0]
    assert chart.get("role") == "img" and chart.cssselect("title") and chart.cssselect("desc")
    assert [dt.text for dt in page.cssselect(".mks-windows dt")] == [
        "24 hours", "7 days", "30 days", "90 days"]


def test_compact_keeps_the_figures(tmp_path: Path, server: FaultServer) -> None:
    root = write_site(tmp_path, server)
    assert mkstatus("probe", cwd=root, env=NO_PROXY_ENV).returncode == 0
    later = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = mkstatus("compact", "--older-than", "1", "--now", later, cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Compacted 1 day-file(s), 6 sample(s)")
    assert not [p for p in (root / "samples").rglob("*.jsonl")  # raw files left empty
                if not p.name.endswith(".runs.jsonl") and p.stat().st_size]
    assert len(list((root / "samples").rglob("*.runs.jsonl"))) == 1


CANARY = "S3CR3T-CANARY-E2E"


def test_secret_never_reaches_output_samples_or_site(tmp_path: Path, server: FaultServer) -> None:
    """A token in a header, the query string and the userinfo of every probe, through
    healthy and faulty endpoints, then a build: it appears nowhere a person could see."""
    refused = refused_port()
    secret = "${MKS_TEST_TOKEN}"
    probes = {"ok": server.url("/ok"), "down": server.url("/503"),
              "hang": server.url("/silent"), "gone": f"http://127.0.0.1:{refused}/x"}
    components = "".join(
        f"""
        - id: {name}
          name: {name.title()}
          probe:
            url: "{url.replace("http://", f"http://user:{secret}@")}?key={secret}"
            headers: {{Authorization: "Bearer {secret}"}}
            timeout_s: 1"""
        for name, url in probes.items())
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(SITE_HEAD + components + "\n")
    env = {**NO_PROXY_ENV, "MKS_TEST_TOKEN": CANARY}
    outputs = [mkstatus("probe", cwd=tmp_path, env=env) for _ in range(2)]
    assert all(r.returncode == 0 for r in outputs)
    now = (datetime.now(UTC) + timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    outputs.append(mkstatus("build", "--now", now, cwd=tmp_path, env=env, check=True))
    outcomes = {s["c"]: s["o"] for s in read_samples(tmp_path)}
    assert outcomes == {"ok": "ok", "down": "http_status", "hang": "timeout",
                        "gone": "refused"}
    for result in outputs:
        assert CANARY not in result.stdout + result.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "mkdocs.yml"]
    assert any(p.suffix == ".html" for p in written)
    for path in written:
        assert CANARY.encode() not in path.read_bytes(), path


def test_environment_values_never_published_in_any_position(
        tmp_path: Path, server: FaultServer) -> None:
    """Issue 14: a token in a URL's path or host was published in samples and the summary.
    One probe per position a ${VAR} may take, each failing so that its error names the
    URL; the canary has capitals because URL parsing lower-cases hosts."""
    refused = refused_port()
    positions = {
        "path": f'url: "http://127.0.0.1:{refused}/v1/${{MKS_TOKEN}}/health"',
        "host": 'url: "http://${MKS_TOKEN}.invalid/health"',
        "query": f'url: "{server.url("/silent")}?key=${{MKS_TOKEN}}"',
        "userinfo": f'url: "http://me:${{MKS_TOKEN}}@127.0.0.1:{refused}/"',
        "header": f'url: "{server.url("/reset")}", headers: {{X-Key: "${{MKS_TOKEN}}"}}',
        "body": f'url: "{server.url("/text")}", body_contains: "${{MKS_TOKEN}}"',
        "json": f'url: "{server.url("/json-down")}", json: {{path: status, '
                'equals: "${MKS_TOKEN}"}',
    }
    components = "".join(f"""
        - id: {name}
          name: {name.title()}
          probe: {{{probe}, timeout_s: 1}}""" for name, probe in positions.items())
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(SITE_HEAD + components + "\n")
    env = {**NO_PROXY_ENV, "MKS_TOKEN": CANARY}
    outputs = [mkstatus("probe", cwd=tmp_path, env=env) for _ in range(2)]
    assert all(r.returncode == 0 for r in outputs), outputs[0].stderr
    now = (datetime.now(UTC) + timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    outputs.append(mkstatus("build", "--now", now, cwd=tmp_path, env=env, check=True))
    outcomes = {s["c"]: s["o"] for s in read_samples(tmp_path)}
    assert outcomes.pop("host") in ("dns", "timeout")  # the real resolver: .invalid fails
    assert outcomes == {"path": "refused", "query": "timeout", "userinfo": "refused",
                        "header": "reset", "body": "body_mismatch", "json": "json_mismatch"}
    notes = {line.split()[0]: line for line in outputs[0].stdout.splitlines()[1:]}
    assert notes["path"].endswith(
        f"connection refused at http://127.0.0.1:{refused}/v1/***/health")
    assert "http://***.invalid/health" in notes["host"]
    for result in outputs:
        assert CANARY.lower() not in (result.stdout + result.stderr).lower()
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "mkdocs.yml"]
    assert any(p.suffix == ".html" for p in written)
    for path in written:
        assert CANARY.lower().encode() not in path.read_bytes().lower(), path


def test_a_bug_keeps_its_traceback_without_the_secrets(
        tmp_path: Path, server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug after the probes ran (here: a store that raises with the URL in its message,
    the one stand-in for a bug) prints its traceback with every secret removed."""
    from click.testing import CliRunner
    from mkstatus.cli.main import main
    from mkstatus.samples import store

    url = f"http://127.0.0.1:{refused_port()}/v1/${{MKS_TOKEN}}/health"
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(SITE_HEAD + f"""
        - id: api
          name: API
          probe: {{url: "{url}", timeout_s: 1}}
""")

    def buggy(root: Path, samples: object) -> None:
        raise RuntimeError(f"bug near {url.replace('${MKS_TOKEN}', CANARY)}")

    monkeypatch.setattr(store, "append_samples", buggy)
    monkeypatch.setenv("MKS_TOKEN", CANARY)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["probe"])
    assert result.exit_code == 1
    assert "RuntimeError: bug near http://127.0.0.1:" in result.stderr
    assert "/v1/***/health" in result.stderr and "Traceback" in result.stderr
    assert CANARY not in result.stdout + result.stderr
