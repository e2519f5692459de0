"""Keeping a mixture of experts balanced, and why modern ones have many small experts.

1. The auxiliary load-balancing loss of Switch Transformers and Mixtral, computed as Hugging
   Face's ``load_balancing_loss_func`` does (one layer, no attention mask)::

       f_e = (token-slots sent to expert e under top-k) / T      P_e = mean_t softmax(z_t)_e
       loss = E · Σ_e f_e · P_e

   The f_e sum to k, so perfectly balanced routing (f_e = k/E, P_e = 1/E) gives k: 1 for
   Switch's k = 1, 2 for Mixtral's k = 2. Divided by k (``per_slot``), f_e is the fraction of
   token-slots and perfect balance gives 1 whatever k is.

2. Auxiliary-loss-free balancing (DeepSeek-V3): a per-expert bias b_e is added to the token's
   sigmoid affinities s = σ(z) *only to choose* its top-k experts; the gate weights stay the
   unbiased affinities of the chosen experts, normalised over them (g = s / Σ_chosen s). After
   each batch b_e += γ · sign(mean load − load_e): an overloaded expert's bias falls, an idle
   one's rises. No gradient of a balance loss competes with the language-model loss.

3. Fine-grained and shared experts (DeepSeekMoE): split each expert into m experts 1/m as wide
   and route to m times as many: the parameters and the compute per token stay the same, while
   the number of expert sets a token can pick, C(E, k), explodes. Shared experts run on every
   token. Worked example (d = 1024, SwiGLU, one layer): 16 experts of width 4096, top-2, versus
   the same split 4 ways, 64 experts of width 1024, top-8: both hold 16 · 3 · 1024 · 4096 =
   201 326 592 expert parameters and use 2 · 3 · 1024 · 4096 = 25 165 824 per token, but
   C(16, 2) = 120 while C(64, 8) = 4 426 165 368.

References: Fedus et al., "Switch Transformers" (2021), eqs. 4-6; Jiang et al., "Mixtral of
Experts" (2024); Hugging Face transformers ``modeling_mixtral.load_balancing_loss_func``; Dai et
al., "DeepSeekMoE" (2024); DeepSeek-AI, "DeepSeek-V3 Technical Report" (2024), §2.1.2.
Leaves out: training (the router here does not learn; the simulation draws fresh skewed
scores each batch), DeepSeek-V3's small sequence-wise balance loss, its node-limited routing and
routed scaling factor (2.5), capacity limits and dropped tokens, router biases in the counts.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validate import as_int, as_matrix, as_number, as_seed
from .moe import route
from .softmax import stable_softmax

__kernels__ = ("moe_aux_loss", "moe_balance", "moe_parameters")


def balance_loss(chosen: np.ndarray, probs: np.ndarray, per_slot: bool = False) -> float:
    """E · Σ_e f_e · P_e for the experts ``chosen`` (T, k) and router ``probs`` (T, E).

    Example: ``balance_loss(np.array([[0], [1]]), np.array([[0.5, 0.5], [0.5, 0.5]]))`` -> 1.0
    """
    n_token, n_expert = probs.shape
    counts = np.bincount(chosen.ravel(), minlength=n_expert)  # (E,)
    f = counts / n_token / (chosen.shape[1] if per_slot else 1)  # (E,)
    return float(n_expert * np.sum(f * probs.mean(axis=0)))


def load_balancing_loss(scores: np.ndarray, k: int, per_slot: bool = False) -> float:
    """The Switch/Mixtral auxiliary loss of router logits ``scores`` (T, E) under top-k, as
    Hugging Face computes it (perfect balance gives k; ``per_slot`` divides by k, so it gives 1).

    Example: ``load_balancing_loss(np.array([[1.0, 0.0], [0.0, 1.0]]), 1)`` -> 1.0
    """
    chosen, _ = route(scores, k)  # (T, k): the top-k of the softmax
    return balance_loss(chosen, stable_softmax(scores, axis=-1), per_slot)


def moe_aux_loss(
    scores: Any = ((2.0, 0.0), (2.0, 0.0), (2.0, 0.0), (0.0, 2.0)), k: Any = 1
) -> dict[str, Any]:
    """The auxiliary loss of one batch of router logits (a row per token, a column per
    expert), with its parts: the share of token-slots each expert gets (f), its mean router
    probability (P), and the loss per slot, which perfect balance makes 1.

    Example: ``moe_aux_loss()["f"]`` -> [0.75, 0.25] (three tokens choose expert 0)
    """
    z = as_matrix(scores, "scores")
    top = as_int(k, "k", 1, z.shape[1])
    chosen, _ = route(z, top)  # (T, k)
    probs = stable_softmax(z, axis=-1)  # (T, E)
    f = np.bincount(chosen.ravel(), minlength=z.shape[1]) / chosen.size  # (E,)
    return {"f": f, "P": probs.mean(axis=0), "loss": balance_loss(chosen, probs, per_slot=True)}


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, without overflow. Example: ``sigmoid(np.array([0.0]))`` -> [0.5]"""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def route_with_bias(scores: np.ndarray, bias: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(experts (T, k), gates (T, k)) as DeepSeek-V3 routes: the top-k of σ(scores) + bias, gated
    by the chosen experts' unbiased σ(scores) normalised over them.

    Example: ``route_with_bias(np.array([[0.0, 0.0]]), np.array([0.0, 1.0]), 1)[0].tolist()`` ->
    [[1]]
    """
    affinity = sigmoid(scores)  # (T, E)
    chosen = np.argsort(-(affinity + bias), axis=-1, kind="stable")[:, :k]  # (T, k)
    gates = np.take_along_axis(affinity, chosen, axis=-1)  # (T, k): the bias plays no part
    return chosen, gates / gates.sum(axis=-1, keepdims=True)


def update_bias(bias: np.ndarray, load: np.ndarray, gamma: float) -> np.ndarray:
    """DeepSeek-V3's step: b_e + γ · sign(mean load − load_e).

    Example: ``update_bias(np.zeros(2), np.array([3, 1]), 0.1).tolist()`` -> [-0.1, 0.1]
    """
    return bias + gamma * np.sign(load.mean() - load)


def imbalance(load: np.ndarray) -> float:
    """Max load over mean load: 1 is perfect balance.

    Example: ``imbalance(np.array([3, 1]))`` -> 1.5
    """
    return float(load.max() / load.mean())


def skewed_scores(rng: np.random.Generator, tokens: int, experts: int, skew: float) -> np.ndarray:
    """Router logits (T, E): standard normal noise plus a fixed preference falling linearly from
    +skew (expert 0) to −skew (the last expert).

    Example: ``skewed_scores(np.random.default_rng(0), 3, 4, 1.0).shape`` -> (3, 4)
    """
    preference = skew * np.linspace(1.0, -1.0, experts)  # (E,)
    return rng.normal(size=(tokens, experts)) + preference  # (T, E)


def simulate_balancing(
    experts: int, k: int, tokens: int, steps: int, skew: float, gamma: float, seed: int
) -> dict[str, Any]:
    """Route ``steps`` batches of skewed scores twice, with a fixed zero bias and with the bias
    DeepSeek-V3 nudges after each batch; both runs see the same batches.

    Example: ``simulate_balancing(8, 2, 256, 40, 1.0, 0.01, 0)["imbalance_with"][-1] < 1.3`` ->
    True
    """
    rng = np.random.default_rng(seed)
    bias = np.zeros(experts)  # (E,)
    steps_without, steps_with = [], []
    for _ in range(steps):
        scores = skewed_scores(rng, tokens, experts, skew)  # (T, E)
        chosen_without, _ = route_with_bias(scores, np.zeros(experts), k)
        chosen_with, _ = route_with_bias(scores, bias, k)
        load_without = np.bincount(chosen_without.ravel(), minlength=experts)  # (E,)
        load_with = np.bincount(chosen_with.ravel(), minlength=experts)  # (E,)
        steps_without.append(imbalance(load_without))
        steps_with.append(imbalance(load_with))
        bias = update_bias(bias, load_with, gamma)
    probs = stable_softmax(scores, axis=-1)  # (T, E): the last batch, for the auxiliary loss
    return {
        "imbalance_without": np.array(steps_without), "imbalance_with": np.array(steps_with),
        "load_without": load_without, "load_with": load_with,
        "ideal_load": tokens * k / experts, "bias": bias,
        "aux_loss_without": balance_loss(chosen_without, probs),
        "aux_loss_with": balance_loss(chosen_with, probs),
    }  # fmt: skip


def moe_balance(
    experts: Any = 8,
    k: Any = 2,
    tokens: Any = 256,
    steps: Any = 40,
    skew: Any = 1.0,
    gamma: Any = 0.01,
    seed: Any = 0,
) -> dict[str, Any]:
    """Load per expert and imbalance per batch, without and with DeepSeek-V3's balancing bias,
    and the Switch/Mixtral auxiliary loss (Hugging Face's normalisation) of the last batch.

    ``aux_loss_balanced`` is that loss under perfect balance (k).

    Example (256 tokens × 2 experts each): ``moe_balance()["load_with"].sum()`` -> 512
    """
    n_expert = as_int(experts, "experts", 2, 64)
    top = as_int(k, "k", 1, n_expert)
    result = simulate_balancing(
        n_expert,
        top,
        as_int(tokens, "tokens", 1, 1024),
        as_int(steps, "steps", 1, 100),
        as_number(skew, "skew", 0, 10),
        as_number(gamma, "gamma", 0, 1),
        as_seed(seed),
    )
    return {**result, "aux_loss_balanced": float(top)}


def expert_combinations(experts: int, k: int) -> int:
    """C(E, k): how many different sets of k experts a token can be routed to.

    Example: ``expert_combinations(64, 8)`` -> 4426165368
    """
    return math.comb(experts, k)


def expert_parameter_count(
    d_model: int,
    d_expert: int,
    experts: int,
    k: int,
    shared: int = 0,
    layers: int = 1,
    swiglu: bool = True,
) -> dict[str, int]:
    """Expert parameters of a fine-grained MoE with shared experts (no biases): per expert
    (3 or 2) · d_model · d_expert; in total, routed plus shared, over the layers; active per
    token, k routed plus the shared; the router's d_model · E per layer; and C(E, k).

    Example: ``expert_parameter_count(1024, 4096, 16, 2)["active"]`` -> 25165824
    """
    per_expert = (3 if swiglu else 2) * d_model * d_expert
    return {
        "per_expert": per_expert,
        "total": layers * (experts + shared) * per_expert,
        "active": layers * (k + shared) * per_expert,
        "router": layers * d_model * experts,
        "combinations": expert_combinations(experts, k),
    }


def moe_parameters(
    d_model: Any = 7168,
    d_expert: Any = 2048,
    experts: Any = 256,
    k: Any = 8,
    shared: Any = 1,
    layers: Any = 58,
    swiglu: Any = True,
    split: Any = 1,
) -> dict[str, Any]:
    """Expert parameters (total, active per token, router) and C(E, k) of a MoE stack, after
    splitting each expert into ``split`` experts ``split`` times narrower (k and the shared
    experts split too). The defaults are DeepSeek-V3's MoE layers.

    Example (DeepSeek-V3's published 671B also counts attention, embeddings and its 3 dense
    layers): ``moe_parameters()["total"]`` -> 656463101952
    """
    if not isinstance(swiglu, bool):
        raise ValueError("swiglu: expected true (3 matrices) or false (2 matrices)")
    m = as_int(split, "split", 1, 64)
    n_expert = as_int(experts, "experts", 1, 1024)
    top = as_int(k, "k", 1, n_expert)
    width = as_int(d_expert, "d_expert", 1, 10**6)
    if width % m:
        raise ValueError(f"split: the expert width {width} must divide by {m}")
    if n_expert * m > 1024:
        raise ValueError(f"split: {n_expert} × {m} experts is more than 1024")
    fine = {"experts": n_expert * m, "k": top * m, "d_expert": width // m}
    counts = expert_parameter_count(
        as_int(d_model, "d_model", 1, 10**6),
        fine["d_expert"],
        fine["experts"],
        fine["k"],
        as_int(shared, "shared", 0, 64) * m,
        as_int(layers, "layers", 1, 1000),
        swiglu,
    )
    # subtle: a float, so the page gets a number; exact below 2**53 (C(256, 8) is 4.1e14)
    combinations = counts.pop("combinations")
    return {
        **counts, **fine,
        "combinations": float(combinations),
        "log10_combinations": math.log10(combinations),
    }  # fmt: skip
