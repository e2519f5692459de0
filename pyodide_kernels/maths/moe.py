"""A mixture-of-experts layer's router: each token's gate scores pick its top-k experts, whose
outputs are mixed with the renormalised gate weights; the load shows how many tokens each expert
gets (the imbalance that auxiliary losses fight).

References: Shazeer et al. (2017); Fedus et al., "Switch Transformers" (2021) for k = 1.
Leaves out: capacity limits and dropped tokens, load-balancing losses, training.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int, as_matrix, as_seed
from .softmax import stable_softmax

__kernels__ = ("moe_route",)


def route(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(experts (T, k), weights (T, k)): each token's top-k experts and their renormalised gates.

    Example: scores [[2, 1, 0]] with k = 1 -> experts [[0]], weights [[1.0]]
    """
    gates = stable_softmax(scores, axis=-1)  # (T, E)
    experts = np.argsort(-gates, axis=-1, kind="stable")[:, :k]  # (T, k)
    chosen = np.take_along_axis(gates, experts, axis=-1)
    return experts, chosen / chosen.sum(axis=-1, keepdims=True)


def mix_experts(
    x: np.ndarray, chosen: np.ndarray, weights: np.ndarray, w_experts: np.ndarray
) -> np.ndarray:
    """Each token's output: the gate-weighted sum of its chosen experts' outputs (x W_e).

    ``x`` (T, d), ``chosen`` and ``weights`` (T, k), ``w_experts`` (E, d, d). Only chosen experts
    run, which is the point of a mixture. Example: one expert with weight 1 gives x W_0.
    """
    output = np.zeros((x.shape[0], w_experts.shape[2]), dtype=x.dtype)  # (T, d)
    for slot in range(chosen.shape[1]):
        for e in np.unique(chosen[:, slot]):
            rows = chosen[:, slot] == e  # tokens that send this slot to expert e
            output[rows] += weights[rows, slot, None] * (x[rows] @ w_experts[e])
    return output


def moe_route(
    tokens: Any = 8, experts: Any = 4, k: Any = 2, d: Any = 8, seed: Any = 0, scores: Any = None
) -> dict[str, Any]:
    """Route tokens through a tiny MoE layer with seeded random gate and expert weights.

    Example: ``moe_route(8, 4, 2)["load"]`` sums to 16 (8 tokens × 2 experts each)
    """
    rng = np.random.default_rng(as_seed(seed))
    n_expert = as_int(experts, "experts", 1, 64)
    top = as_int(k, "k", 1, n_expert)
    width = as_int(d, "d", 1, 256)
    x = rng.normal(size=(as_int(tokens, "tokens", 1, 256), width))  # (T, d)
    w_gate = rng.normal(size=(width, n_expert))
    gate_scores = x @ w_gate if scores is None else as_matrix(scores, "scores")
    if gate_scores.shape[1] != n_expert:
        raise ValueError(f"scores: expected {n_expert} columns, one per expert")
    chosen, weights = route(gate_scores, top)
    w_experts = rng.normal(size=(n_expert, width, width)) / np.sqrt(width)
    # given scores stand for tokens the page does not show, so there is no output to mix
    output = (
        mix_experts(x, chosen, weights, w_experts)
        if scores is None
        else np.zeros((gate_scores.shape[0], width))
    )
    return {
        "experts": chosen,
        "weights": weights,
        "gates": stable_softmax(gate_scores),
        "load": np.bincount(chosen.ravel(), minlength=n_expert),
        "output": output,
    }
