"""Incidents in several languages, one story: `incidents/<id>.<lang>.md` (issue 17.4, 17.5).

`check` refuses a translation that tells another story than its main file, or lags behind
it, with exact messages; updates whose text waits for a translation are warnings (errors
with `--strict`); `mkstatus update ID --lang LANG` writes translations, and `mkstatus
update ID` gives every translation the new update's heading.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.incidents.test_editing import run, write
from tests.incidents.test_editing import site as site  # noqa: F401  (the fixture)

MAIN = """\
---
title: Delays sending email
impact: minor
components:
  website: partial_outage
---

## 2026-11-24 08:40 +13:00 — Identified
Components: website=degraded_performance
One mail server is full.

## 2026-11-24 08:00 +13:00 — Investigating
Some email is delayed.
"""
FRENCH = """\
---
title: Retards d’envoi des courriels
impact: minor
components:
  website: partial_outage
---

## 2026-11-24 08:40 +13:00 — Identified
Components: website=degraded_performance
Un serveur de messagerie est plein.

## 2026-11-24 08:00 +13:00 — Investigating
Certains courriels sont retardés.
"""
ID = "2026-11-24-email"
FR = f"incidents/{ID}.fr.md"


@pytest.fixture()
def bilingual(site: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811
    monkeypatch.chdir(site)  # paths print as a user in the site's folder reads them
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  - mkstatus:\n", "  - mkstatus:\n      languages: [en, fr]\n", 1))
    write(site, ID, MAIN)
    return site


def test_a_faithful_translation_is_checked_clean(bilingual: Path) -> None:
    write(bilingual, f"{ID}.fr", FRENCH)
    code, out = run(bilingual, "check")
    assert code == 0, out
    assert "warning" not in out


def test_a_translation_that_tells_another_story_is_refused_exactly(bilingual: Path) -> None:
    other = (FRENCH.replace("impact: minor", "impact: major")
             .replace("08:00 +13:00 — Investigating", "08:00 +13:00 — Identified")
             .replace("website=degraded_performance", "website=operational")
             + "\n## 2026-11-24 07:00 +13:00 — Investigating\nAvant.\n")
    write(bilingual, f"{ID}.fr", other)
    code, out = run(bilingual, "check")
    assert code == 1
    main = f"incidents/{ID}.md"
    assert out.splitlines()[:4] == [
        f"{FR}:3:1: impact: differs from {main}; a translation keeps its main file's front "
        "matter and translates only the title",
        f"{FR}:8:4: component changes differ from {main} (line 8): here website=operational, "
        "there website=degraded_performance",
        f"{FR}:12:4: 'Identified' here, but 'Investigating' in {main} (line 12): a "
        "translation has the same statuses",
        f"{FR}:15:4: no update at 2026-11-24 07:00 +13:00 in {main}: a translation has its "
        "main file's updates, at the same times",
    ]


def test_a_translation_that_lags_behind_is_an_error(bilingual: Path) -> None:
    lagging = FRENCH.split("## 2026-11-24 08:40")[0] + FRENCH.split("retardés.\n")[0].split(
        "Un serveur de messagerie est plein.\n\n")[1] + "retardés.\n"
    write(bilingual, f"{ID}.fr", lagging)
    code, out = run(bilingual, "check")
    assert code == 1
    assert out.splitlines()[0] == (
        f"{FR}:8:1: lags behind incidents/{ID}.md: its update at 2026-11-24 08:40 +13:00 — "
        "Identified (line 8) is missing here; add its heading, or run `mkstatus update "
        f"{ID} --lang fr --at '2026-11-24 08:40 +13:00' -m …`")


def test_languages_that_are_not_listed_or_main_files_that_are_missing(bilingual: Path
                                                                        ) -> None:
    write(bilingual, f"{ID}.de", FRENCH)
    write(bilingual, f"{ID}.en", FRENCH)
    write(bilingual, "2026-11-25-nothing.fr", FRENCH)
    code, out = run(bilingual, "check")
    assert code == 1
    assert out.splitlines()[:3] == [
        f"incidents/{ID}.de.md:1:1: a translation into de, but de is not in `languages:` in "
        "mkdocs.yml (en, fr): add it there, or remove this file",
        f"incidents/{ID}.en.md:1:1: en is the site's main language (theme.language in "
        "mkdocs.yml): its text belongs in the main file",
        "incidents/2026-11-25-nothing.fr.md:1:1: a translation of 2026-11-25-nothing, but "
        "there is no incidents/2026-11-25-nothing.md: a translation sits beside its main file",
    ]


def test_languages_must_start_with_the_theme_language(bilingual: Path) -> None:
    config = bilingual / "mkdocs.yml"
    config.write_text(config.read_text().replace("[en, fr]", "[fr, en, fr]"))
    code, out = run(bilingual, "check")
    assert code == 1
    assert "languages: fr is listed twice" in out
    assert ("languages: the first language is the main one, the theme's language (en, from "
            "theme.language); found fr") in out


def test_updates_waiting_for_their_translation_warn_and_fail_strict(bilingual: Path) -> None:
    write(bilingual, f"{ID}.fr", FRENCH.replace("Un serveur de messagerie est plein.\n", ""))
    code, out = run(bilingual, "check")
    warning = (f"warning: {FR}:8:4: update 'Identified' at 2026-11-24 08:40 NZDT is waiting "
               "for its fr translation (the fr pages show the en text meanwhile)")
    assert code == 0 and warning in out.splitlines()
    code, out = run(bilingual, "check", "--strict")
    assert code == 1 and warning in out.splitlines()


def test_update_lang_makes_the_translation_from_the_main_file(bilingual: Path) -> None:
    code, out = run(bilingual, "update", "email", "--lang", "fr", "-m", "Plein.")
    assert (code, out) == (1, f"{FR} does not exist yet: give the incident's title "
                              f"in fr with --title, and it is made from incidents/{ID}.md\n")
    code, out = run(bilingual, "update", "email", "--lang", "fr", "--title",
                    "Retards d’envoi", "-m", "Un serveur est plein.")
    assert (code, out) == (0, f"{FR}\n")
    assert (bilingual / FR).read_text() == """\
