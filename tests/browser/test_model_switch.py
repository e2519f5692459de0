"""The model switch: every widget that runs the real model runs the Llama-style model too when
the reader picks it, with CPython's numbers for it; its weights are fetched only then, and a
link keeps the choice."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from pyodide_kernels.dispatch import call

from .conftest import CLEAR_RESULT, shared_tab, wait_for_python

LLAMA_WEIGHTS = "data/traces/llama/model.npz"


def number(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def texts(widget: Locator, selector: str) -> list[str]:
    return [t.strip() for t in widget.locator(selector).all_inner_texts()]


def playground(widget: Locator) -> None:
    args = {"prompt": "ROMEO:", "max_new_tokens": 60, "temperature": 0.8, "top_k": 40, "seed": 1}
    expected = call("gpt_generate", {**args, "model": "llama"})["text"]
    expect(widget.locator("[data-generated]")).to_have_text(expected)


def heatmap(widget: Locator) -> None:
    expected = call("attention_heatmap", {"model": "llama"})["weights"]
    cells = [
        [number(c) for c in row.split("\t")[1:]] for row in texts(widget, "[data-map] tbody tr")
    ]
    assert len(cells) == len(expected)
    for shown, row in zip(cells, expected, strict=True):
        assert shown == pytest.approx(row, abs=0.0051)


def residual(widget: Locator) -> None:
    expected = call("residual_stream", {"model": "llama"})["blocks"]
    shown = [number(t) for t in texts(widget, "[data-bind$='.after']")]
    assert shown == pytest.approx([b["after"] for b in expected], abs=0.051)


def decoding(widget: Locator) -> None:
    expected = call("model_decoding", {"model": "llama"})["rows"][0]["text"]
    expect(widget.locator("[data-bind='rows.0.text']")).to_have_text(expected)


def next_token(widget: Locator) -> None:
    expected = call("gpt_next_token_choice", {"model": "llama"})["rows"]
    shown = [number(t) for t in texts(widget, "[data-bind$='.logit']")]
    assert shown == pytest.approx([r["logit"] for r in expected], abs=0.011)


#: (page, widget, a check of what the widget shows against CPython's llama result)
SWITCHES: dict[str, tuple[str, Callable[[Locator], None]]] = {
    "model-playground": ("the-pipeline.html", playground),
    "attention-heatmap": ("attention-and-the-block.html", heatmap),
    "residual-stream": ("attention-and-the-block.html", residual),
    "next-token-choice": ("from-logits-to-a-token.html", next_token),
    "model-decoding": ("from-logits-to-a-token.html", decoding),
}


@pytest.fixture(scope="module")
def tabs(warm_context, site_url):  # noqa: ANN001, ANN201
    """One tab per page, booted once, shared by its widgets' cases."""
    opened: dict = {}
    with (
        shared_tab(warm_context, site_url + "the-pipeline.html") as one,
        shared_tab(warm_context, site_url + "attention-and-the-block.html") as four,
        shared_tab(warm_context, site_url + "from-logits-to-a-token.html") as five,
    ):
        opened.update({"the-pipeline.html": one, "attention-and-the-block.html": four})
        opened["from-logits-to-a-token.html"] = five
        yield opened


@pytest.mark.parametrize("name", sorted(SWITCHES))
def test_each_model_widget_runs_the_llama_with_cpythons_numbers(tabs, name):
    slug, check = SWITCHES[name]
    widget = tabs[slug].locator(f"figure[data-widget={name}]")
    widget.evaluate(CLEAR_RESULT)
    widget.locator("select[data-model-switch]").select_option("llama")
    expect(widget).to_have_attribute("data-live", "true", timeout=60_000)
    check(widget)


def test_the_llama_loads_only_when_picked_and_a_link_keeps_it(page: Page, site_url):
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(site_url + "the-pipeline.html")
    wait_for_python(page)
    widget = page.locator("figure[data-widget=model-playground]")
    widget.locator("[data-action=generate]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=60_000)
    assert not [u for u in fetched if LLAMA_WEIGHTS in u]  # the GPT-2 ran without it
    widget.locator("select[data-model-switch]").select_option("llama")
    expect(widget.locator("[data-feedback]")).to_have_text("", timeout=60_000)
    assert [u for u in fetched if LLAMA_WEIGHTS in u]
    assert "llama" in page.url  # the permalink
    page.reload()
    expect(widget.locator("[data-feedback]")).to_contain_text("Restored", timeout=60_000)
    expect(widget.locator("select[data-model-switch]")).to_have_value("llama")
    playground(widget)


def test_a_refused_switch_keeps_the_shown_model(page: Page, site_url):
    page.goto(site_url + "from-logits-to-a-token.html")
    wait_for_python(page)
    widget = page.locator("figure[data-widget=model-decoding]")
    widget.locator("[data-prompt]").fill("")
    widget.locator("select[data-model-switch]").select_option("llama")
    expect(widget.locator("[data-feedback]")).to_contain_text("refused", timeout=60_000)
    expect(widget.locator("select[data-model-switch]")).to_have_value("gpt2")
