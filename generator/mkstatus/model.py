"""The small frozen domain model every stage shares.

Statuses are ordered enums so that "the worst of" is `max()`.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from enum import Enum, StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from mkstatus.i18n import N_


class ComponentStatus(Enum):
    """Statuspage's component vocabulary, in order of severity."""

    OPERATIONAL = (0, "operational", N_("Operational"))
    UNDER_MAINTENANCE = (1, "under_maintenance", N_("Under maintenance"))
    DEGRADED_PERFORMANCE = (2, "degraded_performance", N_("Degraded performance"))
    PARTIAL_OUTAGE = (3, "partial_outage", N_("Partial outage"))
    MAJOR_OUTAGE = (4, "major_outage", N_("Major outage"))

    def __init__(self, rank: int, code: str, label: str) -> None:
        self.rank, self.code, self.label = rank, code, label

    def __lt__(self, other: ComponentStatus) -> bool:
        return self.rank < other.rank

    def __le__(self, other: ComponentStatus) -> bool:
        return self.rank <= other.rank

    def __gt__(self, other: ComponentStatus) -> bool:
        return self.rank > other.rank

    def __ge__(self, other: ComponentStatus) -> bool:
        return self.rank >= other.rank

    @classmethod
    def from_code(cls, code: str) -> ComponentStatus:
        for status in cls:
            if status.code == code:
                return status
        raise KeyError(code)


class Impact(Enum):
    NONE = (0, "none")
    MINOR = (1, "minor")
    MAJOR = (2, "major")
    CRITICAL = (3, "critical")
    MAINTENANCE = (-1, "maintenance")

    def __init__(self, rank: int, code: str) -> None:
        self.rank, self.code = rank, code


class Indicator(Enum):
    """The overall indicator, with the banner text Statuspage shows for it."""

    NONE = (0, "none", N_("All Systems Operational"))
    MAINTENANCE = (1, "maintenance", N_("Service Under Maintenance"))
    MINOR = (2, "minor", N_("Minor Service Outage"))
    MAJOR = (3, "major", N_("Partial System Outage"))
    CRITICAL = (4, "critical", N_("Major System Outage"))

    def __init__(self, rank: int, code: str, banner: str) -> None:
        self.rank, self.code, self.banner = rank, code, banner

    def __lt__(self, other: Indicator) -> bool:
        return self.rank < other.rank

    def __gt__(self, other: Indicator) -> bool:
        return self.rank > other.rank


class Kind(Enum):
    INCIDENT = "incident"
    MAINTENANCE = "maintenance"
    NOTICE = "notice"


