"""The interface in the reader's language: complete catalogs, every template string in
them, Babel's dates, and a French build with no English word of ours left."""

from __future__ import annotations

import functools
import json
import re
import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from lxml import etree
from lxml import html as lxml_html
from mkstatus.i18n import locale_dir, shipped, translator

from tests.conftest import DEMO_NOW, copy_demo, mkstatus

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "generator" / "mkstatus" / "render" / "templates"
# Every catalog under locale/, shipped or on its way: a new language is checked the moment
# its .po lands, without anyone remembering to list it here.
LANGUAGES = tuple(sorted(p.parent.parent.name
                         for p in locale_dir().glob("*/LC_MESSAGES/mkstatus.po")))
# Words that are the same in every language: names of formats and products.
NAMES = {"RSS", "Atom", "JSON", "Feed", "API", "ms", "p50", "p95", "UTC"}


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with (locale_dir() / language / "LC_MESSAGES" / "mkstatus.po").open("rb") as f:
        return read_po(f)


def _extracted(tmp_path: Path) -> frozenset[str]:
    """The msgids the sources hold today, extracted as `make messages` does (once per run:
    every catalog is compared with the same extraction)."""
    return _extract_once()


@functools.cache
def _extract_once() -> frozenset[str]:
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "mkstatus.pot"
        CommandLineInterface().run(["pybabel", "-q", "extract", "--mapping-file",
                                    str(REPO / "babel.cfg"), "--keywords", "N_",
                                    "--no-location", "--omit-header", "--output-file",
                                    str(pot), str(REPO)])
        with pot.open("rb") as f:
            return frozenset(m.id[0] if isinstance(m.id, tuple) else m.id
                             for m in read_po(f) if m.id)


def test_the_shipped_languages_have_compiled_catalogs() -> None:
    assert "fr" in LANGUAGES
    assert set(LANGUAGES) == set(shipped()), "run `make messages` to compile every catalog"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_current(language: str, tmp_path: Path) -> None:
    """No untranslated, fuzzy or stale message; every msgid of the sources is in it."""
    catalog = _catalog(language)
    ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}
    assert ids == _extracted(tmp_path), "run `make messages` and translate what changed"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"untranslated: {message.id!r}"
        # Placeholders survive translation (a lost %(name)s drops text; a new one crashes).
        wanted = set(re.findall(r"%\(\w+\)s", message.id[-1] if isinstance(
            message.id, tuple) else message.id))
        for s in strings:
            assert set(re.findall(r"%\(\w+\)s", s)) <= wanted | {"%(count)s"}, message.id
    # The shipped .mo holds exactly the .po's translations (file times say nothing in a
    # fresh clone, so the contents are compared).
    with (locale_dir() / language / "LC_MESSAGES" / "mkstatus.mo").open("rb") as f:
        compiled = {_flat(m.id): _flat(m.string) for m in read_mo(f) if m.id}
    assert compiled == {_flat(m.id): _flat(m.string) for m in catalog if m.id}, \
        "run `make messages`"


def _flat(value: object) -> object:
    """A plural message's forms as a tuple, however the reader returned them."""
    return tuple(value) if isinstance(value, list | tuple) else value


