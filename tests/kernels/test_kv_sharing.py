"""Sharing keys and values: the groups a query head falls into, the last token's weights against
PyTorch with each key/value head repeated for its group (as Hugging Face's Llama does), and the
cache per token against hand-worked figures for published shapes."""

from __future__ import annotations

import numpy as np
import pytest

from pyodide_kernels.model import load
from pyodide_kernels.on_model.hardware import cache_sizes
from pyodide_kernels.on_model.kv_sharing import head_groups, kv_sharing


@pytest.mark.parametrize(("n_head", "n_kv_head"), [(8, 8), (8, 4), (8, 2), (8, 1), (6, 3)])
def test_the_groups_split_the_query_heads_in_order(n_head, n_kv_head):
    groups = head_groups(n_head, n_kv_head)
    assert len(groups) == n_kv_head
    assert sum(groups, []) == list(range(n_head))  # every query head once, in order
    assert {len(g) for g in groups} == {n_head // n_kv_head}


@pytest.mark.parametrize("n_kv_head", [8, 4, 2, 1])
def test_the_cache_shrinks_by_the_ratio_of_heads(n_kv_head):
    result = kv_sharing(8, n_kv_head, head_size=4)
    assert result["per_token"] == 2 * n_kv_head * 4  # a key and a value per K/V head
    assert result["per_token_mha"] == 2 * 8 * 4
    assert result["saving"] == 8 / n_kv_head == result["per_token_mha"] / result["per_token"]
    assert result["choices"] == [1, 2, 4, 8]


def test_the_last_tokens_weights_match_torch_with_repeated_keys(torch):
    """The kernel's draws (multi_head_attention: rows, then W_Q, W_K, W_V), attended in PyTorch
    with each key head copied for the query heads of its group (repeat_interleave)."""
    tokens, n_head, n_kv, hs, seed = 5, 8, 2, 4, 3
    result = kv_sharing(n_head, n_kv, tokens, hs, seed)
    rng = np.random.default_rng(seed)
    d = n_head * hs
    x = torch.from_numpy(rng.normal(size=(tokens, d)))
    w_q, w_k = (torch.from_numpy(rng.normal(size=s) / np.sqrt(d)) for s in [(d, d), (d, n_kv * hs)])
    q = (x @ w_q).view(tokens, n_head, hs).transpose(0, 1)
    k = (x @ w_k).view(tokens, n_kv, hs).transpose(0, 1).repeat_interleave(n_head // n_kv, dim=0)
    scores = q[:, -1:, :] @ k.transpose(1, 2) / hs**0.5  # the last token sees every token
    expected = torch.softmax(scores, dim=-1)[:, 0, :].numpy()
    np.testing.assert_allclose(result["last_weights"], expected, rtol=1e-9, atol=1e-12)
    # heads of one group read the same keys, yet look at different tokens
    first, second = result["groups"][0][:2]
    assert not np.allclose(result["last_weights"][first], result["last_weights"][second])


def test_real_models_caches_match_hand_worked_figures():
    """2 (K and V) × layers × K/V heads × head size × 2 bytes, worked by hand from each
    published config: Llama 3 8B keeps 128 KiB per token and 1 GiB over 8,192 tokens."""
    rows = {m["name"]: m for m in kv_sharing()["models"]}
    assert rows["Llama 3 8B"]["per_token"] == 2 * 32 * 8 * 128 * 2 == 128 * 1024
    assert rows["Llama 3 8B"]["context_mib"] == 1024
    assert rows["Llama 3 8B"]["saving"] == 4  # 32 query heads over 8
    assert rows["Llama 3 70B"]["per_token"] == 2 * 80 * 8 * 128 * 2
    assert rows["Llama 3.1 405B"]["context_mib"] == 2 * 126 * 8 * 128 * 2 * 131072 / 2**20
    assert rows["GPT-2 small"]["per_token"] == 2 * 12 * 768 * 2  # full multi-head: the width
    assert rows["GPT-2 small"]["saving"] == 1
    ours = rows["this site's model"]
    m = load()
    assert ours["per_token"] == 2 * m.n_layer * m.d * 2 and ours["context"] == m.config.n_ctx


def test_the_kv_cache_widget_reads_llama_from_the_published_shapes():
    sizes = cache_sizes(load())
    assert sizes["Llama 3 8B"]["bytes"]["GQA"] == 2**30
    assert sizes["this model"]["bytes_per_number"] == 4  # float32, as the model runs here


@pytest.mark.parametrize(
    ("args", "field"),
    [({"n_kv_head": 3}, "n_kv_head"), ({"n_kv_head": 9}, "n_kv_head"), ({"n_head": 0}, "n_head")],
)
def test_a_bad_head_count_names_its_field(args, field):
    with pytest.raises(ValueError, match=field):
        kv_sharing(**args)
