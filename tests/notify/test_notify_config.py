"""`notify:`, `websub_hub` and the subscribe keys in mkdocs.yml: exact messages with
positions, every problem at once; and the delivery ledger's file format."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from mkstatus.config import parse_config
from mkstatus.model import Destination
from mkstatus.notify.ledger import Ledger, destination_key, key_of

TEXT = """\
site_name: T
site_url: https://status.test/
plugins:
  - mkstatus:
      components:
        - {id: api, name: API}
      websub_hub: ftp://hub.example
      subscribe_email: not-an-address
      notify:
        - url: "slack://${SLACK_TOKEN}"
          components: [api]
          events: [incident, resolved]
        - webhook: https://hooks.example/x
        - url: not a url
        - webhook: https://hooks.example/y
          secret: "${BAD-NAME}"
          events: [incidnet]
          components: [ap]
          reminder_minutes: 0
          timeout_s: 301
          colour: red
        - url: "json://x"
          webhook: https://hooks.example/z
"""


def parse(text: str) -> tuple[object, list[str]]:
    plugin = yaml.safe_load(text)["plugins"][0]["mkstatus"]
    config, problems = parse_config(plugin, site_name="T", site_url="https://status.test/",
                                    text=text)
    return config, [str(p) for p in problems]


def test_every_problem_is_reported_with_its_position() -> None:
    config, problems = parse(TEXT)
    assert config is None
    assert sorted(problems) == sorted([
        "mkdocs.yml:7:19: websub_hub: expected an http:// or https:// URL, found "
        "'ftp://hub.example'",
        "mkdocs.yml:8:24: subscribe_email: expected an email address such as "
        "status@example.com, found 'not-an-address'",
        "mkdocs.yml:13:11: notify[1].secret: the webhook needs a secret to sign with, such "
        'as "${WEBHOOK_SECRET}"',
        "mkdocs.yml:14:16: notify[2].url: expected an Apprise URL such as slack://..., "
        "found 'not a url'",
        "mkdocs.yml:16:19: notify[3].secret: malformed ${VAR} reference (expected ${NAME} "
        "with letters, digits, _)",
        "mkdocs.yml:17:19: notify[3].events: unknown event 'incidnet' (did you mean "
        "'incident'?); expected one of incident, update, resolved, maintenance, reminder, "
        "notice",
        "mkdocs.yml:18:23: notify[3].components: unknown component 'ap' (did you mean "
        "'api'?); expected one of api",
        "mkdocs.yml:19:29: notify[3].reminder_minutes: expected whole minutes from 1 to "
        "10080, found 0",
        "mkdocs.yml:20:22: notify[3].timeout_s: expected a positive number of seconds up "
        "to 300, found 301",
        "mkdocs.yml:21:19: notify[3]: unknown key 'colour'",
        "mkdocs.yml:22:11: notify[4]: give exactly one of `url:` (an Apprise URL) and "
        "`webhook:` (our signed JSON webhook)",
    ])


def test_a_valid_configuration() -> None:
    text = TEXT.split("      websub_hub")[0] + (
        "      websub_hub: https://hub.example/\n"
        "      subscribe_url: https://example.com/signup\n"
        "      notify:\n"
        '        - url: "slack://${SLACK_TOKEN}"\n'
        "          components: [api]\n"
        "          events: [incident, resolved]\n"
        "        - webhook: https://hooks.example/x\n"
        '          secret: "${WEBHOOK_SECRET}"\n'
        "          reminder_minutes: 1440\n")
    config, problems = parse(text)
    assert problems == []
    assert config.websub_hub == "https://hub.example/"  # type: ignore[attr-defined]
    assert config.subscribe_url == "https://example.com/signup"  # type: ignore[attr-defined]
    assert config.notify == (  # type: ignore[attr-defined]
        Destination(index=0, url="slack://${SLACK_TOKEN}", components=("api",),
                    events=("incident", "resolved"), where=(10, 11)),
        Destination(index=1, url="https://hooks.example/x", webhook=True,
                    secret="${WEBHOOK_SECRET}", reminder_minutes=1440, where=(13, 11)))


def test_ledger_keys_hash_the_template_not_the_secret() -> None:
    one = Destination(index=0, url="slack://${SLACK_TOKEN}")
    assert key_of(one) == destination_key("slack://${SLACK_TOKEN}", "slack")
    assert key_of(one).startswith("slack-") and len(key_of(one)) == len("slack-") + 16
    hook = Destination(index=3, url="https://hooks.example/x", webhook=True)
    assert key_of(hook).startswith("webhook-")
    assert key_of(hook) != key_of(Destination(index=3, url="https://hooks.example/y",
                                              webhook=True))


def test_the_ledger_survives_half_a_line(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, "webhook-0123456789abcdef")
    assert not ledger.exists() and ledger.ids() == set()
    ledger.start()
    assert ledger.exists() and ledger.path.read_bytes() == b""
    ledger.record([{"id": "a", "outcome": "sent"}])
    with ledger.path.open("ab") as handle:
        handle.write(b'{"id": "half')  # a run killed mid-write
    ledger.record([{"id": "b", "outcome": "sent"}])
    lines = ledger.path.read_bytes().splitlines()
    assert json.loads(lines[0]) == {"id": "a", "outcome": "sent"}
    assert lines[1] == b'{"id": "half' and json.loads(lines[2])["id"] == "b"
    assert ledger.ids() == {"a", "b"}
    assert ledger.path.parent == tmp_path / ".mkstatus" / "notified"


GUIDE = Path(__file__).resolve().parents[2] / "guide" / "notifications.md"
# Values shaped like each service's real tokens (Apprise checks their shape).
DUMMY = {"SMTP_USER": "user", "SMTP_PASS": "pass", "SLACK_A": "T1JJ3T3L2",
         "SLACK_B": "A1BRTD4JD", "SLACK_C": "TIiajkdnlazkcOXrIdevi7FQ",
         "SLACK_BOT_TOKEN": "xoxb-1234-1234-abc124", "DISCORD_WEBHOOK_ID": "4174216298",
         "DISCORD_WEBHOOK_TOKEN": "JHMHI8qBe7bk2ZwO5U711o3dV_js",
         "TEAMS_HOST": "prod-99.westus.logic.azure.com:443", "TEAMS_WORKFLOW": "abc123",
         "TEAMS_SIGNATURE": "def456", "MATRIX_USER": "bot", "MATRIX_PASS": "pw",
         "TELEGRAM_BOT_TOKEN": "123456789:abcdefg_hijklmnop", "TELEGRAM_CHAT_ID": "12315544",
         "NTFY_TOPIC": "status-xyz", "NTFY_TOKEN": "tk_abcdef", "HOOK_TOKEN": "abc"}


def test_every_channel_url_the_guide_shows_is_one_apprise_knows() -> None:
    import re

    import apprise
    from mkstatus.envvars import expand

    text = GUIDE.read_text().split("## Channels", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in text.splitlines() if line.startswith("| ") and "://" in line]
    urls = [u for row in rows for u in re.findall(r"`([a-z]+s?://[^`]+)`", row)]
    assert len(rows) == 8 and len(urls) >= 8
    kinds = set()
    for url in urls:
        plugin = apprise.Apprise.instantiate(expand(url, DUMMY, "guide"))
        assert plugin is not None, url
        kinds.add(type(plugin).__name__)
    assert kinds == {"NotifyEmail", "NotifySlack", "NotifyDiscord", "NotifyWorkflows",
                     "NotifyMatrix", "NotifyTelegram", "NotifyNtfy", "NotifyJSON"}