def _outside_catalog(text: str) -> list[str]:
    """English words of a template that no `trans` or `_()` carries."""
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    text = re.sub(r"\{%-?\s*trans\b.*?endtrans\s*-?%\}", "", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    words = re.findall(r"[A-Za-z][A-Za-z']+", text)
    return [w for w in words if w not in NAMES]


def test_no_template_string_is_left_outside_the_catalogs() -> None:
    left = {p.name: _outside_catalog(p.read_text()) for p in sorted(TEMPLATES.glob("*.j2"))}
    assert {name: words for name, words in left.items() if words} == {}


def test_no_msgid_has_a_lone_percent_sign(tmp_path: Path) -> None:
    """Jinja looks up a `{% trans %}` block without variables with its `%` doubled while
    Babel extracts it single, so such a message is never translated: give the block a
    variable (`{% trans full="100%" %}`). In Python a lone `%` breaks the `% {...}`."""
    lone = [m for m in _extracted(tmp_path)
            if re.search(r"%(?!%|\(\w+\)s)", re.sub(r"%%", "", m))]
    assert lone == []


def test_the_check_catches_a_forgotten_string() -> None:
    assert _outside_catalog('<p>{{ _("Fine") }} Forgotten <a href="{{ x }}">here</a></p>'
                            ) == ["Forgotten", "here"]


@pytest.mark.parametrize("language", ["ja", "de", "fr", "pt-BR", "ar"])
def test_times_follow_babel_for_the_site_zone(language: str) -> None:
    zone = ZoneInfo("Pacific/Auckland")
    moment = datetime(2026, 11, 22, 1, 5, tzinfo=UTC)
    local = moment.astimezone(zone)
    tr = translator(language)
    expected = tr.locale.datetime_formats["medium"].format(
        format_skeleton("Hm", local, locale=tr.locale),
        format_date(local, "medium", locale=tr.locale))
    assert tr.time(moment, zone) == f"{expected} NZDT"


def test_times_in_japanese_and_german_read_as_expected() -> None:
    zone = ZoneInfo("Pacific/Auckland")
    moment = datetime(2026, 11, 22, 1, 5, tzinfo=UTC)
    assert translator("ja").time(moment, zone) == "2026/11/22 14:05 NZDT"
    assert translator("de").time(moment, zone) == "22.11.2026, 14:05 NZDT"
    assert translator("en").time(moment, zone) == "2026-11-22 14:05 NZDT"
    winter = datetime(2026, 7, 1, 0, 0, tzinfo=UTC)
    assert translator("de").time(winter, zone).endswith(" NZST")


def test_durations_in_the_locale() -> None:
    delta = timedelta(hours=1, minutes=50)
    assert translator("en").duration(delta) == "1 h 50 min"
    # CLDR's no-break spaces keep a number with its unit at a line end.
    assert translator("fr").duration(delta) == "1\u202fh 50\xa0min"
    assert translator("de").duration(delta) == "1 Std. 50 Min."
    assert translator("ja").duration(timedelta(days=2)) == "2 日"


def test_direction_and_tags() -> None:
    assert translator("ar").direction == "rtl" and translator("fr").direction == "ltr"
    assert translator("pt-BR").tag == "pt-BR"
    assert translator("xx-nowhere").gettext("Timeline") == "Timeline"


def _english_phrases(language: str) -> dict[str, str]:
    """The fixed English pieces of each msgid that its translation does not keep."""
    phrases: dict[str, str] = {}
    for message in _catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            for piece in re.split(r"%\(\w+\)s|<[^>]*>", msgid):
                piece = piece.strip(" .:;,()")
                if len(piece) < 4 or piece in NAMES or any(piece in s for s in strings):
                    continue
                phrases[piece] = msgid
    return phrases


def _texts(site: Path) -> dict[str, str]:
    """The readable text of every page and feed mkstatus made (not the theme's search
    index or the Statuspage JSON, which stays English by design)."""
    out: dict[str, str] = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.suffix == ".html" and not rel.startswith(("assets/", "about/")):
            root = lxml_html.parse(str(path)).getroot()
            # The navigation is the site's own (mkdocs.yml `nav`), in the site's words.
            for bad in root.xpath("//script|//style|//nav|//*[contains(@class, 'md-tabs')]"
                                  "|//*[contains(@class, 'md-copyright__highlight')]"):
                bad.drop_tree()
            attrs = " ".join(root.xpath("//@title|//@aria-label|//@alt"))
            out[rel] = root.text_content() + " " + attrs
        elif path.suffix in (".rss", ".atom", ".ics"):
            raw = path.read_bytes()
            out[rel] = raw.decode() if path.suffix == ".ics" else " ".join(
                etree.fromstring(raw).itertext())
    return out


def _neutral(text: str) -> str:
    """An incident file with its words replaced (its times, statuses and components
    kept), so that any English left on the pages can only be ours."""
    head, body = text.split("\n---\n", 1)
    head = re.sub(r"(?m)^title: .*$", "title: Titre", head)
    body = re.sub(r"(?m)^###.*$", "### Texte", body)
    kept = ("#", "Components:", "Next update:", "Occurrence:")
    lines = [line if line.startswith(kept) or not line.strip() else "Texte."
             for line in body.splitlines()]
    return head + "\n---\n" + "\n".join(lines) + "\n"


# Words a French page never holds but nearly every English sentence does.
GRAMMAR = ("the", "of", "and", "with", "since", "from", "our", "is", "are", "to", "by",
           "not", "yet", "ago", "left", "per", "every", "until", "times", "uptime", "outage",
           "data", "report", "reported", "detected", "days", "hours", "none")
# The site's own words on a page (its introduction, descriptions and contact line, from
# mkdocs.yml and docs/) and Material's footer credit ("Made with"), which are not ours.
NOT_OURS = ("//script|//style|//nav|//footer|//*[contains(@class, 'md-tabs')]"
            "|//*[contains(@class, 'mks-intro')]|//*[contains(@class, 'mks-description')]"
            "|//*[contains(@class, 'mks-contact')]")


def _english_grammar(site: Path) -> dict[str, list[str]]:
    """Per page or feed of a non-English build, the English grammar words it shows."""
    found: dict[str, list[str]] = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(("assets/", "about/", "api/")):
            continue
        if path.suffix == ".html":
            root = lxml_html.parse(str(path)).getroot()
            for bad in root.xpath(NOT_OURS):
                bad.drop_tree()
            text = root.text_content() + " " + " ".join(
                root.xpath("//@title|//@aria-label|//@alt"))
        elif path.suffix in (".rss", ".atom"):
            text = " ".join(etree.fromstring(path.read_bytes()).itertext())
        elif path.suffix == ".ics":
            unfolded = re.sub(r"\r?\n[ \t]", "", path.read_text())
            text = " ".join(re.findall(r"(?m)^(?:SUMMARY|DESCRIPTION|NAME|X-WR-CALNAME):(.*)$",
                                       unfolded))
        else:
            continue
        text = re.sub(r"\S*[/@]\S*", "", text.replace("Example Networks Status", ""))
        words = sorted({w for w in GRAMMAR if re.search(rf"(?<![\w-]){w}(?![\w-])", text)})
        if words:
            found[rel] = words
    return found


def test_the_grammar_check_catches_english_outside_the_catalogs(tmp_path: Path) -> None:
    page = tmp_path / "x" / "index.html"
    page.parent.mkdir()
    page.write_text('<!doctype html><html lang="fr"><body><p class="mks-contact">Call us'
                    ' and the team</p><p>Disponibilité : 99 % since the start</p></body>'
                    '</html>')
    assert _english_grammar(tmp_path) == {"x/index.html": ["since", "the"]}


@pytest.mark.slow
def test_a_french_build_has_no_english_word_of_ours(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "fr", monolingual=True)  # French is the main language
    config = root / "mkdocs.yml"
    text = re.sub(r"(?m)^theme:\n", "theme:\n  language: fr\n", config.read_text(), count=1)
    # The navigation's labels are the site's own words: a French site writes them in French.
    for english, french in (("Status", "État"), ("History", "Historique"),
                            ("Uptime", "Disponibilité"), ("About", "À propos")):
        text = text.replace(f"  - {english}: ", f"  - {french}: ")
    config.write_text(text)
    for path in (root / "incidents").glob("*.md"):
        path.write_text(_neutral(path.read_text()))
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    site = root / "site"
    # about/ is the site's own page (docs/about.md), written in the site's words.
    texts = _texts(site)
    assert len(texts) > 20
    phrases = _english_phrases("fr")
    assert "Investigating" in phrases and "Last updated" in phrases
    texts = {rel: text.replace("Example Networks Status", "") for rel, text in texts.items()}
    found = {(rel, phrase) for rel, text in texts.items() for phrase in phrases
             if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)}
    assert sorted({p for _, p in found}) == [], sorted({p: r for r, p in found}.items())
    # The second oracle: English that no msgid holds (a string never put in the catalogs)
    # shows as English grammar words.
    assert _english_grammar(site) == {}
    home = lxml_html.parse(str(site / "index.html")).getroot()
    assert home.get("lang") == "fr"
    assert "Dernière mise à jour le 23 nov. 2026, 10:00 NZDT" in " ".join(
        home.text_content().split())
    rss = etree.parse(str(site / "history.rss"))
    assert rss.findtext("channel/language") == "fr"
    atom = etree.parse(str(site / "components" / "email" / "history.atom")).getroot()
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert json.loads((site / "history.json").read_text())["language"] == "fr"
    assert json.loads((site / "api" / "v2" / "status.json").read_text())["status"][
        "description"] == "Minor Service Outage"  # the Statuspage API stays English


