"""`mkstatus notify` end to end: the real command against loopback receivers.

Every update of a multi-update incident reaches each destination exactly once (email over
SMTP, Apprise's JSON webhook, our signed webhook), a second run sends nothing, a failing
destination catches up on a later run while the others were served at once, filters and
maintenance reminders work, and a secret never shows.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import mkstatus
from tests.notify_servers import Mailbox, Receiver

SECRET = "s3cret-signing-key"

MKDOCS = """\
site_name: Notify Test
site_url: https://status.test/
theme: {{name: material}}
plugins:
  - mkstatus:
      timezone: Europe/Paris
      components:
        - {{id: api, name: Public API}}
        - {{id: web, name: Website}}
{extra}"""

API_DOWN = """\
---
title: API errors
impact: major
components: {api: major_outage}
---

## 2026-03-01 10:00 — Investigating
The API returns **errors**.

## 2026-03-01 10:30 — Identified
Components: api=partial_outage
A bad deploy. Rolling back.

## 2026-03-01 11:00 — Monitoring
Rolled back; watching.

## 2026-03-01 11:30 — Resolved
All good.
"""

WEB_SLOW = """\
---
title: Website slow
impact: minor
components: {web: degraded_performance}
---

## 2026-03-01 10:15 — Investigating
Pages load slowly.

## 2026-03-01 10:45 — Resolved
Fixed.
"""

NOTICE = """\
---
title: New status page
informational: true
---

## 2026-03-01 09:30 — Resolved
We have a new status page.
"""

MAINTENANCE = """\
---
title: Database upgrade
components: [api]
scheduled_for: 2026-03-05 02:00
scheduled_until: 2026-03-05 04:00
---

