"""Plan and deliver: what each destination has not been told yet, then tell it.

A destination's first run (no ledger yet) records what is already published as its
baseline and sends nothing from the past; ``since`` sends what happened from then on and
records only older events as the baseline. Events a destination's filters exclude are
recorded as ``filtered``, so changing a filter later never floods anyone with history.

Destinations are served concurrently, each one message at a time, oldest first. The
first failure (refused, an HTTP error, the deadline) stops that destination for this run;
its messages wait in no queue but the ledger's absence of them, and go out on the next
run. Other destinations are not held up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from mkstatus import envvars
from mkstatus.compute.site import Site
from mkstatus.errors import ConfigError
from mkstatus.model import Destination
from mkstatus.notify import channels, message
from mkstatus.notify.events import Event, clock_events, feed_events, wanted
from mkstatus.notify.ledger import Ledger, destination_key, key_of
from mkstatus.probes.errors import scrub
from mkstatus.render.api import Api
from mkstatus.times import iso_utc

MAX_WORKERS = 16


@dataclass
class Report:
    """One destination's run, for the command line to print."""

    label: str
    key: str
    first_run: bool
    baseline: list[Event] = field(default_factory=list)
    filtered: list[Event] = field(default_factory=list)
    pending: list[Event] = field(default_factory=list)  # to send, or left for next run
    sent: list[Event] = field(default_factory=list)
    error: str | None = None
    requests: int = 0
    missing: list[str] = field(default_factory=list)  # unset ${VARS} (dry run)
    feeds: list[str] = field(default_factory=list)  # WebSub: the feeds pinged


def plan(site: Site, root: Path, destination: Destination | None,
         since: datetime | None) -> tuple[Report, Ledger]:
    """What `destination` (None: the WebSub hub) should be sent now, from its ledger."""
    if destination is None:
        hub = site.config.websub_hub or ""
        key, name = destination_key(hub, "websub"), f"websub {hub}"
        events = feed_events(site)
    else:
        key = key_of(destination)
        name = channels.label(destination.url, destination.index, destination.webhook)
        lead = timedelta(minutes=destination.reminder_minutes)
        events = sorted(feed_events(site) + clock_events(site, lead),
                        key=lambda e: (e.time, e.id))
    ledger = Ledger(root, key)
    first = not ledger.exists()
    done = ledger.ids()
    report = Report(name, key, first)
    for event in events:
        if event.id in done:
            continue
        if (since is not None and event.time < since) or (since is None and first):
            report.baseline.append(event)
        elif destination is not None and not wanted(destination, event):
            report.filtered.append(event)
        else:
            report.pending.append(event)
    return report, ledger


def run(site: Site, root: Path, environ: Mapping[str, str], *, dry_run: bool = False,
        since: datetime | None = None) -> list[Report]:
    """Deliver (or with `dry_run`, only plan) for every destination and the hub."""
    targets: list[Destination | None] = list(site.config.notify)
    if site.config.websub_hub:
        targets.append(None)
    plans = [plan(site, root, target, since) for target in targets]
    if dry_run:
        for target, (report, _) in zip(targets, plans, strict=True):
            templates = [] if target is None else [target.url, target.secret]
            report.missing = sorted(envvars.names(templates) - set(environ))
        return [report for report, _ in plans]
    texts = _Texts(site)
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, max(1, len(plans)))) as pool:
        jobs = [pool.submit(_deliver, site, target, report, ledger, environ, texts)
                for target, (report, ledger) in zip(targets, plans, strict=True)]
        return [job.result() for job in jobs]


