"""The side-by-side chapter: the comparison table shows the kernel's figures for both models,
the long-context chart draws every way that ran (the GPT-2 refuses one context), and the
button times both models in the browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call
from sitebuild.pages.numbers import fixed

from .conftest import wait_for_python

WIDGET = "figure[data-widget=model-comparison]"


def test_the_table_and_chart_show_both_models_measured(page: Page, site_url):
    page.goto(site_url + "two-designs.html")
    widget = page.locator(WIDGET)
    expected = call("model_comparison", {})["models"]
    table = widget.locator(".comparison-table")
    for m in expected:
        expect(table).to_contain_text(f"{m['parameters']:,}")
        expect(table).to_contain_text(fixed(m["heldout_loss"], 3))
        expect(table).to_contain_text(f"{m['kv_bytes_per_token']:,}")
        induction = m["heads"]["induction"]
        expect(table).to_contain_text(f"L{induction['layer']}H{induction['head']}")
    expect(widget.locator("polyline.comparison-line")).to_have_count(4)
    expect(widget).to_contain_text("refused")
    llama_far = expected[1]["long_context"]["one_context"]["stretches"][-1]
    expect(widget).to_contain_text(fixed(llama_far, 2))


def test_both_models_are_timed_in_the_browser(page: Page, site_url):
    page.goto(site_url + "two-designs.html")
    wait_for_python(page)
    widget = page.locator(WIDGET)
    widget.locator("[data-action=measure]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=120_000)
    expect(widget.locator("[data-speed-where]")).to_have_text("your browser, just now")
    speeds = widget.locator("[data-bind$='speed.tokens_per_second']").all_inner_texts()
    rates = [float(re.sub(r"[^\d.]", "", s)) for s in speeds]
    assert len(rates) == 2 and all(r > 0 for r in rates)
    print("browser tokens/s (gpt2, llama):", rates)
