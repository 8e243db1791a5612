"""A status site's directory, read as a whole: config, incidents, introduction.

Both adapters (the MkDocs plugin and the CLI) start here, so `mkstatus check`, `mkstatus
build` and a plain `mkdocs build` validate exactly the same things.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mkstatus.compute.latency import HOURS, recent_latency
from mkstatus.compute.reports import site_reports
from mkstatus.compute.site import Site, compute
from mkstatus.compute.status import ProbeVerdict
from mkstatus.compute.uptime import daily_latency, site_uptime
from mkstatus.config import parse_config, read_text
from mkstatus.errors import Problem, ValidationError
from mkstatus.files import shown
from mkstatus.incidents.folder import (
    NotUtf8,
    UnreadableFile,
    decode_utf8,
    list_incident_files,
    read_regular,
)
from mkstatus.incidents.parse import load_incidents
from mkstatus.incidents.recurrence import expand_all
from mkstatus.incidents.translations import load_translations, localize
from mkstatus.model import Incident, SiteConfig
from mkstatus.probes.verdicts import expiring_certs, max_gap_for, probe_history
from mkstatus.render.pages import MarkdownConfig
from mkstatus.render.sanitize import builtin_extensions, markup_warnings
from mkstatus.samples.aggregates import load_aggregates
from mkstatus.samples.cache import cache_file
from mkstatus.samples.model import Sample
from mkstatus.samples.read import raw_samples, summarize_samples
from mkstatus.samples.reduce import merge_runs


@dataclass(frozen=True, slots=True)
class Project:
    """Where a site's inputs live; `root` is the folder of mkdocs.yml."""

    root: Path
    config_file: Path
    docs_dir: Path
    site_name: str
    site_url: str | None
    plugin: Mapping[str, Any]
    use_directory_urls: bool = True  # MkDocs' setting, which decides every page's URL
    markdown: MarkdownConfig = MarkdownConfig()  # MkDocs' markdown_extensions
    language: str = "en"  # Material's theme.language

    @property
    def incidents_dir(self) -> Path:
        return self.root / str(self.plugin.get("incidents_dir") or "incidents")

    @property
    def samples_dir(self) -> Path:
        return self.root / str(self.plugin.get("samples_dir") or "samples")

    @property
    def templates_dir(self) -> Path:
        """`templates/<name>.md`, filled by `new --template` (see incidents/templates.py)."""
        return self.root / "templates"

    @property
    def introduction_file(self) -> Path:
        return self.docs_dir / "index.md"

    def introduction_in(self, language: str) -> Path:
        """`docs/index.<lang>.md`: the introduction of a language's tree."""
        return self.docs_dir / f"index.{language}.md"


def load_config(project: Project) -> SiteConfig:
    config, problems = parse_config(project.plugin, site_name=project.site_name,
                                    site_url=project.site_url,
                                    config_path=shown(project.config_file, project.root),
                                    text=read_text(project.config_file),
                                    use_directory_urls=project.use_directory_urls,
                                    language=project.language)
    if config is None:
        raise ValidationError(problems)
    return config


ProbeData = tuple[dict[str, ProbeVerdict], dict[str, Any]]


def load_project(project: Project, now: datetime,
                 probe_data: Callable[[Project, SiteConfig, datetime], ProbeData] | None = None
                 ) -> Site:
    """Validate everything (all problems at once) and compute the site at `now`.
    ``probe_data`` reads the samples in place of ``load_probe_data`` (`mkstatus serve`
    reuses what it read while the samples are unchanged, see mkdocs/incremental.py)."""
    config = load_config(project)
    folder = project.incidents_dir
    listing = list_incident_files(folder, project.root) if folder.is_dir() else None
    incidents, problems = load_incidents(folder, config, project.root, listing)
    translations = load_translations(folder, config, project.root, incidents, listing)
    problems += translations.problems
    introductions: dict[str, str] = {}
    try:
        introduction = strip_front_matter(read_introduction(project))
        for language in config.further_languages:
            text = read_introduction(project, project.introduction_in(language))
            if text:
                introductions[language] = strip_front_matter(text)
    except ValidationError as exc:
        introduction, problems = "", problems + exc.problems
    if problems:
        raise ValidationError(problems)
    verdicts, probe_extras = (probe_data or load_probe_data)(project, config, now)
    occurrences = expand_all(incidents, config, now)  # recurring maintenance: occurrences
    site = compute(config, occurrences, now, introduction=introduction, probes=verdicts)
    inputs = probe_extras["uptime_inputs"]
    uptime = site_uptime(config, site.views, now, **inputs)
    reports = site_reports(config, site.views, now, probe_timelines=inputs["probe_timelines"],
                           counted={c.id: c.affects_overall for c in config.components})
    recent = probe_extras["recent_samples"]
    translated = [t for words in translations.by_language.values() for t in words.values()]
    warnings = [*site.warnings, *_markup_warnings(project, config, [*incidents, *translated]),
                *translations.waiting]
    return replace(site, warnings=tuple(sorted(warnings)),
                   extras={**site.extras, "uptime": uptime, "reports": reports,
                           "sources": tuple(incidents), "introductions": introductions,
                           "translations": translations.by_language,
                           "probe_timelines": inputs["probe_timelines"],
                           "recent_samples": recent,
                           "latency_24h": recent_latency(recent, now),
                           "cert_expiry": probe_extras["cert_expiry"]})


