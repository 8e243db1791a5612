"""`mkstatus serve`'s incremental rebuilds give exactly what a full build gives.

Real builds of the demo site, no mocks: the preview is built in full, then each edit is
rebuilt the way `serve` rebuilds it (``Preview.build``), and the served folder is compared
byte for byte with a fresh full build of the same files at the same clock.
"""

from __future__ import annotations

import filecmp
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkstatus.errors import ValidationError
from mkstatus.mkdocs.build import mkdocs_config
from mkstatus.mkdocs.incremental import stat
from mkstatus.mkdocs.serve import Preview

from tests.conftest import DEMO_NOW, copy_demo

ADDR = "127.0.0.1:8000"
URL = f"http://{ADDR}/"
OPEN = "incidents/2026-11-22-email-delivery-delays.md"  # open at DEMO_NOW
RESOLVED = "incidents/2026-11-03-slow-api-responses.md"
OTHER = "incidents/2026-10-14-denial-of-service-attack.md"


def settle(root: Path) -> None:
    """Every input as if saved a minute ago: a snapshot of files modified within
    ``incremental.RACY`` is not trusted, and the next rebuild would be a full one."""
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            past = path.stat().st_mtime - 60
            os.utime(path, (past, past))


def full(root: Path, served: Path) -> Preview:
    config_file = Path("mkdocs.yml")  # relative, as `mkstatus serve` gets it by default
    assert Path.cwd() == root
    preview = Preview(config_file, ADDR, URL, served)
    before = stat(str(config_file))
    preview.full(mkdocs_config(config_file, dev_addr=ADDR), before)
    return preview


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def assert_same(root: Path, served: Path, tmp_path: Path, name: str) -> None:
    """``served`` holds what a full build of ``root`` makes, byte for byte."""
    reference = tmp_path / f"reference-{name}" / "site"
    reference.parent.mkdir()
    full(root, reference)
    assert tree(served) == tree(reference)
    files = [p for p in tree(reference) if (reference / p).is_file()]
    _, mismatch, errors = filecmp.cmpfiles(served, reference, files, shallow=False)
    assert (mismatch, errors) == ([], [])


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    saved = os.environ.get("MKSTATUS_NOW")
    os.environ["MKSTATUS_NOW"] = DEMO_NOW  # as `mkstatus serve --now` sets it
    root = copy_demo(tmp_path / "demo")
    config = root / "mkdocs.yml"  # one language: a further language's tree is always full
    config.write_text(re.sub(r"\n *languages: .*", "", config.read_text())  # the feeds:
                      .replace("  - mkstatus:\n", "  - mkstatus:\n      feed_limit: 5\n"))
    for translation in root.glob("incidents/*.*.md"):
        translation.unlink()
    settle(root)
    monkeypatch.chdir(root)
    try:
        yield root
    finally:
        if saved is None:
            os.environ.pop("MKSTATUS_NOW", None)
        else:
            os.environ["MKSTATUS_NOW"] = saved


