"""The words and the times of a page, in the reader's language.

Every string mkstatus writes on a page or in a feed is an English msgid here, in the
templates or in `model.py` (marked with ``N_``), translated through the gettext catalogs
under ``mkstatus/locale/<lang>/LC_MESSAGES/mkstatus.mo`` (``make messages`` extracts,
updates and compiles them). The language is Material's ``theme.language``, so the theme's
own chrome and our words switch together. Times and durations go through Babel (CLDR) for
the locale, always with the zone named and always absolute.

English keeps the forms the pages have always had (``2026-11-22 14:05 NZDT``,
``1 h 50 min``): unambiguous for en-US and en-GB readers alike, and what every consumer
of the English pages already reads. Machine outputs (the Statuspage JSON, feed ids,
``datetime`` attributes) never change with the language.
"""

from __future__ import annotations

import gettext as gettext_module
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkstatus.times import zone_name

if TYPE_CHECKING:
    from babel import Locale

DOMAIN = "mkstatus"
DEFAULT = "en"


# Babel's formatting, imported on first use: plain English (``Translator.plain_english``)
# is written without it, so a build in English does not import Babel.
def format_date(*args: Any, **kwargs: Any) -> str:
    from babel.dates import format_date as babel_format_date

    return babel_format_date(*args, **kwargs)


def format_skeleton(*args: Any, **kwargs: Any) -> str:
    from babel.dates import format_skeleton as babel_format_skeleton

    return babel_format_skeleton(*args, **kwargs)


def format_unit(*args: Any, **kwargs: Any) -> str:
    from babel.units import format_unit as babel_format_unit

    return babel_format_unit(*args, **kwargs)


# English month names, as Babel's ``en`` locale writes them (see ``Translator.month``).
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def N_(message: str) -> str:
    """Marks an English msgid for extraction where it is defined; translated where shown."""
    return message


def locale_dir() -> Path:
    return Path(str(resources.files("mkstatus").joinpath("locale")))


def babel_name(language: str) -> str:
    """Material's spelling (``pt-BR``) to Babel's and gettext's (``pt_BR``)."""
    return language.replace("-", "_")


