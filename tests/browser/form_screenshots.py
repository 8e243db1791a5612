"""Pictures of the status forms for guide/on-call.md, drawn from their definitions.

    .venv/bin/python -m tests.browser.form_screenshots

These are not screenshots of GitHub: this module reads the issue form
(.github/ISSUE_TEMPLATE/status-update.yml) and the `workflow_dispatch` inputs of
post-status.yml exactly as `mkstatus init` writes them, lays their fields out as a
plain HTML page of its own, phone-sized, filled with an example, and has Debian's
Chromium take the picture. So the pictures follow the definitions whenever they change,
and tests/browser/test_form_pictures.py checks that every field is drawn.
"""

from __future__ import annotations

import html
from typing import Any

import yaml
from mkstatus.scaffold import Settings, render

from tests.conftest import REPO

OUT = REPO / "guide" / "images"
EXAMPLE = {"action": "new", "template": "outage", "components": "api",
           "next_update": "20 min"}
CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1f2328; background: #fff; }
header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 10px 14px; }
header p { margin: 0; font-size: 12px; color: #59636e; }
h1 { font-size: 18px; margin: 4px 0 0; }
main { padding: 6px 14px 16px; }
.intro { color: #59636e; font-size: 13px; }
label { display: block; font-weight: 600; margin: 14px 0 2px; }
.req { color: #d1242f; }
.desc { font-size: 12.5px; color: #59636e; margin: 0 0 4px; }
input, select, textarea { box-sizing: border-box; width: 100%; font: inherit;
  border: 1px solid #d1d9e0; border-radius: 6px; padding: 6px 8px; background: #fff; }
textarea { height: 64px; }
button { margin-top: 16px; width: 100%; padding: 9px; font: inherit; font-weight: 600;
  color: #fff; background: #1f883d; border: 0; border-radius: 6px; }
"""


def definitions() -> tuple[dict[str, Any], dict[str, Any]]:
    """The issue form and the dispatch inputs, as `init` writes them."""
    files = render(Settings(), "mkstatus\n")
    issue_form = yaml.safe_load(files[".github/ISSUE_TEMPLATE/status-update.yml"])
    flow = yaml.safe_load(files[".github/workflows/post-status.yml"])
    return issue_form, flow[True]["workflow_dispatch"]["inputs"]


def _control(kind: str, key: str, value: str, options: list[str], placeholder: str) -> str:
    if kind in ("dropdown", "choice"):
        items = "".join(f"<option{' selected' if o == value else ''}>{html.escape(o)}"
                        "</option>" for o in options)
        return f'<select id="{key}">{items}</select>'
    hint = f' placeholder="{html.escape(placeholder)}"' if placeholder else ""
    if kind == "textarea":
        return f'<textarea id="{key}"{hint}>{html.escape(value)}</textarea>'
    return f'<input id="{key}" value="{html.escape(value)}"{hint}>'


def _page(title: str, source: str, intro: str, fields: list[str], button: str) -> str:
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}"
            f"</title><style>{CSS}</style><header><p>A rendering of {html.escape(source)}, "
            f"not a GitHub screenshot</p><h1>{html.escape(title)}</h1></header><main>"
            f"<p class=intro>{html.escape(intro)}</p>{''.join(fields)}"
            f"<button>{html.escape(button)}</button></main></html>")


def issue_form_html(form: dict[str, Any], answers: dict[str, str]) -> str:
    fields = []
    for item in form["body"]:
        if "id" not in item:
            continue
        a = item["attributes"]
        value = answers.get(item["id"], a["options"][a.get("default", 0)]
                            if item["type"] == "dropdown" else "")
        star = ' <span class="req">*</span>' if item.get("validations", {}).get(
            "required") else ""
        desc = f'<p class="desc">{html.escape(a["description"])}</p>' \
            if a.get("description") else ""
        control = _control(item["type"], item["id"], value, a.get("options", []),
                           a.get("placeholder", ""))
        fields.append(f'<label for="{item["id"]}">{html.escape(a["label"])}{star}</label>'
                      f"{desc}{control}")
    intro = " ".join(i["attributes"]["value"] for i in form["body"] if i["type"] == "markdown")
    return _page(form["name"], ".github/ISSUE_TEMPLATE/status-update.yml", intro, fields,
                 "Create")


def dispatch_html(inputs: dict[str, Any], answers: dict[str, str]) -> str:
    fields = []
    for key, spec in inputs.items():
        value = answers.get(key, spec.get("default", spec.get("options", [""])[0]
                                          if spec["type"] == "choice" else ""))
        star = ' <span class="req">*</span>' if spec.get("required") else ""
        fields.append(f'<label for="{key}">{html.escape(spec["description"])}{star}</label>'
                      f"{_control(spec['type'], key, value, spec.get('options', []), '')}")
    return _page("Post a status update", "the workflow_dispatch inputs of "
                 ".github/workflows/post-status.yml", "Use workflow from Branch: main",
                 fields, "Run workflow")


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    OUT.mkdir(parents=True, exist_ok=True)
    issue_form, inputs = definitions()
    pages = {"on-call-issue-form.png": issue_form_html(issue_form, EXAMPLE),
             "on-call-dispatch-form.png": dispatch_html(inputs, EXAMPLE)}
    with sync_playwright() as pw:
        browser: Any = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for name, page_html in pages.items():
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.set_content(page_html)
            page.screenshot(path=str(OUT / name), full_page=True)
            page.close()
            print(f"{(OUT / name).relative_to(REPO)}: {(OUT / name).stat().st_size // 1024} KB")
        browser.close()


if __name__ == "__main__":
    main()
