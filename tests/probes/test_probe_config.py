"""Parsing a component's ``probe:`` mapping: exact messages, every problem at once."""

from __future__ import annotations

import pytest
from mkstatus.errors import ConfigError
from mkstatus.probes.config import HttpProbe, TcpProbe, expand_env, parse_probe, referenced_vars

W = "components[2].probe"


def test_full_http_probe_from_the_design_example() -> None:
    probe, errors = parse_probe({
        "url": "https://example.com/health", "method": "get", "expect_status": [200],
        "body_contains": '"ok"', "json": {"path": "status", "equals": "ok"},
        "degraded_ms": 800, "tls_warn_days": 14, "timeout_s": 10, "retries": 1,
        "down_after": 2, "headers": {"Authorization": "Bearer ${STATUS_TOKEN}"},
    }, W)
    assert errors == []
    assert probe == HttpProbe(
        url="https://example.com/health", method="GET", expect_status=(200,),
        body_contains='"ok"', json_path="status", json_equals="ok", degraded_ms=800,
        timeout_s=10.0, retries=1, down_after=2,
        headers=(("Authorization", "Bearer ${STATUS_TOKEN}"),))


def test_defaults() -> None:
    probe, errors = parse_probe({"url": "http://x.example"}, W)
    assert errors == [] and probe == HttpProbe(url="http://x.example")
    assert (probe.timeout_s, probe.retries, probe.down_after, probe.interval_minutes,
            probe.max_body_bytes, probe.max_redirects, probe.expect_status) == (
        10.0, 0, 2, 5, 1_000_000, 5, ())


def test_tcp_probe() -> None:
    assert parse_probe({"tcp": "resolver.example.com:53"}, W) == (
        TcpProbe(host="resolver.example.com", port=53), [])
    assert parse_probe({"tcp": "[::1]:8080", "timeout_s": 2.5}, W) == (
        TcpProbe(host="::1", port=8080, timeout_s=2.5), [])


@pytest.mark.parametrize(("raw", "message"), [
    ({"url": "https://x", "timeout_s": "abc"},
     f"{W}.timeout_s: expected a positive number up to 300, found 'abc'"),
    ({"url": "https://x", "timeout_s": True},
     f"{W}.timeout_s: expected a positive number up to 300, found True"),
    ({"url": "https://x", "retries": -1},
     f"{W}.retries: expected an integer from 0 to 5, found -1"),
    ({"url": "https://x", "timout_s": 3},
     f"{W}.timout_s: unknown key (did you mean 'timeout_s'?); expected one of body_contains, "
     "ca_bundle, degraded_ms, down_after, expect_status, headers, interval_minutes, json, "
     "max_body_bytes, max_redirects, method, retries, timeout_s, tls_warn_days, url"),
    ({"url": "ftp://x"}, f"{W}.url: expected an http:// or https:// URL, found 'ftp://x'"),
    ({"url": "https://x/${bad-name}"},
     f"{W}.url: malformed ${{VAR}} reference (expected ${{NAME}} with letters, digits, _)"),
    ({"url": "https://x", "method": "DELETE"},
     f"{W}.method: expected one of GET, HEAD, POST, OPTIONS, found 'DELETE'"),
    ({"url": "https://x", "expect_status": [200, "2xx"]},
     f"{W}.expect_status: expected HTTP codes (100-599) or a list, found [200, '2xx']"),
    ({"url": "https://x", "json": {"path": "status"}},
     f"{W}.json: expected {{path: a.b.0, equals: value}}, found {{'path': 'status'}}"),
    ({"url": "https://x", "headers": {"X-Key": "a\nb"}},
     f"{W}.headers.X-Key: expected a one-line string (value not shown)"),
    ({"tcp": "host"}, f"{W}.tcp: expected host:port with a port from 1 to 65535, found 'host'"),
    ({"tcp": "host:70000"},
     f"{W}.tcp: expected host:port with a port from 1 to 65535, found 'host:70000'"),
    ({"tcp": "h:1", "url": "https://x"}, f"{W}: expected exactly one of url (HTTP) or tcp "
                                         "(host:port)"),
    ("https://x", f"{W}: expected a mapping with url or tcp, found 'https://x'"),
])
def test_error_messages_are_exact(raw: object, message: str) -> None:
    probe, errors = parse_probe(raw, W)
    assert probe is None and errors == [message]


def test_every_problem_is_reported_at_once() -> None:
    _, errors = parse_probe({"url": "https://x", "retries": 9, "down_after": 0,
                             "degraded_ms": "fast", "body": "x"}, W)
    assert [e.split(":")[0] for e in errors] == [
        f"{W}.body", f"{W}.retries", f"{W}.down_after", f"{W}.degraded_ms"]


def test_tcp_probe_refuses_http_keys() -> None:
    _, errors = parse_probe({"tcp": "h:1", "headers": {}}, W)
    assert errors == [f"{W}.headers: unknown key; expected one of degraded_ms, down_after, "
                      "interval_minutes, retries, tcp, timeout_s"]


def test_expand_env_substitutes_url_and_headers_only_at_probe_time() -> None:
    probe, _ = parse_probe({"url": "https://x.example/h?k=${KEY}",
                            "headers": {"Authorization": "Bearer ${TOKEN}"}}, W)
    assert probe is not None and referenced_vars(probe) == ["KEY", "TOKEN"]
    assert "${KEY}" in probe.url  # parsing never needs the secret
    real = expand_env(probe, {"KEY": "k1", "TOKEN": "t1"})
    assert isinstance(real, HttpProbe)
    assert (real.url, real.headers) == ("https://x.example/h?k=k1",
                                        (("Authorization", "Bearer t1"),))


def test_unset_variable_names_it_never_a_value() -> None:
    probe, _ = parse_probe({"url": "https://x.example/",
                            "headers": {"Authorization": "Bearer ${TOKEN}"}}, W)
    assert probe is not None
    with pytest.raises(ConfigError) as info:
        expand_env(probe, {"OTHER": "sekrit"}, where=W)
    assert str(info.value) == f"{W}.headers.Authorization: environment variable TOKEN is not set"


def test_url_from_a_variable_must_still_be_http() -> None:
    probe, errors = parse_probe({"url": "${HEALTH_URL}"}, W)
    assert errors == [] and probe is not None
    with pytest.raises(ConfigError, match=r"url: expected an http:// or https:// URL after"):
        expand_env(probe, {"HEALTH_URL": "file:///etc/passwd"}, where=W)
