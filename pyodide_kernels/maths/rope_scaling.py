"""RoPE scaling: running a RoPE model on longer text than it was trained on by changing how fast
each pair of dimensions turns. Pair i of a head of d dimensions turns θ_i = base^(-2i/d) radians
per position (``rope.py``); a model trained on L positions has seen pair i only at angles up to
θ_i · L. To reach s · L positions:

    none     θ_i                                   plain RoPE: slow pairs meet angles never seen
    linear   θ_i / s                               position interpolation: every pair s× slower,
                                                   so neighbours sit s× closer on the fast pairs
    ntk      base' = base · s^(d/(d−2))            NTK-aware: the fastest pair keeps its speed,
                                                   the slowest turns exactly s× slower
    yarn     θ_i · (1 − γ_i) + θ_i / s · γ_i       NTK-by-parts: γ_i ramps from 0 (kept) to 1
                                                   (interpolated) between the pairs that make
                                                   β_fast = 32 and β_slow = 1 turns over L;
             and cos, sin × (0.1 · ln s + 1)       the attention temperature (scores × its square)

These match Hugging Face transformers' ``ROPE_INIT_FUNCTIONS`` ('linear', 'yarn', with YaRN's
``truncate=True``: the ramp's ends rounded out to whole pairs, then clamped to [0, d − 1]).
HF has no fixed 'ntk': its 'dynamic' (dynamic NTK) recomputes the base at every sequence length
T > L as base · (s · T / L − (s − 1))^(d/(d−2)), so it equals ``ntk`` with the effective scale
``dynamic_scale(s, T, L)``; at T = s · L that scale is s² − s + 1 (13 for s = 4), not s. At
T = (2s − 1) · L / s it is exactly s.

References: Su et al. (2021) "RoFormer"; Chen et al. (2023) "Extending Context Window of Large
Language Models via Positional Interpolation"; bloc97 (2023) "NTK-Aware Scaled RoPE" (Reddit);
Peng et al. (2023) "YaRN: Efficient Context Window Extension of Large Language Models".
Leaves out: dynamic scaling at inference (HF 'dynamic'), LongRoPE and Llama 3's scaling,
partial rotary dims, and fine-tuning at the longer length, which every method expects.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validate import as_int, as_number
from .rope import frequencies as plain_frequencies
from .rope import rope

__kernels__ = ("rope_scaling",)

METHODS = ("none", "linear", "ntk", "yarn")
BETA_FAST, BETA_SLOW = 32.0, 1.0  # YaRN's defaults: turns over the training context


def linear_frequencies(d: int, base: float, factor: float) -> np.ndarray:
    """Position interpolation: every pair turns ``factor`` times slower (position m acts as m/s).

    Example: ``linear_frequencies(4, 100, 2)`` -> [0.5, 0.05]
    """
    return plain_frequencies(d, base) / factor  # (d/2,)


def ntk_base(d: int, base: float, factor: float) -> float:
    """NTK-aware scaling's new base, base · s^(d/(d−2)): it slows the last pair by exactly s.

    Example: ``ntk_base(4, 100, 2)`` -> 400.0
    """
    return float(base * factor ** (d / (d - 2)))


def ntk_frequencies(d: int, base: float, factor: float) -> np.ndarray:
    """NTK-aware scaling: plain RoPE with a larger base; pair 0 keeps θ_0 = 1.

    Example: ``ntk_frequencies(4, 100, 2)`` -> [1.0, 0.05]
    """
    return plain_frequencies(d, ntk_base(d, base, factor))  # (d/2,)


def dynamic_scale(factor: float, seq_len: float, original_context: float) -> float:
    """The scale HF's dynamic NTK uses at sequence length T: s · T / L − (s − 1), T at least L.

    Example: ``dynamic_scale(4, 512, 128)`` -> 13.0
    """
    return factor * max(seq_len, original_context) / original_context - (factor - 1)


def correction_pair(turns: float, d: int, base: float, original_context: float) -> float:
    """The (fractional) pair index that makes ``turns`` full turns over the training context:
    d · ln(L / (2π · turns)) / (2 ln base).

    Example: ``correction_pair(1, 32, 10000, 2 * np.pi * 100)`` -> 8.0
    """
    return d * math.log(original_context / (turns * 2 * math.pi)) / (2 * math.log(base))


def yarn_ramp(
    d: int,
    base: float,
    original_context: float,
    beta_fast: float = BETA_FAST,
    beta_slow: float = BETA_SLOW,
) -> np.ndarray:
    """YaRN's share of interpolation per pair: 0 for pairs that turn at least β_fast times over
    the training context (kept), 1 for those under β_slow turns (interpolated by s), linear in
    the pair index between; the ends rounded outwards to whole pairs, as HF's ``truncate``.

    Example: ``yarn_ramp(32, 10000, 128)[:3]`` -> [0.0, 0.16667, 0.33333]
    """
    low = max(math.floor(correction_pair(beta_fast, d, base, original_context)), 0)
    high: float = min(math.ceil(correction_pair(beta_slow, d, base, original_context)), d - 1)
    if low == high:
        high += 0.001  # subtle: HF's guard against dividing by zero
    return np.clip((np.arange(d // 2) - low) / (high - low), 0.0, 1.0)  # (d/2,)


def yarn_frequencies(
    d: int,
    base: float,
    factor: float,
    original_context: float,
    beta_fast: float = BETA_FAST,
    beta_slow: float = BETA_SLOW,
) -> np.ndarray:
    """YaRN's NTK-by-parts: each pair blends its own θ_i with θ_i / s by ``yarn_ramp``.

    Example: ``yarn_frequencies(32, 10000, 4, 128)[[0, 15]]`` -> [1.0, 4.4457e-05]
    """
    ramp = yarn_ramp(d, base, original_context, beta_fast, beta_slow)  # (d/2,)
    theta = plain_frequencies(d, base)  # (d/2,)
    return theta * (1 - ramp) + theta / factor * ramp  # (d/2,)


def attention_factor(method: str, factor: float) -> float:
    """What multiplies cos and sin (so scores by its square): YaRN's 0.1 · ln s + 1, else 1.

    Example: ``attention_factor("yarn", 4)`` -> 1.139
    """
    if method != "yarn" or factor <= 1:
        return 1.0
    return 0.1 * math.log(factor) + 1.0


def inverse_frequencies(
    method: str,
    d: int = 32,
    base: float = 10000.0,
    factor: float = 4.0,
    original_context: float = 128,
    beta_fast: float = BETA_FAST,
    beta_slow: float = BETA_SLOW,
) -> np.ndarray:
    """Each pair's turn per position under one of ``METHODS``.

    Example: ``inverse_frequencies("linear", 4, 100, 2)`` -> [0.5, 0.05]
    """
    if method == "none":
        return plain_frequencies(d, base)
    if method == "linear":
        return linear_frequencies(d, base, factor)
    if method == "ntk":
        return ntk_frequencies(d, base, factor)
    if method == "yarn":
        return yarn_frequencies(d, base, factor, original_context, beta_fast, beta_slow)
    raise ValueError(f"method: expected one of {', '.join(METHODS)}, got {method!r}")


def rotate_pairs(x: np.ndarray, positions: np.ndarray, inv_freq: np.ndarray) -> np.ndarray:
    """Turn adjacent pairs of x (T, d) by position · inv_freq[i]: ``rope`` with any frequencies.

    Example: ``rotate_pairs(np.array([[1.0, 0.0]]), np.array([2.0]), np.array([np.pi / 4]))``
    -> [[0, 1]]
    """
    angles = positions[:, None] * inv_freq[None, :]  # (T, d/2)
    # subtle: rope() on a single pair (d = 2) has θ_0 = base⁰ = 1, so it turns by "position" radians
    return rope(x.reshape(-1, 2), angles.reshape(-1)).reshape(x.shape)  # (T, d)


def shown_pairs(n_pairs: int, shown: int) -> np.ndarray:
    """``shown`` pair indices spread evenly from the fastest (0) to the slowest (n_pairs − 1).

    Example: ``shown_pairs(16, 4)`` -> [0, 5, 10, 15]
    """
    if shown >= n_pairs:
        return np.arange(n_pairs)
    return np.unique(np.round(np.linspace(0, n_pairs - 1, shown)).astype(int))


def method_summary(
    theta: np.ndarray, scaled: np.ndarray, factor: float, original_context: float
) -> dict[str, Any]:
    """How one method's frequencies ``scaled`` (d/2,) compare with plain RoPE's ``theta`` over a
    context ``factor`` times longer: which pairs reach angles never seen in training, the
    fastest and slowest pairs' largest angles, and the fastest pair's step between neighbours.

    Example: ``method_summary(np.array([1.0, 0.01]), np.array([1.0, 0.01]), 4, 128)["unseen"]``
    -> [1]
    """
    trained = theta * original_context / (2 * np.pi)  # (d/2,) turns over the training context
    extended = scaled * factor * original_context / (2 * np.pi)  # (d/2,)
    # A pair that made a full turn in training has seen every angle; one that did not, and now
    # turns further, meets angles it never saw (relative margin: float noise is not "further").
    unseen = np.flatnonzero((trained < 1) & (extended > trained * (1 + 1e-9)))
    stretch = theta / scaled  # (d/2,) how many times slower each pair turns
    last_trained, last_extended = original_context - 1, factor * original_context - 1
    return {
        "unseen": [int(i) for i in unseen],
        "unseen_count": len(unseen),
        "kept": int(np.sum(np.isclose(stretch, 1.0, rtol=1e-9))),
        "interpolated": int(np.sum(np.isclose(stretch, factor, rtol=1e-9))) if factor > 1 else 0,
        "fastest_angle_trained": float(theta[0] * last_trained),
        "fastest_angle_extended": float(scaled[0] * last_extended),
        "slowest_angle_trained": float(theta[-1] * last_trained),
        "slowest_angle_extended": float(scaled[-1] * last_extended),
        "fastest_step": float(scaled[0]),
        "fastest_step_ratio": float(scaled[0] / theta[0]),
    }


def method_table(
    theta: np.ndarray,
    scaled: np.ndarray,
    shown: np.ndarray,
    factor: float,
    original_context: float,
) -> dict[str, Any]:
    """One method's per-pair numbers for the shown pairs, with its summary over every pair.

    Example: ``method_table(np.ones(2), np.ones(2), np.arange(2), 1, 10)["wavelength"]``
    -> [6.283, 6.283]
    """
    return {
        "inv_freq": scaled[shown],
        "wavelength": 2 * np.pi / scaled[shown],
        "stretch": theta[shown] / scaled[shown],
        # 0: the pair turns as trained; 1: slowed by the whole factor (the chart's height)
        "interpolation": np.log(theta[shown] / scaled[shown]) / np.log(factor)
        if factor > 1
        else np.zeros(len(shown)),
        "turns_original": scaled[shown] * original_context / (2 * np.pi),
        "turns_extended": scaled[shown] * factor * original_context / (2 * np.pi),
        "summary": method_summary(theta, scaled, factor, original_context),
    }


def check_method(method: Any) -> str:
    """One of ``METHODS``, or a ValueError naming them.

    Example: ``check_method("ntk")`` -> 'ntk'
    """
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method: expected one of {', '.join(METHODS)}, got {method!r}")
    return method


def check_head(d: Any, base: Any) -> tuple[int, float]:
    """A head size (even, 4 to 1024) and a base above 1.

    Example: ``check_head(32, 10000)`` -> (32, 10000.0)
    """
    dim = as_int(d, "d", 4, 1024)
    if dim % 2:
        raise ValueError(f"d: must be even (RoPE turns pairs of dimensions), got {dim}")
    b = as_number(base, "base", 1.0, 1e9)
    if b <= 1.0:
        raise ValueError("base: must be greater than 1")
    return dim, b


def rope_scaling(
    method: Any = "yarn",
    factor: Any = 4.0,
    d: Any = 32,
    base: Any = 10000.0,
    original_context: Any = 128,
    pairs: Any = 16,
    beta_fast: Any = BETA_FAST,
    beta_slow: Any = BETA_SLOW,
) -> dict[str, Any]:
    """Every scaling method side by side for one head (defaults: this site's model, head size 32
    trained on 128 positions, stretched 4× to 512), ``method`` the one the widget highlights.
    Per method and shown pair: turn per position, wavelength in positions, how many times slower
    than plain RoPE, full turns over the first L positions and over all s · L; and a summary.
    ``turns_trained`` is what plain RoPE turned over the L training positions.

    Example: ``rope_scaling()["by_method"]["linear"]["summary"]["fastest_step_ratio"]`` -> 0.25
    """
    chosen = check_method(method)
    dim, b = check_head(d, base)
    s = as_number(factor, "factor", 1.0, 1024.0)
    length = as_int(original_context, "original_context", 2, 1_000_000)
    fast = as_number(beta_fast, "beta_fast", 0.01, 10_000.0)
    slow = as_number(beta_slow, "beta_slow", 0.01, 10_000.0)
    if slow >= fast:
        raise ValueError(f"beta_slow: must be below beta_fast ({fast:g}), got {slow:g}")
    shown = shown_pairs(dim // 2, as_int(pairs, "pairs", 2, 512))
    theta = plain_frequencies(dim, b)  # (d/2,)
    by_method = {
        name: method_table(
            theta, inverse_frequencies(name, dim, b, s, length, fast, slow), shown, s, length
        )
        | {"attention_factor": attention_factor(name, s)}
        for name in METHODS
    }
    return {
        "method": chosen,
        "methods": list(METHODS),
        "pairs": shown,
        "turns_trained": theta[shown] * length / (2 * np.pi),
        "factor": s,
        "original_context": length,
        "extended_context": s * length,
        "yarn_ramp": yarn_ramp(dim, b, length, fast, slow)[shown],
        "by_method": by_method,
        "selected": by_method[chosen]["summary"],
    }
