"""Page weight of the built demo, as Debian's Chromium loads it over gzip from 127.0.0.1.

    .venv/bin/python bench/page_weight.py [--site DIR] [--now TIME]

Prints, per page type (home, incident, history, component), the requests and bytes
transferred on a cold cache and on a warm one, the largest assets, and where the status
banner starts in the home page's HTML; then the budget of ../shared/QUALITY.md checked
against those figures. A benchmark prints figures: it never fails a test run.

The server gzips text like a static host and sends the site's own `_headers` cache rules,
with one change: the 60-second lifetimes are sent as `max-age=0`, so the warm visit is a
reader who comes back after a minute (HTML revalidated, fingerprinted assets from cache).
Bytes are Chromium's `encodedDataLength` (headers and gzipped body, as on the wire).
"""

from __future__ import annotations

import argparse
import gzip
import re
import subprocess
import sys
import tempfile
import threading
import zlib
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEMO_NOW = "2026-11-22T21:00:00Z"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        # other hosts do not resolve: any such request is listed, never sent
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
PAGES = {"home": "/", "incident": "/incidents/2026-11-22-email-delivery-delays/",
         "history": "/history/", "component": "/components/email/"}
TEXT = ("text/", "application/javascript", "application/json", "image/svg+xml",
        "application/xml", "application/rss+xml", "application/atom+xml")
BUDGET_REQUESTS, BUDGET_BYTES, BUDGET_BANNER = 5, 70 * 1024, 14 * 1024


