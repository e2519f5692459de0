"""FlashAttention's arithmetic: attention over the keys one tile at a time, with an *online
softmax*, so no query ever holds its whole row of scores. Each tile of keys and values updates
three running numbers per query, its largest score ``m``, its sum of exponentials ``ℓ`` and
its unnormalised output ``o``:

    s  = q K_tileᵀ / √d_k              the tile's scores, future keys masked when ``causal``
    m' = max(m, rowmax(s))
    c  = exp(m − m')                   the correction: what the old ℓ and o were measured against
    p  = exp(s − m')
    ℓ  = c · ℓ + rowsum(p)
    o  = c · o + p V_tile
    m  = m'
    output = o / ℓ                     softmax(q Kᵀ / √d_k) V, to rounding

The result equals plain attention (``attention.scaled_dot_product``) for every tile size: the
exponentials are only ever rescaled by the same factor in ℓ and in o.

References: Milakov & Gimelshein (2018), "Online normalizer calculation for softmax"; Dao et
al. (2022), "FlashAttention". Leaves out: tiling the queries too (each row is independent), the
GPU's fast on-chip memory that makes tiling pay, the backward pass.

Example: ``tiled_attention(tile=2)["max_abs_difference"] < 1e-12`` -> True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int, as_matrix, as_seed
from .attention import causal_mask, scaled_dot_product

__kernels__ = ("tiled_attention",)

MAX_TOKENS = 64
MAX_WIDTH = 16


def tile_step(
    running: dict[str, np.ndarray], scores: np.ndarray, values: np.ndarray
) -> dict[str, np.ndarray]:
    """One tile's update of the running max, sum and output (the module docstring's lines).

    Example: from nothing (m = −inf, ℓ = 0, o = 0), one key scoring 3 with value [1.0]:
    ``tile_step({"max": np.array([-np.inf]), "sum": np.zeros(1), "out": np.zeros((1, 1))},
    np.array([[3.0]]), np.array([[1.0]]))`` -> max [3], sum [1], out [[1]], correction [0]
    """
    new_max = np.maximum(running["max"], scores.max(axis=1))  # (T_q,)
    # subtle: a row whose every score so far is masked (−inf) has nothing to correct
    seen = np.isfinite(new_max)
    safe = np.where(seen, new_max, 0.0)
    correction = np.where(seen, np.exp(running["max"] - safe), 1.0)  # (T_q,)
    p = np.exp(scores - safe[:, None])  # (T_q, tile); a masked score gives 0
    return {
        "max": new_max,
        "sum": correction * running["sum"] + p.sum(axis=1),
        "out": correction[:, None] * running["out"] + p @ values,
        "correction": correction,
    }


def online_attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, tile: int, causal: bool
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Attention of q (T_q, d_k) over k (T_k, d_k) and v (T_k, d_v), ``tile`` keys at a time:
    the output and every tile's running values.

    Example: ``online_attention(np.eye(2), np.eye(2), np.eye(2), 1, False)[0]`` equals plain
    attention's output on the same arrays
    """
    t_q, t_k = q.shape[0], k.shape[0]
    scaled = (q @ k.T) / np.sqrt(q.shape[1])  # computed tile by tile below, never kept whole
    if causal:
        scaled = np.where(causal_mask(t_q, t_k), scaled, -np.inf)
    running = {"max": np.full(t_q, -np.inf), "sum": np.zeros(t_q),
               "out": np.zeros((t_q, v.shape[1]))}  # fmt: skip
    steps = []
    for start in range(0, t_k, tile):
        stop = min(start + tile, t_k)
        running = tile_step(running, scaled[:, start:stop], v[start:stop])
        steps.append({
            "keys": [start, stop],
            "running_max": running["max"].copy(),
            "running_sum": running["sum"].copy(),
            "correction": running["correction"],
        })  # fmt: skip
    return running["out"] / running["sum"][:, None], steps


def tiled_attention(
    q: Any = None,
    k: Any = None,
    v: Any = None,
    tile: Any = 2,
    causal: bool = True,
    tokens: Any = 6,
    d: Any = 4,
    seed: Any = 0,
) -> dict[str, Any]:
    """Attention computed tile by tile beside plain attention on the same q, k, v (given, or
    a random problem of ``tokens`` tokens and width ``d`` from ``seed``): both outputs, their
    largest difference, every tile's running max, sum and correction, and how many scores each
    way holds at once.

    Example: ``tiled_attention(tokens=8, tile=4)["held_scores"]`` -> {"plain": 64, "tiled": 32}
    """
    if q is None or k is None or v is None:
        n = as_int(tokens, "tokens", 1, MAX_TOKENS)
        width = as_int(d, "d", 1, MAX_WIDTH)
        rng = np.random.default_rng(as_seed(seed))
        qm, km, vm = (rng.normal(size=(n, width)).round(2) for _ in range(3))
    else:
        qm, km, vm = as_matrix(q, "q"), as_matrix(k, "k"), as_matrix(v, "v")
        if km.shape[1] != qm.shape[1]:
            raise ValueError(f"k: expected rows of {qm.shape[1]} numbers to match q")
        if vm.shape[0] != km.shape[0]:
            raise ValueError(f"v: expected {km.shape[0]} rows, one per key")
        if max(qm.shape[0], km.shape[0]) > MAX_TOKENS:
            raise ValueError(f"q, k: at most {MAX_TOKENS} rows")
    size = as_int(tile, "tile", 1, MAX_TOKENS)
    out, steps = online_attention(qm, km, vm, size, bool(causal))
    plain = scaled_dot_product(qm, km, vm, causal=bool(causal))["output"]
    return {
        "q": qm, "k": km, "v": vm, "tile": size, "causal": bool(causal),
        "output": out, "plain": plain,
        "max_abs_difference": float(np.max(np.abs(out - plain))),
        "steps": steps,
        "held_scores": {"plain": qm.shape[0] * km.shape[0],
                        "tiled": qm.shape[0] * min(size, km.shape[0])},
    }  # fmt: skip