def _words(text: str) -> str:
    """A page's or feed's text without its addresses and paths (`/incidents/…`,
    `api/v2/incidents/unresolved.json`), which are no words of the page. A calendar's
    lines are unfolded first: RFC 5545 folds them in the middle of an address."""
    text = re.sub(r"\r?\n[ \t]", "", text)
    return re.sub(r"\S*/\S*", "", text)


# The site's own navigation labels, as a site in that language writes them.
NAV = {"de": ("Status", "Verlauf", "Verfügbarkeit", "Über uns"),
       "es": ("Estado", "Historial", "Disponibilidad", "Acerca de"),
       "pt-BR": ("Status", "Histórico", "Disponibilidade", "Sobre"),
       "ar": ("الحالة", "السجل", "التوفر", "حول"),
       "ja": ("ステータス", "履歴", "稼働率", "概要")}


@pytest.mark.slow
@pytest.mark.parametrize("language", sorted(NAV))
def test_a_build_in_each_shipped_language_has_no_english_word_of_ours(
        language: str, tmp_path: Path) -> None:
    """What the French build checks, for every other catalog of this package."""
    root = copy_demo(tmp_path / language, monolingual=True)  # its main language
    config = root / "mkdocs.yml"
    text = re.sub(r"(?m)^theme:\n", f"theme:\n  language: {language}\n",
                  config.read_text(), count=1)
    for english, own in zip(("Status", "History", "Uptime", "About"), NAV[language],
                            strict=True):
        text = text.replace(f"  - {english}: ", f"  - {own}: ")
    config.write_text(text)
    for path in (root / "incidents").glob("*.md"):
        path.write_text(_neutral(path.read_text()))
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    site = root / "site"
    texts = {rel: _words(text.replace("Example Networks Status", ""))
             for rel, text in _texts(site).items()}
    phrases = _english_phrases(language.replace("-", "_"))
    assert "Investigating" in phrases and "Last updated" in phrases
    # A phrase the language's own catalog writes is that language's word, not English
    # left over (Portuguese "um item de feed RSS for publicado" holds "RSS for").
    own = " ".join(s for m in _catalog(language.replace("-", "_")) if m.id
                   for s in (m.string if isinstance(m.string, tuple) else (m.string,)))
    phrases = {p: m for p, m in phrases.items()
               if not re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", own)}
    found = {(rel, phrase) for rel, text in texts.items() for phrase in phrases
             if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)}
    assert sorted({p for _, p in found}) == [], sorted({p: r for r, p in found}.items())
    tr = translator(language)
    home = " ".join(lxml_html.parse(str(site / "index.html")).getroot().text_content().split())
    assert tr.gettext("Minor Service Outage") in home
    assert tr.gettext("Last updated %(when)s") % {"when": tr.time(
        datetime(2026, 11, 22, 21, 0, tzinfo=UTC), ZoneInfo("Pacific/Auckland"))} in home
    rss = etree.parse(str(site / "history.rss"))
    assert rss.findtext("channel/language") == language


