"""Chapters 6 and 8 in Chromium: the real loss curve drawn by our own Plotly, teacher forcing on
the reader's text, the scaling calculator and the reliability diagram (ch. 6), the RLHF steps,
the adaptation calculator, retrieval and the LoRA adapter (ch. 8), each live in Pyodide with odd
input answered by a message (int8 quantization, ch. 7, is in test_inference.py).

The cases that set a widget's input themselves share one tab of each chapter: each uses its own
widget, clears the result it waits for before it acts, and reads a widget's build-time drawing
only once it has checked that no live result replaced it (conftest.shared_tab)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call

from .conftest import CLEAR_RESULT, shared_tab


@pytest.fixture
def training(page: Page, site_url) -> Page:
    """Chapter 6 in a tab of its own, for a case that counts the page's requests and reloads."""
    page.goto(site_url + "training.html")
    return page


@pytest.fixture(scope="module")
def training_shared(warm_context, site_url) -> Iterator[Page]:  # noqa: ANN001
    """Chapter 6 in one tab, Python ready, for every case that sets its widget's input itself
    and waits for its own result (conftest.shared_tab)."""
    with shared_tab(warm_context, site_url + "training.html") as tab:
        yield tab


@pytest.fixture(scope="module")
def alignment_shared(warm_context, site_url) -> Iterator[Page]:  # noqa: ANN001
    """Chapter 8 in one tab, like ``training_shared``."""
    with shared_tab(warm_context, site_url + "alignment.html") as tab:
        yield tab


@pytest.fixture
def training_tab(training_shared: Page) -> Page:
    """The shared chapter 6 tab, in front: both chapters' tabs stay open, and the one behind
    gets its animation frames late (each click then waited about 2 s for them)."""
    training_shared.bring_to_front()
    return training_shared


@pytest.fixture
def alignment(alignment_shared: Page) -> Page:
    """The shared chapter 8 tab, in front (see ``training_tab``)."""
    alignment_shared.bring_to_front()
    return alignment_shared


def expect_as_built(widget) -> None:  # noqa: ANN001
    """On a shared tab: the widget still shows its build-time state (no case's live result,
    which compute() marks data-live, has replaced it)."""
    expect(widget).not_to_have_attribute("data-live", "true")


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


def test_teacher_forcing_scores_the_readers_text(training_tab: Page):
    widget = training_tab.locator("figure[data-widget=teacher-forcing]")
    widget.evaluate(CLEAR_RESULT)
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
    widget = alignment.locator("figure[data-widget=rlhf-steps]")
    widget.evaluate(CLEAR_RESULT)
    expect(widget.locator("[data-panel=rm]")).to_be_hidden()
    widget.locator("[data-step=rm]").click()
    expect(widget.locator("[data-panel=rm]")).to_be_visible()
    widget.locator("[data-setting=rejected]").fill("1.5")
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expect(widget.locator("[data-bind='preference.probability']")).to_have_text("0.500")
    widget.locator("[data-step=rm]").press("ArrowRight")
    expect(widget.locator("[data-panel=rl]")).to_be_visible()


def test_the_scaling_calculator_sizes_a_run_and_refuses_nonsense(training_tab: Page):
    widget = training_tab.locator("figure[data-widget=scaling-calculator]")
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-parameters]").fill("7")
    widget.locator("[data-action=size]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expected = call("chinchilla", {"parameters": 7e9, "tokens_per_parameter": 20.0})
    expect(widget.locator("[data-bind=tokens_trillions]")).to_have_text(
        f"{expected['tokens'] / 1e12:.2f}"
    )
    for text in ["seven", "", "-3", "1e999", "<b>7</b>"]:
        widget.evaluate(CLEAR_RESULT)  # each refusal says so itself
        widget.locator("[data-parameters]").fill(text)
        widget.locator("[data-action=size]").click()
        expect(widget.locator("[data-feedback]")).to_contain_text("Type a number of billions")
    expect(widget.locator("[data-bind=tokens_trillions]")).to_have_text(
        f"{expected['tokens'] / 1e12:.2f}"
    )


@pytest.mark.parametrize(
    "name", ["loss-curve", "teacher-forcing", "rlhf-steps", "scaling-calculator", "quantization"]
)
def test_the_embed_pages_work(page: Page, site_url, name):
    page.goto(f"{site_url}embed/{name}.html")
    expect(page.locator(f"figure[data-widget={name}]")).to_have_attribute("data-mounted", "true")


def test_the_adaptation_calculator_counts_lora_for_the_chosen_model(alignment: Page):
    widget = alignment.locator("figure[data-widget=adaptation-calculator]")
    expect_as_built(widget)
    built = call("adaptation", {})
    trained = built["costs"]["lora"]["trained"]
    expect(widget.locator("[data-bind='costs.lora.trained']")).to_have_text(f"{trained:,}")
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
    expect_as_built(widget)
    built = call("retrieval", {})
    expect(widget.locator("[data-ranked] li").first).to_contain_text(built["ranked"][0]["passage"])
    expect(widget.locator("[data-with] .rag-copied")).to_have_count(built["copied"])
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
    expect_as_built(widget)
    built = call("lora_adapter", {})
    expect(widget.locator("[data-text=on]")).to_have_text(built["on"]["text"])
    widget.locator("[data-setting=strength]").fill("0")
    # at strength 0 the merged model is the base model: both sides and both losses agree
    expect(widget.locator("[data-text=on]")).to_have_text(built["off"]["text"], timeout=60_000)
    off = f"{built['live']['off']['sonnets']:.3f}"
    expect(widget.locator("[data-bind='live.on.sonnets']")).to_have_text(off)


def test_the_reliability_diagram_rescores_at_a_new_temperature(training_tab: Page):
    widget = training_tab.locator("figure[data-widget=calibration]")
    expect_as_built(widget)
    built = call("model_calibration", {})
    heights = widget.locator("[data-bin]").evaluate_all(
        "(bars) => bars.map((b) => Number(b.getAttribute('height')))"
    )
    assert heights == pytest.approx([a * 190 for a in built["bins"]["accuracy"]], abs=0.06)
    widget.locator("[data-setting=temperature]").fill("1.5")
    live = call("model_calibration", {"temperature": 1.5})
    expect(widget.locator("[data-bind=ece]")).to_have_text(f"{live['ece']:.3f}", timeout=30_000)
    # a temperature reorders no token: the share right stays
    expect(widget.locator("[data-bind=accuracy]")).to_have_text(f"{built['accuracy']:.3f}")
    assert live["accuracy"] == built["accuracy"]