## 2026-03-01 09:00 — Scheduled
The API will be read-only.
"""

BEFORE = "2026-03-01T07:00:00Z"  # nothing published yet
MIDWAY = "2026-03-01T09:20:00Z"  # 10:20 in Paris: 4 entries published
AFTER = "2026-03-01T11:00:00Z"  # every update published
API_TITLES = [f"API errors — {s}" for s in ("Investigating", "Identified", "Monitoring",
                                             "Resolved")]
ALL_TITLES = {*API_TITLES, "Website slow — Investigating", "Website slow — Resolved",
              "New status page — Resolved", "Database upgrade — Maintenance: Scheduled"}


def make_site(root: Path, notify_yaml: str, *, extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "docs").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(MKDOCS.format(extra=extra + notify_yaml))
    incidents = root / "incidents"
    incidents.mkdir(exist_ok=True)
    for name, text in (("2026-03-01-api-errors", API_DOWN), ("2026-03-01-web-slow", WEB_SLOW),
                       ("2026-03-01-new-page", NOTICE), ("2026-03-05-db-upgrade", MAINTENANCE)):
        (incidents / f"{name}.md").write_text(text)
    return root


def destinations(*items: str) -> str:
    return "      notify:\n" + "".join(items)


def notify(root: Path, now: str, *args: str, env: dict[str, str] | None = None) -> str:
    result = mkstatus("notify", "--now", now, *args, cwd=root, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    yield box
    box.stop()


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    made: list[Receiver] = []
    yield made
    for r in made:
        r.stop()


def receiver(made: list[Receiver], **kwargs: object) -> Receiver:
    r = Receiver(**kwargs)  # type: ignore[arg-type]
    made.append(r)
    return r


def titles_of_json(r: Receiver) -> list[str]:
    return [req.json()["title"] for req in r.requests]


def titles_of_webhook(r: Receiver) -> list[str]:
    out = []
    for req in r.requests:
        incident = req.json()["incident"]
        update = incident["incident_updates"][0]
        out.append(f"{incident['name']} — {update['status']}")
    return out


def test_every_update_arrives_once_per_destination_and_a_second_run_sends_nothing(
        tmp_path: Path, mailbox: Mailbox, receivers: list[Receiver]) -> None:
    hook, signed = receiver(receivers), receiver(receivers, secret=SECRET)
    root = make_site(tmp_path / "site", destinations(
        f'        - url: "{mailbox.url()}"\n',
        f'        - url: "json://127.0.0.1:{hook.port}/hook"\n',
        f"        - webhook: {signed.url}/signed\n"
        '          secret: "${WEBHOOK_SECRET}"\n'))
    env = {"WEBHOOK_SECRET": SECRET}
    first = notify(root, BEFORE, env=env)  # the baseline: nothing published yet
    assert "0 message(s) sent" in first
    notify(root, MIDWAY, env=env)
    assert len(mailbox.messages) == len(hook.requests) == len(signed.requests) == 4
    notify(root, AFTER, env=env)
    second = notify(root, AFTER, env=env)
    assert "0 message(s) sent" in second

    assert sorted(mailbox.subjects) == sorted(ALL_TITLES)
    assert sorted(titles_of_json(hook)) == sorted(ALL_TITLES)
    assert Counter(titles_of_webhook(signed)) == Counter(
        ["API errors — investigating", "API errors — identified", "API errors — monitoring",
         "API errors — resolved", "Website slow — investigating", "Website slow — resolved",
         "New status page — resolved", "Database upgrade — scheduled"])
    assert all(req.verified for req in signed.requests)
    keys = [req.headers["Idempotency-Key"] for req in signed.requests]
    assert len(set(keys)) == len(keys) == 8
    assert all(k.startswith("tag:status.test,2026-03-01:") for k in keys)
    # The same ids as the feed entries.
    feed = {e["id"] for e in json.loads(build_jsonfeed(root, AFTER))["items"]}
    assert set(keys) == feed
    # The message carries status, components with status, text, zone and link.
    identified = next(m for m in mailbox.messages if "Identified" in str(m["Subject"]))
    text = identified.get_body(("plain",)).get_content()
    html = identified.get_body(("html",)).get_content()
    assert "Identified" in text and "2026-03-01 10:30 CET" in text
    assert "Public API (partial outage)" in text and "A bad deploy" in text
    assert "https://status.test/incidents/2026-03-01-api-errors/#update-20260301T093000Z" \
        in text
    assert "<strong>Identified</strong>" in html
    first_update = next(r.json() for r in signed.requests
                        if r.json()["incident"]["incident_updates"][0]["status"] == "identified")
    incident = first_update["incident"]
    assert incident["status"] == "identified" and incident["resolved_at"] is None
    assert [u["status"] for u in incident["incident_updates"]] == ["identified",
                                                                     "investigating"]
    assert incident["incident_updates"][0]["affected_components"] == [
        {"code": incident["components"][0]["id"], "name": "Public API",
         "old_status": "major_outage", "new_status": "partial_outage"}]
    assert signed.requests[0].headers["X-Mkstatus-Event"] in {"maintenance", "notice",
                                                              "incident"}


def build_jsonfeed(root: Path, now: str) -> str:
    mkstatus("build", "--now", now, cwd=root, check=True)
    return (root / "site" / "history.json").read_text()


def test_a_failing_destination_catches_up_later_while_the_others_are_served_at_once(
        tmp_path: Path, receivers: list[Receiver]) -> None:
    good, flaky = receiver(receivers, secret=SECRET), receiver(receivers, secret=SECRET)
    also_flaky = receiver(receivers)
    root = make_site(tmp_path / "site", destinations(
        f"        - webhook: {good.url}/ok\n          secret: {SECRET}\n",
        f"        - webhook: {flaky.url}/flaky\n          secret: {SECRET}\n"
        "          timeout_s: 1\n",
        f'        - url: "json://127.0.0.1:{also_flaky.port}/flaky"\n'
        "          timeout_s: 1\n"))
    notify(root, BEFORE)
    flaky.mode = also_flaky.mode = "fail"
    out = notify(root, AFTER)
    assert len(good.requests) == 8 and flaky.requests == also_flaky.requests == []
    assert out.count("FAILED") == 2 and "HTTP 500" in out
    flaky.refuse()
    also_flaky.refuse()
    out = notify(root, AFTER)
    assert out.count("FAILED: connection refused") == 1 and out.count("FAILED") == 2
    flaky.listen()
    also_flaky.listen()
    flaky.mode = also_flaky.mode = "hang"
    out = notify(root, AFTER)
    assert out.count("FAILED: timeout: no answer within 1 s") == 2
    assert flaky.requests == also_flaky.requests == [] and len(good.requests) == 8
    flaky.mode = also_flaky.mode = "ok"
    # A 1 s deadline met by a loaded machine would fail a delivered message, and the next
    # run would repeat it (as it should): give the catching-up runs room.
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("timeout_s: 1\n", "timeout_s: 60\n"))
    notify(root, AFTER)
    notify(root, AFTER)
    assert Counter(r.headers["Idempotency-Key"] for r in flaky.requests) == Counter(
        r.headers["Idempotency-Key"] for r in good.requests)
    assert len(flaky.requests) == 8 and all(r.verified for r in flaky.requests)
    assert sorted(titles_of_json(also_flaky)) == sorted(ALL_TITLES)
    # Oldest first, as subscribers read them.
    times = [r.json()["incident"]["updated_at"] for r in flaky.requests]
    assert times == sorted(times)


def test_filters_by_component_and_by_event(tmp_path: Path,
                                           receivers: list[Receiver]) -> None:
    api_only, resolved_only, both = (receiver(receivers, secret=SECRET) for _ in range(3))
    root = make_site(tmp_path / "site", destinations(
        f"        - webhook: {api_only.url}/api\n          secret: {SECRET}\n"
        "          components: [api]\n",
        f"        - webhook: {resolved_only.url}/resolved\n          secret: {SECRET}\n"
        "          events: [resolved]\n",
        f"        - webhook: {both.url}/both\n          secret: {SECRET}\n"
        "          components: [web]\n          events: [incident]\n"))
    notify(root, BEFORE)
    notify(root, AFTER)
    assert sorted(titles_of_webhook(api_only)) == sorted(
        ["API errors — investigating", "API errors — identified", "API errors — monitoring",
         "API errors — resolved", "Database upgrade — scheduled"])
    assert sorted(titles_of_webhook(resolved_only)) == [
        "API errors — resolved", "Website slow — resolved"]
    assert titles_of_webhook(both) == ["Website slow — investigating"]
    assert {r.headers["X-Mkstatus-Event"] for r in resolved_only.requests} == {"resolved"}
    # A filter changed later does not flood the destination with history.
    text = (root / "mkdocs.yml").read_text().replace("          events: [resolved]\n", "")
    (root / "mkdocs.yml").write_text(text)
    notify(root, AFTER)
    assert len(resolved_only.requests) == 2


def test_maintenance_reminders_fire_once_at_their_time(tmp_path: Path,
                                                       receivers: list[Receiver]) -> None:
    hook = receiver(receivers, secret=SECRET)
    root = make_site(tmp_path / "site", destinations(
        f"        - webhook: {hook.url}/m\n          secret: {SECRET}\n"
        "          events: [reminder]\n          reminder_minutes: 30\n"))
    # The window is 2026-03-05 02:00-04:00 Paris time (01:00-03:00 UTC).
    moments = ["2026-03-04T12:00:00Z", "2026-03-05T00:20:00Z", "2026-03-05T00:31:00Z",
               "2026-03-05T00:45:00Z", "2026-03-05T01:00:00Z", "2026-03-05T01:30:00Z",
               "2026-03-05T02:59:00Z", "2026-03-05T03:00:00Z", "2026-03-05T05:00:00Z",
               "2026-03-06T05:00:00Z"]
    seen = []
    for now in moments:
        notify(root, now)
        seen.append([r.json()["meta"]["reminder"] for r in hook.requests])
    assert seen == [[], [], ["soon"], ["soon"], ["soon", "started"], ["soon", "started"],
                    ["soon", "started"], ["soon", "started", "completed"],
                    ["soon", "started", "completed"], ["soon", "started", "completed"]]
    statuses = [r.json()["incident"]["status"] for r in hook.requests]
    assert statuses == ["scheduled", "in_progress", "completed"]
    keys = [r.headers["Idempotency-Key"] for r in hook.requests]
    assert keys[0].endswith("#soon") and keys[1].endswith("#started")


def test_the_first_run_sends_nothing_old_unless_since_says_so(
        tmp_path: Path, receivers: list[Receiver]) -> None:
    a, b = receiver(receivers, secret=SECRET), receiver(receivers, secret=SECRET)
    root = make_site(tmp_path / "site", destinations(
        f"        - webhook: {a.url}/a\n          secret: {SECRET}\n"))
    out = notify(root, AFTER)
    assert a.requests == [] and "8 past event(s) recorded as the baseline" in out
    text = (root / "mkdocs.yml").read_text()
    (root / "mkdocs.yml").write_text(
        text + f"        - webhook: {b.url}/b\n          secret: {SECRET}\n")
    notify(root, AFTER, "--since", "2026-03-01T10:00:00Z")  # 11:00 in Paris
    assert sorted(titles_of_webhook(b)) == ["API errors — monitoring",
                                            "API errors — resolved"]
    assert a.requests == []


def test_dry_run_sends_and_records_nothing(tmp_path: Path,
                                           receivers: list[Receiver]) -> None:
    hook = receiver(receivers, secret=SECRET)
    root = make_site(tmp_path / "site", destinations(
        f"        - webhook: {hook.url}/a\n          secret: ${{HOOK_SECRET}}\n"))
    out = notify(root, AFTER, "--dry-run", "--since", BEFORE)
    assert hook.requests == [] and not (root / ".mkstatus").exists()
    assert "8 to send" in out and "needs HOOK_SECRET (not set here)" in out
    assert "API errors — Identified" in out and "8 message(s) would be sent" in out


def test_an_unset_secret_fails_that_destination_only(tmp_path: Path,
                                                     receivers: list[Receiver]) -> None:
    a, b = receiver(receivers, secret=SECRET), receiver(receivers, secret=SECRET)
    root = make_site(tmp_path / "site", destinations(
        f"        - webhook: {a.url}/a\n          secret: ${{UNSET_SECRET}}\n",
        f"        - webhook: {b.url}/b\n          secret: {SECRET}\n"))
    notify(root, BEFORE)
    out = notify(root, AFTER)
    assert "notify[0].secret: environment variable UNSET_SECRET is not set" in out
    assert a.requests == [] and len(b.requests) == 8
    out = notify(root, AFTER, env={"UNSET_SECRET": SECRET})
    assert len(a.requests) == 8 and "8 message(s) sent" in out


def test_websub_feeds_name_the_hub_and_notify_pings_each_changed_feed(
        tmp_path: Path, receivers: list[Receiver]) -> None:
    hub = receiver(receivers)
    root = make_site(tmp_path / "site", "", extra=f"      websub_hub: {hub.url}/hub\n")
    mkstatus("build", "--now", AFTER, cwd=root, check=True)
    site = root / "site"
    for name in ("history.atom", "components/api/history.atom", "history.rss",
                 "components/web/history.rss"):
        text = (site / name).read_text()
        assert f'href="{hub.url}/hub" rel="hub"' in text, name
        assert f'href="https://status.test/{name}" rel="self"' in text, name
    for name in ("history.json", "components/api/history.json"):
        assert json.loads((site / name).read_text())["hubs"] == [
            {"type": "WebSub", "url": f"{hub.url}/hub"}]
    notify(root, BEFORE)
    assert hub.requests == []
    notify(root, MIDWAY)  # the notice, the maintenance, and both incidents' first updates
    pinged = sorted(r.body.decode() for r in hub.requests)
    feeds = ["history", "components/api/history", "components/web/history"]
    assert pinged == sorted(
        f"hub.mode=publish&hub.url=https%3A%2F%2Fstatus.test%2F{f.replace('/', '%2F')}.{ext}"
        for f in feeds for ext in ("atom", "json", "rss"))
    hub.requests.clear()
    notify(root, "2026-03-01T09:40:00Z")  # 10:40: only the API's "Identified"
    assert sorted(r.body.decode().rsplit("%2F", 1)[-1] for r in hub.requests) == [
        "history.atom", "history.atom", "history.json", "history.json", "history.rss",
        "history.rss"]
    assert all("web" not in r.body.decode() for r in hub.requests)
    hub.requests.clear()
    notify(root, "2026-03-01T09:40:00Z")
    assert hub.requests == []


CANARY = "canary-7f3a9c0e51"


def test_a_secret_canary_never_appears_in_output_logs_ledger_or_site(
        tmp_path: Path, receivers: list[Receiver], mailbox: Mailbox) -> None:
    hook, broken = receiver(receivers), receiver(receivers)
    broken.refuse()
    signed = receiver(receivers, secret=CANARY)
    root = make_site(tmp_path / "site", destinations(
        f'        - url: "json://user:${{CANARY}}@127.0.0.1:{hook.port}/h/${{CANARY}}"\n',
        f'        - url: "json://user:${{CANARY}}@127.0.0.1:{broken.port}/h?t=${{CANARY}}"\n',
        f"        - webhook: {signed.url}/s/${{CANARY}}\n"
        '          secret: "${CANARY}"\n',
        f'        - url: "mailto://${{CANARY}}:${{CANARY}}@127.0.0.1:{mailbox.port}'
        '?mode=insecure&from=a@example.com&to=b@example.com"\n'))
    env = {"CANARY": CANARY}
    outputs = [notify(root, BEFORE, env=env), notify(root, AFTER, "--dry-run", env=env),
               notify(root, AFTER, env=env), notify(root, AFTER, "--dry-run", env=env)]
    result = mkstatus("build", "--now", AFTER, "--strict", cwd=root, env=env)
    outputs += [result.stdout, result.stderr]
    result = mkstatus("check", "--now", AFTER, cwd=root, env=env)
    outputs += [result.stdout, result.stderr]
    assert len(hook.requests) == 8 and all(r.verified for r in signed.requests)
    assert len(signed.requests) == 8
    assert "notify[1] json 127.0.0.1:" in outputs[2] and "FAILED: A Connection error" in \
        outputs[2]
    # The mail server refused the login: a failure whose reason must not carry the canary.
    assert any("notify[3] mailto 127.0.0.1" in out and "FAILED" in out for out in outputs)
    for out in outputs:
        assert CANARY not in out
    for path in [*(root / ".mkstatus").rglob("*"), *(root / "site").rglob("*")]:
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path


def many_updates(count: int) -> str:
    """One incident with `count` updates, a minute apart, oldest first."""
    statuses = ("Investigating", "Identified", "Monitoring")
    lines = ["---", "title: Long outage", "impact: minor", "components: {api: partial_outage}",
             "---", ""]
    for n in range(count):
        status = "Resolved" if n == count - 1 else statuses[n % 3]
        lines += [f"## 2026-04-01 {10 + n // 60:02d}:{n % 60:02d} — {status}",
                  f"Update number {n}.", ""]
    return "\n".join(lines)


def test_a_kill_at_random_moments_repeats_at_most_one_message_per_destination(
        tmp_path: Path, receivers: list[Receiver]) -> None:
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    count = 40
    hooks = [receiver(receivers, secret=SECRET, delay=0.05) for _ in range(2)]
    plain = receiver(receivers, delay=0.05)
    root = make_site(tmp_path / "site", destinations(
        *(f"        - webhook: {h.url}/k\n          secret: {SECRET}\n" for h in hooks),
        f'        - url: "json://127.0.0.1:{plain.port}/k"\n'))
    for path in (root / "incidents").iterdir():
        path.unlink()
    (root / "incidents" / "2026-04-01-long-outage.md").write_text(many_updates(count))
    notify(root, "2026-04-01T07:00:00Z")  # the baseline: nothing published yet
    env = {k: v for k, v in os.environ.items() if k not in ("MKSTATUS_NOW",)}
    env["NO_MKDOCS_2_WARNING"] = "1"
    rng = random.Random(16)
    kills = 0
    for _ in range(8):
        process = subprocess.Popen(
            [sys.executable, "-m", "mkstatus", "notify", "--now", "2026-04-01T12:00:00Z"],
            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        before = sum(h.attempts for h in [*hooks, plain])
        while process.poll() is None and sum(h.attempts for h in [*hooks, plain]) == before:
            time.sleep(0.01)  # the kill lands while messages are being sent
        time.sleep(rng.uniform(0, 1.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    notify(root, "2026-04-01T12:00:00Z")
    assert kills >= 3  # the test is about kills: most runs must have been cut short
    wanted_ids = {f"Update number {n}." for n in range(count)}
    per_destination = [
        Counter(next(line for line in json.loads(r.body)["incident"]["incident_updates"][0]
                     ["body"].splitlines()) for r in h.requests) for h in hooks]
    per_destination.append(Counter(next(
        line for line in r.json()["message"].splitlines() if line.startswith("Update number"))
        for r in plain.requests))
    for received in per_destination:
        assert set(received) == wanted_ids  # never a loss
        repeats = sum(n - 1 for n in received.values())
        assert repeats <= kills  # at most the one message in flight, per kill
