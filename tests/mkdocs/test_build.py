"""Real builds end to end: reproducible, escaped, linear navigation, MkDocs compatible."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lxml import html as lxml_html

from tests.conftest import copy_demo, mkstatus
from tests.incidents.test_bad_input import _tree_digest


def test_same_source_date_epoch_gives_identical_bytes(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    env = {"SOURCE_DATE_EPOCH": "1795467600"}  # 2026-11-22T21:00:00Z
    mkstatus("build", "-d", str(tmp_path / "one"), cwd=root, env=env, check=True)
    mkstatus("build", "-d", str(tmp_path / "two"), cwd=root, env=env, check=True)
    assert _tree_digest(tmp_path / "one") == _tree_digest(tmp_path / "two")
    atom = (tmp_path / "one" / "history.atom").read_text()
    assert "<updated>2026-11-22T20:25:00+00:00</updated>" in atom


def test_home_page_tells_the_status_without_javascript(demo_site: Path) -> None:
    page = lxml_html.parse(str(demo_site / "index.html")).getroot()
    for script in page.iter("script"):
        script.drop_tree()
    banner = page.cssselect("h1.mks-banner-text")[0].text_content()
    assert "Minor Service Outage" in banner
    text = page.text_content()
    assert "Delays sending and receiving email" in text
    assert "Core network upgrade in Auckland" in text  # upcoming maintenance
    assert "Last updated 2026-11-23 10:00 NZDT" in " ".join(text.split())
    rows = {li.cssselect(".mks-cname")[0].text_content(): li.cssselect(".mks-status")[0]
            .text_content() for li in page.cssselect(".mks-component")}
    assert rows["Email"] == "Degraded performance"
    assert rows["Broadband"] == "Operational"
    assert page.cssselect("title")[0].text == "⚠ Minor Service Outage — Example Networks Status"
    raw = (demo_site / "index.html").read_bytes()
    assert raw.index(b"mks-banner") < 14_000


def test_incident_page_has_timeline_duration_and_postmortem(demo_site: Path) -> None:
    page = lxml_html.parse(str(
        demo_site / "incidents/2026-09-05-customers-cannot-browse/index.html")).getroot()
    text = " ".join(" ".join(page.itertext()).split())
    assert "Started 2026-09-05 18:30 NZST" in text
    assert "Resolved 2026-09-06 09:00 NZST" in text and "Duration 14 h 30 min" in text
    heads = [h.text_content().split()[0] for h in page.cssselect(".mks-update-head")]
    assert heads == ["Resolved", "Monitoring", "Identified", "Investigating"]
    assert page.cssselect("#postmortem") and "What we are changing" in text


def test_navigation_stays_short(demo_site: Path) -> None:
    """Material renders the nav into every page: listing every incident is quadratic."""
    page = lxml_html.parse(str(
        demo_site / "incidents/2026-10-14-denial-of-service-attack/index.html")).getroot()
    nav_links = {a.get("href") for a in page.cssselect("nav.md-nav--primary a.md-nav__link")}
    assert not any("incidents/" in (href or "") for href in nav_links)


HOSTILE_YML = """site_name: "Evil </title><script>alert(1)</script> & Co"
site_url: https://status.example.com/
theme: {name: material, font: false}
plugins:
  - mkstatus:
      timezone: UTC
      contact: "<img src=x onerror=alert(2)> [call](javascript:alert(3))"
      components:
        - id: api
          name: "<script>alert(4)</script>"
          description: "]]> </description>"
