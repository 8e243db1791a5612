"""How an upstream service (a vendor's Statuspage we follow) is worded on our pages.

Its status is the vendor's word, read by our probes: the page says whose word it is,
links to the vendor's page, and says whether it is counted in our overall status
(``affects_overall``).
"""

from __future__ import annotations

from mkstatus.compute.status import ProbeVerdict
from mkstatus.i18n import Translator, translator
from mkstatus.model import Component, ComponentStatus
from mkstatus.probes.upstream import UpstreamProbe


def upstream_of(comp: Component) -> UpstreamProbe | None:
    return comp.probe if isinstance(comp.probe, UpstreamProbe) else None


def upstream_note(verdict: ProbeVerdict, probe: UpstreamProbe,
                  tr: Translator | None = None) -> str:
    """Plain text (templates escape it): the vendor's report, or why there is none."""
    _ = (tr or translator()).gettext
    if verdict.status is None:
        return _("%(host)s could not be read: %(detail)s; status from incident reports "
                 "only.") % {"host": probe.host, "detail": verdict.detail}
    if verdict.status > ComponentStatus.OPERATIONAL:
        return _("Reported by %(host)s: %(detail)s.") % {"host": probe.host,
                                                         "detail": verdict.detail}
    return ""


def attribution(comp: Component, probe: UpstreamProbe, tr: Translator | None = None) -> str:
    tr = tr or translator()
    n = probe.interval_minutes
    values = {"host": probe.host, "component": probe.component, "minutes": n}
    if comp.affects_overall:
        return tr.ngettext(
            "Status reported by %(host)s's own status page (its component “%(component)s”), "
            "read by our probes every %(minutes)s minute; counted in our overall status and "
            "uptime figures.",
            "Status reported by %(host)s's own status page (its component “%(component)s”), "
            "read by our probes every %(minutes)s minutes; counted in our overall status and "
            "uptime figures.", n) % values
    return tr.ngettext(
        "Status reported by %(host)s's own status page (its component “%(component)s”), "
        "read by our probes every %(minutes)s minute; not counted in our overall status "
        "and uptime figures.",
        "Status reported by %(host)s's own status page (its component “%(component)s”), "
        "read by our probes every %(minutes)s minutes; not counted in our overall status "
        "and uptime figures.", n) % values