---
title: "Retards d’envoi"
impact: minor
components:
  website: partial_outage
---

## 2026-11-24 08:40 +13:00 — Identified
Components: website=degraded_performance
Un serveur est plein.

## 2026-11-24 08:00 +13:00 — Investigating
"""
    code, out = run(bilingual, "update", "email", "--lang", "fr", "--at",
                    "2026-11-24 08:00", "-m", "Des courriels sont retardés.")
    assert (code, out) == (0, f"{FR}\n")
    assert (bilingual / FR).read_text().endswith(
        "## 2026-11-24 08:00 +13:00 — Investigating\nDes courriels sont retardés.\n")
    code, out = run(bilingual, "check", "--strict")
    assert code == 0, out


def test_update_lang_refusals_are_exact_and_write_nothing(bilingual: Path) -> None:
    write(bilingual, f"{ID}.fr", FRENCH)
    before = (bilingual / FR).read_bytes()
    cases = {
        ("--lang", "fr", "-m", "Encore."):
            f"{FR}: the update at 2026-11-24 08:40 +13:00 (line 8) is translated "
            "already: edit the file to change its text\n",
        ("--lang", "de", "-m", "Voll."):
            "--lang de: de is not in `languages:` in mkdocs.yml (en, fr): add it "
            "there first\n",
        ("--lang", "en", "-m", "Full."):
            "--lang en: en is the site's main language; leave out --lang to update "
            "the main file\n",
        ("--lang", "fr", "-s", "resolved", "-m", "Fini."):
            "--lang translates an update that is already there: its status, "
            "components and promise are the main file's; leave out --status\n",
        ("--lang", "fr", "--at", "2026-11-24 08:30", "-m", "Non."):
            "--at 2026-11-24 08:30 +13:00: incidents/2026-11-24-email.md has no "
            "update at that time; its updates are at 2026-11-24 08:00 +13:00, "
            "2026-11-24 08:40 +13:00\n",
        ("--lang", "fr", "--title", "Autre", "-m", "Non."):
            f"--title: {FR} has its title already; edit it in the file\n",
    }
    for args, expected in cases.items():
        assert run(bilingual, "update", "email", *args) == (1, expected), args
    assert (bilingual / FR).read_bytes() == before


def test_an_update_in_the_main_language_gives_translations_its_heading(bilingual: Path
                                                                       ) -> None:
    write(bilingual, f"{ID}.fr", FRENCH)
    result = run(bilingual, "update", "email", "-s", "monitoring", "-m", "Mail flows.")
    assert result == (0, f"incidents/{ID}.md\n{FR}: added the heading of the update at "
                         f"2026-11-24 09:25 +13:00; its fr text waits: mkstatus update {ID} "
                         "--lang fr -m …\n")
    assert (bilingual / FR).read_text() == FRENCH.replace(
        "---\n\n## 2026-11-24 08:40", "---\n\n## 2026-11-24 09:25 +13:00 — Monitoring\n\n"
        "## 2026-11-24 08:40")
    code, out = run(bilingual, "check")
    assert code == 0 and "is waiting for its fr translation" in out
    code, out = run(bilingual, "update", "email", "--lang", "fr", "-m", "Le courrier passe.")
    assert (code, out) == (0, f"{FR}\n")
    assert "## 2026-11-24 09:25 +13:00 — Monitoring\nLe courrier passe.\n\n## 2026-11-24 " \
        "08:40" in (bilingual / FR).read_text()
    assert run(bilingual, "check", "--strict")[0] == 0


def test_a_summary_waiting_for_its_translation_is_shown_with_a_note(bilingual: Path) -> None:
    write(bilingual, ID, MAIN.replace("---\n\n## 2026-11-24 08:40",
                                      "---\n\nA disk filled up.\n\n## 2026-11-24 08:40"))
    write(bilingual, f"{ID}.fr", FRENCH.replace("Certains courriels sont retardés.\n", ""))
    code, out = run(bilingual, "check")
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith("warning")] == [
        f"warning: {FR}:1:1: the summary is waiting for its fr translation",
        f"warning: {FR}:12:4: update 'Investigating' at 2026-11-24 08:00 NZDT is waiting for "
        "its fr translation (the fr pages show the en text meanwhile)",
    ]
    code, out = run(bilingual, "build")
    assert code == 0, out
    page = (bilingual / "site" / "fr" / "incidents" / ID / "index.html").read_text()
    assert ('<p class="mks-untranslated">Ce texte n’est pas encore traduit.</p>\n'
            '<div lang="en">\n\n<p>A disk filled up.</p>') in page
    assert page.count("Cette mise à jour n’est pas encore traduite.") == 1
    assert "Un serveur de messagerie est plein." in page