def shipped() -> tuple[str, ...]:
    """The languages with a compiled catalog in this package, sorted."""
    root = locale_dir()
    if not root.is_dir():
        return ()
    return tuple(sorted(p.parent.parent.name for p in
                        root.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")))


@dataclass(frozen=True)
class Translator:
    """One language's words and formats; made once per language (``translator``).

    Plain English (``en``, the default) is written without Babel, so a build in English
    does not import it; every other language asks Babel (CLDR) for its locale."""

    language: str  # as the site wrote it (Material's code), e.g. ``pt-BR``
    catalog: gettext_module.NullTranslations
    plain_english: bool = False  # ``en``: the forms below, Babel not needed

    @property
    def locale(self) -> Locale:
        """Babel's locale of the language (English when Babel does not know it)."""
        return _locale(babel_name(self.language or DEFAULT))

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """A msgid whose English word means something else elsewhere ("none")."""
        return self.catalog.pgettext(context, message)

    @property
    def english(self) -> bool:
        return self.plain_english or self.locale.language == "en"

    @property
    def direction(self) -> str:
        """``rtl`` or ``ltr``, for the ``dir`` attribute of what we write."""
        if self.plain_english:
            return "ltr"
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def tag(self) -> str:
        """The BCP 47 tag of feeds and ``hreflang`` (``pt-BR``)."""
        return "en" if self.plain_english else str(self.locale).replace("_", "-")

    def time(self, moment: datetime, zone: tzinfo) -> str:
        """Local, absolute, with the zone named: ``22 nov. 2026, 14:05 NZDT``."""
        local = moment.astimezone(zone)
        if self.english:
            # Babel's "yyyy-MM-dd HH:mm"
            text = f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local:%H:%M}"
        else:
            text = self.locale.datetime_formats["medium"].format(
                format_skeleton("Hm", local, locale=self.locale),
                format_date(local, "medium", locale=self.locale))
        return f"{text} {zone_name(local)}"

    def day(self, day: date) -> str:
        """A day alone: ``2027-12-31`` in English, the locale's medium date otherwise
        (``31 déc. 2027``, ``2027/12/31``)."""
        return day.isoformat()[:10] if self.english else format_date(day, "medium",
                                                                    locale=self.locale)

    def clock(self, moment: datetime, zone: tzinfo) -> str:
        """The time of day alone, with the zone named, where the day goes without saying
        (``10:30 NZDT``)."""
        local = moment.astimezone(zone)
        text = f"{local:%H:%M}" if self.english else \
            format_skeleton("Hm", local, locale=self.locale)
        return f"{text} {zone_name(local)}"

    def duration(self, delta: timedelta) -> str:
        """Days, hours and minutes in the locale's short units (``1 h 50 min``)."""
        minutes = int(delta.total_seconds() // 60)
        days, rest = divmod(minutes, 24 * 60)
        hours, mins = divmod(rest, 60)
        amounts = [(days, "day", "d"), (hours, "hour", "h"), (mins, "minute", "min")]
        shown = [(n, unit, short) for n, unit, short in amounts if n]
        if not shown:
            shown = [(0, "minute", "min")]
        if self.english:
            return " ".join(f"{n} {short}" for n, _unit, short in shown)
        return " ".join(format_unit(n, f"duration-{unit}", length="short", locale=self.locale)
                        for n, unit, _short in shown)

    def span(self, seconds: float) -> str:
        """Whole seconds too, for the uptime reports' budgets: ``1 d 2 h 3 min 4 s``
        (English), ``1 j 2 h 3 min 4 s`` (French); at least ``0 s``."""
        total = int(round(abs(seconds)))
        days, rest = divmod(total, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, secs = divmod(rest, 60)
        amounts = [(days, "day", "d"), (hours, "hour", "h"), (minutes, "minute", "min"),
                   (secs, "second", "s")]
        shown = [(n, unit, short) for n, unit, short in amounts if n] or [(0, "second", "s")]
        if self.english:
            return " ".join(f"{n} {short}" for n, _unit, short in shown)
        return " ".join(format_unit(n, f"duration-{unit}", length="short", locale=self.locale)
                        for n, unit, _short in shown)

    def decimal(self, value: float, places: int | None = None) -> str:
        """A number shown on a page: ``places`` decimals (rounded as Python rounds), or as
        few as it needs (``places=None``: ``0.3``, ``1``). English keeps Python's own
        writing (``1234``, ``0.3``); other languages take the locale's separators
        (``1 234``, ``0,3``), through Babel."""
        text = f"{value:g}" if places is None else f"{value:.{places}f}"
        if self.english:
            return text
        from babel.numbers import format_decimal  # only for other languages
        return format_decimal(Decimal(text), locale=self.locale, format=number_pattern(
            self.locale.decimal_formats[None].pattern, places))

    def percent(self, value: float, places: int | None = None) -> str:
        """A percentage given in percent (``99.84``), already truncated by the caller:
        ``places`` decimals, or as few as it needs (``places=None``: ``99.9``). English:
        ``99.84%``; other languages as the locale writes it (``99,84\u00a0%``)."""
        text = f"{value:g}" if places is None else f"{value:.{places}f}"
        if self.english:
            return f"{text}%"
        from babel.numbers import format_percent  # only for other languages
        return format_percent(Decimal(text) / 100, locale=self.locale, format=number_pattern(
            self.locale.percent_formats[None].pattern, places))

    def quarter(self, day: date) -> str:
        """The quarter of ``day`` with its year: ``Q4 2026``, ``T4 2026``, ``2026/Q4``."""
        if self.plain_english:  # Babel's en "yQQQ"
            return f"Q{(day.month - 1) // 3 + 1} {day.year}"
        return format_skeleton("yQQQ", day, locale=self.locale)

    def year(self, day: date) -> str:
        """The year of ``day`` as the locale writes it alone: ``2026``, ``2026年``."""
        if self.plain_english:  # Babel's en "y"
            return str(day.year)
        return format_skeleton("y", day, locale=self.locale)

    def month(self, year: int, month: int, heading: bool = True) -> str:
        """A month and its year: ``Novembre 2026`` as a heading, ``novembre 2026`` inside
        a sentence (``heading=False``)."""
        if self.plain_english:  # Babel's en "yMMMM", capitalised already
            return f"{MONTHS[month - 1]} {year}"
        text = format_skeleton("yMMMM", date(year, month, 1), locale=self.locale)
        return text[:1].upper() + text[1:] if heading else text


def number_pattern(pattern: str, places: int | None) -> str:
    """The locale's CLDR number pattern (``#,##0\u00a0%``) with exactly ``places``
    decimals (``#,##0.00\u00a0%``), or up to six (``places=None``)."""
    fraction = "#" * 6 if places is None else "0" * places
    return re.sub(r"[#,]*0[0.#]*", lambda m: m.group(0).split(".")[0] +
                  ("." + fraction if fraction else ""), pattern.split(";")[0], count=1)


@cache
def translator(language: str = DEFAULT) -> Translator:
    """The translator of ``language``; a language we have no catalog for keeps English
    words (Babel still formats its dates when it knows the locale)."""
    name = babel_name(language or DEFAULT)
    catalog = gettext_module.translation(DOMAIN, str(locale_dir()), languages=[name],
                                         fallback=True)
    return Translator(language=language or DEFAULT, catalog=catalog,
                      plain_english=name == DEFAULT)


@cache
def _locale(name: str) -> Locale:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT)
