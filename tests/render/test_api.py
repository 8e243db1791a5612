"""The Statuspage v2 JSON API: schemas, meaning, the same story as the pages and feeds,
and a generic consumer reading it over HTTP.

Sites are built for real with `mkstatus build` in a subprocess, once per session (the
helpers here are shared with test_calendar.py and test_badges_feeds.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from lxml import etree, html
from referencing import Registry, Resource

from tests.conftest import copy_demo

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests" / "schemas" / "statuspage-v2"
DEMO_NOW = "2026-11-22T21:00:00Z"
TROUBLE_NOW = "2026-03-10T12:00:00Z"
ENDPOINTS = {
    "summary.json": "summary.json",
    "status.json": "status.json",
    "components.json": "components.json",
    "incidents.json": "incidents.json",
    "incidents/unresolved.json": "incidents-unresolved.json",
    "scheduled-maintenances.json": "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json": "scheduled-maintenances-upcoming.json",
    "scheduled-maintenances/active.json": "scheduled-maintenances-active.json",
}
ATOM = "{http://www.w3.org/2005/Atom}"


def build_site(factory: pytest.TempPathFactory, name: str, config: Path, now: str) -> Path:
    """Build once per session and name: a real `mkstatus build` in a subprocess."""
    out = factory.getbasetemp() / f"site-{name}"
    if not (out / "index.html").exists():
        script = Path(sys.executable).with_name("mkstatus")
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        env.pop("SOURCE_DATE_EPOCH", None)
        env.pop("MKSTATUS_NOW", None)
        done = subprocess.run([str(script), "build", "-f", str(config), "--now", now,
                               "-d", str(out)], capture_output=True, text=True, env=env,
                              timeout=120)
        assert done.returncode == 0, done.stderr
    return out


def demo_copy(factory: pytest.TempPathFactory) -> Path:
    """A frozen copy of the demo's inputs: the checkout's samples/ may grow meanwhile."""
    source = factory.getbasetemp() / "demo-src"
    if not source.exists():
        copy_demo(source)
    return source / "mkdocs.yml"


def write_files(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    return root / "mkdocs.yml"


TROUBLE_CONFIG = """\
site_name: Trouble Inc Status
site_url: https://status.trouble.test/
docs_dir: docs
theme: {name: material, font: false}
plugins:
  - mkstatus:
      timezone: Europe/Paris
      components:
        - {id: api, name: API, group: Core}
        - {id: web, name: Website, group: Core}
        - {id: cdn, name: CDN}
