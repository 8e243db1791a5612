"""Numbers on the pages in the reader's language: uptime percentages, error budgets,
latencies and weights written as the locale writes them (Babel, CLDR), with the same
truncation as in English; English and the machine outputs (JSON, badges) unchanged."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.numbers import format_decimal, format_percent
from lxml import html as lxml_html
from mkstatus.i18n import translator
from mkstatus.render.reports import report_pct
from mkstatus.render.uptime_html import coverage_pct, fmt_pct

from tests.conftest import DEMO_NOW, copy_demo, mkstatus

# Babel's patterns with the decimals the pages show (the oracle, written out by hand).
PERCENT = {"fr": "#,##0.{}\u00a0%", "de": "#,##0.{}\u00a0%"}


def _pct(text: str, language: str) -> str:
    """What Babel writes for an English figure ``99.84`` (as many decimals as it has)."""
    places = len(text.partition(".")[2])
    pattern = PERCENT[language].format("0" * places).replace(".%", "%").replace(
        ".\u00a0", "\u00a0")
    return format_percent(Decimal(text) / 100, format=pattern, locale=language)


def test_english_numbers_are_written_as_before() -> None:
    tr = translator("en")
    assert (tr.percent(99.84, 2), tr.percent(100, 0), tr.percent(99.9), tr.percent(0.1)) == (
        "99.84%", "100%", "99.9%", "0.1%")
    assert (tr.decimal(0.3), tr.decimal(1.0), tr.decimal(12345, 0)) == ("0.3", "1", "12345")


@pytest.mark.parametrize("language", ["fr", "de"])
def test_numbers_follow_babel_with_the_same_truncation(language: str) -> None:
    tr = translator(language)
    assert fmt_pct(99.8499, tr) == _pct("99.84", language)  # floored, not rounded
    assert fmt_pct(99.99999, tr) == _pct("99.99", language)  # never up to 100
    assert fmt_pct(100.0, tr) == _pct("100", language)
    assert report_pct(99.99999, tr) == _pct("99.999", language)
    assert report_pct(99.8, tr) == _pct("99.800", language)
    assert coverage_pct(0.99999, tr) == _pct("99.9", language)
    assert coverage_pct(0.0004, tr) == "<" + _pct("0.1", language)
    assert tr.decimal(0.3) == format_decimal(Decimal("0.3"), locale=language)
    assert tr.decimal(12345, 0) == format_decimal(12345, locale=language)
    assert fmt_pct(99.84, tr) != "99.84%"
    # Without a translator (the badges): English, "." decimals.
    assert (fmt_pct(99.8499), report_pct(99.99999), coverage_pct(0.0004)) == (
        "99.84%", "99.999%", "<0.1%")


# An English figure in a cell or a title: "99.552%", "<0.1%", "113 / 168 ms".
FIGURE = re.compile(r"(\d+(?:\.\d+)?)%|(\d+) / (\d+) ms")


def _cells(page: Path) -> list[str]:
    """The table cells and the titles of a page, in document order."""
    root = lxml_html.parse(str(page)).getroot()
    return [e.text_content() for e in root.iter("td")] + [
        e.get("title") for e in root.iter() if e.get("title")]


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_build_writes_its_numbers_the_local_way(language: str, demo: Path,
                                                  tmp_path: Path) -> None:
    """Each figure of the English demo's cells and bar titles is, in a `fr` or `de` build,
    Babel's writing of the same figure; no "." decimal percentage is left on a page; the
    badges and the JSON keep theirs."""
    root = copy_demo(tmp_path / language, monolingual=True)
    config = root / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^theme:\n", f"theme:\n  language: {language}\n",
                             config.read_text(), count=1))
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    site = root / "site"
    checked = 0
    for page in ("components/email/index.html", "components/email/uptime/index.html",
                 "components/api/index.html", "uptime/index.html"):
        english, local = _cells(demo / page), _cells(site / page)
        assert len(english) == len(local), page
        for en_text, text in zip(english, local, strict=True):
            for match in FIGURE.finditer(en_text):
                if match[1] is not None:
                    wanted = [_pct(match[1], language)]
                else:
                    wanted = [f"{format_decimal(int(match[2]), locale=language)} / "
                              f"{format_decimal(int(match[3]), locale=language)} ms"]
                assert all(w in text for w in wanted), (page, en_text, text)
                checked += 1
    assert checked > 200
    uptime = (site / "uptime" / "index.html").read_text()
    assert f"{format_decimal(Decimal('0.3'), locale=language)}," in uptime  # a weight
    for page in site.rglob("*.html"):
        assert not re.search(r"\d\.\d+\s?%", page.read_text()), page
    badge = json.loads((site / "badges" / "uptime" / "email.json").read_text())
    assert badge == json.loads((demo / "badges" / "uptime" / "email.json").read_text())
    assert re.fullmatch(r"\d+\.\d\d%.*", badge["message"]), badge
    assert (site / "badges" / "uptime" / "email.svg").read_bytes() == (
        demo / "badges" / "uptime" / "email.svg").read_bytes()
    api = json.loads((site / "api" / "uptime.json").read_text())
    assert all(isinstance(m["uptime_percent"], float | None)
               for c in api["components"] for m in c["months"])
