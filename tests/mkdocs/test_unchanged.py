"""A rebuild links the files the previous build wrote the same (``mkstatus.mkdocs.unchanged``)
and writes the others: the result is byte for byte a fresh build's, never shares a file
with another published site, and never trusts what it did not compare."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import DEMO_NOW, copy_demo, mkstatus
from tests.incidents.test_bad_input import _tree_digest

EDITED = "incidents/2026-09-05-customers-cannot-browse"
UNTOUCHED = "incidents/2026-08-27-spam-filter-outage/index.html"


def _inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino
            for p in site.rglob("*") if p.is_file()}


def _fresh(root: Path, tmp_path: Path, name: str) -> Path:
    out = tmp_path / name
    mkstatus("build", "--now", DEMO_NOW, "-d", str(out), cwd=root, check=True)
    return out


def test_a_rebuild_links_what_did_not_change_and_writes_what_did(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    site = root / "site"
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    before = _inodes(site)
    source = root / f"{EDITED}.md"
    text = source.read_text()
    assert "Filtering is in place" in text
    source.write_text(text.replace("Filtering is in place", "Filtering is now in place"))
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    after = _inodes(site)
    assert set(after) == set(before)
    rewritten = {path for path in after if after[path] != before[path]}
    assert f"{EDITED}/index.html" in rewritten
    assert "Filtering is now in place" in (site / EDITED / "index.html").read_text()
    # the feeds carry the update too; a page it is not on does not change
    assert {"history.rss", "history.atom", "history.json"} <= rewritten
    assert UNTOUCHED not in rewritten and "assets/mkstatus.css" not in rewritten
    assert len(rewritten) < len(after) / 2, sorted(rewritten)
    # the old site is gone: no published file is shared with anything
    assert all(p.stat().st_nlink == 1 for p in site.rglob("*") if p.is_file())
    assert _tree_digest(site) == _tree_digest(_fresh(root, tmp_path, "fresh"))


def test_a_published_file_changed_by_hand_is_written_anew(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    site = root / "site"
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    page = site / UNTOUCHED
    size = page.stat().st_size
    with open(page, "r+b") as handle:  # same size, other bytes: only a comparison sees it
        handle.seek(size // 2)
        handle.write(b"X")
    inode = page.stat().st_ino
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    assert page.stat().st_ino != inode
    assert _tree_digest(site) == _tree_digest(_fresh(root, tmp_path, "fresh"))


def test_a_symbolic_link_in_the_published_site_is_never_linked(tmp_path: Path) -> None:
    """Even when it points at exactly the bytes to write, the new file is a file of its
    own: a link would reach outside the site."""
    root = copy_demo(tmp_path / "demo")
    site = root / "site"
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    outside = tmp_path / "outside.html"
    page = site / UNTOUCHED
    outside.write_bytes(page.read_bytes())
    page.unlink()
    page.symlink_to(outside)
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    assert not page.is_symlink()
    assert page.stat().st_ino != outside.stat().st_ino
    assert outside.stat().st_nlink == 1
    assert page.read_bytes() == outside.read_bytes()


def test_a_rebuild_of_the_same_inputs_keeps_every_file_and_its_time(tmp_path: Path) -> None:
    """Unchanged files keep their modification time, so a sync to a bucket or a server
    (which compares times and sizes) sends only what changed. MkDocs writes
    sitemap.xml.gz itself, the one file always written anew."""
    root = copy_demo(tmp_path / "demo")
    site = root / "site"
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)

    def stamps() -> dict[str, tuple[int, int, int]]:
        return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns,
                                                 p.stat().st_mode)
                for p in site.rglob("*") if p.is_file() and p.name != "sitemap.xml.gz"}

    before = stamps()
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    assert stamps() == before


def test_removing_the_old_site_never_follows_a_symbolic_link(tmp_path: Path) -> None:
    """``remove_tree`` (the old site after a swap) removes links, not what they point at."""
    from mkstatus.mkdocs.build import remove_tree

    outside = tmp_path / "outside"
    (outside / "keep").mkdir(parents=True)
    (outside / "keep" / "file.txt").write_text("kept")
    old = tmp_path / "old-site"
    (old / "a" / "b").mkdir(parents=True)
    (old / "a" / "b" / "index.html").write_text("x")
    (old / "a" / "to-dir").symlink_to(outside / "keep")
    (old / "to-file").symlink_to(outside / "keep" / "file.txt")
    remove_tree(old)
    assert not old.exists()
    assert (outside / "keep" / "file.txt").read_text() == "kept"
    link = tmp_path / "link-to-outside"
    link.symlink_to(outside)
    remove_tree(link)
    assert not link.is_symlink() and (outside / "keep" / "file.txt").exists()
    remove_tree(tmp_path / "missing")  # nothing there: nothing to do