"""
HOSTILE_INCIDENT = """---
title: "</title><script>alert(5)</script> ]]> [x](javascript:alert(6))"
impact: major
components: {api: major_outage}
---
## 2026-01-01 10:00 Z — Investigating
Trusted **Markdown** with a bell \a in it.
"""


def test_hostile_text_is_shown_as_text_everywhere(tmp_path: Path) -> None:
    """Control characters in titles and names are refused by `check` (test_bad_input);
    the bell in the trusted Markdown body is dropped from every page."""
    (tmp_path / "mkdocs.yml").write_text(HOSTILE_YML)
    (tmp_path / "docs").mkdir()
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / "2026-01-01-evil.md").write_text(HOSTILE_INCIDENT)
    mkstatus("build", "--now", "2026-01-02T00:00Z", cwd=tmp_path, check=True)
    site = tmp_path / "site"
    for page in site.rglob("*.html"):
        text = page.read_text()
        for n in range(1, 7):
            assert f"alert({n})</script>" not in text.replace(f"&lt;script&gt;alert({n})", "")
            assert f"<script>alert({n})" not in text, page
        assert "<img src=x" not in text and 'href="javascript:' not in text, page
        assert "\x07" not in text and "\x1b" not in text
    import feedparser

    feed = feedparser.parse((site / "history.atom").read_bytes())
    assert feed.bozo == 0
    assert feed.entries[0].title.startswith("</title><script>alert(5)</script> ]]>")
    home = lxml_html.parse(str(site / "incidents/2026-01-01-evil/index.html")).getroot()
    assert home.cssselect("h1")[0].text_content().startswith("</title><script>alert(5)")


def test_plain_mkdocs_build_works(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1795467600"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (root / "site/incidents/2026-11-22-email-delivery-delays/index.html").is_file()
    assert "WARNING" not in result.stderr


def test_generated_page_may_not_shadow_a_hand_written_one(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    (root / "docs" / "history.md").write_text("# Mine\n")
    result = mkstatus("build", "--now", "2026-11-22T21:00Z", cwd=root)
    assert result.returncode == 1
    assert "history.md: generated by mkstatus (pages) and also present in docs as" in \
        result.stderr
    assert not (root / "site").exists()


def test_killed_build_leaves_the_published_site_and_is_swept(tmp_path: Path) -> None:
    """kill -9 while MkDocs writes the staging folder: `site/` stays byte-identical and the
    next build removes the leftovers."""
    import signal
    import time

    root = copy_demo(tmp_path / "demo")
    mkstatus("build", "--now", "2026-11-22T21:00Z", cwd=root, check=True)
    before = _tree_digest(root / "site")
    for i in range(300):  # enough pages that the build is still writing when killed
        (root / "incidents" / f"2026-10-01-extra-{i}.md").write_text(
            f"---\ntitle: Extra {i}\nimpact: minor\ncomponents: {{api: partial_outage}}\n---\n"
            f"## 2026-10-01 10:00 Z — Investigating\nText {i}.\n\n"
            "## 2026-10-01 11:00 Z — Resolved\nDone.\n")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen([sys.executable, "-m", "mkstatus", "build", "--now",
                                "2026-11-22T22:00Z"], cwd=root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging: list[Path] = []
    for _ in range(6000):  # wait (up to a minute) until pages are being written
        staging = list(root.glob(".mkstatus-build-site-*"))
        if staging and (staging[0] / "incidents").is_dir() or process.poll() is not None:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the build finished before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert staging and staging[0].exists()
    assert _tree_digest(root / "site") == before
    mkstatus("build", "--now", "2026-11-22T22:00Z", cwd=root, check=True)
    assert not list(root.glob(".mkstatus-*-site-*"))
    assert (root / "site" / "incidents" / "2026-10-01-extra-299" / "index.html").is_file()


def test_published_tree_has_the_umask_modes(tmp_path: Path) -> None:
    """Issue 14: `site/` was published 0700 (mkdtemp's mode), so a web server running as
    another user got 403; `mkdocs build` gives the umask's modes, and so must we."""
    import stat

    root = copy_demo(tmp_path / "demo")
    saved = os.umask(0o022)  # the child inherits it
    try:
        mkstatus("build", "--now", "2026-11-22T21:00Z", cwd=root, check=True)
        mkstatus("build", "--now", "2026-11-22T22:00Z", cwd=root, check=True)  # a swap too
    finally:
        os.umask(saved)
    site = root / "site"
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in [site, *site.rglob("*")]}
    assert modes[site] == 0o755
    assert {m for p, m in modes.items() if p.is_dir()} == {0o755}
    assert {m for p, m in modes.items() if p.is_file()} == {0o644}


