"""Upstream dependencies: a vendor's Statuspage followed instead of a probe.

The vendors' `components.json` answers are fixtures in their real shapes
(tests/fixtures/statuspage/); they are read directly, then served on a loopback server
to the real probe run together with servers that misbehave. Never a live vendor.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from mkstatus.compute.site import compute
from mkstatus.config import parse_config
from mkstatus.model import ComponentStatus, Indicator
from mkstatus.probes.run import run_probes
from mkstatus.probes.upstream import UpstreamProbe, parse_upstream, vendor_outcome
from mkstatus.probes.verdicts import probe_history
from mkstatus.samples.aggregates import load_aggregates
from mkstatus.samples.compact import compact
from mkstatus.samples.model import Outcome, Sample
from mkstatus.samples.read import summarize_samples
from mkstatus.samples.reduce import merge_runs
from mkstatus.samples.store import append_samples

from tests.conftest import mkstatus
from tests.probe_servers import GZIP_BOMB, FaultServer, refused_port

FIXTURES = Path(__file__).parents[1] / "fixtures" / "statuspage"
API = "/api/v2/components.json"


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


@pytest.mark.parametrize(("vendor", "component", "outcome"), [
    ("github", "Git Operations", Outcome.OK),
    ("github", "Actions", Outcome.DEGRADED),
    ("cloudflare", "CDN/Cache", Outcome.OK),
    ("cloudflare", "Sydney, NSW, Australia - (SYD)", Outcome.OK),  # under_maintenance
    ("cloudflare", "Oceania", Outcome.OK),  # a group: its own status
    ("bitbucket", "Git via HTTPS", Outcome.UPSTREAM_PARTIAL),
    ("bitbucket", "Pipelines", Outcome.DEGRADED),
    ("digitalocean", "Droplets", Outcome.UPSTREAM_MAJOR),  # the worst of five regions
    ("digitalocean", "Spaces", Outcome.OK),
    ("digitalocean", "SGP1", Outcome.UPSTREAM_MAJOR),
    ("older-shape", "SMTP", Outcome.UPSTREAM_PARTIAL),
])
def test_vendor_fixtures(vendor: str, component: str, outcome: Outcome) -> None:
    assert vendor_outcome(fixture(vendor), component) == (outcome, None)


@pytest.mark.parametrize("vendor", ["github", "cloudflare", "bitbucket", "digitalocean"])
def test_vendor_fixtures_have_the_statuspage_v2_shape(vendor: str) -> None:
    """The fixtures hold the shape of the Statuspage v2 schema our own API is checked
    against (tests/schemas/statuspage-v2); older-shape.json is leaner on purpose."""
    from tests.render.test_api import validator

    check = validator("components.json")
    assert [e.message for e in check.iter_errors(json.loads(fixture(vendor)))] == []
    lean = {e.message for e in check.iter_errors(json.loads(fixture("older-shape")))}
    assert "'group' is a required property" in lean


def test_a_renamed_component_is_no_data_with_a_hint() -> None:
    outcome, error = vendor_outcome(fixture("github"), "Git operations")
    assert outcome is Outcome.JSON_MISMATCH and outcome.failed
    assert error == ("no component 'Git operations' on the vendor's page (renamed? (did you "
                     "mean 'Git Operations'?)); it lists 11 components")


@pytest.mark.parametrize(("body", "error"), [
    (b"<html>Service Unavailable</html>", "the vendor's components.json is not JSON"),
    (b"\xff\xfe\x00garbage", "the vendor's components.json is not JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "the vendor's components.json is not JSON"),
    (b"[]", "the vendor's answer has no list of components"),
    (b'{"components": {"Git Operations": "operational"}}',
     "the vendor's answer has no list of components"),
    (b'{"components": ["Git Operations"]}',
     "no component 'Git Operations' on the vendor's page (renamed?); it lists 0 components"),
    (b'{"components": [{"name": "Git Operations"}]}',
     "unknown vendor status None for 'Git Operations'"),
    (b'{"components": [{"name": "Git Operations", "status": "investigating"}]}',
     "unknown vendor status 'investigating' for 'Git Operations'"),
    (b'{"components": [{"name": "Git Operations", "status": 3}]}',
     "unknown vendor status 3 for 'Git Operations'"),
])
def test_wrong_shapes_are_an_outcome_never_a_crash(body: bytes, error: str) -> None:
    assert vendor_outcome(body, "Git Operations") == (Outcome.JSON_MISMATCH, error)


def _serve(body: bytes, **headers: str):  # noqa: ANN202
    return lambda c: c.respond(200, body, headers)


ROUTES = {
    "/github" + API: _serve(fixture("github")),
    "/cloudflare" + API: _serve(fixture("cloudflare")),
    "/bitbucket" + API: _serve(fixture("bitbucket")),
    "/digitalocean" + API: _serve(fixture("digitalocean")),
    "/renamed" + API: _serve(fixture("github").replace(b'"Git Operations"', b'"Git"')),
    "/html" + API: _serve(b"<html>we are down</html>", **{"Content-Type": "text/html"}),
    "/huge" + API: _serve(b'{"components": [' + b" " * 3_000_000 + b"]}"),
    "/bomb" + API: _serve(GZIP_BOMB, **{"Content-Encoding": "gzip"}),
    "/down" + API: lambda c: c.respond(503, b"<html>maintenance</html>"),
    "/silent" + API: lambda c: c.hold(),
    "/to-file" + API: lambda c: c.respond(302, headers={"Location": "file:///etc/passwd"}),
}


@pytest.fixture(scope="module")
def vendors() -> Iterator[FaultServer]:
    server = FaultServer(routes=ROUTES)
    yield server
    server.close()


def probe(server: FaultServer | None, path: str, component: str = "Git Operations",
          port: int | None = None) -> UpstreamProbe:
    base = server.url(path) if server else f"http://127.0.0.1:{port}{path}"
    return UpstreamProbe(base, component, timeout_s=1.0)


def test_each_vendor_answer_and_fault_is_one_sample(vendors: FaultServer) -> None:
    cases = {
        "github": (probe(vendors, "/github"), Outcome.OK),
        "cloudflare": (probe(vendors, "/cloudflare", "CDN/Cache"), Outcome.OK),
        "bitbucket": (probe(vendors, "/bitbucket", "Git via HTTPS"), Outcome.UPSTREAM_PARTIAL),
        "digitalocean": (probe(vendors, "/digitalocean", "Droplets"), Outcome.UPSTREAM_MAJOR),
        "renamed": (probe(vendors, "/renamed"), Outcome.JSON_MISMATCH),
        "html": (probe(vendors, "/html"), Outcome.JSON_MISMATCH),
        "huge": (probe(vendors, "/huge"), Outcome.BODY_TOO_LARGE),
        "bomb": (probe(vendors, "/bomb"), Outcome.BODY_TOO_LARGE),
        "down": (probe(vendors, "/down"), Outcome.HTTP_STATUS),
        "silent": (probe(vendors, "/silent"), Outcome.TIMEOUT),
        "to-file": (probe(vendors, "/to-file"), Outcome.REDIRECTS),
        "refused": (probe(None, "/", port=refused_port()), Outcome.REFUSED),
    }
    samples = run_probes([(name, p) for name, (p, _) in cases.items()], region="nz",
                         environ={}, now=lambda: datetime.now(UTC))
    assert [s.component for s in samples] == list(cases)
    found = {s.component: s for s in samples}
    for name, (_, outcome) in cases.items():
        assert found[name].outcome is outcome, (name, found[name])
        assert found[name].latency_ms is None  # the vendor's API is not the service
    assert found["github"].http_code == 200 and found["github"].error is None
    assert "renamed?" in (found["renamed"].error or "")
    assert all(path.endswith(API) for path, _ in vendors.requests)


NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CONFIG_TEXT = {
    "components": [
        {"id": "web", "name": "Website"},
        {"id": "cdn", "name": "CDN", "upstream": {
            "statuspage": "https://www.cloudflarestatus.com", "component": "CDN/Cache"}},
    ]}


def config(**changes: object):  # noqa: ANN201
    plugin = json.loads(json.dumps(CONFIG_TEXT))
    plugin["components"][1].update(changes)
    found, problems = parse_config(plugin, site_name="S", site_url="https://s.example/")
    assert problems == [] and found is not None
    return found


def samples(*steps: tuple[int, Outcome]) -> list[Sample]:
    """A sample every 5 minutes from NOW - 2 h, in the given outcomes for so many."""
    out, t = [], NOW - timedelta(hours=2)
    for count, outcome in steps:
        for _ in range(count):
            out.append(Sample(t, "cdn", "nz", outcome))
            t += timedelta(minutes=5)
    return out


def history(tmp_path: Path, items: list[Sample], now: datetime = NOW):  # noqa: ANN201
    append_samples(tmp_path, items)
    raw = summarize_samples(tmp_path, since=None, until=now, max_gap=timedelta(minutes=15),
                            warn=print)
    runs = merge_runs([r for a in load_aggregates(tmp_path, warn=print) for r in a.runs]
                      + raw.runs, max_gap=timedelta(minutes=15))
    return probe_history(config(), runs, now)["cdn"]


def test_vendor_statuses_become_component_statuses_and_faults_no_data(tmp_path: Path) -> None:
    found = history(tmp_path, samples((6, Outcome.OK), (3, Outcome.UPSTREAM_PARTIAL),
                                      (3, Outcome.UPSTREAM_MAJOR), (6, Outcome.TIMEOUT),
                                      (6, Outcome.DEGRADED)))
    statuses = [(round((a - NOW).total_seconds() / 60), round((b - NOW).total_seconds() / 60),
                 s) for a, b, s in found.timeline]
    assert statuses == [
        (-120, -90, ComponentStatus.OPERATIONAL),
        (-90, -75, ComponentStatus.PARTIAL_OUTAGE),
        (-75, -60, ComponentStatus.MAJOR_OUTAGE),  # then 30 minutes unreadable: no data
        (-30, 0, ComponentStatus.DEGRADED_PERFORMANCE),
    ]
    assert found.verdict.status is ComponentStatus.DEGRADED_PERFORMANCE
    assert found.verdict.detail.startswith("degraded performance since ")


def test_an_unreachable_vendor_is_no_recent_data_never_down(tmp_path: Path) -> None:
    found = history(tmp_path, samples((6, Outcome.OK), (18, Outcome.REFUSED)))
    assert found.verdict.status is None
    assert found.verdict.detail.startswith("no recent data")
    assert all(s is ComponentStatus.OPERATIONAL for _, _, s in found.timeline)


def test_compaction_keeps_the_vendor_statuses(tmp_path: Path) -> None:
    items = samples((6, Outcome.OK), (3, Outcome.UPSTREAM_PARTIAL), (3, Outcome.UPSTREAM_MAJOR),
                    (12, Outcome.OK))
    later = NOW + timedelta(days=3)
    raw = history(tmp_path / "raw", items, later)
    compact(tmp_path / "raw", older_than_days=1, now=later, max_gap=timedelta(minutes=15))
    assert list((tmp_path / "raw").rglob("*.runs.jsonl"))
    assert history(tmp_path / "none", [], later) != raw
    again = history(tmp_path / "raw", [], later)
    assert again.timeline == raw.timeline
    assert {s for _, _, s in raw.timeline} >= {ComponentStatus.PARTIAL_OUTAGE,
                                                ComponentStatus.MAJOR_OUTAGE}


def test_an_upstream_outage_leaves_the_overall_status_alone() -> None:
    from mkstatus.compute.status import ProbeVerdict

    verdicts = {"cdn": ProbeVerdict(ComponentStatus.MAJOR_OUTAGE, NOW, "major outage")}
    site = compute(config(), [], NOW, probes=verdicts)
    assert site.states["cdn"].status is ComponentStatus.MAJOR_OUTAGE
    assert site.indicator is Indicator.NONE
    counted = compute(config(affects_overall=True), [], NOW, probes=verdicts)
    assert counted.indicator is Indicator.MAJOR
    comp = config().component("cdn")
    assert (comp.group, comp.affects_overall) == ("Upstream services", False)


@pytest.mark.parametrize(("raw", "messages"), [
    ({"statuspage": "ftp://x", "component": ""},
     ["u.statuspage: expected the vendor page's address, such as https://www.githubstatus.com "
      "(without /api/v2/...), found 'ftp://x'",
      "u.component: expected the name of the vendor's component, as its status page shows it, "
      "found ''"]),
    ({"statuspage": "https://www.githubstatus.com/api/v2", "component": "Git Operations"},
     ["u.statuspage: expected the vendor page's address, such as https://www.githubstatus.com "
      "(without /api/v2/...), found 'https://www.githubstatus.com/api/v2'"]),
    ({"statuspage": "https://www.githubstatus.com", "component": "Git", "timeout_s": 0,
      "colour": 1},
     ["u.colour: unknown key; expected one of statuspage, component, timeout_s, "
      "interval_minutes", "u.timeout_s: expected a positive number up to 60, found 0"]),
    ("https://www.githubstatus.com",
     ["u: expected {statuspage: https://status.example.com, component: Name}, found "
      "'https://www.githubstatus.com'"]),
])
def test_upstream_settings_mistakes(raw: object, messages: list[str]) -> None:
    found, problems = parse_upstream(raw, "u")
    assert found is None and problems == messages


def test_config_refuses_a_probe_and_an_upstream_and_mixed_groups(tmp_path: Path) -> None:
    (tmp_path / "incidents").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\nsite_url: https://s.example/\ntheme: {name: material}\n"
        "plugins:\n  - mkstatus:\n      components:\n"
        "        - {id: web, name: Web, group: Online}\n"
        "        - id: gh\n          group: Online\n"
        "          upstream: {statuspage: 'https://www.githubstatus.com', component: Git}\n"
        "        - id: both\n          probe: {url: 'https://example.com/'}\n"
        "          upstream: {statuspage: 'https://www.githubstatus.com', component: Git}\n"
        "          affects_overall: sometimes\n")
    result = mkstatus("check", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "mkdocs.yml:9:18: components[1].group: an upstream service renders in a group of its "
        "own; 'Online' also holds components of ours (the default group is 'Upstream "
        "services')",
        "mkdocs.yml:13:21: components[2]: a component follows a probe or an upstream status "
        "page, not both; remove one",
        "mkdocs.yml:14:28: components[2].affects_overall: expected true or false, found "
        "'sometimes'",
    ]


def test_probe_command_records_vendor_samples(tmp_path: Path, vendors: FaultServer) -> None:
    (tmp_path / "incidents").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\nsite_url: https://s.example/\ntheme: {name: material}\n"
        "plugins:\n  - mkstatus:\n      components:\n"
        f"        - id: git\n          upstream: {{statuspage: '{vendors.url('/github')}', "
        "component: Git Operations}\n"
        f"        - id: pipes\n          upstream: {{statuspage: '{vendors.url('/bitbucket')}', "
        "component: Pipelines, timeout_s: 2}\n"
        f"        - id: gone\n          upstream: {{statuspage: '{vendors.url('/renamed')}', "
        "component: Git Operations}\n")
    result = mkstatus("probe", "--region", "nz", cwd=tmp_path, check=True)
    rows = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()[1:]}
    assert rows == {"git": "ok", "pipes": "degraded", "gone": "json_mismatch"}
    [day_file] = list((tmp_path / "samples").rglob("nz.jsonl"))
    lines = [json.loads(line) for line in day_file.read_text().splitlines()]
    assert sorted(line["o"] for line in lines) == ["degraded", "json_mismatch", "ok"]
    # The vendors are read at probe time only: a build reads the samples, not the vendors.
    asked = len(vendors.requests)
    mkstatus("build", "--strict", cwd=tmp_path, check=True)
    assert len(vendors.requests) == asked
    page = (tmp_path / "site" / "components" / "pipes" / "index.html").read_text()
    assert "Degraded performance" in page


def test_demo_shows_its_upstream_in_a_group_of_its_own(demo: Path) -> None:
    """The demo follows Cloudflare's page (recorded samples, scripts/make_demo_samples.py)."""
    from lxml import html

    home = html.parse(str(demo / "index.html"))
    [group] = [s for s in home.xpath('//section[@class="mks-group"]')
               if s.xpath('string(.//h3)').startswith("Upstream services")]
    assert "not counted in our overall status" in group.xpath(
        'string(.//p[@class="mks-upstream-note"])')
    assert group.xpath('.//span[@class="mks-upstream"]/a/@href') == [
        "https://www.cloudflarestatus.com"]
    page = html.parse(str(demo / "components" / "cdn" / "index.html"))
    note = page.xpath('string(//p[@class="mks-upstream-note"])')
    assert note.startswith("Status reported by cloudflarestatus.com's own status page (its "
                           "component “CDN/Cache”)")
    titles = page.xpath('//div[contains(@class, "mks-bars")]/a/@title')
    assert "2026-10-30: 96.89% — outage reported by the provider's status page" in titles
    uptime = json.loads((demo / "api" / "uptime.json").read_text())
    cdn = next(c for c in uptime["components"] if c["id"] == "cdn")
    assert cdn["counted"] is False and cdn["group"] == "Upstream services"
    assert cdn["worst_days"][0]["date"] == "2026-10-30"
    site_page = html.parse(str(demo / "uptime" / "index.html"))
    assert "Website CDN" not in site_page.xpath('string(//ol[@class="mks-worst"])')
    summary = json.loads((demo / "api" / "v2" / "components.json").read_text())
    groups = {c["name"]: c for c in summary["components"] if c["group"]}
    assert len(groups["Upstream services"]["components"]) == 1


def test_the_demos_samples_are_recorded_from_a_fixture_on_loopback(tmp_path: Path) -> None:
    """The demo's samples/ are exactly what scripts/make_demo_samples.py writes: its
    upstream CDN's by the real probe run reading tests/fixtures/statuspage/cloudflare.json
    served on 127.0.0.1 (never the live vendor), so anyone can rebuild them from git."""
    import subprocess
    import sys

    from tests.conftest import REPO

    out = tmp_path / "samples"
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_demo_samples.py"),
                    "--out", str(out)], check=True, capture_output=True, timeout=600)
    written = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    shipped = {p.relative_to(REPO / "samples"): p.read_bytes()
               for p in (REPO / "samples").rglob("*") if p.is_file()}
    assert sorted(written) == sorted(shipped)
    assert [str(p) for p in written if written[p] != shipped[p]] == []
    vendor = [json.loads(line) for p, data in shipped.items() if p.name.endswith(".jsonl")
              for line in data.splitlines() if b'"cdn"' in line]
    # The last raw week holds the hour the vendor could not be read (no data, not down).
    assert {"ok", "refused"} <= {v.get("o") for v in vendor}
    assert "127.0.0.1" not in json.dumps(vendor)  # the loopback address is not kept
