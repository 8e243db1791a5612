"""The `mkstatus` plugin section of mkdocs.yml, validated into a `SiteConfig`.

MkDocs hands the plugin a plain dict; errors point back into mkdocs.yml by reading the
file's YAML nodes for positions, so a bad key is reported as `mkdocs.yml:14:9: ...`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mkstatus import envvars
from mkstatus.errors import Problem
from mkstatus.incidents import strictyaml as sy
from mkstatus.incidents.folder import (
    LANGUAGE_RE,
    NotUtf8,
    UnreadableFile,
    decode_utf8,
    read_regular,
)
from mkstatus.incidents.parse import COMPONENT_ID_RE
from mkstatus.model import (
    NOTIFY_EVENTS,
    SLO_PERIODS,
    Component,
    Destination,
    SiteConfig,
    Slo,
)
from mkstatus.probes.config import parse_probe
from mkstatus.probes.upstream import GROUP as UPSTREAM_GROUP
from mkstatus.probes.upstream import UpstreamProbe, parse_upstream
from mkstatus.text import did_you_mean, forbidden_character
from mkstatus.times import DURATION_HINT, TimeError, load_zone, parse_duration

SUBSCRIBE_KEYS = ("notify", "websub_hub", "subscribe_email", "subscribe_url")
FRESHNESS_KEYS = ("stale_after", "stale_script", "recovered_after")
PLUGIN_KEYS = ("timezone", "contact", "components", "feed_limit", "history_days",
               "incidents_dir", "samples_dir", "allow_raw_html", "languages",
               *SUBSCRIBE_KEYS, *FRESHNESS_KEYS)
NOTIFY_KEYS = ("url", "webhook", "secret", "components", "events", "reminder_minutes",
               "timeout_s")
RESERVED_IDS = ("status",)
COMPONENT_KEYS = ("id", "name", "group", "description", "probe", "slo", "upstream",
                  "affects_overall", "link", "template")
KeyPath = tuple[str | int, ...]
CONFIG_BYTES = 10_000_000


class Locator:
    """Finds the line and column of a key of the plugin's section in mkdocs.yml.

    The file's nodes are composed on the first question only: a valid config without
    `notify:` never asks one, and composing mkdocs.yml again on every build was a few
    percent of a small site's build."""

    def __init__(self, path: str, text: str | None) -> None:
        self.path = path
        self._text = text
        self._root: Node | None = None
        self._composed = False

    @property
    def root(self) -> Node | None:
        if not self._composed:
            self._root = sy.compose_loose(self._text) if self._text else None
            self._composed, self._text = True, None
        return self._root

    def __call__(self, keys: KeyPath) -> tuple[int, int]:
        node = self._plugin_node()
        best = (1, 1) if node is None else sy.where(node)
        for key in keys:
            node = _child(node, key)
            if node is None:
                break
            best = sy.where(node)
        return best

    def _plugin_node(self) -> Node | None:
        plugins = _child(self.root, "plugins")
        if isinstance(plugins, SequenceNode):
            for item in plugins.value:
                found = _child(item, "mkstatus")
                if found is not None:
                    return found
        return _child(plugins, "mkstatus")


