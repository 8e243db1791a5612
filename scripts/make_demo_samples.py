"""Write the demo site's probe samples: 90 days, 2 regions, deterministic.

Usage (from the repository root)::

    python scripts/make_demo_samples.py            # rewrites samples/ for the demo
    python scripts/make_demo_samples.py --raw-days 90 --out /tmp/samples   # all raw

The demo components' probes in mkdocs.yml run every 15 minutes (``interval_minutes: 15``)
from two regions, ``auckland`` and ``sydney``; broadband has no probe (its uptime comes
from incidents alone). The samples end at the demo clock, 2026-11-22T21:00:00Z. Then
``compact`` rolls every day older than ``--raw-days`` (default 7) into daily aggregates,
exactly as ``mkstatus compact --older-than 7`` would, so the demo also exercises compacted
history and ``samples/`` stays well under 1 MB in git (90 raw days would be ~6 MB).

What the samples show, matching the demo incidents:

- 2026-10-14 14:12-17:30 NZDT: website, API and dashboard time out in both regions (the
  denial-of-service attack), then the API is slow until 19:05;
- 2026-11-03 10:00-12:30 NZDT: slow API responses (p95 of that day ~3 s);
- 2026-09-05 evening: the Auckland DNS probe times out (a partial outage by itself);
- 2026-11-08 00:15-00:45 NZDT: the dashboard answers 503 inside its maintenance window,
  which is not counted as downtime;
- a single refused connection (not an outage: ``down_after`` is 2), a six-hour gap
  when no runner reported, a slow hour on the website seen from Sydney only, and the
  dashboard's certificate expiring on 2026-12-08 (inside its ``tls_warn_days: 21``);
- the upstream CDN (``cdn``, following Cloudflare's status page): a major outage on
  2026-10-30, degraded then a partial outage on 2026-11-12, and an hour on 2026-11-19 when
  the vendor's page could not be read (no data, not an outage). These samples are
  recorded by the real probe run (``probes/upstream.py``) reading the fixture
  ``tests/fixtures/statuspage/cloudflare.json`` served on 127.0.0.1 with the component's
  status set for each stretch: never the live vendor. The loopback address in an error
  text is written as the vendor's, so the bytes do not depend on the port.

The random generator is seeded, so the same command writes the same bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import socket
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "generator"))

from mkstatus.probes.run import run_probes  # noqa: E402
from mkstatus.probes.upstream import UpstreamProbe  # noqa: E402
from mkstatus.samples.compact import compact  # noqa: E402
from mkstatus.samples.model import Outcome, Sample  # noqa: E402
from mkstatus.samples.store import append_samples  # noqa: E402

NOW = datetime(2026, 11, 22, 21, 0, tzinfo=UTC)
DAYS = 90
INTERVAL = timedelta(minutes=15)
MAX_GAP = 3 * INTERVAL
REGIONS = {"auckland": (7, 0), "sydney": (41, 28)}  # start second offset, extra latency ms


@dataclass(frozen=True)
class Spec:
    base_ms: int
    http: bool = True
    cert: datetime | None = None


COMPONENTS = {
    "dns": Spec(18, http=False),
    "website": Spec(140, cert=datetime(2027, 2, 14, 23, 59, 59, tzinfo=UTC)),
    "api": Spec(95, cert=datetime(2027, 2, 14, 23, 59, 59, tzinfo=UTC)),
    "dashboard": Spec(230, cert=datetime(2026, 12, 8, 11, 0, tzinfo=UTC)),
    "email": Spec(180, cert=datetime(2027, 1, 30, 8, 0, tzinfo=UTC)),
}


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# (component, regions, start, end, outcome or "slow", latency range when slow)
EVENTS = [
    *[(c, ("auckland", "sydney"), _utc("2026-10-14T14:12+13:00"), _utc("2026-10-14T17:30+13:00"),
       Outcome.TIMEOUT, None) for c in ("website", "api", "dashboard")],
    ("api", ("auckland", "sydney"), _utc("2026-10-14T17:30+13:00"),
     _utc("2026-10-14T19:05+13:00"), "slow", (1300, 2600)),
    ("api", ("auckland", "sydney"), _utc("2026-11-03T10:00+13:00"),
     _utc("2026-11-03T12:30+13:00"), "slow", (2200, 4600)),
    ("dns", ("auckland",), _utc("2026-09-05T18:40+12:00"), _utc("2026-09-05T23:40+12:00"),
     Outcome.TIMEOUT, None),
    ("dashboard", ("auckland", "sydney"), _utc("2026-11-08T00:15+13:00"),
     _utc("2026-11-08T00:45+13:00"), Outcome.HTTP_STATUS, None),
    ("website", ("sydney",), _utc("2026-10-30T16:00+13:00"), _utc("2026-10-30T16:10+13:00"),
     Outcome.REFUSED, None),
    ("website", ("sydney",), _utc("2026-11-12T08:00+13:00"), _utc("2026-11-12T09:00+13:00"),
     "slow", (1600, 2400)),
]
GAPS = [(_utc("2026-10-01T02:00+13:00"), _utc("2026-10-01T08:00+13:00"))]
ERRORS = {Outcome.TIMEOUT: "no response within 10 s", Outcome.REFUSED: "connection refused",
          Outcome.HTTP_STATUS: "HTTP 503, expected 200 or 404"}


def _latency(rng: random.Random, spec: Spec, region_ms: int, t: datetime) -> int:
    """A daily rhythm (busiest in the New Zealand evening) with log-normal noise."""
    local_hour = (t.hour + 13) % 24
    rhythm = 1 + 0.35 * max(0.0, math.sin((local_hour - 13) / 24 * 2 * math.pi))
    return max(3, round((spec.base_ms + region_ms) * rhythm * rng.lognormvariate(0, 0.18)))


def _event(comp: str, region: str, t: datetime) -> tuple[object, tuple[int, int] | None] | None:
    for c, regions, start, end, what, slow in EVENTS:
        if c == comp and region in regions and start <= t < end:
            return what, slow
    return None


def _sample(rng: random.Random, comp: str, region: str, t: datetime) -> Sample:
    spec = COMPONENTS[comp]
    latency = _latency(rng, spec, REGIONS[region][1], t)
    event = _event(comp, region, t)
    code = 200 if spec.http else None
    cert = spec.cert if spec.http else None
    if event is None:
        return Sample(t, comp, region, Outcome.OK, code, latency, cert)
    what, slow = event
    if what == "slow" and slow is not None:
        return Sample(t, comp, region, Outcome.DEGRADED, code, rng.randint(*slow), cert)
    assert isinstance(what, Outcome)
    if what is Outcome.HTTP_STATUS:
        return Sample(t, comp, region, what, 503, latency, cert, ERRORS[what])
    return Sample(t, comp, region, what, error=ERRORS[what])


UPSTREAM = ("cdn", "CDN/Cache", "https://www.cloudflarestatus.com")
FIXTURE = REPO / "tests" / "fixtures" / "statuspage" / "cloudflare.json"
VENDOR_EVENTS = [  # (start, end, the vendor's status, or "unreachable")
    (_utc("2026-10-30T09:10+13:00"), _utc("2026-10-30T09:55+13:00"), "major_outage"),
    (_utc("2026-11-12T14:00+13:00"), _utc("2026-11-12T15:20+13:00"), "degraded_performance"),
    (_utc("2026-11-12T15:20+13:00"), _utc("2026-11-12T16:40+13:00"), "partial_outage"),
    (_utc("2026-11-19T03:00+13:00"), _utc("2026-11-19T04:00+13:00"), "unreachable"),
]


def record_vendor() -> dict[str, tuple[Outcome, int | None, str | None]]:
    """(outcome, HTTP code, error) of one real probe run per vendor state, the fixture
    served on 127.0.0.1 with the followed component's status set to that state."""
    cid, name, page = UPSTREAM
    fixture = json.loads(FIXTURE.read_text())
    bodies = {}
    for state in ("operational", *{e[2] for e in VENDOR_EVENTS} - {"unreachable"}):
        doc = json.loads(json.dumps(fixture))
        for item in doc["components"]:
            if item["name"] == name:
                item["status"] = state
        bodies[f"/{state}/api/v2/components.json"] = json.dumps(doc).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body = bodies.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, never listening: the connection is refused
    base = f"http://127.0.0.1:{server.server_port}"
    unreachable = f"http://127.0.0.1:{closed.getsockname()[1]}"
    states = [s.strip("/").split("/")[0] for s in bodies]
    probes = [(state, UpstreamProbe(f"{base}/{state}", name, timeout_s=5)) for state in states]
    probes.append(("unreachable", UpstreamProbe(unreachable, name, timeout_s=5)))
    try:
        found = run_probes(probes, region="demo", environ={}, now=lambda: NOW)
    finally:
        server.shutdown()
        closed.close()
    out = {}
    for s in found:
        error = s.error
        for local in (f"{base}/{s.component}", unreachable):
            error = error.replace(local, page) if error else error
        out[s.component] = (s.outcome, s.http_code, error)
    return out


