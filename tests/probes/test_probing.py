"""Probes against loopback servers that misbehave: one sample each, right outcome, on time."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from mkstatus.errors import ConfigError
from mkstatus.probes.config import HttpProbe, Probe, TcpProbe
from mkstatus.probes.errors import classify, redact_url, scrub, secret_forms
from mkstatus.probes.run import run_probes
from mkstatus.samples.model import Outcome, Sample
from mkstatus.samples.store import append_samples

from tests.probe_servers import FaultServer, FullBacklog, refused_port, tls_contexts

DEADLINE = 1.0
AMPLE = 10.0
CANARY = "S3CR3T-CANARY"
ENV = {"TOKEN": CANARY, "PASS": CANARY + "-pw"}


def clock() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(scope="module")
def http_server() -> Iterator[FaultServer]:
    server = FaultServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    ctxs = tls_contexts(tmp_path_factory.mktemp("tls"))
    servers = {k: FaultServer(tls=v) for k, v in ctxs.items() if k not in ("bundle",
                                                                           "expiring_not_after")}
    yield {"servers": servers, **ctxs}
    for s in servers.values():
        s.close()


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``nxdomain.test`` and ``*.invalid`` fail to resolve; ``*.loopback.test`` is
    127.0.0.1; ``hang.test`` blocks until the test ends."""
    real, release = socket.getaddrinfo, threading.Event()

    def fake(host: object, *args: object, **kwargs: object) -> object:
        if host == "nxdomain.test" or str(host).endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if str(host).endswith(".loopback.test"):
            host = "127.0.0.1"
        if host == "hang.test":
            release.wait(30)
            raise socket.gaierror(socket.EAI_AGAIN, "gave up")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    yield
    release.set()


@pytest.fixture
def full_backlog() -> Iterator[FullBacklog]:
    fb = FullBacklog()
    yield fb
    fb.close()


def http(url: str, **kw: object) -> HttpProbe:
    kw.setdefault("timeout_s", DEADLINE)
    return HttpProbe(url=url, **kw)  # type: ignore[arg-type]


def fault_cases(srv: FaultServer, tls: dict[str, object] | None,
                backlog_port: int) -> dict[str, tuple[Probe, Outcome]]:
    """Every fault from QUALITY.md, each with the outcome it must produce."""
    u = srv.url
    cases: dict[str, tuple[Probe, Outcome]] = {
        "refused": (http(f"http://127.0.0.1:{refused_port()}/"), Outcome.REFUSED),
        "connect_timeout": (http(f"http://127.0.0.1:{backlog_port}/"), Outcome.TIMEOUT),
        "dns_failure": (http("http://nxdomain.test/"), Outcome.DNS),
        "dns_hang": (http("http://hang.test/"), Outcome.TIMEOUT),
        "no_response": (http(u("/silent")), Outcome.TIMEOUT),
        "closed_without_response": (http(u("/close")), Outcome.PROTOCOL),
        "trickled_headers": (http(u("/trickle-headers")), Outcome.TIMEOUT),
        "trickled_body": (http(u("/trickle-body")), Outcome.TIMEOUT),
        "huge_body": (http(u("/huge")), Outcome.BODY_TOO_LARGE),
        "gzip_bomb": (http(u("/gzip-bomb")), Outcome.BODY_TOO_LARGE),
        "bad_chunked": (http(u("/bad-chunked")), Outcome.PROTOCOL),
        "short_body": (http(u("/short")), Outcome.PROTOCOL),
        "reset": (http(u("/reset")), Outcome.RESET),
        "not_http": (http(u("/not-http")), Outcome.PROTOCOL),
        "redirect_self": (http(u("/loop")), Outcome.REDIRECTS),
        "redirect_loop": (http(u("/loop-a")), Outcome.REDIRECTS),
        "redirect_file": (http(u("/to-file")), Outcome.REDIRECTS),
        "http_404": (http(u("/404")), Outcome.HTTP_STATUS),
        "http_503": (http(u("/503")), Outcome.HTTP_STATUS),
        "unexpected_code": (http(u("/ok"), expect_status=(204,)), Outcome.HTTP_STATUS),
        "body_mismatch": (http(u("/text"), body_contains="ok"), Outcome.BODY_MISMATCH),
        "json_mismatch": (http(u("/json-down"), json_path="status", json_equals="ok"),
                          Outcome.JSON_MISMATCH),
        "json_true_is_not_1": (http(u("/json-one"), json_path="status", json_equals=True),
                               Outcome.JSON_MISMATCH),
        "json_not_utf8": (http(u("/latin1"), json_path="status", json_equals="ok"),
                          Outcome.JSON_MISMATCH),
        "non_utf8_keyword_ok": (http(u("/latin1"), body_contains='"ok"'), Outcome.OK),
        "degraded": (http(u("/slow"), timeout_s=3, degraded_ms=300), Outcome.DEGRADED),
        "tcp_refused": (TcpProbe("127.0.0.1", refused_port(), timeout_s=DEADLINE),
                        Outcome.REFUSED),
        "tcp_timeout": (TcpProbe("127.0.0.1", backlog_port, timeout_s=DEADLINE),
                        Outcome.TIMEOUT),
        "tcp_dns": (TcpProbe("nxdomain.test", 80, timeout_s=DEADLINE), Outcome.DNS),
    }
    if tls:
        servers, bundle = tls["servers"], tls["bundle"]
        for name, outcome in [("expired", Outcome.TLS_EXPIRED), ("not_yet", Outcome.TLS_EXPIRED),
                              ("hostname", Outcome.TLS_HOSTNAME),
                              ("untrusted", Outcome.TLS_UNTRUSTED), ("expiring", Outcome.OK)]:
            cases[f"tls_{name}"] = (http(servers[name].url(), ca_bundle=bundle),  # type: ignore[index]
                                    outcome)
        cases["tls_system_store"] = (http(servers["good"].url()), Outcome.TLS_UNTRUSTED)  # type: ignore[index]
    return {name: (_ample(probe, outcome), outcome) for name, (probe, outcome) in cases.items()}


