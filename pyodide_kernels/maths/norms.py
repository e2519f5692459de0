"""Normalisation layers: LayerNorm (GPT-2) and RMSNorm (Llama), over the last dimension.

    layer_norm(x) = (x - mean) / sqrt(var + eps) * gamma + beta      (var: biased, as torch)
    rms_norm(x)   = x / sqrt(mean(x²) + eps) * gamma

References: Ba et al. (2016); Zhang & Sennrich (2019). Matches torch's layer_norm and rms_norm.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_array, as_number

__kernels__ = ("normalize",)


def layer_norm(
    x: np.ndarray,
    gamma: np.ndarray | None = None,
    beta: np.ndarray | None = None,
    eps: float = 1e-5,
) -> np.ndarray:
    """LayerNorm over the last axis, keeping the dtype.

    Example: ``layer_norm(np.array([1.0, 3.0]))`` -> array([-1., 1.]) (to within eps)
    """
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    out = (x - mean) / np.sqrt(var + np.asarray(eps, dtype=x.dtype))
    if gamma is not None:
        out = out * gamma
    if beta is not None:
        out = out + beta
    return out


def rms_norm(x: np.ndarray, gamma: np.ndarray | None = None, eps: float = 1e-6) -> np.ndarray:
    """RMSNorm over the last axis. Example: ``rms_norm(np.array([3.0, 4.0]))`` -> [0.849, 1.131]"""
    rms = np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + np.asarray(eps, dtype=x.dtype))
    out = x / rms
    return out * gamma if gamma is not None else out


def normalize(x: Any, kind: str = "layer", eps: Any = 1e-5) -> dict[str, Any]:
    """Both views of one vector for the teaching widget: its mean, spread and normalised form.

    Example: ``normalize([1, 2, 3, 4], "rms")["out"]`` -> [0.365, 0.730, 1.095, 1.461]
    """
    v = as_array(x, "x", 1)
    e = as_number(eps, "eps", 0.0, 1.0)
    if kind not in ("layer", "rms"):
        raise ValueError("kind: expected 'layer' or 'rms'")
    out = layer_norm(v, eps=e) if kind == "layer" else rms_norm(v, eps=e)
    return {
        "x": v,
        "mean": float(v.mean()),
        "std": float(v.std()),
        "rms": float(np.sqrt(np.mean(v * v))),
        "out": out,
        "kind": kind,
    }