def language_site(site: Site, language: str) -> Site:
    """The site as its ``language`` tree (``/<language>/``) shows it: the same story at
    the same `now`, told with the translations' words where there are some (the main
    language's, marked as such, elsewhere), in that language's interface. Figures that
    do not depend on words (uptime, reports, samples) are the main site's; the main
    site itself is ``extras["main"]``, for the files every tree shares (the JSON API)."""
    main = site.config
    config = replace(main, language=language, site_url=f"{main.site_url}{language}/")
    words = site.extras.get("translations", {}).get(language, {})
    localized = [localize(incident, words.get(incident.id), main.language)
                 for incident in site.extras.get("sources", ())]
    introduction = site.extras.get("introductions", {}).get(language)
    tree = compute(config, expand_all(localized, config, site.now), site.now,
                   introduction=introduction or site.introduction, probes=site.probes)
    return replace(tree, warnings=(), extras={
        **site.extras, "main": site,
        "introduction_language": "" if introduction else main.language})


def _markup_warnings(project: Project, config: SiteConfig, incidents: list[Incident]
                     ) -> list[Problem]:
    """What sanitizing would remove from incident text, for `check` and every build to
    say before it is gone from the page."""
    if config.allow_raw_html:
        return []
    convert = project.markdown.converter()

    def lines_of(incident: Incident) -> list[str]:
        text = read_text(project.root / incident.path) or ""
        return text.replace("\r\n", "\n").split("\n")

    return markup_warnings(incidents, convert, lines_of,
                           web_links_safe=builtin_extensions(project.markdown.extensions))


def load_probe_data(project: Project, config: SiteConfig, now: datetime) -> ProbeData:
    """Read every sample: verdicts, uptime inputs, the last two days' raw samples.

    The whole history is read because uptime reports go back as far as the data does.
    Raw samples are read once, straight into what is needed (``samples_fast``): runs
    (status, uptime), per-day latency and the latest certificates; compacted days add their
    aggregates. Day-files read by an earlier build come from the sample cache
    (``samples_cache``) when their bytes are unchanged. Samples after `now` are ignored,
    so a build with `--now` in the past shows what the page showed then. The raw samples
    of the last ``latency.HOURS`` (for the hourly chart and the latency badge) are read
    again as samples: that is two or three day-files per region.
    """
    gap = max_gap_for(config)
    warn = logging.getLogger("mkstatus.samples.store").warning
    raw = summarize_samples(project.samples_dir, since=None, until=now, max_gap=gap,
                            warn=warn, cache=cache_file(project.root))
    aggs = [a for a in load_aggregates(project.samples_dir, since=None, warn=warn)
            if a.day <= now.astimezone(UTC).date()]
    runs = merge_runs([r for a in aggs for r in a.runs] + raw.runs, max_gap=gap)
    history = probe_history(config, runs, now)
    inputs = {"probe_timelines": {cid: h.timeline for cid, h in history.items()},
              "latency": daily_latency((), [*aggs, *raw.latency])}
    recent = recent_samples(project.samples_dir, now - timedelta(hours=HOURS + 1), now)
    return ({cid: h.verdict for cid, h in history.items()},
            {"uptime_inputs": inputs, "cert_expiry": expiring_certs(config, raw.certs, now),
             "recent_samples": tuple(recent)})


def recent_samples(root: Path, since: datetime, until: datetime) -> tuple[Sample, ...]:
    """The raw samples in [since, until], sorted, duplicates dropped (a few day-files;
    ``summarize_samples`` has already warned about any line it skipped)."""
    return tuple(raw_samples(root, since=since, until=until, warn=lambda _: None))


# docs/index.md is a page of the site, not an incident file: it may be larger.
INTRODUCTION_BYTES = 10_000_000


def read_introduction(project: Project, path: Path | None = None) -> str:
    """docs/index.md's text, or "" when there is none. A file that is there but cannot be
    read (not UTF-8, not a regular file) is an error with its path: the home page must not
    lose its introduction without a word."""
    path = path or project.introduction_file
    if not os.path.lexists(path):
        return ""
    where = shown(path, project.root)
    try:
        return decode_utf8(read_regular(path, INTRODUCTION_BYTES, "the introduction"))
    except UnreadableFile as exc:
        raise ValidationError([Problem(where, 1, 1, str(exc))]) from None
    except NotUtf8 as exc:
        raise ValidationError([Problem(where, exc.line, exc.col, exc.message)]) from None


def strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            return text[text.find("\n", end + 1) + 1:] if "\n" in text[end + 1:] else ""
    return text
