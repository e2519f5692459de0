"""Chapter 7 in Chromium: the KV-cache animation and a live timing, the CPU-vs-GPU grid, the
cited GPU chart drawn by our own Plotly, grouped-query attention, int8 quantization, speculative
decoding, batching, attention sinks and RoPE scaling, each live in Pyodide.

The cases that set a widget's input themselves share one tab of the chapter: each uses its own
widget, clears the result it waits for before it acts, and reads a widget's build-time drawing
only once it has checked that no live result replaced it (conftest.shared_tab)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call

from .conftest import CLEAR_RESULT, shared_tab


@pytest.fixture
def inference(page: Page, site_url) -> Page:
    """The chapter in a tab of its own, for a case about the page as loaded: its first step, its
    requests, its reduced-motion setting."""
    page.goto(site_url + "inference-and-hardware.html")
    return page


@pytest.fixture(scope="module")
def chapter(warm_context, site_url) -> Iterator[Page]:  # noqa: ANN001
    """The chapter in one tab, Python ready, for every case that sets its widget's input itself
    and waits for its own result (conftest.shared_tab)."""
    with shared_tab(warm_context, site_url + "inference-and-hardware.html") as tab:
        yield tab


def expect_as_built(widget) -> None:  # noqa: ANN001
    """On the shared tab: the widget still shows its build-time state (no case's live result,
    which compute() marks data-live, has replaced it)."""
    expect(widget).not_to_have_attribute("data-live", "true")


def test_the_kv_cache_steps_and_counts_work(inference: Page):
    widget = inference.locator("figure[data-widget=kv-cache]")
    expect(widget).to_have_attribute("data-mounted", "true")
    story = call("kv_cache_story", {})
    first = story["costs"]["lengths"][0]
    expect(widget.locator("[data-row=with] .kv-slot.computed")).to_have_count(1)
    expect(widget.locator("[data-row=with] .kv-slot.reused")).to_have_count(first - 1)
    expect(widget.locator("[data-row=without] .kv-slot.computed")).to_have_count(first)
    widget.locator("[data-action=forward]").click()
    expect(widget.locator("[data-step-number]")).to_have_text("2")
    expect(widget.locator("[data-work=with]")).to_have_text(
        f"{story['costs']['cumulative_with'][1]:,}"
    )
    inference.emulate_media(reduced_motion="reduce")
    widget.locator("[data-action=play]").click()
    expect(widget.locator("[data-step-number]")).to_have_text(str(len(story["costs"]["lengths"])))


def test_the_reader_times_the_model_with_and_without_the_cache(chapter: Page):
    widget = chapter.locator("figure[data-widget=kv-cache]")
    timing = widget.locator("[data-live-timing]")
    timing.evaluate("(line) => { line.textContent = ''; }")
    widget.locator("[data-action=measure]").click()
    expect(timing).to_contain_text("Measured just now in your browser", timeout=60_000)
    state = chapter.evaluate(
        "() => window.hlw.widgets.find((w) => w.root.dataset.widget === 'kv-cache').state"
    )
    assert state["live"]["with"]["text"] == state["live"]["without"]["text"]
    assert state["live"]["speedup"] > 1


def test_cpu_against_gpu_follows_the_lanes(chapter: Page):
    widget = chapter.locator("figure[data-widget=cpu-vs-gpu]")
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-setting=lanes]").fill("6")
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expect(widget.locator("[data-bind='schedule.gpu_ticks']")).to_have_text("2")
    expect(widget.locator("[data-grid=gpu] .mm-row.done")).to_have_count(12)


def test_the_gpu_chart_draws_and_cites_every_gpu(inference: Page):
    """Plotly loads only as the chart nears the screen (it would cost a phone seconds at load)."""
    loaded = []
    inference.on("request", lambda r: loaded.append(r.url) if "plotly" in r.url else None)
    widget = inference.locator("figure[data-widget=gpu-chart]")
    expect(widget).to_have_attribute("data-mounted", "true")
    inference.wait_for_timeout(500)
    assert loaded == [] and widget.get_attribute("data-charted") is None
    widget.scroll_into_view_if_needed()
    expect(widget).to_have_attribute("data-charted", "true", timeout=20_000)
    expect(widget.locator(".main-svg").first).to_be_visible()
    expect(widget.locator("tbody a[href^='https://']")).to_have_count(5)


@pytest.mark.parametrize(
    "name", ["kv-cache", "kv-sharing", "cpu-vs-gpu", "gpu-chart", "model-decoding"]
)
def test_the_embed_pages_work(page: Page, site_url, name):
    page.goto(f"{site_url}embed/{name}.html")
    expect(page.locator(f"figure[data-widget={name}]")).to_have_attribute("data-mounted", "true")


def test_sharing_keys_regroups_the_heads_and_shrinks_the_cache_live(chapter: Page):
    widget = chapter.locator("figure[data-widget=kv-sharing]")
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-kv-heads][value='4']").check()
    expected = call("kv_sharing", {"n_kv_head": 4})
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expect(widget.locator("[data-bind=per_token]")).to_have_text(str(expected["per_token"]))
    expect(widget.locator("[data-groups] > li")).to_have_count(4)
    for g, group in enumerate(expected["groups"]):
        shown = widget.locator("[data-groups] > li").nth(g).locator(".kv-query").all_inner_texts()
        assert shown == [f"Q{h}" for h in group]
        for h in group:
            expect(widget.locator(f"[data-reads='{h}']")).to_have_text(f"K/V {g}")
    assert widget.locator("[data-bind=saving]").inner_text() == "2"
    weight = widget.locator("[data-bind='last_weights.1.3']").inner_text()
    assert weight == f"{expected['last_weights'][1][3]:.2f}"
    assert "kv-sharing-1=" in chapter.url and "n_kv_head" in unquote(chapter.url)


def test_an_old_address_of_a_moved_section_and_its_saved_answer_follow_it(page: Page, site_url):
    """content/moved.toml: GQA moved from chapter 4 to chapter 7."""
    page.goto(site_url)
    page.evaluate(
        """localStorage.setItem("hlw-progress", JSON.stringify(
            {"attention-and-the-block#exercise-gqa-saving": {"answer": "1", "correct": true}}))"""
    )
    page.goto(site_url + "attention-and-the-block.html#exercise-gqa-saving")
    page.wait_for_url("**/inference-and-hardware.html#exercise-gqa-saving")
    exercise = page.locator("#exercise-gqa-saving")
    expect(exercise.locator("input")).to_have_value("1")
    expect(exercise.locator("[data-feedback]")).to_have_text("Correct.")
    kept = page.evaluate("Object.keys(JSON.parse(localStorage.getItem('hlw-progress')))")
    assert kept == ["inference-and-hardware#exercise-gqa-saving"]
    page.goto(site_url + "attention-and-the-block.html#sharing-keys-and-values-gqa-and-mqa")
    page.wait_for_url("**/inference-and-hardware.html#sharing-keys-and-values-gqa-and-mqa")


SPECULATIVE = "figure[data-widget=speculative-decoding]"


def test_speculative_decoding_keeps_greedys_text_and_times_both_ways(chapter: Page):
    widget = chapter.locator(SPECULATIVE)
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-setting=draft_tokens]").fill("2")
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    prompt = widget.locator("[data-prompt]").input_value()
    expected = call("speculative_decoding", {"prompt": prompt, "draft_tokens": 2})
    expect(widget.locator("[data-bind='passes.speculative']")).to_have_text(
        str(expected["passes"]["speculative"])
    )
    assert widget.locator("[data-spec-text] .spec-guessed").count() == expected["accepted"]
    assert widget.locator("[data-spec-text]").inner_text() == expected["text"]
    expect(widget.locator("[data-same]")).to_have_text("yes, token for token")
    widget.locator("[data-action=decode]").click()
    expect(widget.locator("[data-live-timing]")).to_contain_text("speed-up", timeout=60_000)


BATCHING = "figure[data-widget=batching]"


def test_batching_draws_both_schedules_and_redraws_them_live(chapter: Page):
    widget = chapter.locator(BATCHING)
    expect_as_built(widget)
    built = call("batching", {})
    for policy in ("static", "continuous"):
        bars = widget.locator(f"[data-schedule={policy}] .batch-bar rect")
        expect(bars).to_have_count(len(built[policy]["bars"]))
    expect(widget.locator("[data-bind='static.steps']")).to_have_text(str(built["static"]["steps"]))
    widget.locator("[data-setting=slots]").fill("2")
    live = call("batching", {"slots": 2})
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expect(widget.locator("[data-bind='continuous.steps']")).to_have_text(
        str(live["continuous"]["steps"])
    )
    expect(widget.locator("[data-bind=speedup]")).to_have_text(f"{live['speedup']:.2f}")
    rows = (widget.locator("[data-schedule=continuous]").get_attribute("viewBox") or "").split()
    assert rows[3] == str(2 * 22)  # two slots of 22 units
    slots = widget.locator("[data-schedule=continuous] rect").evaluate_all(
        "(rects) => rects.map((r) => Number(r.getAttribute('y')))"
    )
    assert sorted({(y - 2) // 22 for y in slots}) == [0, 1]


def test_attention_sinks_show_the_heads_and_rerun_the_window_live(chapter: Page):
    widget = chapter.locator("figure[data-widget=attention-sinks]")
    expect_as_built(widget)
    built = call("attention_sinks", {})
    cells = widget.locator("table.heatmap tbody td").all_inner_texts()
    assert cells == [f"{s:.2f}" for row in built["share"] for s in row]
    widget.locator("[data-setting=sinks]").fill("0")
    live = call("attention_sinks", {"sinks": 0})
    # with no sinks kept, the window and the window with sinks are the same run
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expect(widget.locator("[data-bind='losses.sinks']")).to_have_text(
        f"{live['losses']['window']:.3f}"
    )
    expect(widget.locator("[data-bind='losses.full']")).to_have_text(
        f"{built['losses']['full']:.3f}"
    )


def test_rope_scaling_redraws_the_three_methods_for_a_new_factor(chapter: Page):
    widget = chapter.locator("figure[data-widget=rope-scaling]")
    expect_as_built(widget)
    yarn = widget.locator("[data-method=yarn]")
    built = yarn.get_attribute("points")
    widget.locator("[data-setting=factor]").fill("16")
    live = call("rope_scaling", {"factor": 16})
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expect(widget.locator("[data-bind='by_method.yarn.summary.interpolated']")).to_have_text(
        str(live["by_method"]["yarn"]["summary"]["interpolated"])
    )
    expect(widget.locator("[data-factor-label]")).to_have_text("16×")
    assert yarn.get_attribute("points") != built
    # position interpolation slows every pair by the whole factor: its line lies along the top
    heights = {
        p.split(",")[1]
        for p in widget.locator("[data-method=linear]").get_attribute("points").split()
    }
    assert heights == {"10"}


def test_quantization_runs_the_model_with_int8_weights_live(chapter: Page):
    widget = chapter.locator("figure[data-widget=quantization]")
    widget.evaluate(CLEAR_RESULT)
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
