"""Work kept between builds in one process (`mkstatus serve`) never changes an output."""

from __future__ import annotations

from pathlib import Path

import jinja2
import markdown
import pytest
from mkstatus.mkdocs.build import load
from mkstatus.render.generate import generate
from mkstatus.render.reuse import CONVERSIONS, MemoryBytecodeCache, Reuse
from mkstatus.times import resolve_now

from tests.conftest import DEMO_NOW, copy_demo


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts Python-Markdown is asked to convert."""
    seen: list[str] = []
    real = markdown.Markdown.convert

    def spy(self: markdown.Markdown, source: str) -> str:
        seen.append(source)
        return real(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", spy)
    return seen


def _outputs(root: Path) -> dict[str, str | bytes]:
    site = load(root / "mkdocs.yml", resolve_now(DEMO_NOW))
    return {o.path: o.content for o in generate(site)}


def test_a_rebuild_converts_only_what_changed_and_equals_a_fresh_build(
        tmp_path: Path, conversions: list[str]) -> None:
    root = copy_demo(tmp_path / "demo")
    CONVERSIONS.next_build()
    CONVERSIONS.next_build()  # nothing left from other tests
    first = _outputs(root)
    assert len(conversions) > 20
    conversions.clear()
    assert _outputs(root) == first
    assert conversions == []  # every page and feed entry came from the previous build

    incident = root / "incidents" / "2026-11-22-email-delivery-delays.md"
    old = "## 2026-11-23 09:25 +13:00"
    text = incident.read_text()
    assert old in text
    incident.write_text(text.replace(
        old, f"## 2026-11-23 09:50 +13:00 — Monitoring\nA **new** line.\n\n{old}", 1))
    conversions.clear()
    edited = _outputs(root)
    assert conversions and all("A **new** line." in text or "Email" in text
                               for text in conversions), conversions
    assert len(conversions) <= 3  # the page's batch, its feed entry (and a retry)
    CONVERSIONS.next_build()
    CONVERSIONS.next_build()  # forget everything: a fresh process
    assert _outputs(root) == edited != first


def test_reuse_keeps_one_build_worth() -> None:
    reuse = Reuse()
    made: list[str] = []

    def make(value: str) -> str:
        made.append(value)
        return value.upper()

    reuse.next_build()
    assert [reuse.get(k, lambda k=k: make(k)) for k in ("a", "b", "a")] == ["A", "B", "A"]
    reuse.next_build()
    assert reuse.get("a", lambda: make("a")) == "A"  # from the previous build
    reuse.next_build()  # "b" was not used by the last build: dropped
    assert reuse.get("b", lambda: make("b")) == "B"
    assert made == ["a", "b", "b"]
    assert set(reuse.current) == {"b"} and set(reuse.previous) == {"a"}  # then dropped


def test_kept_bytecode_follows_template_edits() -> None:
    cache = MemoryBytecodeCache()
    rendered = [jinja2.Environment(loader=jinja2.DictLoader({"page.html": source}),
                                   bytecode_cache=cache).get_template("page.html").render()
                for source in ("one {{ 1 + 1 }}", "one {{ 1 + 1 }}", "two {{ 2 * 2 }}")]
    assert rendered == ["one 2", "one 2", "two 4"]
    assert cache.store  # it was used