def _ample(probe: Probe, outcome: Outcome) -> Probe:
    """Faults that must end in `timeout` keep the 1 s deadline; every other case gets 10 s
    and must reach its own outcome long before, even on a loaded CI machine (a TLS
    handshake or a gzip bomb under load could otherwise lose a race with 1 s)."""
    if outcome is Outcome.TIMEOUT or probe.timeout_s != DEADLINE:
        return probe
    return replace(probe, timeout_s=AMPLE)


def _one(probe: Probe, **kw: object) -> tuple[Sample, float]:
    started = time.monotonic()
    samples = run_probes([("api", probe)], region="eu", environ=ENV, now=clock, **kw)  # type: ignore[arg-type]
    assert len(samples) == 1
    return samples[0], time.monotonic() - started


@pytest.mark.parametrize("name", [
    "refused", "connect_timeout", "dns_failure", "dns_hang", "no_response",
    "closed_without_response", "trickled_headers", "trickled_body", "huge_body", "gzip_bomb",
    "bad_chunked", "short_body", "reset", "not_http", "redirect_self", "redirect_loop",
    "redirect_file", "http_404", "http_503", "unexpected_code", "body_mismatch",
    "json_mismatch", "json_true_is_not_1", "json_not_utf8", "non_utf8_keyword_ok", "degraded",
    "tcp_refused", "tcp_timeout", "tcp_dns", "tls_expired", "tls_not_yet", "tls_hostname",
    "tls_untrusted", "tls_expiring", "tls_system_store",
])
def test_each_fault_yields_one_sample_on_time(
    name: str, http_server: FaultServer, tls: dict[str, object], fake_dns: None,
    full_backlog: FullBacklog,
) -> None:
    probe, expected = fault_cases(http_server, tls, full_backlog.port)[name]
    sample, elapsed = _one(probe)
    got = (sample.outcome, sample.component, sample.region)
    assert got == (expected, "api", "eu"), sample.error
    assert elapsed < probe.timeout_s + 5  # a trickling server would take 50 s: cut at the deadline
    assert sample.time.tzinfo is not None
    if expected.failed:
        assert sample.error and len(sample.error) <= 200
    else:
        assert sample.error is None or expected is Outcome.DEGRADED


def test_all_faults_in_one_run_with_a_healthy_probe(
    http_server: FaultServer, tls: dict[str, object], fake_dns: None, full_backlog: FullBacklog
) -> None:
    cases = fault_cases(http_server, tls, full_backlog.port)
    probes = [(name, probe) for name, (probe, _) in cases.items()]
    probes.append(("healthy", http(http_server.url("/to-ok"), body_contains='"ok"',
                                   json_path="checks.0.db", json_equals=True)))
    seen: list[Sample] = []
    started = time.monotonic()
    samples = run_probes(probes, region="eu", environ=ENV, now=clock, on_result=seen.append)
    elapsed = time.monotonic() - started
    assert [s.component for s in samples] == [c for c, _ in probes]
    assert sorted(seen, key=lambda s: s.component) == sorted(samples, key=lambda s: s.component)
    got = {s.component: s.outcome for s in samples}
    assert got == {**{n: o for n, (_, o) in cases.items()}, "healthy": Outcome.OK}
    assert elapsed < AMPLE + 5  # each probe ends by its own deadline (see the barrier test)