def upstream_samples() -> list[Sample]:
    """The followed vendor's samples, in the same 15-minute slots from both regions."""
    recorded = record_vendor()
    start = (NOW - timedelta(days=DAYS)).replace(hour=0, minute=0)
    out = []
    slot = start
    while slot <= NOW:
        for region, (offset_s, _) in REGIONS.items():
            t = slot + timedelta(seconds=offset_s + 5)
            if t > NOW or any(a <= t < b for a, b in GAPS):
                continue
            state = next((e[2] for e in VENDOR_EVENTS if e[0] <= t < e[1]), "operational")
            outcome, code, error = recorded[state]
            out.append(Sample(t, UPSTREAM[0], region, outcome, code, None, None, error))
        slot += INTERVAL
    return out


def generate(seed: int = 20261122) -> list[Sample]:
    """Every sample, in time order: one per component, region and 15-minute slot."""
    rng = random.Random(seed)
    start = (NOW - timedelta(days=DAYS)).replace(hour=0, minute=0)
    out = []
    slot = start
    while slot <= NOW:
        for region, (offset_s, _) in REGIONS.items():
            t = slot + timedelta(seconds=offset_s, milliseconds=rng.randrange(0, 1000, 250))
            if t > NOW or any(a <= t < b for a, b in GAPS):
                continue
            out.extend(_sample(rng, comp, region, t) for comp in COMPONENTS)
        slot += INTERVAL
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "samples",
                        help="samples folder to rewrite (default: the demo's samples/)")
    parser.add_argument("--raw-days", type=int, default=7,
                        help="days kept as raw samples; older ones are compacted (default 7)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for year in args.out.glob("[0-9][0-9][0-9][0-9]"):
        shutil.rmtree(year)  # only the day folders this script writes
    samples = generate() + upstream_samples()
    append_samples(args.out, samples)
    report = compact(args.out, older_than_days=args.raw_days, now=NOW, max_gap=MAX_GAP)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"{len(samples)} samples; {report.files_compacted} day-files compacted; "
          f"{size:,} bytes in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