class UpdateStatus(StrEnum):
    """The status an update gives an incident or a notice (Statuspage's vocabulary).

    A ``StrEnum``: its value is the code written in JSON and compared with file text."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        """The English name (a msgid: pages show it translated)."""
        return LABELS[self.value]

    @property
    def ends(self) -> bool:
        """Nothing may follow an update with this status."""
        return self is UpdateStatus.RESOLVED

    @property
    def active(self) -> bool:
        """Only maintenance statuses hold a maintenance open."""
        return False


class MaintenanceStatus(StrEnum):
    """The status of a scheduled maintenance, posted or made by the clock."""

    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return LABELS[self.value]

    @property
    def ends(self) -> bool:
        return self in (MaintenanceStatus.COMPLETED, MaintenanceStatus.CANCELLED)

    @property
    def active(self) -> bool:
        """Posted inside the window, it holds the maintenance open (see DESIGN)."""
        return self in (MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING)


Status = UpdateStatus | MaintenanceStatus
LABELS = {
    "investigating": N_("Investigating"), "identified": N_("Identified"),
    "monitoring": N_("Monitoring"), "resolved": N_("Resolved"),
    "scheduled": N_("Scheduled"), "in_progress": N_("In progress"),
    "verifying": N_("Verifying"), "completed": N_("Completed"), "cancelled": N_("Cancelled"),
}
STATUSES: dict[str, Status] = {s.value: s for s in (*UpdateStatus, *MaintenanceStatus)}


SLO_PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True, slots=True)
class Slo:
    """A service level objective: the uptime promised per calendar period (site time)."""

    target: float  # percent, above 0 and below 100
    period: str = "month"  # one of SLO_PERIODS


@dataclass(frozen=True, slots=True)
class Component:
    id: str
    name: str
    group: str | None
    description: str
    position: int
    probe: Any = None  # a probes.config.Probe (an UpstreamProbe: a vendor's page), or None
    slo: Slo | None = None
    affects_overall: bool = True  # in the overall indicator and the site's uptime figures
    link: str | None = None  # a public page of the service itself (not its probe URL)
    template: str = "outage"  # templates/<name>.md, filled when probes draft an incident


NOTIFY_EVENTS = ("incident", "update", "resolved", "maintenance", "reminder", "notice")


@dataclass(frozen=True, slots=True)
class Destination:
    """One entry of the plugin's `notify:` list (see `mkstatus.notify`).

    URLs and the secret keep their ${VARS} unexpanded: the configuration never holds a
    secret value, and the delivery ledger is keyed by the template.
    """

    index: int
    url: str  # an Apprise URL, or the signed webhook's http(s) URL
    webhook: bool = False
    secret: str = ""  # the webhook's HMAC key
    components: tuple[str, ...] = ()  # empty: every component
    events: tuple[str, ...] = ()  # empty: every event of NOTIFY_EVENTS
    reminder_minutes: int = 60  # "starting soon" this long before a maintenance window
    timeout_s: float = 10  # total deadline of one attempt
    where: tuple[int, int] = (1, 1)  # line and column in the config file


@dataclass(frozen=True, slots=True)
class SiteConfig:
    site_name: str
    site_url: str
    timezone: ZoneInfo | None
    contact: str
    components: tuple[Component, ...]
    feed_limit: int = 100
    history_days: int = 90
    config_path: str = "mkdocs.yml"
    use_directory_urls: bool = True  # MkDocs' setting: pages at a/ or at a.html
    language: str = "en"  # Material's theme.language: the words and dates of pages, feeds
    languages: tuple[str, ...] = ()  # `languages:`, the main one (`language`) first
    allow_raw_html: bool = False  # incident Markdown keeps raw HTML (not sanitized)
    notify: tuple[Destination, ...] = ()
    websub_hub: str | None = None
    subscribe_email: str | None = None
    subscribe_url: str | None = None
    stale_after: timedelta = timedelta(hours=24)  # the page admits it may be out of date
    stale_script: bool = True  # the inline script that says so on the page
    recovered_after: timedelta = timedelta(minutes=15)  # up this long: suggest `resolve`

    @property
    def further_languages(self) -> tuple[str, ...]:
        """The languages with a `/<lang>/` tree of their own (all but the main one)."""
        return tuple(code for code in self.languages if code != self.language)

    def component(self, cid: str) -> Component:
        return next(c for c in self.components if c.id == cid)

    @property
    def zone(self) -> ZoneInfo:
        return self.timezone or ZoneInfo("UTC")

    @property
    def groups(self) -> list[tuple[str | None, list[Component]]]:
        """Components by group, in configuration order (ungrouped ones stand alone)."""
        out: list[tuple[str | None, list[Component]]] = []
        for comp in self.components:
            if comp.group is not None and out and out[-1][0] == comp.group:
                out[-1][1].append(comp)
            elif comp.group is not None and any(g == comp.group for g, _ in out):
                next(m for g, m in out if g == comp.group).append(comp)
            else:
                out.append((comp.group, [comp]))
        return out


T = TypeVar("T")


def quick_pickling(cls: type[T]) -> type[T]:
    """``cls`` pickled as the tuple of its field values. Parsed incidents cross process
    boundaries (parse workers) and are kept in the derived cache (``incidents.stored``);
    the state methods ``dataclass`` gives a frozen class with slots look its fields up
    again for every object, which made loading 10,000 incidents two thirds slower. The
    tuple holds every field, ``init=False`` ones included, in declaration order."""
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    assert len(names) > 1  # attrgetter of one name returns the value, not a tuple
    state = operator.attrgetter(*names)
    put = object.__setattr__

    def __getstate__(self: T) -> tuple[Any, ...]:
        return state(self)  # type: ignore[no-any-return]

    def __setstate__(self: T, values: tuple[Any, ...]) -> None:
        for name, value in zip(names, values, strict=True):
            put(self, name, value)

    setattr(cls, "__getstate__", __getstate__)  # noqa: B010 - mypy refuses the assignment
    setattr(cls, "__setstate__", __setstate__)  # noqa: B010
    return cls


@quick_pickling
@dataclass(frozen=True, slots=True)
class Update:
    """One `## <time> — <status>` section of an incident file."""

    time: datetime
    status: Status
    message: str  # trusted Markdown written by a committer
    components: tuple[tuple[str, ComponentStatus], ...]  # changes from this update on
    line: int
    occurrence: date | None = None  # of a recurring maintenance: the one it speaks for
    next_update: datetime | None = None  # promised by a `Next update:` line
    fallback: str = ""  # in a language tree: the language of a message not yet translated

    @property
    def label(self) -> str:
        return self.status.label


@quick_pickling
@dataclass(frozen=True, slots=True)
class Incident:
    """An incident, notice or scheduled maintenance, exactly as written in its file.

    What it means at a given moment (published updates, current status) is computed by
    `status.py` from this and `now`: nothing here depends on the clock.
    """

    id: str
    path: str
    kind: Kind
    title: str
    impact: Impact
    components: tuple[tuple[str, ComponentStatus], ...]
    updates: tuple[Update, ...]  # oldest first, whatever the file's order
    summary: str = ""
    postmortem: str = ""
    started: datetime | None = None
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None
    pin: bool = False
    draft: bool = False
    newest_first: bool = True
    recurrence: str | None = None  # an RFC 5545 RRULE (normalized): a recurring maintenance
    series: Incident | None = None  # on one occurrence of it: the file's incident
    fallback: str = ""  # in a language tree: the language of `untranslated` pieces
    untranslated: tuple[str, ...] = ()  # "title", "summary", "postmortem" shown untranslated
    component_ids: tuple[str, ...] = field(init=False, default=())  # every component named

    def __post_init__(self) -> None:
        seen = dict.fromkeys(cid for cid, _ in self.components)
        for update in self.updates:
            seen.update(dict.fromkeys(cid for cid, _ in update.components))
        object.__setattr__(self, "component_ids", tuple(seen))
