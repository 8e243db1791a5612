"""The render store (mkstatus.render.store): finished pages and feeds kept on disk from
one build for the next. A warm build must be byte for byte the build without the store,
whatever changed in between; a damaged store must cost a render, never a build."""

from __future__ import annotations

import filecmp
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from mkstatus.render.store import DIGEST, RenderStore, digest

from tests.conftest import DEMO_NOW, copy_demo, mkstatus

pytestmark = pytest.mark.slow


def store_file(root: Path) -> Path:
    found = sorted((root / ".mkstatus-cache" / "render").glob("*.sqlite"))
    assert len(found) == 1, found
    return found[0]


def rows(root: Path) -> dict[bytes, bytes]:
    with sqlite3.connect(store_file(root)) as db:
        return {bytes(k): bytes(v) for k, v in db.execute("SELECT key, value FROM kept")}


def same_tree(a: Path, b: Path) -> list[str]:
    """Every file that differs between two built sites, or is in only one of them."""
    out: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        out.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.funny_files)
        _match, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files,
                                                    shallow=False)
        out.extend(prefix + n for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(a, b), "")
    return sorted(out)


def build_both(root: Path, now: str, cold: Path) -> None:
    """The site built with its store (in place) and without any cache (into ``cold``);
    the two must be identical."""
    mkstatus("build", "--now", now, cwd=root, check=True)
    mkstatus("build", "--now", now, "-d", str(cold), cwd=root, check=True,
             env={"MKSTATUS_CACHE_DIR": "off"})
    assert same_tree(root / "site", cold) == []


def later(hours: float) -> str:
    moment = datetime.fromisoformat(DEMO_NOW.replace("Z", "+00:00")) + timedelta(hours=hours)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_warm_build_is_the_build_without_the_store_through_a_series_of_changes(
        tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")  # two languages, open and settled items
    cold = tmp_path / "cold"
    build_both(root, DEMO_NOW, cold)
    kept = rows(root)
    assert len(kept) > 20  # settled incident pages and feeds, in both languages

    build_both(root, DEMO_NOW, cold)  # all from the store
    assert rows(root).keys() == kept.keys()

    build_both(root, later(3), cold)  # the clock moves: open items and "as of" change
    incidents = root / "incidents"
    spam = incidents / "2026-08-27-spam-filter-outage.md"
    spam.write_text(spam.read_text().replace("spam", "junk mail", 1))  # a settled one
    (incidents / "2026-11-21-billing-page-typo.md").rename(incidents / "2026-11-21-typo.md")
    (incidents / "2026-11-03-slow-api-responses.md").unlink()
    build_both(root, later(3), cold)

    config = root / "mkdocs.yml"  # names and the contact line are on every page
    text = config.read_text()
    assert "name: Website" in text
    config.write_text(text.replace("name: Website", "name: Web site"))
    build_both(root, later(4), cold)
    # What no build uses any more is dropped once it is most of the file.
    for hours in range(5, 8):
        build_both(root, later(hours), cold)
    assert len(rows(root)) <= 2 * len(kept) + 100


def test_a_warm_build_reads_its_pages_from_the_store(tmp_path: Path) -> None:
    """Proof the store is read: a kept page changed inside the store (with a valid
    checksum, as no real fault would) shows in the next build."""
    root = copy_demo(tmp_path / "demo", monolingual=True)
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    planted = 0
    with sqlite3.connect(store_file(root)) as db:
        for key, value in db.execute("SELECT key, value FROM kept").fetchall():
            body = bytes(value)[DIGEST:]
            if b"mks-incident-head" in body and b"spam" in body.lower():
                new = body.replace(b"<h2", b"<p>PLANTED</p><h2", 1)
                db.execute("UPDATE kept SET value = ? WHERE key = ?",
                           (digest(bytes(key), new) + new, key))
                planted += 1
    assert planted == 1
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    page = root / "site" / "incidents" / "2026-08-27-spam-filter-outage" / "index.html"
    assert b"PLANTED" in page.read_bytes()


def test_a_torn_or_foreign_store_costs_a_render_not_a_build(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo", monolingual=True)
    cold = tmp_path / "cold"
    build_both(root, DEMO_NOW, cold)
    path = store_file(root)
    with sqlite3.connect(path) as db:  # every value torn: one byte changed
        for key, value in db.execute("SELECT key, value FROM kept").fetchall():
            torn = bytearray(value)
            torn[-1] ^= 0x55
            db.execute("UPDATE kept SET value = ? WHERE key = ?", (bytes(torn), key))
    build_both(root, DEMO_NOW, cold)

    for name in [p.name for p in path.parent.iterdir()]:
        (path.parent / name).unlink()
    path.write_bytes(b"not a database at all\n" * 100)
    build_both(root, DEMO_NOW, cold)
    build_both(root, DEMO_NOW, cold)  # and the next build keeps pages again
    assert len(rows(root)) > 10


def test_the_store_returns_only_what_was_put_under_that_key(tmp_path: Path) -> None:
    store = RenderStore(tmp_path / "s.sqlite").begin()
    a, b = digest("a"), digest("b")
    assert not store.has(a) and store.get(a) is None
    store.put(a, "une page")
    store.flush()
    again = RenderStore(tmp_path / "s.sqlite").begin()
    assert again.has(a) and not again.has(b)
    assert again.get(a) == b"une page"
    assert again.get(b) is None
    off = RenderStore(None).begin()
    off.put(a, "x")
    assert not off.enabled and off.get(a) is None
