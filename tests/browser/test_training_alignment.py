"""Chapters 6, 7 and 8 in Chromium: the real loss curve drawn by our own Plotly, teacher
forcing on the reader's text and the scaling calculator (ch. 6), int8 quantization (ch. 7), the
RLHF steps (ch. 8), each live in Pyodide with odd input answered by a message."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call

from .conftest import wait_for_python


@pytest.fixture
def training(page: Page, site_url) -> Page:
    page.goto(site_url + "training.html")
    return page


@pytest.fixture
def alignment(page: Page, site_url) -> Page:
    page.goto(site_url + "alignment.html")
    return page


@pytest.fixture
def inference(page: Page, site_url) -> Page:
    page.goto(site_url + "inference-and-hardware.html")
    return page


def test_the_loss_curve_is_drawn_from_the_trace_by_our_own_plotly(training: Page, site_url):
    hosts: set[str] = set()
    training.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    widget = training.locator("figure[data-widget=loss-curve]")
    widget.scroll_into_view_if_needed()  # Plotly loads as the chart nears the screen
    expect(widget).to_have_attribute("data-charted", "true", timeout=20_000)
    expect(widget.locator(".main-svg").first).to_be_visible()
    expected = call("loss_curve", {"every": 5})
    expect(widget.locator("[data-bind=final_validation]")).to_have_text(
        f"{expected['final_validation']:.2f}"
    )
    expect(widget.locator("table tbody tr")).to_have_count(len(expected["table"]))
    training.reload()
    assert hosts == {site_url.split("/")[2]}


def test_teacher_forcing_scores_the_readers_text(training: Page):
    wait_for_python(training)
    widget = training.locator("figure[data-widget=teacher-forcing]")
    widget.locator("[data-text]").fill("Now is the winter of our discontent")
    widget.locator("[data-action=score]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expected = call("teacher_forcing", {"text": "Now is the winter of our discontent", "k": 3})
    expect(widget.locator("[data-rows] tr")).to_have_count(len(expected["positions"]))
    expect(widget.locator("[data-bind=mean_loss]")).to_have_text(f"{expected['mean_loss']:.2f}")
    for text, message in [("", "Type a line of text first"), ("x", "at least two tokens"),
                          ("word " * 50, "at most 40 tokens")]:  # fmt: skip
        widget.locator("[data-text]").fill(text)
        widget.locator("[data-action=score]").click()
        expect(widget.locator("[data-feedback]")).to_contain_text(message, timeout=30_000)
    expect(widget.locator("[data-rows] tr")).to_have_count(len(expected["positions"]))


def test_the_rlhf_steps_switch_and_recompute(alignment: Page):
    wait_for_python(alignment)
    widget = alignment.locator("figure[data-widget=rlhf-steps]")
    expect(widget.locator("[data-panel=rm]")).to_be_hidden()
    widget.locator("[data-step=rm]").click()
    expect(widget.locator("[data-panel=rm]")).to_be_visible()
    widget.locator("[data-setting=rejected]").fill("1.5")
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expect(widget.locator("[data-bind='preference.probability']")).to_have_text("0.500")
    widget.locator("[data-step=rm]").press("ArrowRight")
    expect(widget.locator("[data-panel=rl]")).to_be_visible()


def test_the_scaling_calculator_sizes_a_run_and_refuses_nonsense(training: Page):
    wait_for_python(training)
    widget = training.locator("figure[data-widget=scaling-calculator]")
    widget.locator("[data-parameters]").fill("7")
    widget.locator("[data-action=size]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expected = call("chinchilla", {"parameters": 7e9, "tokens_per_parameter": 20.0})
    expect(widget.locator("[data-bind=tokens_trillions]")).to_have_text(
        f"{expected['tokens'] / 1e12:.2f}"
    )
    for text in ["seven", "", "-3", "1e999", "<b>7</b>"]:
        widget.locator("[data-parameters]").fill(text)
        widget.locator("[data-action=size]").click()
        expect(widget.locator("[data-feedback]")).to_contain_text("Type a number of billions")
    expect(widget.locator("[data-bind=tokens_trillions]")).to_have_text(
        f"{expected['tokens'] / 1e12:.2f}"
    )


def test_quantization_runs_the_model_with_int8_weights_live(inference: Page):
    wait_for_python(inference)
    widget = inference.locator("figure[data-widget=quantization]")
    widget.locator("[data-name]").select_option("h.3.mlp.c_proj.weight")
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expected = call("quantize_matrix", {"name": "h.3.mlp.c_proj.weight", "scheme": "column"})
    expect(widget.locator("[data-bind=relative_error]")).to_have_text(
        f"{expected['relative_error']:.4f}"
    )
    expect(widget.locator("[data-bind='ints_corner.0.0']")).to_have_text(
        str(expected["ints_corner"][0][0]).replace("-", "−")
    )
    widget.locator("[data-everything]").check()
    expect(widget.locator("[data-bind=matrices_replaced]")).to_have_text(
        str(len(expected["names"])), timeout=30_000
    )


@pytest.mark.parametrize(
    "name", ["loss-curve", "teacher-forcing", "rlhf-steps", "scaling-calculator", "quantization"]
)
def test_the_embed_pages_work(page: Page, site_url, name):
    page.goto(f"{site_url}embed/{name}.html")
    expect(page.locator(f"figure[data-widget={name}]")).to_have_attribute("data-mounted", "true")


def test_the_adaptation_calculator_counts_lora_for_the_chosen_model(alignment: Page):
    widget = alignment.locator("figure[data-widget=adaptation-calculator]")
    built = call("adaptation", {})
    trained = built["costs"]["lora"]["trained"]
    expect(widget.locator("[data-bind='costs.lora.trained']")).to_have_text(f"{trained:,}")
    wait_for_python(alignment)
    widget.locator("[data-choice=model]").select_option("this site's model")
    widget.locator("[data-choice=targets]").select_option("all")
    live = call("adaptation", {"model": "this site's model", "targets": "all"})
    expect(widget.locator("[data-bind='costs.lora.trained']")).to_have_text(
        f"{live['costs']['lora']['trained']:,}", timeout=30_000
    )
    expect(widget.locator("[data-matrices] tr")).to_have_count(len(live["matrices"]))
    expect(widget.locator("[data-bind='costs.full.trained']")).to_have_text(
        f"{live['costs']['total']:,}"
    )


def test_retrieval_finds_the_passage_and_the_copying_stops_without_the_head(alignment: Page):
    widget = alignment.locator("figure[data-widget=retrieval]")
    built = call("retrieval", {})
    expect(widget.locator("[data-ranked] li").first).to_contain_text(built["ranked"][0]["passage"])
    expect(widget.locator("[data-with] .rag-copied")).to_have_count(built["copied"])
    wait_for_python(alignment)
    widget.locator("[data-ablate]").check()
    ablated = call("retrieval", {"ablate": True})
    assert ablated["copied"] < built["copied"]
    expect(widget.locator("[data-bind=copied]")).to_have_text(
        str(ablated["copied"]), timeout=30_000
    )
    expect(widget.locator("[data-with] .rag-copied")).to_have_count(ablated["copied"])
    widget.locator("[data-query]").fill("Friends, Romans, countrymen")
    asked = call("retrieval", {"query": "Friends, Romans, countrymen", "ablate": True})
    expect(widget.locator("[data-ranked] li").first).to_contain_text(
        asked["ranked"][0]["passage"], timeout=30_000
    )


def test_the_lora_adapter_moves_the_text_and_the_loss_live(alignment: Page):
    widget = alignment.locator("figure[data-widget=lora-adapter]")
    built = call("lora_adapter", {})
    expect(widget.locator("[data-text=on]")).to_have_text(built["on"]["text"])
    wait_for_python(alignment)
    widget.locator("[data-setting=strength]").fill("0")
    # at strength 0 the merged model is the base model: both sides and both losses agree
    expect(widget.locator("[data-text=on]")).to_have_text(built["off"]["text"], timeout=60_000)
    off = f"{built['live']['off']['sonnets']:.3f}"
    expect(widget.locator("[data-bind='live.on.sonnets']")).to_have_text(off)


def test_the_reliability_diagram_rescores_at_a_new_temperature(training: Page):
    widget = training.locator("figure[data-widget=calibration]")
    built = call("model_calibration", {})
    heights = widget.locator("[data-bin]").evaluate_all(
        "(bars) => bars.map((b) => Number(b.getAttribute('height')))"
    )
    assert heights == pytest.approx([a * 190 for a in built["bins"]["accuracy"]], abs=0.06)
    wait_for_python(training)
    widget.locator("[data-setting=temperature]").fill("1.5")
    live = call("model_calibration", {"temperature": 1.5})
    expect(widget.locator("[data-bind=ece]")).to_have_text(f"{live['ece']:.3f}", timeout=30_000)
    # a temperature reorders no token: the share right stays
    expect(widget.locator("[data-bind=accuracy]")).to_have_text(f"{built['accuracy']:.3f}")
    assert live["accuracy"] == built["accuracy"]
