"""Attention sinks against the PyTorch model: each head's attention on position 0 is PyTorch's
(its trace of the prompts and its own run on the passage), the sliding-window mask is one built
independently in torch, and the windowed loss is PyTorch's under that mask. Then the
invariants (rows still sum to 1, nothing outside the window is read, a window as wide as the
text changes nothing, a cache decodes the same) and the size of the measured effect."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pytest

from pyodide_kernels.model import Hooks, KVCache, forward, load
from pyodide_kernels.model.hooks import AttentionWindow
from pyodide_kernels.on_model import attention_sinks as sinks_module
from pyodide_kernels.on_model.attention_map import trace_prompts
from pyodide_kernels.on_model.attention_sinks import (
    attention_sinks,
    first_token_attention,
    first_token_share,
    model_attention,
    passage_ids,
    sink_heads,
    texts,
    token_losses,
    uniform_share,
    window_hooks,
)

PROMPTS = [p for p in trace_prompts() if p != "meta"]
N_CTX = 128


@pytest.fixture(scope="module")
def torch_model(torch):
    from reference.traces import load_model

    model, _ = load_model(Path("traces"), "cpu")
    return model.eval()


def torch_mask(torch, tokens: int, window: int, sinks: int):
    """Causal (tril) minus the keys older than the window, plus the first ``sinks`` columns."""
    causal = torch.ones(tokens, tokens, dtype=torch.bool).tril()
    older = torch.ones(tokens, tokens, dtype=torch.bool).tril(-window)  # i - j >= window
    sink_columns = torch.zeros(tokens, tokens, dtype=torch.bool)
    sink_columns[:, :sinks] = True
    return (causal & ~older) | (causal & sink_columns)


def torch_run(torch, model, ids: list[int], mask=None):
    """Logits (T, V) and attention (L, nh, T, T) of the PyTorch model, with ``mask`` (T, T)
    in place of its causal one: its own modules, step by step as its ``forward``."""
    T = len(ids)
    mask = torch.ones(T, T, dtype=torch.bool).tril() if mask is None else mask
    with torch.no_grad():
        x = model.wte(torch.tensor([ids])) + model.wpe(torch.arange(T))
        attention = []
        for block in model.h:
            a = block.attn
            B, _, C = x.shape
            q, k, v = a.c_attn(block.ln_1(x)).split(C, dim=2)
            hs = C // a.n_head
            q, k, v = (t.view(B, T, a.n_head, hs).transpose(1, 2) for t in (q, k, v))
            scores = (q @ k.transpose(-2, -1)) / math.sqrt(hs)
            weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=-1)
            x = x + a.c_proj((weights @ v).transpose(1, 2).reshape(B, T, C))
            x = x + block.mlp(block.ln_2(x))
            attention.append(weights[0])
        logits = model.ln_f(x) @ model.wte.weight.T
    return logits[0].double(), torch.stack(attention).numpy()


def torch_loss(torch, logits, ids: list[int], start: int) -> float:
    targets = torch.tensor(ids[1 : len(logits) + 1])
    nll = torch.nn.functional.cross_entropy(logits, targets, reduction="none")
    return float(nll[start:].mean())


# --- against PyTorch ------------------------------------------------------------------------


@pytest.mark.parametrize("prompt", PROMPTS)
def test_each_heads_share_of_position_0_is_pytorchs_trace(prompt):
    traced = trace_prompts()[prompt]
    recorded = np.asarray(traced["attention"])  # (L, nh, T, T), PyTorch's
    ours = model_attention(traced["ids"])
    np.testing.assert_allclose(ours[:, :, :, 0], recorded[:, :, :, 0], atol=1e-5)
    np.testing.assert_allclose(
        first_token_share([ours], 8), first_token_share([recorded], 8), atol=1e-5
    )


def test_the_grid_is_the_one_pytorchs_attention_gives(torch, torch_model):
    passage = list(passage_ids()[:N_CTX])
    theirs = [np.asarray(trace_prompts()[p]["attention"]) for p in PROMPTS]
    theirs.append(torch_run(torch, torch_model, passage)[1])
    grid = first_token_attention(q0=8)
    np.testing.assert_allclose(grid["share"], first_token_share(theirs, 8), atol=1e-5)
    expected_uniform = np.mean([1 / (t + 1) for a in theirs for t in range(8, a.shape[-1])])
    assert grid["uniform"] == pytest.approx(expected_uniform, rel=1e-12)


@pytest.mark.parametrize(("window", "sinks"), [(1, 0), (3, 1), (16, 0), (16, 1), (32, 4)])
def test_the_window_mask_is_the_one_built_in_torch(torch, window, sinks):
    T = 40
    ours = AttentionWindow(window, sinks).visible(np.arange(T), T)
    np.testing.assert_array_equal(ours, torch_mask(torch, T, window, sinks).numpy())
    # decoding with a cache: the queries are the last rows, their keys start at 0
    rows = AttentionWindow(window, sinks).visible(np.arange(30, 33), 33)
    np.testing.assert_array_equal(rows, torch_mask(torch, 33, window, sinks).numpy()[30:])


@pytest.mark.parametrize(("window", "sinks"), [(16, 0), (16, 1), (8, 4)])
def test_the_windowed_loss_is_pytorchs_under_the_same_mask(torch, torch_model, window, sinks):
    ids = list(passage_ids())
    logits, attention = torch_run(
        torch, torch_model, ids[:N_CTX], torch_mask(torch, N_CTX, window, sinks)
    )
    ours = attention_sinks(window=window, sinks=sinks, start=64)["losses"]
    assert ours["sinks"] == pytest.approx(torch_loss(torch, logits, ids, 64), abs=1e-4)
    np.testing.assert_allclose(
        model_attention(ids[:N_CTX], window_hooks(window, sinks)), attention, atol=1e-5
    )


def test_the_full_loss_is_pytorchs(torch, torch_model):
    ids = list(passage_ids())
    logits = torch_run(torch, torch_model, ids[:N_CTX])[0]
    assert attention_sinks()["losses"]["full"] == pytest.approx(
        torch_loss(torch, logits, ids, 64), abs=1e-4
    )


# --- invariants -----------------------------------------------------------------------------


@pytest.mark.parametrize("sinks", [0, 4])
def test_a_window_as_wide_as_the_text_changes_nothing(sinks):
    m, ids = load(), list(passage_ids()[:N_CTX])
    full = forward(m, ids)
    windowed = forward(m, ids, hooks=Hooks(window=AttentionWindow(N_CTX, sinks)))
    np.testing.assert_allclose(windowed, full, atol=1e-6)
    np.testing.assert_allclose(token_losses(N_CTX, sinks), token_losses(), atol=1e-6)


@pytest.mark.parametrize(("window", "sinks"), [(1, 0), (16, 0), (16, 2)])
def test_windowed_rows_sum_to_1_and_read_only_the_window(window, sinks):
    ids = list(passage_ids()[:N_CTX])
    weights = model_attention(ids, window_hooks(window, sinks))  # (L, nh, T, T)
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-5)
    hidden = ~AttentionWindow(window, sinks).visible(np.arange(N_CTX), N_CTX)
    assert np.all(weights[:, :, hidden] == 0)
    if sinks == 0:
        assert np.all(weights[:, :, window:, 0] == 0)  # position 0 is gone from every head


def test_decoding_with_a_cache_keeps_the_window():
    m, ids = load(), list(passage_ids()[:40])
    hooks = window_hooks(8, 1)
    whole = forward(m, ids, hooks=hooks)
    cache = KVCache(m.config)
    forward(m, ids[:20], cache, hooks)
    steps = [forward(m, [i], cache, hooks)[0] for i in ids[20:]]
    np.testing.assert_allclose(np.stack(steps), whole[20:], atol=1e-4)


def test_the_grid_averages_every_traced_prompt_and_the_passage():
    assert [len(t) for t in texts()[:-1]] == [len(trace_prompts()[p]["ids"]) for p in PROMPTS]
    assert texts()[-1] == list(passage_ids()[:N_CTX])
    grid = first_token_attention(q0=8)
    assert grid["queries"] == sum(len(t) - 8 for t in texts())
    assert grid["share"].shape == (4, 4)
    assert np.all((grid["share"] >= 0) & (grid["share"] <= 1))


# --- hand-worked cases ----------------------------------------------------------------------


def test_the_uniform_baseline_by_hand():
    assert uniform_share([4], 2) == pytest.approx((1 / 3 + 1 / 4) / 2)
    assert uniform_share([3, 4], 2) == pytest.approx((1 / 3 + 1 / 3 + 1 / 4) / 3)
    # uniform attention over the causal window gives exactly the baseline
    causal = np.tril(np.ones((5, 5)))
    uniform = (causal / causal.sum(1, keepdims=True))[None, None]  # (1, 1, 5, 5)
    assert first_token_share([uniform], 1)[0, 0] == pytest.approx(uniform_share([5], 1))


def test_sink_heads_are_those_past_the_multiple():
    share = np.array([[0.1, 0.5], [0.19, 0.2]])
    found = sink_heads(share, 0.1, 2.0)
    assert [(h["layer"], h["head"]) for h in found] == [(0, 1), (1, 1)]
    assert found[0]["ratio"] == pytest.approx(5.0)


# --- what the model shows -------------------------------------------------------------------


def test_one_head_in_the_last_block_is_a_strong_sink():
    grid = first_token_attention(q0=8, multiple=2.0)
    assert (grid["strongest"]["layer"], grid["strongest"]["head"]) == (3, 0)
    assert grid["strongest"]["ratio"] > 6  # measured 8.9x uniform
    assert grid["strongest"]["share"] > 0.3  # a third of its attention on position 0
    assert 2 <= len(grid["sink_heads"]) <= 6
    assert all(h["ratio"] >= 2.0 for h in grid["sink_heads"])
    assert grid["ratio"].min() < 0.2  # and some heads all but ignore position 0


def test_dropping_the_first_tokens_costs_nats_and_one_sink_wins_most_back():
    losses = attention_sinks(window=16, sinks=1)["losses"]
    assert losses["window"] - losses["full"] > 0.2  # measured 0.30 nats/token
    assert losses["window"] - losses["sinks"] > 0.1  # measured 0.19
    assert 0.4 < losses["recovered"] < 0.9  # measured 0.63
    assert losses["wider"] - losses["sinks"] > 0.01  # the sink beats one more recent token
    table = {row["sinks"]: row["loss"] for row in losses["by_sinks"]}
    assert sorted(table) == [0, 1, 2, 4]
    assert all(table[s] < table[0] - 0.1 for s in (1, 2, 4))
    assert losses["sinks"] == table[1] and losses["window"] == table[0]


def test_a_wide_window_costs_almost_nothing():
    losses = attention_sinks(window=32, sinks=1)["losses"]
    assert abs(losses["window"] - losses["full"]) < 0.05
    assert losses["recovered"] is None  # no gap to win back


def test_the_kernel_answers_within_a_second():
    load()
    sinks_module._shares.cache_clear()
    sinks_module._token_losses.cache_clear()
    began = time.perf_counter()
    result = attention_sinks(window=24, sinks=2)
    assert time.perf_counter() - began < 1.0
    assert len(result["losses"]["per_position"]["full"]) == N_CTX - 64
    assert result["first_tokens"] == [load().token_text(i) for i in passage_ids()[:4]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"window": 0}, "window: must be at least 1"),
        ({"window": 129}, "window: must be at most 128"),
        ({"window": "wide"}, "window: expected an integer"),
        ({"sinks": -1}, "sinks: must be at least 0"),
        ({"sinks": 17}, "sinks: must be at most 16"),
        ({"start": 128}, "start: must be at most 127"),
        ({"q0": 0}, "q0: must be at least 1"),
        ({"multiple": 0.5}, "multiple"),
        ({"multiple": float("nan")}, "multiple"),
    ],
)
def test_bad_arguments_get_a_message(args, message):
    with pytest.raises(ValueError, match=message):
        attention_sinks(**args)
