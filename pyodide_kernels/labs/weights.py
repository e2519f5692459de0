"""Lab 1, look at a weight matrix: one head's slice of W_Q, W_K, W_V (columns of c_attn) or W_O
(rows of c_proj), as a heatmap with its size and spread. BASE and TWEAK compare two heads.

The figure is drawn only as an image: it carries each weight's place between the two heads'
lowest and highest weight (``heat``) and those two ends, not the weights a second time.

Example: ``weight_matrix(load(), s, {"layer": 0, "head": 1, "matrix": "q"})["figure"]["heat"]``
-> a (128, 32) matrix of values in [0, 1]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..model import Model
from .common import Settings, head_of, layer_of

MATRICES = ("q", "k", "v", "o")


def head_slice(model: Model, layer: int, head: int, matrix: str) -> np.ndarray:
    """One head's block of a projection: (d, hs) for q, k, v; (hs, d) for o.

    Example: ``head_slice(load(), 0, 0, "q").shape`` -> (128, 32)
    """
    hs = model.config.head_size
    if matrix == "o":
        return model.w[f"h.{layer}.attn.c_proj.weight"][head * hs : (head + 1) * hs]
    offset = MATRICES.index(matrix) * model.d + head * hs
    return model.w[f"h.{layer}.attn.c_attn.weight"][:, offset : offset + hs]


def summary(w: np.ndarray) -> dict[str, float]:
    """Size and spread of a matrix, summed in float64: a float32 sum differs in its last digits
    between BLAS (CPython) and WebAssembly NumPy, enough to flip the figure the page shows.

    Example: ``summary(np.eye(2))["norm"]`` -> 1.414
    """
    w = w.astype(np.float64)
    return {"norm": float(np.linalg.norm(w)), "std": float(w.std()), "max": float(np.abs(w).max())}


def weight_matrix(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Head ``head`` of ``layer`` (TWEAK) against head 0 of the same layer (BASE).

    Example: ``weight_matrix(m, s, {"layer": 0, "head": 1, "matrix": "q"})["figure"]["low"]``
    -> the lowest weight of the two heads' slices (dark in the image)
    """
    layer, head = layer_of(model, params["layer"]), head_of(model, params["head"])
    matrix = params["matrix"]
    if matrix not in MATRICES:
        raise ValueError("matrix: one of q, k, v, o")
    base, tweak = head_slice(model, layer, 0, matrix), head_slice(model, layer, head, matrix)
    low, high = float(min(base.min(), tweak.min())), float(max(base.max(), tweak.max()))
    return {
        "base": {"label": f"layer {layer}, head 0", **summary(base)},
        "tweak": {"label": f"layer {layer}, head {head}", **summary(tweak)},
        "effect": {
            "name": f"Frobenius norm of W_{matrix.upper()}",
            "unit": "",
            "base": summary(base)["norm"],
            "tweak": summary(tweak)["norm"],
        },
        "figure": {
            "kind": "heatmap",
            # to 2 decimals: a picture of noise-like weights needs no finer shades, and the
            # page carries every one of them
            "heat": np.round((tweak - low) / (high - low), 2),
            "low": low,
            "high": high,
            # W_O's slice is the others' turned on its side: (hs, d) against (d, hs)
            "rows": "head dimension" if matrix == "o" else "model dimension",
            "cols": "model dimension" if matrix == "o" else "head dimension",
        },
    }


def weights_debrief(model: Model, settings: Settings, params: dict, result: dict) -> list[str]:
    """How close the two heads' sizes are, and why the picture shows no meaning.

    Example: ``weights_debrief(m, s, p, weight_matrix(m, s, p))[0]`` -> "Head 1's W_Q …"
    """
    base, tweak = result["base"], result["tweak"]
    gap = abs(tweak["norm"] - base["norm"]) / base["norm"]
    return [
        f"The {result['effect']['name']} is {tweak['norm']:.2f} for {tweak['label']} and "
        f"{base['norm']:.2f} for {base['label']}: {gap:.0%} apart. Their weights spread alike "
        f"(standard deviation {tweak['std']:.3f} against {base['std']:.3f}).",
        "Similar sizes are expected: every head started from the same random scale, and "
        "weight decay pulls each one toward a common size. What training made different is the "
        "pattern, and a picture of single weights cannot show it: a head's meaning is in the "
        "directions its matrix picks out of the stream, not in any one cell.",
    ]
