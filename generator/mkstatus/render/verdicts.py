"""What the probes say of a component, worded for a page in the reader's language.

``probes.verdicts`` gives the verdict in parts (state, regions, failures, since when) and
an English ``detail`` for the command line; this module words the same parts through the
catalogs: "down in 2 of 3 regions since 14:05 NZDT (timeout)", « en panne dans 2 régions
sur 3 depuis 14:05 NZDT (délai dépassé) ».
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from mkstatus.compute.status import ProbeVerdict
from mkstatus.i18n import N_, Translator

# The failures a probe names (samples.model.Outcome), as the pages say them.
OUTCOME_WORDS = {
    "refused": N_("refused"), "dns": N_("dns"), "timeout": N_("timeout"),
    "tls_expired": N_("tls expired"), "tls_untrusted": N_("tls untrusted"),
    "tls_hostname": N_("tls hostname"), "tls_error": N_("tls error"),
    "http_status": N_("http status"), "body_mismatch": N_("body mismatch"),
    "json_mismatch": N_("json mismatch"), "body_too_large": N_("body too large"),
    "redirects": N_("redirects"), "protocol": N_("protocol"), "reset": N_("reset"),
}
# One region: "down since %(time)s"; all of them; some of them (state: down, slow, up).
ONE = {"down": N_("down since %(time)s"), "slow": N_("slow since %(time)s"),
       "up": N_("up since %(time)s")}


def when(moment: datetime, now: datetime, zone: tzinfo, tr: Translator) -> str:
    """Only the time of day when it is today; the date too otherwise."""
    same_day = moment.astimezone(zone).date() == now.astimezone(zone).date()
    return tr.clock(moment, zone) if same_day else tr.time(moment, zone)


def verdict_text(verdict: ProbeVerdict, now: datetime, zone: tzinfo, tr: Translator) -> str:
    """The verdict's detail in the page's language (plain text: templates escape it)."""
    _ = tr.gettext
    if verdict.status is None:
        if verdict.since is None:
            return _("no probe samples yet")
        return _("no recent data (last sample %(time)s)") % {
            "time": when(verdict.since, now, zone, tr)}
    time = when(verdict.since or now, now, zone, tr)
    if not verdict.state:  # a vendor's word (upstream): "major outage since 14:05 NZDT"
        label = _(verdict.status.label)
        label = label if not tr.plain_english and tr.locale.language == "de" else label.lower()
        return _("%(status)s since %(time)s") % {"status": label, "time": time}
    n, hit = verdict.regions, verdict.hit
    values = {"time": time, "count": n, "hit": hit}
    if n <= 1:
        text = _(ONE[verdict.state]) % values
    elif hit == n:
        text = {"down": tr.ngettext("down in all %(count)s regions since %(time)s",
                                    "down in all %(count)s regions since %(time)s", n),
                "slow": tr.ngettext("slow in all %(count)s regions since %(time)s",
                                    "slow in all %(count)s regions since %(time)s", n),
                "up": tr.ngettext("up in all %(count)s regions since %(time)s",
                                  "up in all %(count)s regions since %(time)s", n),
                }[verdict.state] % values
    else:  # the plural follows the regions in that state: "1 région sur 3"
        text = {"down": tr.ngettext("down in %(hit)s of %(count)s regions since %(time)s",
                                    "down in %(hit)s of %(count)s regions since %(time)s", hit),
                "slow": tr.ngettext("slow in %(hit)s of %(count)s regions since %(time)s",
                                    "slow in %(hit)s of %(count)s regions since %(time)s", hit),
                "up": tr.ngettext("up in %(hit)s of %(count)s regions since %(time)s",
                                  "up in %(hit)s of %(count)s regions since %(time)s", hit),
                }[verdict.state] % values
    if verdict.outcomes:
        words = ", ".join(_(OUTCOME_WORDS[o]) if o in OUTCOME_WORDS else o.replace("_", " ")
                          for o in verdict.outcomes)
        text += f" ({words})"
    return text