def kept_files(served: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: what was not written again keeps both."""
    return {p: ((served / p).stat().st_ino, (served / p).stat().st_mtime_ns)
            for p in tree(served) if (served / p).is_file()}


def test_incident_edits_rebuild_only_what_changed_and_match_a_full_build(
        site: Path, tmp_path: Path) -> None:
    served = tmp_path / "preview" / "site"
    served.parent.mkdir()
    preview = full(site, served)
    before = kept_files(served)

    # Change: a resolved incident's text.
    path = site / RESOLVED
    path.write_text(path.read_text().replace("looking into it.", "looking into it (edited).", 1))
    assert preview.build() == "incremental"
    assert_same(site, served, tmp_path, "change")
    after = kept_files(served)
    written = {p for p in after if after[p] != before.get(p)}
    assert "incidents/2026-11-03-slow-api-responses/index.html" in written
    assert "incidents/2026-10-14-denial-of-service-attack/index.html" not in written
    assert "about/index.html" not in written and "404.html" not in written
    assert "history.rss" not in written  # its 5 entries are all newer than that edit

    # Add: a new incident (a page, a sitemap entry, a history line, feeds, JSON).
    (site / "incidents/2026-11-10-a-new-one.md").write_text(
        (site / OTHER).read_text().replace("title:", "title: Another", 1))
    assert preview.build() == "incremental"
    assert_same(site, served, tmp_path, "add")

    # Rename: the old page goes, with its folder; the new one comes.
    (site / OTHER).rename(site / "incidents/2026-10-14-ddos.md")
    assert preview.build() == "incremental"
    assert not (served / "incidents/2026-10-14-denial-of-service-attack").exists()
    assert_same(site, served, tmp_path, "rename")

    # Change the open incident: the home page's active incident, not the overall status.
    path = site / OPEN
    path.write_text(path.read_text().replace("We are", "We are still", 1))
    assert preview.build() == "incremental"
    assert_same(site, served, tmp_path, "open")
    assert "We are still" in (served / "history.rss").read_text()

    # A new sample: the samples are read again (they are reused while unchanged).
    day = site / "samples/2026/11/22/sydney.jsonl"
    last = day.read_text().splitlines()[-1]
    day.write_text(day.read_text() + last.replace("20:45:46", "20:50:46") + "\n")
    assert preview.build() == "incremental"
    assert_same(site, served, tmp_path, "sample")

    # Delete.
    (site / "incidents/2026-11-10-a-new-one.md").unlink()
    assert preview.build() == "incremental"
    assert_same(site, served, tmp_path, "delete")


def test_what_every_page_shows_or_mkdocs_yml_changing_forces_a_full_build(
        site: Path, tmp_path: Path) -> None:
    served = tmp_path / "preview" / "site"
    served.parent.mkdir()
    preview = full(site, served)

    # An invalid save: nothing is written, and the next good save is still incremental.
    path = site / RESOLVED
    good = path.read_text()
    path.write_text(good.replace("impact: minor", "impact: enormous"))
    with pytest.raises(ValidationError):
        preview.build()
    path.write_text(good.replace("looking into it.", "looking into it (edited).", 1))
    assert preview.build() == "incremental"
    assert_same(site, served, tmp_path, "fixed")

    # Resolving the open incident changes the overall status, so the favicon and title
    # of every page: a full build.
    path = site / OPEN
    text = path.read_text()
    first = re.search(r"^## .*$", text, re.MULTILINE)
    assert first is not None
    path.write_text(text[:first.start()] + "## 2026-11-22 20:30 Z — Resolved\nFixed.\n\n"
                    + text[first.start():])
    assert preview.build() == "full"
    assert_same(site, served, tmp_path, "resolved")

    # mkdocs.yml: a full build. It read a file saved within ``RACY`` (a second save in
    # the same clock tick could go unseen), so it keeps nothing: the next build is full.
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("Example Networks Status",
                                                 "Example Networks Status (test)"))
    assert preview.build() == "full"
    assert_same(site, served, tmp_path, "config")
    settle(site)
    path = site / RESOLVED
    path.write_text(path.read_text().replace("(edited)", "(edited twice)"))
    assert preview.build() == "full"
    path.write_text(path.read_text().replace("(edited twice)", "(edited again)"))
    assert preview.build() == "incremental"
    assert_same(site, served, tmp_path, "after-config")

    # docs/: MkDocs' own pages are not ours to patch.
    about = site / "docs/about.md"
    about.write_text(about.read_text() + "\nMore about us.\n")
    assert preview.build() == "full"
    assert_same(site, served, tmp_path, "docs")


def test_a_site_in_several_languages_is_always_built_in_full(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.setenv("MKSTATUS_NOW", DEMO_NOW)
    root = copy_demo(tmp_path / "demo")
    assert "languages: [en, fr]" in (root / "mkdocs.yml").read_text()
    settle(root)
    monkeypatch.chdir(root)
    served = tmp_path / "preview" / "site"
    served.parent.mkdir()
    preview = full(root, served)
    path = root / RESOLVED
    path.write_text(path.read_text().replace("looking into it.", "looking into it (edited).", 1))
    assert preview.build() == "full"
    assert (served / "fr" / "index.html").is_file()
    assert_same(root, served, tmp_path, "languages")