def test_what_the_probes_saw_in_the_page_language() -> None:
    """The verdict's parts, worded per language; English as the command line says it."""
    from mkstatus.compute.status import ProbeVerdict
    from mkstatus.model import ComponentStatus
    from mkstatus.render.verdicts import verdict_text

    zone = ZoneInfo("Pacific/Auckland")
    now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    since = datetime(2026, 11, 22, 1, 5, tzinfo=UTC)
    down = ProbeVerdict(ComponentStatus.PARTIAL_OUTAGE, since, state="down", hit=1,
                        regions=3, outcomes=("timeout", "tls_expired"))
    assert verdict_text(down, now, zone, translator("en")) == \
        "down in 1 of 3 regions since 14:05 NZDT (timeout, tls expired)"
    assert verdict_text(down, now, zone, translator("fr")) == \
        "en panne dans 1 région sur 3 depuis 14:05 NZDT (délai dépassé, certificat TLS expiré)"
    both = ProbeVerdict(ComponentStatus.MAJOR_OUTAGE, since, state="down", hit=2, regions=2)
    assert verdict_text(both, now, zone, translator("fr")) == \
        "en panne dans les 2 régions depuis 14:05 NZDT"
    yesterday = ProbeVerdict(None, since - timedelta(days=1))
    assert verdict_text(yesterday, now, zone, translator("fr")) == \
        "pas de données récentes (dernière mesure 21 nov. 2026, 14:05 NZDT)"
    vendor = ProbeVerdict(ComponentStatus.MAJOR_OUTAGE, since)  # an upstream's own word
    assert verdict_text(vendor, now, zone, translator("en")) == "major outage since 14:05 NZDT"
    assert verdict_text(vendor, now, zone, translator("fr")) == \
        "panne majeure depuis 14:05 NZDT"