def header_rules(site: Path) -> list[tuple[re.Pattern[str], list[tuple[str, str]]]]:
    """The site's Netlify-style `_headers`, as (path pattern, headers) pairs."""
    rules: list[tuple[re.Pattern[str], list[tuple[str, str]]]] = []
    source = site / "_headers"
    for line in source.read_text().splitlines() if source.exists() else []:
        if not line.strip() or line.startswith("#"):
            continue
        if not line[0].isspace():
            pattern = re.escape(line.strip()).replace(r"\*", ".*")
            rules.append((re.compile(re.sub(r":[a-z]+", "[^/]+", pattern) + "$"), []))
        elif rules:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip().replace("max-age=60", "max-age=0")))
    return rules


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files with gzip, `_headers` rules and Last-Modified revalidation."""

    rules: list[tuple[re.Pattern[str], list[tuple[str, str]]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return
        mtime = int(path.stat().st_mtime)
        since = self.headers.get("If-Modified-Since")
        if since and parsedate_to_datetime(since).timestamp() >= mtime:
            self.send_response(304)
            self._extra_headers()
            self.end_headers()
            return
        body, ctype = path.read_bytes(), self.guess_type(str(path))
        gzipped = ctype.startswith(TEXT) and "gzip" in self.headers.get("Accept-Encoding", "")
        if gzipped:
            body = gzip.compress(body, compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self._extra_headers()
        self.end_headers()
        self.wfile.write(body)

    def _extra_headers(self) -> None:
        url_path = self.path.split("?", 1)[0]
        for pattern, headers in self.rules:
            if pattern.match(url_path):
                for name, value in headers:
                    self.send_header(name, value)


@dataclass
class Load:
    """What one navigation fetched from the network (cache hits excluded)."""

    fetched: dict[str, int] = field(default_factory=dict)  # url -> bytes on the wire
    foreign: list[str] = field(default_factory=list)  # other hosts: blocked, listed

    @property
    def requests(self) -> int:
        return len(self.fetched)

    @property
    def size(self) -> int:
        return sum(self.fetched.values())


def measure(context: Any, url: str) -> Load:
    """Navigate and sum CDP's encodedDataLength per request that reached the server.
    No request interception here: Playwright's routing disables the HTTP cache."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    origin = "/".join(url.split("/", 3)[:3]) + "/"
    urls: dict[str, str] = {}
    cached: set[str] = set()
    load = Load()

    def sent(e: dict[str, Any]) -> None:
        urls[e["requestId"]] = e["request"]["url"]
        if not e["request"]["url"].startswith((origin, "data:")):
            load.foreign.append(e["request"]["url"])

    def received(e: dict[str, Any]) -> None:
        if e["response"].get("fromDiskCache") or e["response"].get("fromMemoryCache"):
            cached.add(e["requestId"])

    def finished(e: dict[str, Any]) -> None:
        if e["requestId"] not in cached and not urls.get(e["requestId"], "").startswith("data:"):
            load.fetched[urls[e["requestId"]]] = int(e["encodedDataLength"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="networkidle")
    page.close()
    return load


def banner_offsets(html: bytes) -> tuple[int, int]:
    """Where the banner starts: in the HTML, and in its gzip stream (what must arrive)."""
    at = html.find(b'class="mks-banner')
    if at < 0:
        return -1, -1
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    return at, len(packer.compress(html[:at]) + packer.flush(zlib.Z_SYNC_FLUSH))


def build_demo(now: str, dest: Path) -> Path:
    subprocess.run([sys.executable, "-m", "mkstatus", "build", "--now", now, "-d", str(dest)],
                   cwd=REPO, check=True, capture_output=True)
    return dest


def run(site: Path) -> dict[str, tuple[Load, Load]]:
    """Cold and warm loads of each page type, each cold one in a fresh context."""
    from playwright.sync_api import sync_playwright

    GzipHandler.rules = header_rules(site)
    handler = lambda *a, **k: GzipHandler(*a, directory=str(site), **k)  # noqa: E731
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    results: dict[str, tuple[Load, Load]] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name, path in PAGES.items():
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                cold = measure(context, origin + path)
                warm = measure(context, origin + path)
                context.close()
                results[name] = (cold, warm)
            browser.close()
    finally:
        server.shutdown()
    return results


def report(site: Path, results: dict[str, tuple[Load, Load]]) -> None:
    kb = 1024
    print(f"{'page':<10} {'cold req':>8} {'cold KB':>8} {'warm req':>8} {'warm KB':>8}")
    for name, (cold, warm) in results.items():
        print(f"{name:<10} {cold.requests:>8} {cold.size / kb:>8.1f} "
              f"{warm.requests:>8} {warm.size / kb:>8.1f}")
    sizes: dict[str, int] = {}
    for cold, _ in results.values():
        for url, size in cold.fetched.items():
            sizes[re.sub(r"^https?://[^/]+", "", url)] = size
    print("\nlargest transfers (cold, gzip, bytes on the wire):")
    for url, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:6]:
        print(f"  {size / kb:>7.1f} KB  {url}")
    raw, packed = banner_offsets((site / "index.html").read_bytes())
    print(f"\nhome banner starts at byte {raw} of the HTML ({packed} bytes into its gzip)")
    cold = results["home"][0]
    searched = [u for u in sizes if "search" in u]
    print("\nbudget for cold /:")
    print(f"  requests {cold.requests} <= {BUDGET_REQUESTS}: "
          f"{'ok' if cold.requests <= BUDGET_REQUESTS else 'OVER'}")
    print(f"  bytes {cold.size} <= {BUDGET_BYTES}: "
          f"{'ok' if cold.size <= BUDGET_BYTES else 'OVER'}")
    print(f"  banner byte {raw} <= {BUDGET_BANNER}: "
          f"{'ok' if 0 <= raw <= BUDGET_BANNER else 'OVER'}")
    print(f"  search index fetched: {searched or 'no'}")
    foreign = sorted({u for loads in results.values() for load in loads for u in load.foreign})
    print(f"  requests to other hosts (blocked): {foreign or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the demo)")
    parser.add_argument("--now", default=DEMO_NOW, help="the demo build's clock")
    args = parser.parse_args()
    if args.site and not (args.site / "index.html").is_file():
        parser.error(f"{args.site} has no index.html: build the site first")
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or build_demo(args.now, Path(tmp) / "site")
        report(site, run(site))


if __name__ == "__main__":
    main()
