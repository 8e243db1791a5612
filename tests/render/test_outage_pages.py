"""What readers need during an outage, on the built pages: the newest update first, the
contact line wherever a link lands them, active incidents above pinned notices, and the
status a component has now beside the worst it had."""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from tests.conftest import mkstatus

CONTACT = "Call 0800 000 000 (free, 24/7) or email help@example.com while our services are down"


def page(site: Path, path: str) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(site / path)).getroot()


def words(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_timeline_is_newest_first_whatever_the_file_order(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "incidents").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\nsite_url: https://status.example.com/\ntheme: {name: material}\n"
        "plugins:\n  - mkstatus:\n      timezone: UTC\n      components: [{id: api}]\n")
    (tmp_path / "incidents" / "2026-01-10-oldest-first.md").write_text(
        "---\ntitle: Written oldest first\nimpact: minor\ncomponents: {api: partial_outage}\n"
        "---\n\n## 2026-01-10 10:00 Z — Investigating\nFirst.\n\n"
        "## 2026-01-10 11:00 Z — Identified\nSecond.\n\n"
        "## 2026-01-10 12:00 Z — Monitoring\nThird, the latest news.\n")
    mkstatus("build", "--now", "2026-01-10T13:00Z", cwd=tmp_path, check=True)
    doc = page(tmp_path / "site", "incidents/2026-01-10-oldest-first/index.html")
    heads = [words(h).split()[0] for h in doc.cssselect(".mks-update-head")]
    assert heads == ["Monitoring", "Identified", "Investigating"]
    texts = [words(a) for a in doc.cssselect(".mks-update")]
    assert texts[0].endswith("Third, the latest news.")


def test_contact_line_is_on_every_page(demo_site: Path) -> None:
    """Links from feeds and social media land on incident pages, not on the home page."""
    pages = [p.relative_to(demo_site).as_posix() for p in sorted(demo_site.rglob("*.html"))
             if p.name == "index.html" and not p.relative_to(demo_site).as_posix().startswith(
                 ("about/", "assets/", "fr/about/", "fr/assets/"))]
    assert {"index.html", "history/index.html", "subscribe/index.html",
            "incidents/2026-11-22-email-delivery-delays/index.html",
            "components/email/index.html", "uptime/index.html"} <= set(pages)
    for path in pages:
        contact = page(demo_site, path).cssselect(".mks-contact")
        assert len(contact) == 1, path
        label = "Autres moyens de nous joindre :" if path.startswith("fr/") else \
            "Other ways to reach us:"  # the French tree's words (languages: [en, fr])
        assert words(contact[0]) == f"{label} {CONTACT}", path


def test_active_incidents_come_before_pinned_notices(demo_site: Path) -> None:
    headings = [h.get("id") for h in page(demo_site, "index.html").cssselect(".md-content h2")]
    assert headings.index("active-incidents") < headings.index("pinned")
    assert headings[0] == "active-incidents"


def test_affected_shows_the_status_now_and_the_worst(demo_site: Path) -> None:
    email = page(demo_site, "incidents/2026-11-22-email-delivery-delays/index.html")
    facts = dict(zip([words(d) for d in email.cssselect(".mks-facts dt")],
                     [words(d) for d in email.cssselect(".mks-facts dd")], strict=True))
    assert facts["Affected"] == "Email (degraded performance now, partial outage at worst)"
    attack = page(demo_site, "incidents/2026-10-14-denial-of-service-attack/index.html")
    facts = dict(zip([words(d) for d in attack.cssselect(".mks-facts dt")],
                     [words(d) for d in attack.cssselect(".mks-facts dd")], strict=True))
    assert facts["Affected"] == ("Website (major outage at worst), Public API (major outage "
                                 "at worst), Customer dashboard (major outage at worst)")
    upgrade = page(demo_site, "incidents/2026-11-26-network-core-upgrade/index.html")
    affected = [words(d) for d in upgrade.cssselect(".mks-facts dd")][-1]
    assert affected == "Broadband (under maintenance), DNS resolvers (under maintenance)"
