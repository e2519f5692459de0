"""The feed-forward half of a transformer block: GELU (exact and tanh), the GPT-2 MLP, SwiGLU.

    gelu(x)      = x · Φ(x) = x/2 · (1 + erf(x/√2))
    gelu_tanh(x) = x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³)))
    mlp(x)       = gelu(x W1 + b1) W2 + b2                 (GPT-2: c_fc, c_proj)
    swiglu(x)    = (silu(x W_gate) ⊙ (x W_up)) W_down       (Llama)

NumPy has no erf: ``erf`` below uses math.erf element-wise (exact to double precision), fast
enough for the sizes a page uses. References: Hendrycks & Gimpel (2016); Shazeer (2020).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validate import as_int, as_number, as_vector

__kernels__ = ("activations", "activation_curves")

_erf = np.frompyfunc(math.erf, 1, 1)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, element-wise, keeping the dtype. Example: ``erf(np.zeros(1))`` -> [0.]"""
    return _erf(x).astype(x.dtype)


def gelu(x: np.ndarray) -> np.ndarray:
    """Exact GELU. Example: ``gelu(np.array([1.0]))`` -> [0.841]"""
    half = np.asarray(0.5, dtype=x.dtype)
    return half * x * (1 + erf(x / np.asarray(math.sqrt(2.0), dtype=x.dtype)))


def gelu_tanh(x: np.ndarray) -> np.ndarray:
    """GELU's tanh approximation (GPT-2's). Example: ``gelu_tanh(np.array([1.0]))`` -> [0.841]"""
    c = np.asarray(math.sqrt(2.0 / math.pi), dtype=x.dtype)
    k = np.asarray(0.044715, dtype=x.dtype)
    return np.asarray(0.5, dtype=x.dtype) * x * (1 + np.tanh(c * (x + k * x * x * x)))


def silu(x: np.ndarray) -> np.ndarray:
    """x · sigmoid(x). Example: ``silu(np.array([0.0]))`` -> [0.]"""
    return x / (1 + np.exp(-x))


def mlp(
    x: np.ndarray,
    w1: np.ndarray,
    b1: np.ndarray,
    w2: np.ndarray,
    b2: np.ndarray,
    approximate: bool = True,
) -> np.ndarray:
    """GPT-2's MLP on rows of x: (T, d) -> (T, 4d) -> (T, d).

    Example: with zero weights and biases b2, every row of the output is b2.
    """
    hidden = x @ w1 + b1  # (T, 4d)
    return (gelu_tanh(hidden) if approximate else gelu(hidden)) @ w2 + b2  # (T, d)


def swiglu(x: np.ndarray, w_gate: np.ndarray, w_up: np.ndarray, w_down: np.ndarray) -> np.ndarray:
    """Llama's gated MLP on rows of x: (T, d) -> (T, h) -> (T, d).

    Example: a zero gate weight gives silu(0) = 0, so the output is all zeros.
    """
    return (silu(x @ w_gate) * (x @ w_up)) @ w_down


def activations(x: Any) -> dict[str, Any]:
    """GELU, its tanh approximation, SiLU and ReLU of the same inputs, for plotting.

    Example: ``activations([-1, 0, 1])["gelu"]`` -> [-0.159, 0.0, 0.841]
    """
    v = as_vector(x, "x")
    return {
        "x": v,
        "gelu": gelu(v),
        "gelu_tanh": gelu_tanh(v),
        "silu": silu(v),
        "relu": np.maximum(v, 0),
    }


def activation_curves(at: Any = 1.0, low: Any = -4.0, high: Any = 3.0, points: Any = 71) -> dict:
    """ReLU, GELU and SiLU drawn over [low, high] and read at one input ``at``: the three agree
    for large positive inputs and differ near 0 and below it, where GELU and SiLU dip under 0.

    Example: ``activation_curves(1.0)["at"]["gelu"]`` -> 0.841; ``["at"]["relu"]`` -> 1.0
    """
    a, b = as_number(low, "low", -20, 20), as_number(high, "high", -20, 20)
    if not a < b:
        raise ValueError("high: must be above low")
    x = as_number(at, "at", a, b)
    curves = activations(np.linspace(a, b, as_int(points, "points", 2, 401)))
    point = activations([x])
    return {
        "curves": curves,
        "at": {name: float(values[0]) for name, values in point.items()},
        "low": a,
        "high": b,
        "floor": float(min(curves["gelu"].min(), curves["silu"].min())),
        "names": ["relu", "gelu", "silu"],
    }
