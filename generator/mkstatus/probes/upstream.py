"""Upstream dependencies: a component that follows a vendor's Statuspage instead of a probe.

    - id: github
      name: GitHub (Git operations)
      upstream: {statuspage: https://www.githubstatus.com, component: Git Operations}

`mkstatus probe` reads the vendor's public ``<statuspage>/api/v2/components.json`` (the
Statuspage API v2 that Atlassian Statuspage and compatible pages serve) with the same
machinery as an HTTP probe (``run.py``: a total deadline, a capped body, redirects to
http(s) only) — never at view time — and records the named component's status as a
sample:

| vendor status | sample outcome | component status |
| --- | --- | --- |
| operational, under_maintenance | ok | operational |
| degraded_performance | degraded | degraded performance |
| partial_outage | upstream_partial | partial outage |
| major_outage | upstream_major | major outage |

When the vendor cannot be read — unreachable, an HTTP error, a body past the cap, not
JSON, a wrong shape, an unknown status, or no component of that name (it was renamed) —
the sample records that fault with its usual outcome, and the component has *no data*
for that time: the vendor being unreachable says nothing about the vendor's service.
Vendor text is untrusted: it only reaches samples as our own short messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from mkstatus.samples.model import Outcome
from mkstatus.text import clean, did_you_mean

API_PATH = "/api/v2/components.json"
MAX_BODY = 2_000_000  # the largest vendor pages list a few hundred components (~500 KB)
GROUP = "Upstream services"
VENDOR_STATUSES = {
    "operational": Outcome.OK,
    "under_maintenance": Outcome.OK,
    "degraded_performance": Outcome.DEGRADED,
    "partial_outage": Outcome.UPSTREAM_PARTIAL,
    "major_outage": Outcome.UPSTREAM_MAJOR,
}
KEYS = ("statuspage", "component", "timeout_s", "interval_minutes")


@dataclass(frozen=True, slots=True)
class UpstreamProbe:
    """A vendor's Statuspage and the name of the component followed on it."""

    statuspage: str  # the page's base URL, such as https://www.githubstatus.com
    component: str
    timeout_s: float = 10
    interval_minutes: int = 5
    retries: int = 0
    down_after: int = 1  # the vendor's word needs no confirmation
    max_body_bytes: int = MAX_BODY

    @property
    def api_url(self) -> str:
        return self.statuspage.rstrip("/") + API_PATH

    @property
    def host(self) -> str:
        """The vendor page's host, for attribution ("status from www.githubstatus.com")."""
        return (urlsplit(self.statuspage).hostname or self.statuspage).removeprefix("www.")


def parse_upstream(raw: object, where: str) -> tuple[UpstreamProbe | None, list[str]]:
    """`upstream: {statuspage: URL, component: NAME}`: the probe, or None and every problem."""
    if not isinstance(raw, Mapping):
        return None, [f"{where}: expected {{statuspage: https://status.example.com, "
                      f"component: Name}}, found {raw!r}"]
    errors = [f"{where}.{key}: unknown key; expected one of {', '.join(KEYS)}"
              for key in raw if key not in KEYS]
    page, name = raw.get("statuspage"), raw.get("component")
    if not isinstance(page, str) or not re.match(r"(?i)https?://[^/?#\s]+(/[^?#\s]*)?$",
                                                 page) or "/api/v2" in page:
        errors.append(f"{where}.statuspage: expected the vendor page's address, such as "
                      f"https://www.githubstatus.com (without /api/v2/...), found {page!r}")
    if not isinstance(name, str) or not name.strip():
        errors.append(f"{where}.component: expected the name of the vendor's component, as "
                      f"its status page shows it, found {name!r}")
    timeout = raw.get("timeout_s", 10)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or \
            not 0 < timeout <= 60:
        errors.append(f"{where}.timeout_s: expected a positive number up to 60, "
                      f"found {timeout!r}")
    interval = raw.get("interval_minutes", 5)
    if isinstance(interval, bool) or not isinstance(interval, int) or \
            not 1 <= interval <= 1440:
        errors.append(f"{where}.interval_minutes: expected an integer from 1 to 1440, "
                      f"found {interval!r}")
    if errors:
        return None, errors
    assert isinstance(page, str) and isinstance(name, str)
    return UpstreamProbe(page, name.strip(), float(timeout), int(interval)), []


def vendor_outcome(body: bytes, name: str) -> tuple[Outcome, str | None]:
    """The outcome for the named component in a components.json body, and an error text
    (our own words) when the body cannot say."""
    try:
        doc: Any = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return Outcome.JSON_MISMATCH, "the vendor's components.json is not JSON"
    items = doc.get("components") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        return Outcome.JSON_MISMATCH, "the vendor's answer has no list of components"
    named = [c for c in items if isinstance(c, dict) and c.get("name") == name]
    if not named:
        names = [clean(str(c.get("name")))[:60] for c in items if isinstance(c, dict)]
        return Outcome.JSON_MISMATCH, (f"no component {name!r} on the vendor's page (renamed?"
                                       f"{did_you_mean(name, names)[:80]}); it lists "
                                       f"{len(names)} components")
    # A name used twice (a component in two groups): the worst of them.
    ranks = list(VENDOR_STATUSES.values())
    found: list[Outcome] = []
    for item in named:
        status = item.get("status")
        outcome = VENDOR_STATUSES.get(status) if isinstance(status, str) else None
        if outcome is None:
            return Outcome.JSON_MISMATCH, f"unknown vendor status {_short(status)} for {name!r}"
        found.append(outcome)
    return max(found, key=ranks.index), None


def _short(value: object) -> str:
    text = repr(value)
    return clean(text if len(text) <= 40 else text[:37] + "...")
