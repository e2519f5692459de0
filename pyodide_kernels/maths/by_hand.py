"""Attention worked by hand: the problems a reader solves step by step, and their answers.

Three parts, as the chapter teaches them:
1. projection, where a query, a key and a value come from: one token's vector x times three small
   matrices, q = x·W_Q, k = x·W_K, v = x·W_V (a row vector times a matrix, as in the model);
2. warm-up, one query against its keys: a dot product, a softmax over three scores, a weighted
   sum of values (seed 001's numbers when no seed is given);
3. a full dry run on three tokens with d_k = 4: Q·Kᵀ, scaling by √d_k, the optional causal mask,
   row-wise softmax, weights·V (seed 002's numbers when no seed is given).
A seed draws a fresh problem of the same shape, with numbers small enough for mental arithmetic.

Leaves out: learned projections (the real model's are in on_model/projections.py), several
heads.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_seed, as_vector
from .attention import attention_problem, dot_product
from .softmax import softmax

__kernels__ = ("weighted_sum", "attention_by_hand")

#: The projection's worked example: one token's three numbers and three 3 × 2 matrices.
PROJECTION_X = (1, 2, 0)
PROJECTION_W = {
    "w_q": ((1, 0), (0, 1), (1, 1)),
    "w_k": ((0, 1), (1, 0), (2, 1)),
    "w_v": ((1, 1), (0, 2), (1, 0)),
}

#: Seed 001's warm-up: a query and a key, three scores, and the values' first dimension.
WARMUP_QUERY = (1.5, -0.5, 2.0)
WARMUP_KEY = (0.8, 1.2, -1.0)
WARMUP_SCORES = (2.0, 1.0, 0.1)
WARMUP_VALUES = (1.0, 0.0, 0.0)


def weighted_sum(weights: Any, values: Any) -> dict[str, Any]:
    """Mix values by attention weights: the products w_i·v_i, then their sum.

    Example (seed 001): ``weighted_sum([0.66, 0.24, 0.10], [1, 0, 0])`` ->
    {"products": [0.66, 0.0, 0.0], "total": 0.66}
    """
    w, v = as_vector(weights, "weights"), as_vector(values, "values")
    if w.shape != v.shape:
        raise ValueError(f"values: expected {w.size} values, one per weight, got {v.size}")
    products = w * v
    return {"weights": w, "values": v, "products": products, "total": float(np.sum(products))}


def projection_problem(seed: int | None) -> dict[str, Any]:
    """Part 1: one token's vector times W_Q, W_K and W_V, small whole numbers throughout.

    Example: ``projection_problem(None)["q"]`` -> [1.0, 2.0] (= (1, 2, 0) · W_Q)
    """
    if seed is None:
        x = np.asarray(PROJECTION_X, dtype=float)
        weights = {name: np.asarray(w, dtype=float) for name, w in PROJECTION_W.items()}
    else:
        rng = np.random.default_rng([seed, 1])  # its own stream: the other parts keep theirs
        x = rng.integers(-2, 3, size=3).astype(float)
        weights = {name: rng.integers(-1, 3, size=(3, 2)).astype(float) for name in PROJECTION_W}
    products = {name[-1]: x @ w for name, w in weights.items()}
    return {"x": x, **weights, **products}


def warmup_problem(seed: int | None) -> dict[str, Any]:
    """Part 1: the three single-query steps, with the softmax feeding the weighted sum.

    Example: ``warmup_problem(None)["dot"]["score"]`` -> -1.4
    """
    q: Any
    k: Any
    scores: Any
    values: Any
    if seed is None:
        q, k, scores, values = WARMUP_QUERY, WARMUP_KEY, WARMUP_SCORES, WARMUP_VALUES
    else:
        rng = np.random.default_rng(seed)
        q = np.round(rng.uniform(-2, 2, size=3), 1)
        k = np.round(rng.uniform(-2, 2, size=3), 1)
        scores = np.sort(np.round(rng.uniform(-1, 3, size=3), 1))[::-1]
        values = rng.integers(0, 3, size=3).astype(float)
    probs = softmax(scores)
    return {"dot": dot_product(q, k), "softmax": probs, "mix": weighted_sum(probs["probs"], values)}


def attention_by_hand(seed: Any = None, causal: bool = False) -> dict[str, Any]:
    """Both parts of the hand calculation: seed 001 and seed 002's numbers, or fresh ones.

    Example: ``attention_by_hand()["dryrun"]["weights"][0]`` -> [0.274, 0.274, 0.452];
    ``attention_by_hand()["warmup"]["mix"]["total"]`` -> 0.659
    """
    fresh = None if seed is None else as_seed(seed)
    return {
        "seed": fresh,
        "projection": projection_problem(fresh),
        "warmup": warmup_problem(fresh),
        "dryrun": attention_problem(fresh, causal=bool(causal)),
    }
