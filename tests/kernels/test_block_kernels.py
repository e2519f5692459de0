"""LayerNorm, RMSNorm, GELU, SiLU/SwiGLU, cross-entropy and multi-head/grouped-query attention
against PyTorch (float64 within 1e-6, float32 within 1e-4, dtype kept), plus invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyodide_kernels.ffn import gelu, gelu_tanh, silu, swiglu
from pyodide_kernels.loss import cross_entropy, log_softmax
from pyodide_kernels.multihead import attend, kv_cache_bytes, merge_heads, split_heads
from pyodide_kernels.norms import layer_norm, rms_norm

torch = pytest.importorskip("torch", reason="PyTorch comparisons need the reference extra")
F = torch.nn.functional
DTYPES = [(np.float64, 1e-6), (np.float32, 1e-4)]
SHAPES = [(1, 4), (5, 16), (7, 33)]


def random(shape, seed, dtype):
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


def close(got, expected, dtype, tolerance):
    assert got.dtype == dtype, f"{got.dtype} should stay {dtype}"
    assert np.max(np.abs(got - expected)) < tolerance


@pytest.mark.parametrize(("dtype", "tolerance"), DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_norms_match_torch(shape, dtype, tolerance):
    x, gamma, beta = (
        random(shape, 0, dtype),
        random(shape[-1:], 1, dtype),
        random(shape[-1:], 2, dtype),
    )
    t = [torch.from_numpy(a) for a in (x, gamma, beta)]
    close(
        layer_norm(x, gamma, beta),
        F.layer_norm(t[0], shape[-1:], t[1], t[2]).numpy(),
        dtype,
        tolerance,
    )
    close(
        rms_norm(x, gamma), F.rms_norm(t[0], shape[-1:], t[1], eps=1e-6).numpy(), dtype, tolerance
    )


@pytest.mark.parametrize(("dtype", "tolerance"), DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_activations_match_torch(shape, dtype, tolerance):
    x = random(shape, 3, dtype) * 3
    t = torch.from_numpy(x)
    # weights are scaled so outputs stay near 1, where a float32 bound of 1e-4 is meaningful
    close(gelu(x), F.gelu(t).numpy(), dtype, tolerance)
    close(gelu_tanh(x), F.gelu(t, approximate="tanh").numpy(), dtype, tolerance)
    close(silu(x), F.silu(t).numpy(), dtype, tolerance)
    w_gate, w_up, w_down = (
        random(s, i, dtype) / 4
        for i, s in enumerate([(shape[1], 8), (shape[1], 8), (8, shape[1])], 4)
    )
    expected = (
        F.silu(t @ torch.from_numpy(w_gate)) * (t @ torch.from_numpy(w_up))
    ) @ torch.from_numpy(w_down)
    close(swiglu(x, w_gate, w_up, w_down), expected.numpy(), dtype, tolerance)


@pytest.mark.parametrize(("t", "v", "seed"), [(1, 3, 0), (6, 50, 1), (17, 1024, 2)])
def test_cross_entropy_matches_torch(t, v, seed):
    logits = random((t, v), seed, np.float64) * 4
    targets = np.random.default_rng(seed).integers(0, v, size=t)
    expected = F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(targets)).item()
    result = cross_entropy(logits, targets)
    assert abs(result["mean"] - expected) < 1e-6
    assert result["perplexity"] == pytest.approx(np.exp(expected))
    close(
        log_softmax(logits.astype(np.float32)),
        F.log_softmax(torch.from_numpy(logits.astype(np.float32)), -1).numpy(),
        np.float32,
        1e-4,
    )


@pytest.mark.parametrize(("dtype", "tolerance"), DTYPES)
@pytest.mark.parametrize(("n_head", "n_kv_head"), [(4, 4), (4, 2), (4, 1), (1, 1)])
@pytest.mark.parametrize("causal", [True, False])
def test_multi_head_and_grouped_query_attention_match_torch(
    n_head, n_kv_head, causal, dtype, tolerance
):
    t, d = 6, 16
    hs = d // n_head
    x = random((t, d), 0, dtype)
    w_q, w_o = random((d, d), 1, dtype) / 4, random((d, d), 2, dtype) / 4
    w_k, w_v = random((d, n_kv_head * hs), 3, dtype) / 4, random((d, n_kv_head * hs), 4, dtype) / 4
    ours = attend(x, w_q, w_k, w_v, w_o, n_head, n_kv_head, causal)
    tx = torch.from_numpy(x)
    q = (tx @ torch.from_numpy(w_q)).view(t, n_head, hs).transpose(0, 1)
    k = (tx @ torch.from_numpy(w_k)).view(t, n_kv_head, hs).transpose(0, 1)
    v = (tx @ torch.from_numpy(w_v)).view(t, n_kv_head, hs).transpose(0, 1)
    y = F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=True)
    expected = y.transpose(0, 1).reshape(t, d) @ torch.from_numpy(w_o)
    close(ours["output"], expected.numpy(), dtype, tolerance)
    assert np.allclose(ours["weights"].sum(-1), 1.0, atol=1e-5)


@given(st.integers(1, 8), st.integers(1, 6), st.integers(1, 4))
def test_split_and_merge_heads_are_inverse(t, n_head, hs):
    x = np.arange(t * n_head * hs, dtype=float).reshape(t, n_head * hs)
    assert split_heads(x, n_head).shape == (n_head, t, hs)
    assert np.array_equal(merge_heads(split_heads(x, n_head)), x)


def test_kv_cache_bytes_for_a_llama_like_model():
    result = kv_cache_bytes(layers=32, n_head=32, n_kv_head=8, head_dim=128, tokens=8192)
    assert result["bytes"] == {"MHA": 4 * 2**30, "GQA": 2**30, "MQA": 2**27}
    with pytest.raises(ValueError, match="n_kv_head: must divide n_head"):
        kv_cache_bytes(n_head=32, n_kv_head=5)