def test_report_periods_and_spans_in_the_locale() -> None:
    from datetime import date

    from mkstatus.compute.reports import Period
    from mkstatus.render.reports import period_label, seconds_text

    month = Period("month", "2026-11", "November 2026", date(2026, 11, 1), date(2026, 12, 1))
    quarter = Period("quarter", "2026-Q4", "Q4 2026", date(2026, 10, 1), date(2027, 1, 1))
    year = Period("year", "2026", "2026", date(2026, 1, 1), date(2027, 1, 1))
    en, fr, ja = translator("en"), translator("fr"), translator("ja")
    # English keeps the labels the JSON API carries.
    assert [period_label(p, en) for p in (month, quarter, year)] == [
        p.label for p in (month, quarter, year)]
    assert [period_label(p, fr) for p in (month, quarter, year)] == [
        "Novembre 2026", "T4 2026", "2026"]
    assert period_label(month, fr, heading=False) == "novembre 2026"
    assert period_label(year, ja) == "2026年"
    assert seconds_text(93784, en) == "1 d 2 h 3 min 4 s"
    assert seconds_text(0, en) == "0 s"
    assert seconds_text(93784, fr) == "1\u202fj 2\u202fh 3\xa0min 4\u202fs"


def test_a_recurring_maintenance_rule_in_words() -> None:
    """The calendar's description words the RRULE (the RRULE property keeps it for
    calendar programs); a part without words keeps the rule as written."""
    from mkstatus.render.rule_words import rule_text

    zone = ZoneInfo("Pacific/Auckland")
    demo = "FREQ=MONTHLY;UNTIL=20271231T105959Z;BYDAY=1WE"  # the demo's, normalized
    assert rule_text(demo, zone, translator("en")) == \
        "every month on the first Wednesday, until 2027-12-31"
    assert rule_text(demo, zone, translator("fr")) == \
        "tous les mois, le premier mercredi, jusqu’au 31 déc. 2027"
    assert rule_text(demo, zone, translator("ja")) == "1か月ごとの第1水曜日、2027/12/31まで"
    weekly = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=10"
    assert rule_text(weekly, zone, translator("en")) == \
        "every 2 weeks on Tuesday and Thursday, 10 times"
    assert rule_text(weekly, zone, translator("de")) == \
        "alle 2 Wochen am Dienstag und Donnerstag, 10-mal"
    assert rule_text("FREQ=WEEKLY", zone, translator("ar")) == "كل أسبوع"
    assert rule_text("FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=15", zone, translator("en")) == \
        "every year in January and July on day 15 of the month"
    odd = "FREQ=MONTHLY;BYSETPOS=1;BYDAY=MO,TU"
    assert rule_text(odd, zone, translator("fr")) == odd