class _Texts:
    """Each event's words, made once however many destinations get them."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.api = Api(site)
        self.texts: dict[str, tuple[str, str, str]] = {}
        self.bodies: dict[str, bytes] = {}

    def apprise(self, event: Event) -> tuple[str, str, str]:
        if event.id not in self.texts:
            self.texts[event.id] = (event.title, message.body_markdown(self.site, event),
                                    message.notify_type(event))
        return self.texts[event.id]

    def webhook(self, event: Event) -> bytes:
        if event.id not in self.bodies:
            self.bodies[event.id] = message.webhook_body(self.site, self.api, event)
        return self.bodies[event.id]


def _deliver(site: Site, target: Destination | None, report: Report, ledger: Ledger,
             environ: Mapping[str, str], texts: _Texts) -> Report:
    at = iso_utc(site.now)
    ledger.start()
    ledger.record([{"id": e.id, "event": e.kind, "outcome": outcome, "at": at}
                   for outcome, events in (("baseline", report.baseline),
                                           ("filtered", report.filtered))
                   for e in events])
    if not report.pending:
        return report
    if target is None:
        return _ping_hub(site, report, ledger, at)
    try:
        send, timeout = _sender(target, environ, texts)
    except ConfigError as exc:
        report.error = f"not sent: {exc}"
        return report
    while report.pending:
        event = report.pending[0]
        report.requests += 1
        reason = channels.within(timeout, lambda e=event: send(e))  # type: ignore[misc]
        if reason is not None:
            report.error = reason
            break
        ledger.record([{"id": event.id, "event": event.kind, "outcome": "sent", "at": at}])
        report.sent.append(report.pending.pop(0))
    return report


def _sender(target: Destination, environ: Mapping[str, str], texts: _Texts
            ) -> tuple[Callable[[Event], str | None], float]:
    """The destination's send function (secrets expanded here) and its deadline."""
    where = f"notify[{target.index}]"
    url = envvars.expand(target.url, environ, f"{where}.{'webhook' if target.webhook else 'url'}")
    if target.webhook:
        secret = envvars.expand(target.secret, environ, f"{where}.secret")
        hidden = channels.secrets_of([target.url, target.secret], url, environ) | {secret}
        session = channels.new_session()

        def send_webhook(event: Event) -> str | None:
            body = texts.webhook(event)
            headers = {"Content-Type": "application/json",
                       message.SIGNATURE_HEADER: message.signature(secret, body),
                       message.IDEMPOTENCY_HEADER: event.id,
                       message.EVENT_HEADER: event.kind}
            return channels.post(session, url, hidden, target.timeout_s, data=body,
                                 headers=headers)

        return send_webhook, target.timeout_s
    hidden = channels.secrets_of([target.url], url, environ)
    try:
        channel = channels.AppriseChannel(url, hidden)
    except ConfigError as exc:
        raise ConfigError(scrub(f"{where}.url: {exc}", hidden, limit=None)) from None

    def send_apprise(event: Event) -> str | None:
        title, body, kind = texts.apprise(event)
        return channel.send(title, body, kind)

    return send_apprise, target.timeout_s + channel.pause


def _ping_hub(site: Site, report: Report, ledger: Ledger, at: str) -> Report:
    """WebSub: one publish ping per changed feed, each under its own deadline; every
    entry is recorded once all pings succeeded (a repeated ping is harmless)."""
    hub = site.config.websub_hub or ""
    report.feeds = changed_feeds(site, report.pending)
    session = channels.new_session()
    for url in report.feeds:
        report.requests += 1
        form = {"hub.mode": "publish", "hub.url": url}
        reason = channels.within(HUB_TIMEOUT, lambda f=form: channels.post(  # type: ignore[misc]
            session, hub, set(), HUB_TIMEOUT, data=f))
        if reason is not None:
            report.error = f"{reason} (hub.url={url})"
            return report
    ledger.record([{"id": e.id, "event": e.kind, "outcome": "pinged", "at": at}
                   for e in report.pending])
    report.sent, report.pending = report.pending, []
    return report


HUB_TIMEOUT = 10.0
FEED_FORMATS = ("atom", "json", "rss")


def changed_feeds(site: Site, events: list[Event]) -> list[str]:
    """The feeds whose entries include one of `events`: the site's and its components'."""
    base = site.config.site_url
    stems = {"history"} if events else set()
    stems |= {f"components/{cid}/history" for e in events for cid in e.components}
    return [f"{base}{stem}.{ext}" for stem in sorted(stems) for ext in FEED_FORMATS]
