"""The words of a notification, and the signed webhook's JSON.

An Apprise message is a title and a Markdown body: the status and the time (in the site's
zone, named), the affected components with their status after the update, the update's
own text and a link to the incident page. Apprise turns the Markdown into what each
channel renders (HTML for email, mrkdwn for Slack, plain text for SMS), so the body is
written once.

The signed webhook carries Statuspage's webhook shape, so receivers written for
Statuspage read it: ``meta``, ``page`` and ``incident`` (the API's incident object,
``incident_updates`` newest first up to this event, so ``incident_updates[0]`` is the
update being delivered). Its signature is ``sha256=`` and the hex HMAC-SHA256 of the exact
body bytes, keyed with the destination's secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from mkstatus import __version__
from mkstatus.compute.site import Site
from mkstatus.model import ComponentStatus, Impact, Kind, MaintenanceStatus, UpdateStatus
from mkstatus.notify.events import Event
from mkstatus.render.api import CANCELLED_AS, Api, affected_components
from mkstatus.text import clean
from mkstatus.times import iso_utc, show

SIGNATURE_HEADER = "X-Mkstatus-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_HEADER = "X-Mkstatus-Event"
DOCUMENTATION = "https://pypi.org/project/mkstatus/"


def notify_type(event: Event) -> str:
    """Apprise's colour and icon: success, failure, warning or info."""
    if event.status in (UpdateStatus.RESOLVED, MaintenanceStatus.COMPLETED):
        return "success"
    if event.kind in ("incident", "update"):
        serious = event.view.incident.impact in (Impact.MAJOR, Impact.CRITICAL)
        return "failure" if serious else "warning"
    return "info"


def body_markdown(site: Site, event: Event) -> str:
    """The Apprise body: status and time, components, the text, the link."""
    zone = site.config.zone
    label = "Starting soon" if event.reminder == "soon" else event.status.label
    parts = [f"**{label}** · {show(event.time, zone)}"]
    incident = event.view.incident
    if incident.kind is Kind.MAINTENANCE:
        assert incident.scheduled_for and incident.scheduled_until  # by the parser
        parts.append(f"**Window:** {show(incident.scheduled_for, zone)} to "
                     f"{show(incident.scheduled_until, zone)}")
    affected = component_statuses(event)
    if affected:
        names = ", ".join(f"{site.config.component(cid).name} ({status.label.lower()})"
                          for cid, status in affected)
        parts.append(f"**Affected:** {names}")
    if event.message:
        parts.append(clean(event.message))
    parts.append(f"Details: <{event.link}>")  # the address stays in plain-text renderings
    return "\n\n".join(parts) + "\n"


def component_statuses(event: Event) -> list[tuple[str, ComponentStatus]]:
    """Each component the incident names, with its status just after this event."""
    v = event.view
    ids = v.incident.component_ids
    if v.kind is Kind.NOTICE:
        return []
    if v.kind is Kind.MAINTENANCE:  # scheduled: what the window will do to them
        held = event.status in (MaintenanceStatus.SCHEDULED, MaintenanceStatus.IN_PROGRESS,
                                MaintenanceStatus.VERIFYING)
        status = ComponentStatus.UNDER_MAINTENANCE if held else ComponentStatus.OPERATIONAL
        return [(cid, status) for cid in ids]
    current: dict[str, ComponentStatus] = {}
    for changes in affected_components(v)[: (event.index or 0) + 1]:
        current.update({cid: new for cid, _, new in changes})
    return [(cid, current.get(cid, ComponentStatus.OPERATIONAL)) for cid in ids]


def webhook_body(site: Site, api: Api, event: Event) -> bytes:
    """Statuspage's webhook shape for this event, as the exact bytes that are signed."""
    when = iso_utc(event.time)
    incident: dict[str, Any] = dict(api.incident(event.view))
    incident["incident_updates"] = [u for u in incident["incident_updates"]
                                    if u["created_at"] <= when]
    cancelled = event.status is MaintenanceStatus.CANCELLED
    incident["status"] = CANCELLED_AS if cancelled else event.status
    incident["updated_at"] = when
    if incident["resolved_at"] and incident["resolved_at"] > when:
        incident["resolved_at"] = None
    document = {
        "meta": {"event": event.kind, "reminder": event.reminder or None, "id": event.id,
                 "documentation": DOCUMENTATION, "generator": f"mkstatus {__version__}"},
        "page": {"id": api.page_id, "url": site.config.site_url,
                 "status_indicator": site.indicator.code,
                 "status_description": site.indicator.banner},
        "incident": incident,
    }
    return json.dumps(document, sort_keys=True, allow_nan=False,
                      ensure_ascii=False).encode()


def signature(secret: str, body: bytes) -> str:
    """The value of X-Mkstatus-Signature."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