"""


def _md(front: str, *updates: str) -> str:
    return "---\n" + front.strip() + "\n---\n\n" + "\n\n".join(updates) + "\n"


def trouble_files() -> dict[str, str]:
    """Every branch: critical outage, active, cancelled, update-less and old maintenance,
    a resolved notice, a draft, an update after `now`, more than 50 incidents."""
    files = {
        "mkdocs.yml": TROUBLE_CONFIG,
        "incidents/2026-03-10-total-outage.md": _md(
            "title: Everything is down\nimpact: critical\ncomponents:\n"
            "  api: major_outage\n  web: major_outage\n  cdn: major_outage",
            "## 2026-03-10 13:00Z — Identified\nNot published yet.",
            "## 2026-03-10 11:00Z — Investigating\nNothing answers."),
        "incidents/2026-03-10-db-migration.md": _md(
            "title: Database migration\ncomponents: [api]\n"
            "scheduled_for: 2026-03-10 11:30Z\nscheduled_until: 2026-03-10 13:00Z",
            "## 2026-03-10 11:31Z — In progress\nStarted.",
            "## 2026-03-01 09:00Z — Scheduled\nPlanned, with commas; and \\ backslashes."),
        "incidents/2026-03-15-cancelled-upgrade.md": _md(
            "title: Website upgrade\ncomponents: [web]\n"
            "scheduled_for: 2026-03-15 02:00Z\nscheduled_until: 2026-03-15 04:00Z",
            "## 2026-03-05 10:00Z — Cancelled\nNo longer needed.",
            "## 2026-03-02 10:00Z — Scheduled\nPlanned."),
        "incidents/2026-03-20-future-window.md": _md(
            "title: CDN certificate rotation — a long title that will need folding in "
            "any calendar, éèà ünïcödé ✓\ncomponents: [cdn]\n"
            "scheduled_for: 2026-03-20 01:00Z\nscheduled_until: 2026-03-20 02:00Z"),
        "incidents/2026-03-25-announced-tomorrow.md": _md(
            "title: Not published yet, a window announced tomorrow\ncomponents: [web]\n"
            "scheduled_for: 2026-03-25 01:00Z\nscheduled_until: 2026-03-25 02:00Z",
            "## 2026-03-11 09:00Z — Scheduled\nThe announcement, dated tomorrow."),
        "incidents/2025-10-01-old-window.md": _md(
            "title: Old CDN work\ncomponents: [cdn]\n"
            "scheduled_for: 2025-10-01 01:00Z\nscheduled_until: 2025-10-01 02:00Z",
            "## 2025-10-01 02:00Z — Completed\nDone."),
        "incidents/2026-03-08-planned-notice.md": _md(
            "title: New support hours\ninformational: true",
            "## 2026-03-09 10:00Z — Resolved\nIn effect.",
            "## 2026-03-08 10:00Z — Monitoring\nSupport hours change tomorrow."),
        "incidents/2026-03-09-secret-draft.md": _md(
            "title: Secret draft title\nimpact: minor\ndraft: true\n"
            "components:\n  api: degraded_performance",
            "## 2026-03-09 08:00Z — Investigating\nNot for the public."),
    }
    for n in range(52):
        day = datetime.fromordinal(datetime(2025, 11, 1).toordinal() + n)
        files[f"incidents/{day:%Y-%m-%d}-old-{n}.md"] = _md(
            f"title: Old incident {n}\nimpact: minor\ncomponents:\n  cdn: degraded_performance",
            f"## {day:%Y-%m-%d} 11:00Z — Resolved\nComponents: cdn=operational\nFixed.",
            f"## {day:%Y-%m-%d} 10:00Z — Investigating\nSlow.")
    return files


def build_trouble(factory: pytest.TempPathFactory) -> Path:
    """The trouble scenario, built once per session whichever module asks first."""
    source = factory.getbasetemp() / "trouble-src"
    if not (source / "mkdocs.yml").exists():
        write_files(source, trouble_files())
    return build_site(factory, "trouble", source / "mkdocs.yml", TROUBLE_NOW)


def load(site: Path, endpoint: str) -> dict[str, Any]:
    path = site / "api" / "v2" / endpoint
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n"), f"{endpoint}: no trailing newline"
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"{endpoint}: {c}"))


def validator(schema_file: str) -> Draft202012Validator:
    schemas = [json.loads(p.read_text()) for p in sorted(SCHEMAS.glob("*.json"))]
    registry: Registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas)
    schema = json.loads((SCHEMAS / schema_file).read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_format_checker_really_checks_date_times() -> None:
    """Without rfc3339-validator, `date-time` is silently accepted: this would pass."""
    checker = FormatChecker()
    assert "date-time" in checker.checkers
    assert not checker.conforms("2026-11-22 21:00", "date-time")
    assert not checker.conforms("2026-13-45T99:00:00Z", "date-time")
    assert checker.conforms("2026-11-22T21:00:00Z", "date-time")
    doc = json.loads(json.dumps({"page": {"id": "abcdefghijkl", "name": "x",
                                          "url": "https://x.test", "time_zone": "Etc/UTC",
                                          "updated_at": "yesterday"},
                                 "status": {"indicator": "none", "description": "ok"}}))
    errors = list(validator("status.json").iter_errors(doc))
    assert [e.validator for e in errors] == ["format"]


@pytest.mark.parametrize("site_name", ["demo", "trouble"])
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_every_endpoint_validates(request: pytest.FixtureRequest, site_name: str,
                                  endpoint: str) -> None:
    site = request.getfixturevalue(site_name)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator(ENDPOINTS[endpoint]).iter_errors(load(site, endpoint))]
    assert errors == []


def all_incidents(site: Path) -> list[dict[str, Any]]:
    return (load(site, "incidents.json")["incidents"]
            + load(site, "scheduled-maintenances.json")["scheduled_maintenances"])


@pytest.mark.parametrize("site_name", ["demo", "trouble"])
def test_meaning(request: pytest.FixtureRequest, site_name: str) -> None:
    site = request.getfixturevalue(site_name)
    now = load(site, "status.json")  # page and status agree everywhere
    summary = load(site, "summary.json")
    for endpoint in ENDPOINTS:
        assert load(site, endpoint)["page"] == summary["page"]
    assert now["status"] == summary["status"]
    leaves = [c for c in summary["components"] if not c["group"]]
    assert summary["components"] == load(site, "components.json")["components"]
    worst = {"major_outage": "major", "partial_outage": "minor",
             "degraded_performance": "minor"}
    rank = ["none", "maintenance", "minor", "major", "critical"]
    floor = max((rank.index(worst.get(c["status"], "none")) for c in leaves), default=0)
    open_ = load(site, "incidents/unresolved.json")["incidents"]
    floor = max([floor] + [rank.index(i["impact"]) for i in open_])
    indicator = summary["status"]["indicator"]
    if all(c["status"] == "major_outage" for c in leaves):
        assert indicator == "critical"
    assert rank.index(indicator) >= floor
    if indicator == "none":
        assert all(c["status"] == "operational" for c in leaves) and not open_
    groups = {c["id"]: c for c in summary["components"] if c["group"]}
    for c in leaves:
        if c["group_id"]:
            assert c["id"] in groups[c["group_id"]]["components"]
    assert open_ == summary["incidents"]
    assert all(i["status"] != "resolved" and i["resolved_at"] is None for i in open_)
    everything = load(site, "incidents.json")["incidents"]
    assert [i for i in everything if i["resolved_at"] is None] == open_
    assert len(everything) <= 50
    keys = [(i["created_at"], i["id"]) for i in everything]
    assert keys == sorted(keys, reverse=True)
    page_updated = summary["page"]["updated_at"]
    for item in all_incidents(site):
        times = [u["display_at"] for u in item["incident_updates"]]
        assert times == sorted(times, reverse=True)
        assert item["updated_at"] <= page_updated
        assert {u["incident_id"] for u in item["incident_updates"]} <= {item["id"]}


@pytest.mark.parametrize("site_name", ["demo", "trouble"])
def test_maintenance_lists_follow_the_clock(request: pytest.FixtureRequest,
                                            site_name: str) -> None:
    site = request.getfixturevalue(site_name)
    now = DEMO_NOW if site_name == "demo" else TROUBLE_NOW
    upcoming = load(site, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    active = load(site, "scheduled-maintenances/active.json")["scheduled_maintenances"]
    every = load(site, "scheduled-maintenances.json")["scheduled_maintenances"]
    assert upcoming and all(m["status"] == "scheduled" and m["scheduled_for"] > now
                            for m in upcoming)
    assert all(m["status"] in ("in_progress", "verifying") and m["scheduled_for"] <= now
               for m in active)
    assert all(m["scheduled_until"] <= now or m["status"] == "completed"
               for m in every if m not in upcoming + active)
    summary = load(site, "summary.json")["scheduled_maintenances"]
    assert sorted(summary, key=lambda m: m["id"]) == sorted(upcoming + active,
                                                              key=lambda m: m["id"])


def test_trouble_scenario(trouble: Path) -> None:
    summary = load(trouble, "summary.json")
    assert summary["status"] == {"indicator": "critical", "description": "Major System Outage"}
    assert [(i["name"], i["status"], i["impact"]) for i in summary["incidents"]] == [
        ("Everything is down", "investigating", "critical")]
    outage = summary["incidents"][0]
    assert [u["body"] for u in outage["incident_updates"]] == ["Nothing answers."]
    changes = outage["incident_updates"][0]["affected_components"]
    assert {(c["name"], c["old_status"], c["new_status"]) for c in changes} == {
        ("API", "operational", "major_outage"), ("Website", "operational", "major_outage"),
        ("CDN", "operational", "major_outage")}
    active = load(trouble, "scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert [(m["name"], m["status"]) for m in active] == [("Database migration", "in_progress")]
    upcoming = load(trouble, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    assert [(m["name"][:22], m["incident_updates"]) for m in upcoming] == [
        ("CDN certificate rotati", [])]
    every = {m["name"]: m for m in load(trouble, "scheduled-maintenances.json")[
        "scheduled_maintenances"]}
    cancelled = every["Website upgrade"]
    assert (cancelled["status"], cancelled["resolved_at"]) == ("completed",
                                                               "2026-03-05T10:00:00Z")
    assert every["Old CDN work"]["status"] == "completed"
    incidents = load(trouble, "incidents.json")["incidents"]
    assert len(incidents) == 50
    notice = next(i for i in incidents if i["name"] == "New support hours")
    assert (notice["impact"], notice["status"]) == ("none", "resolved")
    assert notice["monitoring_at"] == "2026-03-08T10:00:00Z"


def test_page_updated_at_is_the_latest_public_change_never_the_build_time(
        trouble: Path) -> None:
    """The update-less maintenance due on 20 March has no time of its own yet: the page
    changed last with the migration's update at 11:31, not when the site was built."""
    page = load(trouble, "summary.json")["page"]
    assert page["updated_at"] == "2026-03-10T11:31:00Z"
    [future] = load(trouble, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    assert future["name"].startswith("CDN certificate rotation")
    epoch = "2025-10-01T01:00:00Z"  # the site's first event, as for components' created_at
    assert (future["created_at"], future["updated_at"]) == (epoch, epoch)
    components = load(trouble, "components.json")["components"]
    assert max(c["updated_at"] for c in components) == page["updated_at"]


def test_no_draft_and_no_future_update_anywhere(trouble: Path) -> None:
    for path in trouble.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".rss", ".atom", ".ics", ".svg",
                                              ".html"):
            text = path.read_text(encoding="utf-8")
            assert "Secret draft" not in text and "Not for the public" not in text, path
            assert "Not published yet" not in text, path


