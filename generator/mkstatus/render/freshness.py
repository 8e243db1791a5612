"""When a page was built, and when it may be out of date.

A static page cannot know that nobody has rebuilt it: the probe workflow may have stopped,
the host may serve an old copy. So every page says when it was built (plain text, read
without JavaScript), and carries what a small inline script needs to say more: the build
time, the site's `stale_after` and the contact line. Past `stale_after`, the script
(``mkstatus/mkdocs/theme_inline/stale.js``) turns the page's status banner into "This page
has not been refreshed since …; the status may be out of date", with the contact line.
The watchdog workflow reads the same stamp from `/api/v2/status.json` (``api``).
"""

from __future__ import annotations

from markupsafe import Markup

from mkstatus.compute.site import Site
from mkstatus.i18n import translator
from mkstatus.text import clean
from mkstatus.times import iso_utc


def stamp_html(site: Site) -> Markup:
    """The line every page ends with: its build time, in the site's language, and the
    script's inputs: the build time, `stale_after`, and the notice it would show."""
    config = site.config
    tr = translator(config.language)
    _ = tr.gettext
    shown = tr.time(site.now, config.zone)
    notice = _("This page has not been refreshed since %(time)s; the status may be out "
               "of date.") % {"time": shown}
    if config.contact:
        contact = clean(config.contact)
        if tr.direction == "rtl":  # the script sets plain text: isolate the site's words
            contact = f"\u2068{contact}\u2069"  # FIRST STRONG ISOLATE … POP
        notice += f" {_('Other ways to reach us:')} {contact}"
    built = Markup('<time datetime="{}">{}</time>').format(iso_utc(site.now), shown)
    return Markup('<p class="mks-built" id="mks-built" data-built="{}" data-stale-after="{}" '
                  'data-stale="{}">{}</p>').format(
        iso_utc(site.now), int(config.stale_after.total_seconds()), notice,
        Markup(_("This page was built %(time)s.")) % {"time": built})
