"""The figures where the prose used to stand alone: each one's labels are its kernel's (or the
configuration's) values, never typed, and the live ones show CPython's numbers for the reader's
input. Axe, layout shift and digits are covered per page by test_every_page.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from pyodide_kernels.dispatch import call
from sitebuild.pages.numbers import fixed
from sitebuild.pages.render import visible

from .conftest import FLOAT32, numbers_close, wait_for_python

SHOWN = 4  # how many numbers of each vector a figure writes out


def grouped(n: int) -> str:
    """Example: ``grouped(1024)`` -> '1,024'"""
    return f"{n:,}"


def figure(page: Page, name: str) -> Locator:
    return page.locator(f"figure[data-widget={name}]")


def live_state(page: Page, name: str) -> dict:
    """The state the widget shows now (the browser's own kernel result once it ran live)."""
    return page.evaluate(
        "(name) => window.hlw.widgets.find((w) => w.root.dataset.widget === name).state", name
    )


def shown_numbers(box: Locator, path: str) -> list[str]:
    return [box.locator(f"[data-bind='{path}.{i}']").inner_text() for i in range(SHOWN)]


# Heads, projected (chapter 4, "Many heads, then one mix")


@pytest.fixture
def attention_page(page: Page, site_url) -> Page:
    page.goto(site_url + "attention-and-the-block.html")
    return page


def test_each_heads_projections_have_the_kernels_shapes(attention_page: Page):
    box = figure(attention_page, "head-projections")
    expected = call("head_projections", {})
    shapes = expected["shapes"]
    d, hs, n = shapes["x"][0], shapes["head_output"][0], len(expected["heads"])
    expect(box.locator(".proj-head")).to_have_count(n)
    dims = box.locator(".arch-dims").all_text_contents()
    assert dims.count(f"{d} × {hs}") == 3 * n  # W_Q, W_K, W_V of every head
    assert f"{shapes['c_attn'][0]} × {shapes['c_attn'][1]}" in dims
    assert f"{shapes['w_o'][0]} × {shapes['w_o'][1]}" in dims
    expect(box.locator(".proj-step").last).to_contain_text(f"{n} × {hs} = {shapes['concat'][0]}")
    for j, head in enumerate(expected["heads"]):
        for role in ("q", "k", "v"):
            assert shown_numbers(box, f"heads.{j}.{role}") == [fixed(x) for x in head[role][:SHOWN]]
    assert shown_numbers(box, "normed") == [fixed(x) for x in expected["normed"][:SHOWN]]


def test_the_heads_follow_the_readers_token_and_block_live(attention_page: Page):
    wait_for_python(attention_page)
    box = figure(attention_page, "head-projections")
    box.locator("[data-prompt]").fill("O Romeo, Romeo")
    box.locator("[data-layer]").fill("2")
    box.locator("[data-action=project]").click()
    expected = call("head_projections", {"prompt": "O Romeo, Romeo", "position": -1, "layer": 2})
    expect(box.locator("[data-pieces] .token")).to_have_count(len(expected["tokens"]))
    box.locator("[data-pick='1']").click()
    expected = call("head_projections", {"prompt": "O Romeo, Romeo", "position": 1, "layer": 2})
    expect(box.locator("[data-bind=position]")).to_have_text("1")
    expect(box.locator("[data-token=token]")).to_have_text(visible(expected["token"]))
    state = live_state(attention_page, "head-projections")
    assert state["layer"] == 2
    assert numbers_close(state, expected, FLOAT32)
    assert shown_numbers(box, "heads.3.v") == [fixed(x) for x in expected["heads"][3]["v"][:SHOWN]]
    expect(box.locator("[data-bind=attention_output_norm]")).to_have_text(
        fixed(expected["attention_output_norm"])
    )


# The unembedding (chapter 5, "Scores become probabilities")


@pytest.fixture
def logits_page(page: Page, site_url) -> Page:
    page.goto(site_url + "from-logits-to-a-token.html")
    return page


def table_rows(box: Locator) -> list[list[str]]:
    """Each body row of the figure's table: its header cell and data cells, as shown."""
    return box.locator("tbody tr").evaluate_all(
        "(rows) => rows.map((r) => [...r.children].map((c) => c.innerText))"
    )


def unembedding_rows(result: dict) -> list[list[str]]:
    return [
        [visible(t["token"]), fixed(t["logit"]), fixed(t["prob"], 3), str(t["id"]),
         fixed(t["row_norm"]), fixed(t["cosine"], 3)]
        for t in result["top"]
    ]  # fmt: skip


def test_the_unembedding_shows_the_kernels_shape_and_top_rows(logits_page: Page):
    box = figure(logits_page, "unembedding")
    expected = call("unembedding", {})
    vocab, d = expected["shape"]
    expect(box.locator(".arch-dims")).to_have_text(f"{grouped(vocab)} × {grouped(d)}")
    expect(box).to_contain_text(f"{grouped(vocab)} rows give {grouped(vocab)} logits")
    expect(box.locator("[data-bind=final_norm]")).to_have_text(fixed(expected["final_norm"]))
    assert table_rows(box) == unembedding_rows(expected)


def test_the_unembedding_scores_the_readers_text_live(logits_page: Page):
    wait_for_python(logits_page)
    box = figure(logits_page, "unembedding")
    box.locator("[data-prompt]").fill("ROMEO: What say you,")
    box.locator("[data-prompt]").press("Enter")
    expect(box).to_have_attribute("data-live", "true")
    expected = call("unembedding", {"prompt": "ROMEO: What say you,", "k": 8})
    expect(box.locator("[data-last]")).to_have_text(visible(expected["tokens"][-1]))
    assert numbers_close(live_state(logits_page, "unembedding"), expected, FLOAT32)
    assert table_rows(box) == unembedding_rows(expected)


# The BPE merge trees (chapter 2, "Byte-pair encoding, step by step", in the BPE stepper)

READ_TREES = """(box) => [...box.querySelectorAll('[data-trees] > .bpe-word')].map((word) => {
  const node = (li) => {
    const out = {token: li.querySelector(':scope > .bpe-token').textContent};
    const parts = li.querySelector(':scope > ul');
    if (parts) out.parts = [...parts.children].map(node);
    return out;
  };
  return {text: word.querySelector('code').textContent,
          trees: [...word.querySelector('.bpe-forest').children].map(node)};
})"""


def leaves(tree: dict) -> list[str]:
    """A tree's single characters, left to right.

    Example: ``leaves({"token": "lo", "parts": [{"token": "l"}, {"token": "o"}]})`` -> ['l', 'o']
    """
    return (
        [leaf for part in tree["parts"] for leaf in leaves(part)]
        if "parts" in tree
        else [tree["token"]]
    )


def drawn_trees(box: Locator) -> list[dict]:
    """The trees as the page draws them: each word, each token over its two parts."""
    return box.evaluate(READ_TREES)


def test_each_encoded_word_is_drawn_as_the_kernels_merge_trees(page: Page, site_url):
    page.goto(site_url + "tokenization.html")
    box = figure(page, "bpe-stepper")
    expected = call("bpe_train", {})
    assert drawn_trees(box) == [
        {"text": e["text"], "trees": e["trees"]} for e in expected["encoded"]
    ]
    for word in expected["encoded"]:  # the leaves, read left to right, spell the word
        assert "".join(leaf for tree in word["trees"] for leaf in leaves(tree)) == word["text"]


def test_the_merge_trees_follow_the_readers_words_live(page: Page, site_url):
    page.goto(site_url + "tokenization.html")
    wait_for_python(page)
    box = figure(page, "bpe-stepper")
    box.locator("[data-merges]").fill("5")
    box.locator("[data-train]").fill("banana bandana")
    expected = call(
        "bpe_train",
        {
            "text": "banana bandana",
            "num_merges": 5,
            "mode": "char",
            "encode": ["banana", "bandana"],
        },
    )
    expect(box.locator("[data-trees] > .bpe-word")).to_have_count(2, timeout=20_000)
    expect(box.locator("[data-trees] code").first).to_have_text("banana")
    assert drawn_trees(box) == [
        {"text": e["text"], "trees": e["trees"]} for e in expected["encoded"]
    ]


# The KV cache, prefill and decode (chapter 7, "Prefill, then decode")


def test_prefill_and_decode_draw_the_kernels_rows_and_cache_sizes(page: Page, site_url):
    page.goto(site_url + "inference-and-hardware.html")
    box = figure(page, "kv-prefill")
    story = call("kv_cache_story", {})
    p, lengths = story["prompt"], story["costs"]["lengths"]
    ours, llama = story["cache_sizes"]["this model"], story["cache_sizes"]["Llama 3 8B"]
    width = ours["head_dim"] * ours["kv_heads"]["MHA"]
    steps = box.locator(".proj-step")
    for i, (rows, cached) in enumerate(
        [(p, 0), (lengths[0], lengths[0] - 1), (lengths[-1], lengths[-1] - 1)]
    ):
        glyphs = steps.nth(i).locator(".kv-pair svg")
        expect(glyphs).to_have_count(2)  # K and V
        for g in range(2):
            expect(glyphs.nth(g).locator("rect")).to_have_count(rows)
            expect(glyphs.nth(g).locator("rect.kv-cached")).to_have_count(cached)
        expect(steps.nth(i).locator(".arch-dims").first).to_have_text(f"{rows} × {width}")
    expect(box.locator("[data-cache-bytes]")).to_have_text(
        grouped(story["costs"]["cache_bytes"][-1])
    )
    table = box.locator(".kv-size-table tbody tr").evaluate_all(
        "(rows) => rows.map((r) => [...r.children].map((c) => c.innerText))"
    )
    cells = {row[0]: row[1:] for row in table}
    for size in (ours, llama):  # 2 (K and V) × layers × K/V heads × head size × tokens × bytes
        assert (
            size["bytes"]["GQA"]
            == 2
            * size["layers"]
            * size["n_kv_head"]
            * size["head_dim"]
            * size["tokens"]
            * size["bytes_per_number"]
        )
    assert cells["layers"] == [str(ours["layers"]), str(llama["layers"])]
    assert cells["K/V heads"] == [str(ours["n_kv_head"]), str(llama["n_kv_head"])]
    assert cells["tokens (full window)"] == [grouped(ours["tokens"]), grouped(llama["tokens"])]
    assert cells["cache"] == [
        f"{grouped(ours['bytes']['GQA'])} bytes ({fixed(ours['bytes']['GQA'] / 1024, 0)} KiB)",
        f"{grouped(llama['bytes']['GQA'])} bytes ({fixed(llama['gib']['GQA'], 0)} GiB)",
    ]


# The block, pre-norm beside post-norm (chapter 4, "The rest of the block")


def test_the_block_figure_draws_both_norm_placements_with_the_models_widths(attention_page: Page):
    box = figure(attention_page, "block-norms")
    c = call("model_overview", {})["card"]
    pre, post = box.locator(".norm-side").nth(0), box.locator(".norm-side").nth(1)
    expect(pre.locator(".norm-eq")).to_have_text("x = x + Attn(LN₁(x))x = x + MLP(LN₂(x))")
    expect(post.locator(".norm-eq")).to_have_text("x = LN₁(x + Attn(x))x = LN₂(x + MLP(x))")
    for side in (pre, post):
        expect(side.locator(".hw-add")).to_have_count(2)  # each sub-layer is added to the stream
        expect(side.locator(".hw-branch.role-attn")).to_contain_text(
            f"{c['n_head']} heads × {c['head_size']} = {c['n_embd']}"
        )
        expect(side.locator(".hw-branch.role-mlp")).to_contain_text(
            f"MLP: {c['n_embd']} → {c['n_inner']} → {c['n_embd']}"
        )
    expect(pre.locator(".hw-norm")).to_have_count(0)  # pre-norm: the norms sit on the branches
    expect(post.locator(".hw-norm")).to_have_count(2)  # post-norm: on the stream itself
    expect(pre.locator(".hw-stream").last).to_contain_text(f"({c['n_layer']} in all)")


# The training loop (chapter 6, "One training step")


def test_the_training_loop_reads_the_real_runs_numbers(page: Page, site_url):
    page.goto(site_url + "training.html")
    box = figure(page, "training-loop")
    run = call("loss_curve", {})
    steps = run["step"][-1]
    expect(box.locator(".train-step")).to_have_count(4)
    expect(box.locator(".train-step").nth(0)).to_contain_text(
        f"{grouped(run['tokens_seen'] // steps)} tokens"
    )
    expect(box.locator("[data-bind='train.0']")).to_have_text(fixed(run["train"][0]))
    expect(box.locator("[data-bind=final_train]")).to_have_text(fixed(run["final_train"]))
    expect(box.locator(".train-step").nth(2)).to_contain_text(grouped(run["parameters"]))
    expect(box.locator(".train-repeat")).to_contain_text(
        f"Repeated {grouped(steps)} times: {grouped(run['tokens_seen'])} tokens"
    )