def test_ids_are_stable_and_distinct(demo: Path, tmp_path_factory: pytest.TempPathFactory
                                     ) -> None:
    """Two builds back to back (not one from the start of the session: the templates
    may be edited meanwhile in a shared checkout) must be byte-identical."""
    source = demo_copy(tmp_path_factory)
    demo = build_site(tmp_path_factory, "demo-first", source, DEMO_NOW)
    again = build_site(tmp_path_factory, "demo-again", source, DEMO_NOW)
    first = sorted(p.relative_to(demo) for p in demo.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    different = [str(p) for p in first if (demo / p).read_bytes() != (again / p).read_bytes()]
    assert different == []
    ids = [c["id"] for c in load(demo, "components.json")["components"]]
    ids += [i["id"] for i in all_incidents(demo)]
    ids += [u["id"] for i in all_incidents(demo) for u in i["incident_updates"]]
    assert len(ids) == len(set(ids))


def _html_story(site: Path, incident_id: str) -> tuple[str, str, list[tuple[str, str]]]:
    """(title, status, [(time, status) of published updates]) as the page shows them."""
    tree = html.parse(str(site / "incidents" / incident_id / "index.html"))
    title = tree.xpath("string(//h1)").strip()
    status = tree.xpath("//div[@class='mks-incident-head']//span[contains(@class,"
                        "'mks-ustatus')]/@class")[0].split("mks-u-")[1]
    updates = []
    for article in tree.xpath("//article[contains(@class,'mks-update')]"):
        if article.get("id", "").startswith("auto-"):
            continue  # clock-made transitions: on pages, not in feeds or JSON updates
        cls = article.xpath(".//span[contains(@class,'mks-ustatus')]/@class")[0]
        updates.append((article.xpath("string(.//time/@datetime)"),
                        cls.split("mks-u-")[1]))
    return title, status, sorted(updates, reverse=True)


def _html_started(site: Path, incident_id: str) -> str:
    tree = html.parse(str(site / "incidents" / incident_id / "index.html"))
    return tree.xpath("string(//dt[.='Started']/following-sibling::dd[1]/time/@datetime)")


def _atom_story(site: Path) -> dict[str, list[tuple[str, str]]]:
    """Atom entries by incident id: (UTC time, title)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for entry in etree.parse(str(site / "history.atom")).iter(f"{ATOM}entry"):
        tag = entry.findtext(f"{ATOM}id")
        incident_id, when = tag.split(":", 2)[2].split("/", 1)
        out.setdefault(incident_id, []).append((when, entry.findtext(f"{ATOM}title")))
    return out


def test_json_feeds_and_pages_tell_one_story(demo: Path) -> None:
    atom = _atom_story(demo)
    items = all_incidents(demo)
    # 11 files: 1 a draft, 1 a monthly maintenance with 6 occurrences in the window
    assert len(items) == len({i["shortlink"] for i in items}) == 15
    labels = {"in_progress": "In progress"}
    for item in items:
        incident_id = item["shortlink"].rstrip("/").rsplit("/", 1)[1]
        title, status, updates = _html_story(demo, incident_id)
        assert title == item["name"]
        expected_status = "completed" if status == "cancelled" else status
        assert item["status"] == expected_status
        from_json = [(u["display_at"], u["status"]) for u in item["incident_updates"]]
        assert from_json == [(t, "completed" if s == "cancelled" else s) for t, s in updates]
        feed = sorted(atom.get(incident_id, []), reverse=True)
        assert [when for when, _ in feed] == [when for when, _ in from_json]
        for (_, feed_title), (_, update_status) in zip(feed, updates, strict=True):
            label = labels.get(update_status, update_status.capitalize())
            assert feed_title.startswith(item["name"] + " — ")
            assert feed_title.endswith(label)
        if "scheduled_for" in item:
            assert item["started_at"] <= item["scheduled_for"] < item["scheduled_until"]
        else:
            assert item["started_at"] <= from_json[-1][0] == item["created_at"]
            assert item["started_at"] == _html_started(demo, incident_id)
    home = html.parse(str(demo / "index.html"))
    assert load(demo, "status.json")["status"]["description"] in home.xpath("string(//body)")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib name)
        pass


@pytest.fixture(scope="module")
def served(demo: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(demo)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_generic_consumer_reads_the_demo_over_http(served: str) -> None:
    import requests

    from tests import statuspage_consumer

    session = requests.Session()
    session.trust_env = False  # no proxy between us and 127.0.0.1
    report = statuspage_consumer.read(served, session)
    assert (report.indicator, report.description) == ("minor", "Minor Service Outage")
    assert {c.name: c.status for c in report.components}["Email"] == "degraded_performance"
    assert {c.name: c.group for c in report.components}["Broadband"] == "Network"
    assert [i.name for i in report.unresolved] == ["Delays sending and receiving email",
                                                   "Welcome to our new status page"]
    # The network upgrade, and the monthly patching of January and February.
    assert [m.status for m in report.maintenances] == ["scheduled"] * 3
    assert len(report.recent) == 7


def test_dumps_writes_what_json_writes_with_an_indent() -> None:
    """``api.dumps`` makes the two-space JSON itself, faster: byte for byte ``json``'s,
    on every kind of value a document holds (enums, which are ``str`` subclasses, too)."""
    from mkstatus.model import UpdateStatus
    from mkstatus.render.api import dumps

    document = {
        "z": [], "a": {}, "text": 'quote " back \\ slash </script> \u2028 \x00 \x1f é 😀 中',
        "status": UpdateStatus.RESOLVED, "numbers": [0, -7, 2**70, 0.1, 1e-07, 1e22, -0.0],
        "flags": (True, False, None), "nested": {"b": [{"x": [[]], "y": {"k": {}}}], "a": 1},
        "ü": "keys are sorted by code point", "B": 2,
    }
    expected = json.dumps(document, sort_keys=True, allow_nan=False, ensure_ascii=False,
                          indent=2) + "\n"
    assert dumps(document) == expected
    assert '"status": "resolved"' in expected and "\n    " in expected
    # What the fast path leaves to json: converted (an int key) or refused (NaN, keys
    # that cannot be sorted together).
    assert dumps({1: "a", 2: "b"}) == '{\n  "1": "a",\n  "2": "b"\n}\n'
    with pytest.raises(TypeError):
        dumps({1: "a", "b": 2})
    with pytest.raises(ValueError, match="JSON compliant"):
        dumps({"x": float("nan")})
