"""The pictures of the status forms in guide/on-call.md are drawn from the form
definitions (tests/browser/form_screenshots.py): every field is drawn, with its label,
and each picture says it is a rendering, not a GitHub screenshot."""

from __future__ import annotations

from typing import Any

from mkstatus.incidents import forms

from tests.browser.form_screenshots import EXAMPLE, OUT, definitions, dispatch_html, issue_form_html


def test_every_field_of_both_forms_is_drawn(browser: Any) -> None:
    issue_form, inputs = definitions()
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        for drawn, labels in ((issue_form_html(issue_form, EXAMPLE), dict(forms.FIELDS)),
                              (dispatch_html(inputs, EXAMPLE),
                               {k: v["description"] for k, v in inputs.items()})):
            page.set_content(drawn)
            assert "not a GitHub screenshot" in page.inner_text("header")
            for key, label in labels.items():
                assert page.locator(f"#{key}").is_visible(), key
                assert page.inner_text(f"label[for={key}]").rstrip(" *") == label
            assert page.input_value("#template") == "outage"
    finally:
        page.close()
    assert (OUT / "on-call-issue-form.png").stat().st_size > 10_000
    assert (OUT / "on-call-dispatch-form.png").stat().st_size > 10_000
