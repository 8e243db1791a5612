"""Hostile incident text: Markdown that runs `alert(N)` if it reaches a page unsanitized.

Each canary calls `alert` with its own number, so a failure names the canary. They cover
raw HTML, event-handler attributes, dangerous URL schemes in Markdown links and images,
attribute lists (`{: onclick=… }`), parser confusion (mutation XSS) and obfuscated
schemes. `canary_site` writes a site whose incidents carry them in every place incident
text is shown: summary, update messages (the latest also on the home page), postmortem,
a notice and a maintenance.
"""

from __future__ import annotations

from pathlib import Path

CANARIES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg onload=alert(3)>",
    "<svg><script>alert(4)</script></svg>",
    "[click me](javascript:alert(5))",
    '<iframe src="javascript:alert(6)"></iframe>',
    '<iframe srcdoc="<script>parent.alert(7)</script>"></iframe>',
    '<object data="javascript:alert(8)"></object>',
    '<embed src="javascript:alert(9)">',
    "<body onload=alert(10)>",
    "<details open ontoggle=alert(11)><summary>x</summary>y</details>",
    "<input autofocus onfocus=alert(12)>",
    "<video><source onerror=alert(13)></video>",
    "<audio src=x onerror=alert(14)></audio>",
    "<style>*{}</style><img src=y onerror=alert(15)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(16)>",
    '<a href="jav&#x09;ascript:alert(17)">tabbed scheme</a>',
    "![image](javascript:alert(18))",
    '![x" onerror="alert(19)](x)',
    "[data](data:text/html,%3Cscript%3Ealert(20)%3C/script%3E)",
    'A paragraph with an attribute list.\n{: tabindex="0" autofocus="" onfocus="alert(21)" }',
    '<form action="javascript:alert(22)"><button autofocus>go</button></form>',
    "<marquee onstart=alert(23)>news</marquee>",
    "<img src=`x`onerror=alert(24)>",
    "<<script>alert(25);//<</script>",
    "<scr<script>ipt>alert(26)</scr</script>ipt>",
    "<svg><animate onbegin=alert(27) attributeName=x dur=1s>",
    '<noscript><p title="</noscript><img src=x onerror=alert(28)>"></noscript>',
    '<script src="data:text/javascript,alert(29)"></script>',
    "[ref link][evil]\n\n[evil]: javascript:alert(30)",
    "<object data=\"data:text/html,<script>alert(31)</script>\"></object>",
    '<img src="x:x" onerror="alert(32)">',
    "<iframe src=\"data:text/html,<script>parent.alert(33)</script>\"></iframe>",
    '<a href="  JaVaScRiPt:alert(34)">mixed case</a>',
    "<div onmouseover=alert(35) style=position:fixed;inset:0>cover</div>",
    "<link rel=stylesheet href=javascript:alert(36)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(37)">',
    '<base href="javascript:alert(38)//">',
]

CONFIG = """site_name: Canary Status
site_url: https://status.example.com/
theme: {name: material, font: false}
markdown_extensions:
  - md_in_html
  - tables
  - admonition
  - attr_list
  - toc: {permalink: false}
plugins:
  - mkstatus:
      timezone: UTC
{extra}      components:
        - {id: api, name: API}
"""
NOW = "2026-02-01T12:00:00Z"


def _updates(items: list[str], status: str, day: int) -> str:
    return "\n\n".join(f"## 2026-01-{day:02d} {10 + i // 60:02d}:{i % 60:02d} Z — {status}\n"
                       f"{text}" for i, text in reversed(list(enumerate(items))))


def canary_site(root: Path, allow_raw_html: bool = False) -> Path:
    """A site whose incident text holds every canary (each at least once)."""
    root.mkdir(parents=True, exist_ok=True)
    extra = "      allow_raw_html: true\n" if allow_raw_html else ""
    (root / "mkdocs.yml").write_text(CONFIG.replace("{extra}", extra))
    (root / "docs").mkdir(exist_ok=True)
    incidents = root / "incidents"
    incidents.mkdir(exist_ok=True)
    half = len(CANARIES) // 2
    (incidents / "2026-01-10-canaries.md").write_text(
        "---\ntitle: Canaries in the timeline\nimpact: minor\n"
        "components: {api: degraded_performance}\n---\n\n"
        + CANARIES[0] + "\n\n" + _updates(CANARIES[:half], "Investigating", 10)
        + "\n\n## Postmortem\n" + CANARIES[1] + "\n", encoding="utf-8")
    (incidents / "2026-01-11-more-canaries.md").write_text(
        "---\ntitle: More canaries\nimpact: minor\ncomponents: {api: partial_outage}\n---\n\n"
        + _updates(CANARIES[half:], "Identified", 11) + "\n", encoding="utf-8")
    (incidents / "2026-01-12-canary-notice.md").write_text(
        "---\ntitle: A canary notice\ninformational: true\npin: true\n---\n\n"
        + _updates(CANARIES[2:4], "Monitoring", 12) + "\n", encoding="utf-8")
    (incidents / "2026-02-05-canary-maintenance.md").write_text(
        "---\ntitle: A canary maintenance\ncomponents: [api]\n"
        "scheduled_for: 2026-02-05 01:00Z\nscheduled_until: 2026-02-05 02:00Z\n---\n\n"
        + CANARIES[4] + "\n\n" + _updates(CANARIES[5:7], "Scheduled", 20) + "\n",
        encoding="utf-8")
    return root / "mkdocs.yml"
