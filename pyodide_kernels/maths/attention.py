"""Scaled dot-product attention, one head, with every intermediate step kept for teaching.

    scores  = Q Kᵀ                      (T_q, T_k)
    scaled  = scores / sqrt(d_k)
    masked  = scaled with future keys set to -inf when ``causal``
    weights = softmax(masked) row by row (each row sums to 1)
    output  = weights V                 (T_q, d_v)

References: Vaswani et al., "Attention Is All You Need" (2017), section 3.2.1.
Leaves out: multi-head split/merge, grouped-query attention and the KV cache (``multihead``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int, as_matrix, as_seed, as_vector
from .softmax import stable_softmax

__kernels__ = ("dot_product", "attention", "attention_problem")

#: Seed 002's dry run: three tokens ("The", "cat", "sat"), d_k = 4.
SEED_TOKENS = ("The", "cat", "sat")
SEED_Q = ((1, 0, 1, 0), (0, 1, 0, 1), (1, 1, 0, 0))
SEED_K = ((1, 1, 0, 0), (0, 0, 1, 1), (1, 0, 1, 0))
SEED_V = ((1, 0, 1, 0), (0, 1, 0, 1), (1, 1, 0, 0))


def causal_mask(t_q: int, t_k: int) -> np.ndarray:
    """True where query i may look at key j: j <= i + (t_k - t_q), i.e. no future keys.

    With t_k > t_q the queries are the last t_q positions (decoding with a cache).
    Example: ``causal_mask(2, 2)`` -> [[True, False], [True, True]]
    """
    offset = t_k - t_q
    return np.arange(t_k)[None, :] <= np.arange(t_q)[:, None] + offset


def dot_product(q: Any, k: Any) -> dict[str, Any]:
    """One attention score by hand: the element-wise products of a query and a key, then their sum.

    Example (seed 001): ``dot_product([1.5, -0.5, 2.0], [0.8, 1.2, -1.0])`` ->
    {"products": [1.2, -0.6, -2.0], "score": -1.4}
    """
    qv, kv = as_vector(q, "q"), as_vector(k, "k")
    if qv.shape != kv.shape:
        raise ValueError(f"k: expected {qv.size} values to match q, got {kv.size}")
    products = qv * kv
    return {"q": qv, "k": kv, "products": products, "score": float(np.sum(products))}


def scaled_dot_product(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, causal: bool = False
) -> dict[str, np.ndarray]:
    """Every step of attention on arrays ``q (T_q, d_k)``, ``k (T_k, d_k)``, ``v (T_k, d_v)``.

    Keeps the input dtype (float32 stays float32). Example: with one key, ``weights`` is [[1.0]].
    """
    d_k = q.shape[-1]
    scores = q @ k.T  # (T_q, T_k)
    scaled = scores / np.sqrt(
        np.asarray(d_k, dtype=q.dtype)
    )  # subtle: a float64 scalar would upcast
    masked = scaled
    if causal:
        masked = np.where(causal_mask(q.shape[0], k.shape[0]), scaled, -np.inf).astype(q.dtype)
    weights = stable_softmax(masked, axis=-1)  # (T_q, T_k)
    output = weights @ v  # (T_q, d_v)
    return {
        "scores": scores,
        "scaled": scaled,
        "masked": masked,
        "weights": weights,
        "output": output,
    }


def attention(q: Any, k: Any, v: Any, causal: bool = False) -> dict[str, Any]:
    """Scaled dot-product attention with its steps, from JSON-style nested lists.

    Example (seed 002's dry run): ``attention(SEED_Q, SEED_K, SEED_V)["weights"][0]`` ->
    [0.274, 0.274, 0.452]; ``["output"][0]`` -> [0.726, 0.726, 0.274, 0.274]
    """
    qm, km, vm = as_matrix(q, "q"), as_matrix(k, "k"), as_matrix(v, "v")
    if km.shape[1] != qm.shape[1]:
        raise ValueError(f"k: rows must have d_k = {qm.shape[1]} values like q, got {km.shape[1]}")
    if vm.shape[0] != km.shape[0]:
        raise ValueError(f"v: expected one row per key ({km.shape[0]}), got {vm.shape[0]}")
    steps = scaled_dot_product(qm, km, vm, causal=bool(causal))
    return {
        "q": qm,
        "k": km,
        "v": vm,
        "d_k": qm.shape[1],
        "scale": float(np.sqrt(qm.shape[1])),
        "causal": bool(causal),
        **steps,
    }


def attention_problem(
    seed: Any = None, causal: bool = False, tokens: Any = 3, d_k: Any = 4
) -> dict[str, Any]:
    """A hand-calculation problem: seed 002's dry run when ``seed`` is None, else fresh Q, K, V.

    Fresh matrices hold 0s and 1s (and a few 2s in V) so every step can be done in one's head,
    as in the seed. Example: ``attention_problem()["scores"]`` -> [[1, 1, 2], [1, 1, 0], [2, 0, 1]]
    """
    q: Any
    k: Any
    v: Any
    if seed is None:
        q, k, v, labels = SEED_Q, SEED_K, SEED_V, list(SEED_TOKENS)
    else:
        rng = np.random.default_rng(as_seed(seed))
        n, d = as_int(tokens, "tokens", 2, 6), as_int(d_k, "d_k", 1, 8)
        q = rng.integers(0, 2, size=(n, d))
        k = rng.integers(0, 2, size=(n, d))
        v = rng.integers(0, 3, size=(n, d))
        labels = [f"t{i + 1}" for i in range(n)]
    problem = attention(q, k, v, causal=causal)
    return {**problem, "seed": seed, "tokens": labels}
