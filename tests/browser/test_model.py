"""The project's small GPT, live in the page: the same continuation as CPython for the same
prompt, settings and seed, and a message for an empty prompt."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call
from sitebuild.pages.numbers import fixed

from .conftest import wait_for_python

WIDGET = "figure[data-widget=model-playground]"


def test_the_model_continues_the_readers_text_as_cpython_does(page: Page, site_url):
    page.goto(site_url + "the-pipeline.html")
    wait_for_python(page)
    widget = page.locator(WIDGET)
    widget.locator("[data-prompt]").fill("JULIET:")
    widget.locator("[data-setting=seed]").fill("7")
    widget.locator("[data-action=generate]").click()
    expect(widget.locator("[data-speed]")).to_contain_text("tokens/s", timeout=30_000)
    expected = call(
        "gpt_generate",
        {"prompt": "JULIET:", "max_new_tokens": 60, "temperature": 0.8, "top_k": 40, "seed": 7},
    )
    assert widget.locator("[data-generated]").inner_text() == expected["text"]
    assert widget.locator("[data-prompt-echo]").inner_text() == "JULIET:"


def test_an_empty_prompt_gets_a_message(page: Page, site_url):
    page.goto(site_url + "the-pipeline.html")
    widget = page.locator(WIDGET)
    expect(widget).to_have_attribute("data-mounted", "true")
    before = widget.locator("[data-generated]").inner_text()
    widget.locator("[data-prompt]").fill("   ")
    widget.locator("[data-action=generate]").click()
    expect(widget.locator("[data-feedback]")).to_contain_text("Type a few words first")
    assert widget.locator("[data-generated]").inner_text() == before


SHAPES = "figure[data-widget=model-shapes]"


def test_the_readers_shape_is_counted_live_and_a_wrong_one_gets_a_message(page: Page, site_url):
    page.goto(site_url + "the-pipeline.html")
    wait_for_python(page)
    widget = page.locator(SHAPES)
    gpt2_small = {"n_layer": 12, "n_embd": 768, "n_head": 12, "n_kv_head": 12, "n_inner": 3072}
    gpt2_small |= {"vocab_size": 50257, "n_ctx": 1024}
    widget.locator("[data-shape=family]").select_option("gpt2")
    for key, value in gpt2_small.items():
        widget.locator(f"[data-shape={key}]").fill(str(value))
    widget.locator("[data-action=count]").click()
    expected = call("model_shapes", {"mine": {"family": "gpt2", **gpt2_small}})["mine"]
    total = f"{expected['parameters']['total']:,}"
    expect(widget.locator("[data-mine=total]")).to_have_text(total, timeout=20_000)
    assert total == "124,439,808"  # Hugging Face's count for GPT-2 small
    assert widget.locator("[data-mine=heads]").inner_text() == "12 / 12"
    share = fixed(expected["shares"]["mlp"] * 100, 0)
    assert widget.locator("[data-mine=mlp]").inner_text() == f"{share}%"
    widget.locator("[data-shape=n_head]").fill("7")
    widget.locator("[data-action=count]").click()
    expect(widget.locator("[data-feedback]")).to_contain_text("n_head", timeout=20_000)
    assert widget.locator("[data-mine=total]").inner_text() == total
