"""What the probe workflow hands to GitHub: draft incidents and resolve suggestions.

`compute.drafts` decides (pure, tested over sample histories); this module writes what a
person will read: the `draft: true` incident filled from the component's template, with
the time the episode began, and the pull request's description with the probes'
evidence; or, once the probes have recovered, the comment with the exact `mkstatus
resolve` command. The workflow's step only moves these to GitHub with `gh`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mkstatus.compute.drafts import Draft, Resolve, drafts_needed, resolves_suggested
from mkstatus.compute.site import Site
from mkstatus.incidents.editing import check, new_id, render_new
from mkstatus.incidents.fill import new_from_template
from mkstatus.incidents.templates import load_template
from mkstatus.probes.upstream import UpstreamProbe
from mkstatus.times import show, show_duration


@dataclass(frozen=True, slots=True)
class Action:
    """One thing to do on GitHub: open a draft's pull request, or suggest resolving."""

    kind: str  # "draft" or "resolve"
    name: str  # the draft's branch, or the incident's id
    path: str  # the incident file, relative to the site's folder
    files: dict[str, str]  # incident.md, title.txt, body.md, command.txt


def actions(site: Site, templates_dir: Path, root: Path, incidents_dir: str,
            now: datetime) -> list[Action]:
    """Every draft to open and every resolution to suggest, at `now`. Only our own
    probes count: a vendor's status page followed with `upstream:` is theirs to report."""
    own = {c.id for c in site.config.components
           if c.probe is not None and not isinstance(c.probe, UpstreamProbe)}
    timelines = {cid: timeline for cid, timeline in
                 site.extras.get("probe_timelines", {}).items() if cid in own}
    after = site.config.recovered_after
    taken = {i.id for i in site.incidents}
    out = []
    for draft in drafts_needed(timelines, site.views, recovered_after=after):
        action = _draft(site, draft, templates_dir, root, incidents_dir, now, taken)
        taken.add(Path(action.path).stem)
        out.append(action)
    for suggestion in resolves_suggested(timelines, site.views, recovered_after=after,
                                         now=now):
        out.append(_resolve(site, suggestion, now))
    return out


def _draft(site: Site, draft: Draft, templates_dir: Path, root: Path, incidents_dir: str,
           now: datetime, taken: set[str]) -> Action:
    config = site.config
    component = config.component(draft.component)
    template = load_template(templates_dir, component.template, config, root)
    item = draft.component if template.component_status else f"{draft.component}=major_outage"
    request = new_from_template(template, config, now, components=(item,),
                                since=draft.episode.start, draft=True)
    stem = new_id(request, config, now, taken)
    text = render_new(request, config, now)
    path = f"{incidents_dir}/{stem}.md"
    check(path, stem, text, config)  # the parser reads it back, or nothing is drafted
    return Action("draft", draft.branch, path, {
        "incident.md": text, "title.txt": f"Draft incident: {request.title}\n",
        "body.md": _evidence(site, draft, template.name, path, now)})


def _evidence(site: Site, draft: Draft, template: str, path: str, now: datetime) -> str:
    config = site.config
    component = config.component(draft.component)
    verdict = site.probes.get(draft.component)
    since = draft.episode.start
    return f"""<!-- mkstatus:draft:{draft.branch} -->
The probes see **{component.name}** down since {show(since, config.zone)} \
({show_duration(now - since)} so far). Nothing is published yet: a person decides.

This pull request adds `{path}`, a **draft** incident written from the `{template}` \
template. To publish it, read its words, change what the probes cannot know, remove the \
line `draft: true`, and merge. To discard it, close this pull request: the probes will not \
open another one for this outage. Meanwhile the page shows {component.name} as detected \
down by the probes.

| Probe evidence | |
| --- | --- |
| Component | {component.name} (`{component.id}`) |
| Down since | {show(since, config.zone)}: the first failed sample, at quorum \
(a majority of the regions that report) |
| Probes now | {verdict.detail if verdict is not None else "no verdict"} |
| Drafted | {show(now, config.zone)} by the probe workflow |
"""


def _resolve(site: Site, suggestion: Resolve, now: datetime) -> Action:
    config = site.config
    view = next(v for v in site.views if v.id == suggestion.incident)
    names = ", ".join(config.component(c).name for c in suggestion.components)
    up = show(suggestion.up_since, config.zone)
    body = f"""<!-- mkstatus:resolve:{suggestion.incident} -->
The probes have seen {names} up since {up} ({show_duration(now - suggestion.up_since)}), \
longer than `recovered_after`. If this incident is over, resolve it:

```sh
{suggestion.command}
```

or with the status form: *What to do* `resolve`, *Incident* `{suggestion.incident}`, \
*Template* `resolved`.
"""
    return Action("resolve", suggestion.incident, view.incident.path,
                  {"body.md": body, "command.txt": suggestion.command + "\n"})