def _child(node: Node | None, key: str | int) -> Node | None:
    if isinstance(node, MappingNode) and isinstance(key, str):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v if not (isinstance(v, ScalarNode) and v.value == "") else k
    if isinstance(node, SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def parse_config(plugin: Mapping[str, Any], *, site_name: str, site_url: str | None,
                 config_path: str = "mkdocs.yml", text: str | None = None,
                 use_directory_urls: bool = True, language: str = "en"
                 ) -> tuple[SiteConfig | None, list[Problem]]:
    """Validate the plugin section; return the config, or None and every problem."""
    locate = Locator(config_path, text)
    problems: list[Problem] = []

    def error(keys: KeyPath, message: str) -> None:
        line, col = locate(keys)
        problems.append(Problem(config_path, line, col, message))

    for key in plugin:
        if key not in PLUGIN_KEYS:
            error((key,), f"mkstatus: unknown key {key!r}{did_you_mean(key, PLUGIN_KEYS)}")
    if not site_url or not site_url.startswith(("http://", "https://")):
        problems.append(Problem(config_path, 1, 1, "site_url: required, an absolute URL "
                                "such as https://status.example.com/ (feeds and the JSON "
                                "API need absolute links)"))
    zone = None
    if plugin.get("timezone") is not None:
        try:
            zone = load_zone(str(plugin["timezone"]))
        except TimeError as exc:
            error(("timezone",), f"timezone: {exc}")
    components = _components(plugin.get("components") or [], error)
    numbers = {key: _positive(plugin, key, default, error)
               for key, default in (("feed_limit", 100), ("history_days", 90))}
    contact = plugin.get("contact") or ""
    if not isinstance(contact, str):
        error(("contact",), f"contact: expected text, found {contact!r}")
    allow_raw_html = plugin.get("allow_raw_html", False)
    if not isinstance(allow_raw_html, bool):
        error(("allow_raw_html",), f"allow_raw_html: expected true or false, found "
              f"{allow_raw_html!r}")
    subscribe = subscribe_settings(plugin, [c.id for c in components], error, locate)
    freshness = freshness_settings(plugin, components, error)
    languages = language_settings(plugin.get("languages"), language or "en", error)
    if problems:
        return None, problems
    url = str(site_url)
    return SiteConfig(
        site_name=site_name, site_url=url if url.endswith("/") else url + "/", timezone=zone,
        contact=str(contact), components=tuple(components), config_path=config_path,
        feed_limit=numbers["feed_limit"], history_days=numbers["history_days"],
        use_directory_urls=use_directory_urls, allow_raw_html=allow_raw_html is True,
        language=language or "en", languages=languages,
        **subscribe, **freshness,
    ), problems


def subscribe_settings(plugin: Mapping[str, Any], component_ids: list[str], error: Any,
                       locate: Locator) -> dict[str, Any]:
    """`notify:` destinations, `websub_hub`, `subscribe_email` and `subscribe_url`.

    Only their shape is checked here; ${VARS} stay unexpanded (a build needs no secret)
    and whether Apprise knows a URL's service is checked by `mkstatus notify`."""
    out: dict[str, Any] = {}
    for key in ("websub_hub", "subscribe_url"):
        value = plugin.get(key)
        if value is not None and not (isinstance(value, str) and _HTTP_RE.match(value)):
            error((key,), f"{key}: expected an http:// or https:// URL, found {value!r}")
        elif value is not None:
            out[key] = value
    email = plugin.get("subscribe_email")
    if email is not None and not (isinstance(email, str) and _EMAIL_RE.fullmatch(email)):
        error(("subscribe_email",), f"subscribe_email: expected an email address such as "
              f"status@example.com, found {email!r}")
    elif email is not None:
        out["subscribe_email"] = email
    raw = plugin.get("notify")
    if raw is None:
        return out
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        error(("notify",), "notify: expected a list of destinations (`- url: ...` or "
              "`- webhook: ...`)")
        return out
    destinations = [_destination(i, item, component_ids, error, locate)
                    for i, item in enumerate(raw)]
    out["notify"] = tuple(d for d in destinations if d is not None)
    return out


_HTTP_RE = re.compile(r"(?i)https?://[^/?#\s]")
_EMAIL_RE = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
_SCHEME_RE = re.compile(r"[a-z][a-z0-9+.-]*://", re.I)


def _destination(index: int, item: object, component_ids: list[str], error: Any,
                 locate: Locator) -> Destination | None:
    where: KeyPath = ("notify", index)
    name = f"notify[{index}]"
    if not isinstance(item, Mapping):
        error(where, f"{name}: expected a mapping with `url:` (Apprise) or `webhook:`")
        return None
    for key in item:
        if key not in NOTIFY_KEYS:
            error((*where, key), f"{name}: unknown key {key!r}"
                  f"{did_you_mean(str(key), NOTIFY_KEYS)}")
    webhook = "webhook" in item
    key = "webhook" if webhook else "url"
    if webhook == ("url" in item):
        error(where, f"{name}: give exactly one of `url:` (an Apprise URL) and `webhook:` "
              "(our signed JSON webhook)")
        return None
    url = item[key]
    pattern = _HTTP_RE if webhook else _SCHEME_RE
    kind = "an http:// or https:// URL" if webhook else "an Apprise URL such as slack://..."
    if not isinstance(url, str) or not pattern.match(url):
        error((*where, key), f"{name}.{key}: expected {kind}, found {url!r}")
        return None
    secret = item.get("secret")
    if webhook and not (isinstance(secret, str) and secret):
        error((*where, "secret") if "secret" in item else where,
              f"{name}.secret: the webhook needs a secret to sign with, such as "
              '"${WEBHOOK_SECRET}"')
    elif not webhook and secret is not None:
        error((*where, "secret"), f"{name}.secret: only a `webhook:` destination has a "
              "secret (put an Apprise service's secrets in its URL as ${VARS})")
    for text_key, text in ((key, url), ("secret", secret)):
        if isinstance(text, str) and envvars.is_malformed(text):
            error((*where, text_key), f"{name}.{text_key}: {envvars.MALFORMED}")
    components = _names(item, "components", component_ids, name, where, error)
    events = _names(item, "events", list(NOTIFY_EVENTS), name, where, error)
    minutes = item.get("reminder_minutes", 60)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 10080:
        error((*where, "reminder_minutes"), f"{name}.reminder_minutes: expected whole "
              f"minutes from 1 to 10080, found {minutes!r}")
        minutes = 60
    timeout = item.get("timeout_s", 10)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or \
            not 0 < timeout <= 300:
        error((*where, "timeout_s"), f"{name}.timeout_s: expected a positive number of "
              f"seconds up to 300, found {timeout!r}")
        timeout = 10
    return Destination(index=index, url=url, webhook=webhook,
                       secret=secret if isinstance(secret, str) else "",
                       components=components, events=events, reminder_minutes=minutes,
                       timeout_s=float(timeout), where=locate(where))


def _names(item: Mapping[str, Any], key: str, allowed: list[str], name: str,
           where: KeyPath, error: Any) -> tuple[str, ...]:
    raw = item.get(key)
    if raw is None:
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        error((*where, key), f"{name}.{key}: expected a list such as "
              f"[{', '.join(allowed[:2])}], found {raw!r}")
        return ()
    out = []
    for value in raw:
        if value in allowed:
            out.append(str(value))
        else:
            error((*where, key), f"{name}.{key}: unknown {key[:-1]} {value!r}"
                  f"{did_you_mean(str(value), allowed)}; expected one of "
                  f"{', '.join(allowed)}")
    return tuple(out)


def freshness_settings(plugin: Mapping[str, Any], components: list[Component],
                       error: Any) -> dict[str, Any]:
    """`stale_after` (default: three probe intervals, or 24 h without probes),
    `stale_script` and `recovered_after` (default: three probe intervals)."""
    minutes = [int(getattr(c.probe, "interval_minutes", 5)) for c in components if c.probe]
    three = timedelta(minutes=3 * max(minutes, default=5))
    defaults = {"stale_after": three if minutes else timedelta(hours=24),
                "recovered_after": three}
    out: dict[str, Any] = dict(defaults)
    for key, default in defaults.items():
        value = plugin.get(key)
        if value is None:
            continue
        try:
            out[key] = parse_duration(str(value)) if isinstance(value, str) else None
        except TimeError as exc:
            error((key,), f"{key}: {exc}")
            continue
        if out[key] is None:
            error((key,), f"{key}: expected {DURATION_HINT}, found {value!r}")
            out[key] = default
    script = plugin.get("stale_script", True)
    if not isinstance(script, bool):
        error(("stale_script",), f"stale_script: expected true or false, found {script!r}")
    out["stale_script"] = script is not False
    return out


def language_settings(value: Any, main: str, error: Any) -> tuple[str, ...]:
    """`languages: [en, fr]`: the site's languages, the main one (Material's
    `theme.language`) first; each further one gets a `/<lang>/` tree."""
    if value is None:
        return (main,)
    if not isinstance(value, list) or not value:
        error(("languages",), f"languages: expected a list of language codes, the main "
              f"one first, such as [{main}, fr]; found {value!r}")
        return (main,)
    out: list[str] = []
    for index, code in enumerate(value):
        if not isinstance(code, str) or not LANGUAGE_RE.fullmatch(code):
            error(("languages", index), f"languages: {code!r} is not a language code such "
                  "as fr or pt-BR")
        elif code in out:
            error(("languages", index), f"languages: {code} is listed twice")
        else:
            out.append(code)
    if out and out[0] != main:
        error(("languages", 0), f"languages: the first language is the main one, the "
              f"theme's language ({main}, from theme.language); found {out[0]}")
    return tuple(out) if out and out[0] == main else (main,)


def _positive(plugin: Mapping[str, Any], key: str, default: int, error: Any) -> int:
    value = plugin.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        error((key,), f"{key}: expected a whole number above 0, found {value!r}")
        return default
    return value


def _components(raw: object, error: Any) -> list[Component]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        error(("components",), "components: expected a list of components")
        return []
    out: list[Component] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where: KeyPath = ("components", index)
        if not isinstance(item, Mapping):
            error(where, f"components[{index}]: expected a mapping with id and name")
            continue
        for key in item:
            if key not in COMPONENT_KEYS:
                error((*where, key), f"components[{index}]: unknown key {key!r}"
                      f"{did_you_mean(str(key), COMPONENT_KEYS)}")
        cid = item.get("id")
        if not isinstance(cid, str) or not COMPONENT_ID_RE.fullmatch(cid):
            error((*where, "id"), f"components[{index}].id: expected lower-case letters, "
                  f"digits and hyphens (like `api`), found {cid!r}")
            continue
        if cid in seen:
            error((*where, "id"), f"components[{index}].id: {cid!r} is used twice")
        if cid in RESERVED_IDS:
            error((*where, "id"), f"components[{index}].id: {cid!r} is reserved for the "
                  f"overall badge /badges/{cid}.svg; choose another id")
        seen.add(cid)
        texts = {k: item.get(k) for k in ("name", "group", "description")}
        for key, value in texts.items():
            if value is not None and not isinstance(value, str):
                error((*where, key), f"components[{index}].{key}: expected text, "
                      f"found {value!r}")
            elif value is not None:
                _check_plain(value, (*where, key), f"components[{index}].{key}", error)
        probe = None
        if item.get("probe") is not None:
            probe, messages = parse_probe(item["probe"], f"components[{index}].probe")
            for message in messages:
                error((*where, "probe"), message)
        slo = None
        if item.get("slo") is not None:
            slo, message = parse_slo(item["slo"], f"components[{index}].slo")
            if message:
                error((*where, "slo"), message)
        extra = component_extras(item, index, where, error)
        group = _text_or_none(texts["group"])
        if "upstream" in item:
            if probe is not None:
                error((*where, "upstream"), f"components[{index}]: a component follows a "
                      "probe or an upstream status page, not both; remove one")
            probe, group = extra.pop("upstream"), group or UPSTREAM_GROUP
        template = item.get("template", "outage")
        if not isinstance(template, str) or not COMPONENT_ID_RE.fullmatch(template):
            error((*where, "template"), f"components[{index}].template: expected the name "
                  f"of a file in templates/ without .md (like `outage`), found {template!r}")
            template = "outage"
        out.append(Component(
            id=cid, name=str(texts["name"] or cid), group=group,
            description=str(texts["description"] or ""), position=index + 1, probe=probe,
            slo=slo, template=template, **extra))
    _check_upstream_groups(out, error)
    return out


def component_extras(item: Mapping[str, Any], index: int, where: KeyPath, error: Any
                     ) -> dict[str, Any]:
    """`upstream:` (a vendor's Statuspage), `affects_overall:` (default: false for an
    upstream, true otherwise) and `link:` (a public page of the service)."""
    name = f"components[{index}]"
    out: dict[str, Any] = {}
    if "upstream" in item:
        upstream, messages = parse_upstream(item["upstream"], f"{name}.upstream")
        for message in messages:
            error((*where, "upstream"), message)
        out["upstream"] = upstream
    counted = item.get("affects_overall", "upstream" not in item)
    if not isinstance(counted, bool):
        error((*where, "affects_overall"), f"{name}.affects_overall: expected true or false, "
              f"found {counted!r}")
        counted = "upstream" not in item
    out["affects_overall"] = counted
    link = item.get("link")
    if link is not None and not (isinstance(link, str) and _HTTP_RE.match(link)):
        error((*where, "link"), f"{name}.link: expected an http:// or https:// URL, "
              f"found {link!r}")
    elif link is not None:
        out["link"] = link
    return out


def _check_upstream_groups(components: list[Component], error: Any) -> None:
    """Upstream services render in a group of their own, with their attribution."""
    kinds: dict[str, set[bool]] = {}
    for comp in components:
        if comp.group is not None:
            kinds.setdefault(comp.group, set()).add(isinstance(comp.probe, UpstreamProbe))
    for comp in components:
        if comp.group is not None and len(kinds[comp.group]) > 1 and \
                isinstance(comp.probe, UpstreamProbe):
            error(("components", comp.position - 1, "group"),
                  f"components[{comp.position - 1}].group: an upstream service renders in "
                  f"a group of its own; {comp.group!r} also holds components of ours "
                  f"(the default group is {UPSTREAM_GROUP!r})")


def parse_slo(raw: object, where: str) -> tuple[Slo | None, str]:
    """`slo: 99.9` or `slo: {target: 99.9, period: quarter}`; the message when wrong."""
    shape = (f"{where}: expected a percentage such as 99.9, or {{target: 99.9, period: "
             f"month}} with a period of {', '.join(SLO_PERIODS)}, found {raw!r}")
    target, period = raw, "month"
    if isinstance(raw, Mapping):
        if set(raw) - {"target", "period"} or "target" not in raw:
            return None, shape
        target, period = raw["target"], raw.get("period", "month")
    if isinstance(target, bool) or not isinstance(target, int | float) or isinstance(
            period, bool) or period not in SLO_PERIODS:
        return None, shape
    if not 0 < target < 100:
        return None, (f"{where}: the target must be above 0 and below 100 (a percentage "
                      f"of uptime), found {target!r}")
    return Slo(float(target), str(period)), ""


def _check_plain(value: str, keys: KeyPath, label: str, error: Any) -> None:
    """Names are plain text: a control or direction character is refused (a description
    may run over several lines)."""
    text = value.strip()
    found = forbidden_character(text.replace("\n", " ") if keys[-1] == "description" else text)
    if found is not None:
        error(keys, f"{label}: {found[1]}; names are plain text: remove it")


def _text_or_none(value: object) -> str | None:
    return str(value) if isinstance(value, str) and value.strip() else None


def syntax_problems(path: Path, shown: str) -> list[Problem]:
    """mkdocs.yml's encoding and YAML syntax, checked before MkDocs reads it, so a typo is
    one `path:line:col: message` line like every other problem (MkDocs' own message runs
    over several lines, with the absolute path and no column we can annotate)."""
    try:
        text = decode_utf8(read_regular(path, CONFIG_BYTES, "mkdocs.yml"))
    except UnreadableFile as exc:
        return [Problem(shown, 1, 1, str(exc))]
    except NotUtf8 as exc:
        return [Problem(shown, exc.line, exc.col, exc.message)]
    problem = sy.syntax_problem(text)
    return [] if problem is None else [Problem(shown, problem.line, problem.col,
                                               problem.message)]


def read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
