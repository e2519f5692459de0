"""Multi-head, grouped-query and multi-query attention against PyTorch; head bookkeeping; the
KV-cache sizes of a Llama-like model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyodide_kernels.maths.multihead import (
    attend,
    kv_cache_bytes,
    merge_heads,
    multi_head_attention,
    split_heads,
)

from ._compare import DTYPES, close, random


def projections(t, d, n_head, n_kv_head, dtype):
    hs = d // n_head
    x = random((t, d), 0, dtype)
    w_q, w_o = random((d, d), 1, dtype) / 4, random((d, d), 2, dtype) / 4
    w_k = random((d, n_kv_head * hs), 3, dtype) / 4
    w_v = random((d, n_kv_head * hs), 4, dtype) / 4
    return x, w_q, w_k, w_v, w_o


def torch_heads(torch, x, w, n, t):
    return (torch.from_numpy(x) @ torch.from_numpy(w)).view(t, n, -1).transpose(0, 1)


@pytest.mark.parametrize(("dtype", "tolerance"), DTYPES)
@pytest.mark.parametrize(("t", "d"), [(1, 16), (6, 16), (9, 24)])
@pytest.mark.parametrize(("n_head", "n_kv_head"), [(4, 4), (4, 2), (4, 1), (1, 1)])
@pytest.mark.parametrize("causal", [True, False])
def test_attention_matches_torch(torch, t, d, n_head, n_kv_head, causal, dtype, tolerance):
    F = torch.nn.functional
    x, w_q, w_k, w_v, w_o = projections(t, d, n_head, n_kv_head, dtype)
    ours = attend(x, w_q, w_k, w_v, w_o, n_head, n_kv_head, causal)
    q = torch_heads(torch, x, w_q, n_head, t)
    k, v = torch_heads(torch, x, w_k, n_kv_head, t), torch_heads(torch, x, w_v, n_kv_head, t)
    group = n_head // n_kv_head
    expected = {}
    expected["enable_gqa"] = F.scaled_dot_product_attention(
        q, k, v, is_causal=causal, enable_gqa=True
    )
    # the same grouping spelled out: each KV head copied for the query heads that share it
    k2, v2 = k.repeat_interleave(group, dim=0), v.repeat_interleave(group, dim=0)
    expected["repeat_interleave"] = F.scaled_dot_product_attention(q, k2, v2, is_causal=causal)
    for y in expected.values():
        merged = y.transpose(0, 1).reshape(t, d)
        close(ours["merged"], merged.numpy(), dtype, tolerance)
        close(ours["output"], (merged @ torch.from_numpy(w_o)).numpy(), dtype, tolerance)
    assert np.allclose(ours["weights"].sum(-1), 1.0, atol=1e-5)
    if causal:
        assert np.all(np.triu(ours["weights"], 1) == 0)


def test_standard_multi_head_matches_torchs_module(torch):
    t, d, n_head = 5, 12, 3
    x, w_q, w_k, w_v, w_o = projections(t, d, n_head, n_head, np.float64)
    module = torch.nn.MultiheadAttention(
        d, n_head, bias=False, batch_first=True, dtype=torch.float64
    )
    with torch.no_grad():
        module.in_proj_weight.copy_(torch.from_numpy(np.concatenate([w_q, w_k, w_v], axis=1).T))
        module.out_proj.weight.copy_(torch.from_numpy(w_o.T))
        tx = torch.from_numpy(x)[None]
        mask = torch.nn.Transformer.generate_square_subsequent_mask(t, dtype=torch.float64)
        expected, weights = module(tx, tx, tx, attn_mask=mask, average_attn_weights=False)
    ours = attend(x, w_q, w_k, w_v, w_o, n_head, n_head, causal=True)
    close(ours["output"], expected[0].numpy(), np.float64, 1e-6)
    close(ours["weights"], weights[0].numpy(), np.float64, 1e-6)


@given(st.integers(1, 8), st.integers(1, 6), st.integers(1, 4))
def test_split_and_merge_heads_are_inverse(t, n_head, hs):
    x = np.arange(t * n_head * hs, dtype=float).reshape(t, n_head * hs)
    heads = split_heads(x, n_head)
    assert heads.shape == (n_head, t, hs)
    assert np.array_equal(heads[n_head - 1], x[:, (n_head - 1) * hs :])
    assert np.array_equal(merge_heads(heads), x)


def test_the_widget_entry_point():
    result = multi_head_attention(tokens=4, d=8, n_head=4, n_kv_head=2, seed=1)
    assert result["weights"].shape == (4, 4, 4)
    assert result["kv_numbers_per_token"] == 2 * 2 * 2
    assert (
        multi_head_attention(seed=1)["output"].tolist()
        == multi_head_attention(seed=1)["output"].tolist()
    )
    with pytest.raises(ValueError, match="n_kv_head: must divide n_head"):
        multi_head_attention(n_head=4, n_kv_head=3)
    with pytest.raises(ValueError, match="d: must be a multiple of n_head"):
        multi_head_attention(d=10, n_head=4)


def test_kv_cache_bytes_for_a_llama_like_model():
    # Llama-3-8B shape: 32 layers, 32 query heads, 8 KV heads of 128, fp16, 8192 tokens
    result = kv_cache_bytes(layers=32, n_head=32, n_kv_head=8, head_dim=128, tokens=8192)
    assert result["bytes"] == {"MHA": 4 * 2**30, "GQA": 2**30, "MQA": 2**27}
    assert kv_cache_bytes(batch=4, bytes_per_number=4)["bytes"]["GQA"] == 8 * 2**30
    with pytest.raises(ValueError, match="n_kv_head: must divide n_head"):
        kv_cache_bytes(n_head=32, n_kv_head=5)
    with pytest.raises(ValueError, match="layers"):
        kv_cache_bytes(layers=0)
