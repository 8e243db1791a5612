"""A recurring maintenance's rule (an RFC 5545 RRULE) in the reader's words.

The calendar keeps the rule itself in its RRULE property, for calendar programs; people
read "every month on the first Wednesday, until 2027-12-31" in the event's
description. Weekday and month names come from Babel (CLDR); the sentence's pieces from
the catalogs. A rule with a part this module does not word (BYSETPOS, WKST, a weekday
position other than 1 to 5 or -1) is shown as written: never a wrong sentence.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

from mkstatus.i18n import N_, Translator

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
POSITIONS = {1: N_("the first %(weekday)s"), 2: N_("the second %(weekday)s"),
             3: N_("the third %(weekday)s"), 4: N_("the fourth %(weekday)s"),
             5: N_("the fifth %(weekday)s"), -1: N_("the last %(weekday)s")}
WORDED = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL"}


def rule_text(rule: str, zone: tzinfo, tr: Translator) -> str:
    """``FREQ=MONTHLY;BYDAY=1WE;UNTIL=20271231T105959Z`` as "every month on the first
    Wednesday, until 2027-12-31"; the rule as written when a part has no words here."""
    parts = dict(item.partition("=")[::2] for item in rule.upper().split(";") if item)
    worded = _words(parts, zone, tr) if set(parts) <= WORDED else None
    return worded if worded is not None else rule


def _words(parts: dict[str, str], zone: tzinfo, tr: Translator) -> str | None:
    _ = tr.gettext
    if parts.get("FREQ") not in FREQS or not parts.get("INTERVAL", "1").isdigit():
        return None
    n = int(parts.get("INTERVAL", "1"))
    text = _every(parts["FREQ"], n, tr) % {"count": n}
    if "BYMONTH" in parts:
        if not re.fullmatch(r"\d{1,2}(,\d{1,2})*", parts["BYMONTH"]):
            return None
        months = tr.locale.months["format"]["wide"]
        text = _("%(every)s in %(months)s") % {
            "every": text, "months": join([months[int(m)] for m in parts["BYMONTH"].split(",")
                                           if 1 <= int(m) <= 12], tr)}
    names = tr.locale.days["format"]["wide"]
    if "BYDAY" in parts:
        days = []
        for item in parts["BYDAY"].split(","):
            found = re.fullmatch(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)", item)
            if found is None:
                return None
            weekday = names[WEEKDAYS.index(found[2])]
            if found[1] is None:
                days.append(weekday)
            elif int(found[1]) in POSITIONS:
                days.append(_(POSITIONS[int(found[1])]) % {"weekday": weekday})
            else:
                return None
        text = _("%(every)s on %(days)s") % {"every": text, "days": join(days, tr)}
    if "BYMONTHDAY" in parts:
        if not re.fullmatch(r"\d{1,2}(,\d{1,2})*", parts["BYMONTHDAY"]):
            return None
        text = _("%(every)s on day %(days)s of the month") % {
            "every": text, "days": join(parts["BYMONTHDAY"].split(","), tr)}
    if "COUNT" in parts and parts["COUNT"].isdigit():
        count = int(parts["COUNT"])
        text = tr.ngettext("%(every)s, %(count)s time", "%(every)s, %(count)s times",
                           count) % {"every": text, "count": count}
    if "UNTIL" in parts:
        until = _until(parts["UNTIL"], zone)
        if until is None:
            return None
        text = _("%(every)s, until %(date)s") % {"every": text, "date": tr.day(until)}
    return text


def _every(freq: str, n: int, tr: Translator) -> str:
    """"every month", "every 2 months" (spelled out for the extractor: plural forms)."""
    if freq == "DAILY":
        return tr.ngettext("every day", "every %(count)s days", n)
    if freq == "WEEKLY":
        return tr.ngettext("every week", "every %(count)s weeks", n)
    if freq == "MONTHLY":
        return tr.ngettext("every month", "every %(count)s months", n)
    return tr.ngettext("every year", "every %(count)s years", n)


def join(items: list[str], tr: Translator) -> str:
    """A list as the locale writes one: "Tuesday and Thursday", « mardi et jeudi »."""
    from babel.lists import format_list  # Babel only for sites with recurring rules

    return format_list(items, locale=tr.locale)


def _until(value: str, zone: tzinfo) -> datetime | None:
    """The local day of an UNTIL (UTC, as ``recurrence.normalize`` writes it)."""
    for form in ("%Y%m%dT%H%M%SZ", "%Y%m%d"):
        try:
            moment = datetime.strptime(value, form).replace(tzinfo=UTC)
        except ValueError:
            continue
        return moment.astimezone(zone) if form.endswith("Z") else moment
    return None