def test_ok_sample_records_code_latency_and_cert_expiry(tls: dict[str, object]) -> None:
    srv = tls["servers"]["expiring"]  # type: ignore[index]
    sample, _ = _one(http(srv.url(), ca_bundle=tls["bundle"]))
    assert sample.outcome is Outcome.OK and sample.http_code == 200
    assert sample.latency_ms is not None and sample.latency_ms < 1000
    expected = tls["expiring_not_after"]
    assert sample.cert_expires is not None
    assert abs(sample.cert_expires - expected) < timedelta(seconds=2)  # type: ignore[operator]


def test_retries_make_further_attempts_each_with_its_own_deadline(
    http_server: FaultServer,
) -> None:
    before = sum(1 for p, _ in http_server.requests if p == "/silent")
    sample, elapsed = _one(http(http_server.url("/silent"), timeout_s=0.5, retries=2))
    assert sample.outcome is Outcome.TIMEOUT
    assert sum(1 for p, _ in http_server.requests if p == "/silent") - before == 3
    assert 1.4 < elapsed < 1.5 + 5  # three attempts, each cut at its own deadline


def test_probes_are_all_in_flight_at_once() -> None:
    """The server answers only when all 50 requests are waiting together (a barrier), so
    the run can only succeed if every probe is in flight at the same time; run one by
    one, each would wait out the barrier and get a 500."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    parties = 50
    barrier = threading.Barrier(parties, timeout=20)

    class Gate(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            try:
                barrier.wait()
                code, body = 200, b"ok"
            except threading.BrokenBarrierError:
                code, body = 500, b"alone"
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Gate)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/gate"
        probes = [(f"c{i}", http(url, timeout_s=30)) for i in range(parties)]
        samples = run_probes(probes, region="eu", environ={}, now=clock)
    finally:
        server.shutdown()
        server.server_close()
    assert [s.outcome for s in samples] == [Outcome.OK] * parties


def test_unset_variable_is_a_config_error_naming_it_before_any_request(
    http_server: FaultServer,
) -> None:
    before = len(http_server.requests)
    probe = http(http_server.url("/ok?key=${MISSING_KEY}"))
    with pytest.raises(ConfigError, match="component api: probe.url: environment variable "
                                          "MISSING_KEY is not set"):
        run_probes([("api", probe)], region="eu", environ={}, now=clock)
    assert len(http_server.requests) == before


def test_unexpected_exception_becomes_a_protocol_sample(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import mkstatus.probes.run as probing

    def boom(probe: object, secrets: object) -> object:
        raise RuntimeError(f"bug with {CANARY}")

    monkeypatch.setattr(probing, "_probe_once", boom)
    with caplog.at_level(logging.DEBUG):
        sample, _ = _one(http("http://127.0.0.1:9/", headers=(("X-Key", "${TOKEN}"),)))
    assert sample.outcome is Outcome.PROTOCOL and sample.error == "unexpected RuntimeError"
    assert "RuntimeError" in caplog.text and CANARY not in caplog.text


def test_configured_headers_are_not_sent_to_another_origin(http_server: FaultServer) -> None:
    other = FaultServer()
    try:
        hop = FaultServer(routes={"/go": lambda c: c.respond(302, headers={
            "Location": other.url("/echo")})})
        try:
            probe = http(hop.url("/go"), headers=(("X-Api-Key", "${TOKEN}"),))
            sample, _ = _one(probe)
        finally:
            hop.close()
    finally:
        other.close()
    assert sample.outcome is Outcome.HTTP_STATUS and sample.http_code == 400
    assert hop.requests[0][1]["x-api-key"] == CANARY
    assert "x-api-key" not in other.requests[0][1]


def test_secret_canary_never_written_whatever_the_fault(
    http_server: FaultServer, tls: dict[str, object], fake_dns: None, full_backlog: FullBacklog,
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    def secretive(p: Probe) -> Probe:
        if isinstance(p, TcpProbe):
            return p
        scheme, rest = p.url.split("://", 1)
        url = f"{scheme}://user:${{PASS}}@{rest}?token=${{TOKEN}}&v=1"
        return HttpProbe(**{**{f: getattr(p, f) for f in p.__slots__},  # type: ignore[arg-type]
                            "url": url, "headers": (("X-Api-Key", "${TOKEN}"),
                                                    ("Authorization", "Bearer ${TOKEN}"))})

    cases = fault_cases(http_server, tls, full_backlog.port)
    cases["echo"] = (http(http_server.url("/echo")), Outcome.HTTP_STATUS)
    probes = [(name, secretive(p)) for name, (p, _) in cases.items()]
    with caplog.at_level(logging.DEBUG):
        samples = run_probes(probes, region="eu", environ=ENV, now=clock)
        append_samples(tmp_path, samples)
    assert {s.component: s.outcome for s in samples} == {n: o for n, (_, o) in cases.items()}
    assert all(CANARY not in repr(s) for s in samples)
    assert all(CANARY not in str(s.error) for s in samples)
    written = b"".join(p.read_bytes() for p in tmp_path.rglob("*.jsonl"))
    assert written.count(b"\n") == len(samples) and CANARY.encode() not in written
    assert "127.0.0.1" in caplog.text  # urllib3 did log at DEBUG: the check below has teeth
    assert CANARY not in caplog.text


def test_environment_values_are_secret_in_every_position(
    http_server: FaultServer, fake_dns: None, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    """A value from the environment is a secret wherever it lands: path, host (which URL
    parsing lower-cases), query, userinfo, headers and the body matchers; each probe fails
    in a way whose error text names the URL, so a leak would show."""
    refused, port = refused_port(), http_server.port
    positions = {
        "path": http(f"http://127.0.0.1:{refused}/v1/${{TOKEN}}/health"),
        "host_dns": http("http://${TOKEN}.invalid/health"),
        "host_timeout": http(f"http://${{TOKEN}}.loopback.test:{port}/silent"),
        "query": http(f"http://127.0.0.1:{refused}/?key=${{TOKEN}}"),
        "userinfo": http(f"http://me:${{TOKEN}}@127.0.0.1:{refused}/"),
        "header": http(f"http://127.0.0.1:{refused}/", headers=(("X-Key", "${TOKEN}"),)),
        "body_contains": http(http_server.url("/text"), body_contains="${TOKEN}"),
        "json_equals": http(http_server.url("/json-down"), json_path="status",
                            json_equals="${TOKEN}"),
    }
    with caplog.at_level(logging.DEBUG):
        samples = run_probes(list(positions.items()), region="eu", environ=ENV, now=clock)
        append_samples(tmp_path, samples)
    assert {s.component: s.outcome.value for s in samples} == {
        "path": "refused", "host_dns": "dns", "host_timeout": "timeout", "query": "refused",
        "userinfo": "refused", "header": "refused", "body_contains": "body_mismatch",
        "json_equals": "json_mismatch"}
    errors = {s.component: s.error for s in samples}
    assert errors["path"] == f"connection refused at http://127.0.0.1:{refused}/v1/***/health"
    assert errors["host_dns"] == "name resolution failed at http://***.invalid/health"
    written = b"".join(p.read_bytes() for p in tmp_path.rglob("*.jsonl"))
    for text in (written.decode(), caplog.text, *map(repr, samples)):
        assert CANARY.lower() not in text.lower()
    assert "127.0.0.1" in caplog.text  # urllib3 did log at DEBUG: the check has teeth


def test_body_matchers_take_variables_from_the_environment(http_server: FaultServer) -> None:
    env = {"WORD": "hello", "STATE": "down"}
    probes = [("body", http(http_server.url("/text"), body_contains="${WORD} world")),
              ("json", http(http_server.url("/json-down"), json_path="status",
                            json_equals="${STATE}"))]
    samples = run_probes(probes, region="eu", environ=env, now=clock)
    assert [s.outcome for s in samples] == [Outcome.OK, Outcome.OK]


def test_redact_url_drops_userinfo_query_and_fragment() -> None:
    assert redact_url("https://u:p@Host.example:8443/a/b?t=1#f") == "https://host.example:8443/a/b"
    assert redact_url("http://[::1]:80/x?y") == "http://[::1]:80/x"


def test_scrub_removes_secrets_and_control_chars_and_caps_length() -> None:
    assert scrub(f"a{CANARY}b\x00\x1b[31m\n", {CANARY}) == "a***b  [31m "
    forms = secret_forms([CANARY + " /x"])
    assert scrub(f"http://{CANARY.lower()}%20/x.example/?k={CANARY}+%2Fx", forms) == (
        "http://***.example/?k=***")
    assert len(scrub("x" * 500, set())) == 200


def test_classify_orders_ssl_and_connect_timeout_before_connection_error() -> None:
    import requests

    assert classify(requests.exceptions.ConnectTimeout("x"))[0] is Outcome.TIMEOUT
    assert classify(requests.exceptions.SSLError("x"))[0] is Outcome.TLS_ERROR
    assert classify(requests.exceptions.ConnectionError(ConnectionRefusedError()))[0] is (
        Outcome.REFUSED)
    assert classify(KeyError("x")) == (Outcome.PROTOCOL, "unexpected KeyError")
