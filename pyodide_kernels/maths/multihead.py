"""Multi-head attention and its cheaper cousins: split the model width into heads, attend in each,
merge and mix with W_O; grouped-query (GQA) and multi-query (MQA) attention share each key/value
head among several query heads, which shrinks the KV cache.

    heads: n_head query heads of size hs = d / n_head; n_kv_head key/value heads
    (n_kv_head = n_head: MHA; 1 < n_kv_head < n_head: GQA; n_kv_head = 1: MQA)
    query head h reads key/value head h // (n_head / n_kv_head)
    KV cache bytes = 2 (K and V) × layers × n_kv_head × hs × tokens × batch × bytes per number

References: Vaswani et al. (2017) 3.2.2; Ainslie et al., "GQA" (2023); Shazeer, "MQA" (2019).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int, as_matrix, as_seed
from .attention import scaled_dot_product

__kernels__ = ("multi_head_attention", "kv_cache_bytes")


def split_heads(x: np.ndarray, n_head: int) -> np.ndarray:
    """(T, n_head·hs) -> (n_head, T, hs). Example: shape (4, 8) with 2 heads -> (2, 4, 4)"""
    t, d = x.shape
    return x.reshape(t, n_head, d // n_head).transpose(1, 0, 2)  # (nh, T, hs)


def merge_heads(x: np.ndarray) -> np.ndarray:
    """(n_head, T, hs) -> (T, n_head·hs), the inverse of split_heads.

    Example: shape (2, 4, 4) -> (4, 8)
    """
    n_head, t, hs = x.shape
    return x.transpose(1, 0, 2).reshape(t, n_head * hs)  # (T, d)


def attend(
    x: np.ndarray,
    w_q: np.ndarray,
    w_k: np.ndarray,
    w_v: np.ndarray,
    w_o: np.ndarray,
    n_head: int,
    n_kv_head: int,
    causal: bool = True,
) -> dict[str, np.ndarray]:
    """Multi-head (or grouped-query) self-attention of rows x (T, d). Returns the output
    (T, d), every head's weights (n_head, T, T) and the merged heads before W_O.

    Example: with one token, every head's weights are [[1.0]] and output = x W_v W_o.
    """
    q = split_heads(x @ w_q, n_head)  # (nh, T, hs)
    k = split_heads(x @ w_k, n_kv_head)  # (nkv, T, hs)
    v = split_heads(x @ w_v, n_kv_head)  # (nkv, T, hs)
    group = n_head // n_kv_head
    outputs, weights = [], []
    for h in range(n_head):
        steps = scaled_dot_product(q[h], k[h // group], v[h // group], causal=causal)
        outputs.append(steps["output"])
        weights.append(steps["weights"])
    merged = merge_heads(np.stack(outputs))  # (T, d)
    return {"output": merged @ w_o, "weights": np.stack(weights), "merged": merged}


def multi_head_attention(
    tokens: Any = 4,
    d: Any = 8,
    n_head: Any = 2,
    n_kv_head: Any = None,
    causal: bool = True,
    seed: Any = 0,
    x: Any = None,
) -> dict[str, Any]:
    """Attention with random projections (seeded) on random or given inputs, for the widget.

    Example: ``multi_head_attention(4, 8, 4, 2)["weights"]`` has shape (4, 4, 4), rows summing to 1
    """
    heads = as_int(n_head, "n_head", 1, 64)
    kv_heads = heads if n_kv_head is None else as_int(n_kv_head, "n_kv_head", 1, heads)
    if heads % kv_heads:
        raise ValueError(f"n_kv_head: must divide n_head ({heads}), got {kv_heads}")
    rng = np.random.default_rng(as_seed(seed))
    rows = (
        rng.normal(size=(as_int(tokens, "tokens", 1, 64), as_int(d, "d", 1, 512)))
        if x is None
        else as_matrix(x, "x")
    )
    width = rows.shape[1]
    if width % heads:
        raise ValueError(f"d: must be a multiple of n_head ({heads}), got {width}")
    hs = width // heads
    scale = 1 / np.sqrt(width)
    w_q = rng.normal(size=(width, width)) * scale
    w_k = rng.normal(size=(width, kv_heads * hs)) * scale
    w_v = rng.normal(size=(width, kv_heads * hs)) * scale
    w_o = rng.normal(size=(width, width)) * scale
    result = attend(rows, w_q, w_k, w_v, w_o, heads, kv_heads, bool(causal))
    return {
        **result,
        "n_head": heads,
        "n_kv_head": kv_heads,
        "head_size": hs,
        "kv_numbers_per_token": 2 * kv_heads * hs,
    }


def kv_cache_bytes(
    layers: Any = 32,
    n_head: Any = 32,
    n_kv_head: Any = 8,
    head_dim: Any = 128,
    tokens: Any = 8192,
    batch: Any = 1,
    bytes_per_number: Any = 2,
) -> dict[str, Any]:
    """KV-cache size for MHA, this GQA setting and MQA.

    Example (Llama-3-8B-like, fp16, 8192 tokens): MHA 4 GiB, GQA with 8 KV heads 1 GiB, MQA 128 MiB.
    """
    dims = {
        name: as_int(value, name, 1, 10**7)
        for name, value in (
            ("layers", layers),
            ("n_head", n_head),
            ("n_kv_head", n_kv_head),
            ("head_dim", head_dim),
            ("tokens", tokens),
            ("batch", batch),
            ("bytes_per_number", bytes_per_number),
        )
    }
    if dims["n_head"] % dims["n_kv_head"]:
        raise ValueError("n_kv_head: must divide n_head")
    per_head = (
        2
        * dims["layers"]
        * dims["head_dim"]
        * dims["tokens"]
        * dims["batch"]
        * dims["bytes_per_number"]
    )
    variants = {"MHA": dims["n_head"], "GQA": dims["n_kv_head"], "MQA": 1}
    return {
        "bytes": {name: per_head * heads for name, heads in variants.items()},
        "gib": {name: per_head * heads / 2**30 for name, heads in variants.items()},
        "kv_heads": variants,
        **dims,
    }