# Run the CLI with renameat2 missing, as on macOS (an audit hook makes ctypes' lookup of
# it fail), and, with KILL_BETWEEN_RENAMES set, SIGKILL itself at the second rename of the
# two-rename swap: the exact moment where `site/` does not exist.
FALLBACK_CLI = """
import os, signal, sys
def hook(event, args):
    if event == "ctypes.dlsym" and args[1] == "renameat2":
        raise AttributeError("renameat2")
    if (event == "os.rename" and os.environ.get("KILL_BETWEEN_RENAMES")
            and ".mkstatus-build-" in str(args[0]) and str(args[1]).endswith("/site")):
        os.kill(os.getpid(), signal.SIGKILL)
sys.addaudithook(hook)
from mkstatus.cli.main import main
main()
"""


def _fallback_build(root: Path, now: str, kill: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH",
                                                             "MKSTATUS_NOW")}
    env.update({"NO_MKDOCS_2_WARNING": "1", **({"KILL_BETWEEN_RENAMES": "1"} if kill else {})})
    return subprocess.run([sys.executable, "-c", FALLBACK_CLI, "build", "--now", now],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_kill_between_the_fallback_swaps_renames_keeps_the_old_site(tmp_path: Path) -> None:
    """Issue 14: without renameat2(RENAME_EXCHANGE) the swap is two renames; a kill
    between them left no `site/`, and the next build's sweep deleted the complete old
    copy. The next build, even one that fails, now renames it back first."""
    root = copy_demo(tmp_path / "demo")
    assert _fallback_build(root, "2026-11-22T21:00Z", kill=False).returncode == 0
    assert _fallback_build(root, "2026-11-22T21:30Z", kill=False).returncode == 0  # swaps
    assert not list(root.glob(".mkstatus-*-site-*"))
    before = _tree_digest(root / "site")
    killed = _fallback_build(root, "2026-11-22T22:00Z", kill=True)
    assert killed.returncode == -9, killed.stderr
    assert not (root / "site").exists()  # the window the issue describes
    (old,) = root.glob(".mkstatus-old-site-*")
    assert _tree_digest(old) == before
    # The next build fails validation, and still the old site comes back first.
    incident = root / "incidents" / "2026-11-22-email-delivery-delays.md"
    text = incident.read_text()
    incident.write_text(text.replace("impact: minor", "impact: enormous"))
    failed = mkstatus("build", "--now", "2026-11-22T22:00Z", cwd=root)
    assert failed.returncode == 1 and "impact" in failed.stderr
    assert _tree_digest(root / "site") == before
    assert not list(root.glob(".mkstatus-old-site-*"))
    incident.write_text(text)
    assert _fallback_build(root, "2026-11-22T22:00Z", kill=False).returncode == 0
    assert _tree_digest(root / "site") != before
    assert not list(root.glob(".mkstatus-*-site-*"))


def test_build_prints_warnings_as_check_does(tmp_path: Path) -> None:
    """Issue 13: `build` printed warnings without the `warning:` prefix `check` uses."""
    root = copy_demo(tmp_path / "demo")
    incident = root / "incidents" / "2026-11-22-email-delivery-delays.md"
    text = incident.read_text()
    heading = next(line for line in text.splitlines() if line.startswith("## 2026-"))
    incident.write_text(text.replace(heading, "## 2026-11-23 09:00 Z — Monitoring\n"
                                              "Held back until then.\n\n" + heading, 1))
    check = mkstatus("check", "--now", "2026-11-22T21:00Z", cwd=root)
    warnings = [line for line in check.stdout.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and "2026-11-22-email-delivery-delays.md:" in warnings[0]
    build = mkstatus("build", "--now", "2026-11-22T21:00Z", cwd=root, check=True)
    assert build.stderr.splitlines() == warnings
    assert build.stdout == f"Built {root / 'site'}\n"
