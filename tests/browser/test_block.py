"""Chapter 4's real-model widgets, live in Pyodide: the attention heatmap (toy, PyTorch trace,
live NumPy), the residual stream and the mixture-of-experts router, with odd input answered by
a message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call
from sitebuild.pages.heat_image import heat_number
from sitebuild.pages.numbers import fixed
from sitebuild.pages.palette import heat_colour, rgb

from .conftest import CLEAR_RESULT, FLOAT32, numbers_close, shared_tab, wait_for_python

HEATMAP = "figure[data-widget=attention-heatmap]"
STREAM = "figure[data-widget=residual-stream]"
MOE = "figure[data-widget=moe-router]"


@pytest.fixture
def fresh(page: Page, chapter_url) -> Page:
    """The chapter in a tab of its own, for a case about its state as loaded."""
    page.goto(chapter_url)
    return page


@pytest.fixture(scope="module")
def chapter(warm_context, site_url) -> Iterator[Page]:  # noqa: ANN001
    """The chapter in one tab, Python ready, for every case that sets its widget's input itself
    and waits for its own result (conftest.shared_tab)."""
    with shared_tab(warm_context, site_url + "attention-and-the-block.html") as tab:
        yield tab


def test_the_heatmap_starts_as_the_pytorch_trace_and_names_it(fresh: Page):
    widget = fresh.locator(HEATMAP)
    expected = call("attention_heatmap", {})
    expect(widget.locator("[data-map] tbody tr")).to_have_count(len(expected["tokens"]))
    expect(widget.locator("[data-provenance]")).to_contain_text("Recorded by PyTorch")
    first = widget.locator("[data-map] tbody tr").first.locator("td").first
    expect(first).to_have_text(f"{expected['weights'][0][0]:.2f}")


def test_the_heatmap_runs_the_model_live_on_the_readers_text(chapter: Page):
    wait_for_python(chapter)
    widget = chapter.locator(HEATMAP)
    widget.locator("[data-causal]").check()  # the mask this case expects, whatever a case left
    widget.locator("[data-source][value=model]").check()
    expect(widget).not_to_have_attribute("aria-busy", "true", timeout=30_000)
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-prompt]").fill("O Romeo, Romeo, wherefore art thou")
    widget.locator("[data-setting=layer]").select_option("3")
    widget.locator("[data-action=show]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expect(widget.locator("[data-provenance]")).to_contain_text("Computed just now")
    state = chapter.evaluate(
        "() => window.hlw.widgets.find((w) => w.root.dataset.widget === 'attention-heatmap').state"
    )
    expected = call(
        "attention_heatmap",
        {"prompt": "O Romeo, Romeo, wherefore art thou", "layer": 3, "head": 0,
         "source": "model", "causal": True},
    )  # fmt: skip
    assert numbers_close(state["weights"], expected["weights"], FLOAT32)
    expect(widget.locator("[data-map] tbody tr")).to_have_count(len(expected["tokens"]))
    chapter.mouse.move(0, 0)
    widget.locator("[data-map] tbody tr").nth(3).focus()
    expect(widget.locator("[data-focus-line]")).to_contain_text("(row 3) attends most to")


def test_the_toy_example_and_its_mask(chapter: Page):
    wait_for_python(chapter)
    widget = chapter.locator(HEATMAP)
    widget.locator("[data-causal]").check()  # the mask on, whatever a case left
    expect(widget).not_to_have_attribute("aria-busy", "true", timeout=30_000)
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-source][value=toy]").check()
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expect(widget.locator("[data-map] tbody tr")).to_have_count(3)
    expect(widget.locator("[data-map] tbody tr").first.locator("td").nth(1)).to_have_text("0.00")
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-causal]").uncheck()
    toy = call("attention_heatmap", {"source": "toy", "causal": False})
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expect(widget.locator("[data-map] tbody tr").first.locator("td").nth(1)).to_have_text(
        f"{toy['weights'][0][1]:.2f}"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Type some text first"), ("word " * 60, "at most 40 tokens")],
)
def test_the_heatmap_answers_bad_text_with_a_message(chapter: Page, text, message):
    wait_for_python(chapter)
    widget = chapter.locator(HEATMAP)
    widget.locator("[data-source][value=model]").check()
    expect(widget).not_to_have_attribute("aria-busy", "true", timeout=30_000)
    rows = widget.locator("[data-map] tbody tr").count()
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-prompt]").fill(text)
    widget.locator("[data-action=show]").click()
    expect(widget.locator("[data-feedback]")).to_contain_text(message, timeout=30_000)
    expect(widget.locator("[data-map] tbody tr")).to_have_count(rows)


@pytest.mark.parametrize(
    "text", ["👩🏽‍💻 שלום", "\x07\x1b[31m", "<img src=x onerror=window.__pwned=1>"]
)
def test_odd_text_is_mapped_without_injection(chapter: Page, text):
    wait_for_python(chapter)
    widget = chapter.locator(HEATMAP)
    widget.locator("[data-source][value=model]").check()
    expect(widget).not_to_have_attribute("aria-busy", "true", timeout=30_000)
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-prompt]").fill(text)
    widget.locator("[data-action=show]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expected = call("attention_heatmap", {"prompt": text, "source": "model"})
    expect(widget.locator("[data-map] tbody tr")).to_have_count(
        len(expected["tokens"]), timeout=30_000
    )
    assert chapter.locator("img[src=x]").count() == 0
    assert chapter.evaluate("window.__pwned") is None


def test_the_residual_stream_follows_the_picked_token(chapter: Page):
    wait_for_python(chapter)
    widget = chapter.locator(STREAM)
    widget.locator("[data-pick='2']").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expected = call(
        "residual_stream", {"prompt": "To be, or not to be, that is the", "position": 2}
    )
    expect(widget.locator("[data-pick='2']")).to_have_attribute("aria-pressed", "true")
    shown = widget.locator("[data-bind='blocks.3.mlp']").inner_text()
    assert float(shown) == pytest.approx(expected["blocks"][3]["mlp"], abs=0.051)
    widget.locator("[data-prompt]").fill("")
    widget.locator("[data-action=follow]").click()
    expect(widget.locator("[data-feedback]")).to_contain_text("Type some text first")


def test_the_router_reroutes_with_top_k(chapter: Page):
    wait_for_python(chapter)
    widget = chapter.locator(MOE)
    expect(widget.locator("td.routed")).to_have_count(16)
    widget.locator("[data-setting=k]").fill("1")
    expect(widget.locator("td.routed")).to_have_count(8, timeout=30_000)
    expected = call("moe_route", {"tokens": 8, "experts": 4, "k": 1, "d": 8, "seed": 0})
    for e, n in enumerate(expected["load"]):
        expect(widget.locator(f"[data-bind='load.{e}']")).to_have_text(str(n))


@pytest.mark.parametrize("name", ["attention-heatmap", "residual-stream", "moe-router"])
def test_the_embed_pages_work(page: Page, site_url, name):
    page.goto(f"{site_url}embed/{name}.html")
    expect(page.locator(f"figure[data-widget={name}]")).to_have_attribute("data-mounted", "true")


def test_a_result_does_not_overwrite_what_the_reader_typed_meanwhile(fresh: Page):
    """A result used to echo its arguments into the controls: text typed while an earlier
    request ran was put back to the old prompt, and the next click showed the old map."""
    wait_for_python(fresh)
    widget = fresh.locator(HEATMAP)
    widget.locator("[data-source][value=model]").check()  # starts a request with the old prompt
    widget.locator("[data-prompt]").fill("Now is the winter")  # typed while it runs
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expect(widget).not_to_have_attribute("aria-busy", "true", timeout=30_000)
    expect(widget.locator("[data-prompt]")).to_have_value("Now is the winter")
    widget.locator("[data-action=show]").click()
    tokens = call("attention_heatmap", {"prompt": "Now is the winter", "source": "model"})["tokens"]
    expect(widget.locator("[data-map] tbody tr")).to_have_count(len(tokens), timeout=30_000)


SCALING = "figure[data-widget=score-scaling]"


def test_widening_the_head_saturates_the_raw_softmax_live(chapter: Page):
    wait_for_python(chapter)
    widget = chapter.locator(SCALING)
    widget.locator("[data-exponent]").fill("10")
    expect(widget.locator("[data-bind=d_k]")).to_have_text("1024", timeout=20_000)
    expected = call("score_scaling", {"d_k": 1024, "keys": 6, "seed": 0})
    for which in ("unscaled", "scaled"):
        shown = widget.locator(f"[data-bind='{which}.largest']").inner_text()
        assert shown == fixed(expected[which]["largest"], 3)
        for i, weight in enumerate(expected[which]["weights"]):
            cell = widget.locator(f"[data-heat='{which}.weights.{i}']")
            colour = cell.evaluate("(td) => getComputedStyle(td).backgroundColor")
            assert colour == "rgb({}, {}, {})".format(*rgb(heat_colour(heat_number(weight))))
    assert expected["unscaled"]["largest"] > 0.99 > expected["scaled"]["largest"]
    assert widget.locator("[data-exponent]").get_attribute("aria-valuetext") == "1024"
    widget.locator("[data-seed]").fill("-2")
    expect(widget.locator("[data-feedback]")).to_have_text(
        "The seed must be a whole number from 0 upwards."
    )


HAND = "figure[data-widget=attention-by-hand]"


def test_the_projection_step_is_graded_and_a_new_problem_projects_anew(chapter: Page):
    widget = chapter.locator(HAND)
    worked = call("attention_by_hand", {})["projection"]
    for role in ("q", "k", "v"):
        for j, value in enumerate(worked[role]):
            widget.locator(f"[data-answer='projection.{role}.{j}']").fill(f"{value:g}")
    widget.locator("[data-action=check]").first.click()
    expect(widget.locator("[data-feedback]").last).to_contain_text("6 of 6 answered correctly")
    widget.locator("[data-answer='projection.q.0']").fill("99")
    widget.locator("[data-action=check]").first.click()
    expect(widget.locator("[data-answer='projection.q.0']")).to_have_attribute(
        "aria-invalid", "true"
    )
    wait_for_python(chapter)
    widget.locator("[data-action=new]").click()
    expect(widget.locator("[data-feedback]").last).to_have_text(
        "New numbers: start again from the first step.", timeout=20_000
    )
    seed = chapter.evaluate(
        "() => window.hlw.widgets.find((w) => w.root.dataset.widget === 'attention-by-hand')"
        ".state.seed"
    )
    fresh = call("attention_by_hand", {"seed": seed})["projection"]
    shown = [widget.locator(f"[data-bind='projection.x.{i}']").inner_text() for i in range(3)]
    assert shown == [fixed(v, 0) for v in fresh["x"]]
    assert widget.locator("[data-answer='projection.q.0']").input_value() == ""


CURVES = "figure[data-widget=activation-curves]"


def test_the_activation_curves_are_read_live_at_the_readers_input(chapter: Page):
    wait_for_python(chapter)
    widget = chapter.locator(CURVES)
    expect(widget.locator("polyline.curve")).to_have_count(3)
    widget.locator("[data-at]").fill("-1")
    expect(widget.locator("[data-bind='at.x']")).to_have_text("−1.00", timeout=20_000)
    expected = call("activation_curves", {"at": -1.0})["at"]
    for name in ("relu", "gelu", "silu"):
        assert widget.locator(f"[data-bind='at.{name}']").inner_text() == fixed(expected[name], 3)


ROPE = "figure[data-widget=rope-wheel]"


def test_the_rope_wheel_turns_with_the_pair_and_the_score_follows_the_distance(chapter: Page):
    wait_for_python(chapter)
    widget = chapter.locator(ROPE)
    arrow = widget.locator("[data-rope-arrow='1']")
    before = arrow.get_attribute("x2")
    widget.locator("[data-setting=pair]").fill("10")
    expect(widget.locator("[data-bind='wheel.pair']")).to_have_text("10", timeout=20_000)
    expected = call("rope_explorer", {"pair": 10})
    assert float(arrow.get_attribute("x2")) == pytest.approx(
        110 + 80 * expected["wheel"]["points"][1][0], abs=0.01
    )
    assert arrow.get_attribute("x2") != before
    widget.locator("[data-setting=offset]").fill("5")
    expect(widget.locator("[data-bind='key_at.0']")).to_have_text("5", timeout=20_000)
    expected = call("rope_explorer", {"pair": 10, "offset": 5})
    shown = widget.locator("[data-bind^='scores.']").all_inner_texts()
    assert shown == [fixed(score, 4) for score in expected["scores"]]
    assert len(set(shown)) == 1  # one score wherever the pair stands
    assert widget.locator("[data-bind=further]").inner_text() == fixed(expected["further"], 4)


MASKS = "figure[data-widget=attention-masks]"


def test_the_families_masks_are_the_kernels_and_the_window_slides(chapter: Page):
    widget = chapter.locator(MASKS)
    built = call("attention_masks", {})
    for name in ("encoder", "decoder", "cross", "sliding"):
        ticks = widget.locator(f"[data-mask={name}] td.mask-on")
        expect(ticks).to_have_count(built["visible"][name])
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-setting=window]").fill("2")
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    live = call("attention_masks", {"window": 2})
    visible = live["visible"]["sliding"]
    expect(widget.locator("[data-mask=sliding] td.mask-on")).to_have_count(visible)
    expect(widget.locator("[data-bind='visible.sliding']")).to_have_text(str(visible))
    cells = widget.locator("[data-mask=sliding] tbody tr").last.locator("td").all_inner_texts()
    assert cells == ["✓" if on else "·" for on in live["sliding"][-1]]