@pytest.mark.slow
@pytest.mark.parametrize("language", ["ja", "de"])
def test_every_time_on_the_pages_is_babels_for_the_site_zone(language: str,
                                                             tmp_path: Path) -> None:
    """Each `<time datetime>` a build in `ja` or `de` shows reads as Babel (CLDR) formats
    that instant in the site's zone, with the zone named: the full medium date and time,
    or the time of day alone (a promise due today)."""
    root = copy_demo(tmp_path / language, monolingual=True)
    config = root / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^theme:\n", f"theme:\n  language: {language}\n",
                             config.read_text(), count=1))
    mkstatus("build", "--now", DEMO_NOW, cwd=root, check=True)
    zone = ZoneInfo("Pacific/Auckland")  # the demo's `timezone`
    locale = translator(language).locale
    seen = 0
    for page in ("index.html", "history/index.html", "components/email/index.html",
                 "incidents/2026-11-22-email-delivery-delays/index.html", "uptime/index.html"):
        for element in lxml_html.parse(str(root / "site" / page)).getroot().iter("time"):
            moment = datetime.fromisoformat(element.get("datetime").replace("Z", "+00:00"))
            local = moment.astimezone(zone)
            clock = format_skeleton("Hm", local, locale=locale)
            full = locale.datetime_formats["medium"].format(
                clock, format_date(local, "medium", locale=locale))
            assert element.text_content() in (f"{full} {local.tzname()}",
                                               f"{clock} {local.tzname()}"), (page, element)
            seen += 1
    assert seen > 20


def test_plain_english_writes_what_babel_writes_for_en() -> None:
    """English is written without Babel (a build in English does not import it); the
    words and times are Babel's ``en`` forms all the same."""
    tr, en = translator("en"), Locale.parse("en")
    assert tr.plain_english and not translator("en-GB").plain_english
    assert (tr.tag, tr.direction, tr.english) == ("en", "ltr", True)
    assert tr.locale == en
    zones = [timezone(timedelta(minutes=m)) for m in (0, 60, -300, 765, 345)]
    for step in range(0, 60 * 24 * 800, 997):
        moment = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=step)
        zone = zones[step % len(zones)]
        assert tr.time(moment, zone).startswith(
            format_datetime(moment.astimezone(zone), "yyyy-MM-dd HH:mm", locale=en) + " ")
    for year in (1999, 2026):
        for month in range(1, 13):
            text = format_skeleton("yMMMM", date(year, month, 1), locale=en)
            assert tr.month(year, month) == text[:1].upper() + text[1:]
            assert tr.month(year, month, heading=False) == text
            first = date(year, month, 1)
            assert tr.quarter(first) == format_skeleton("yQQQ", first, locale=en)
            assert tr.year(first) == format_skeleton("y", first, locale=en)
