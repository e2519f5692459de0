"""Quantization of a real weight matrix of the shipped model to 8-bit integers (symmetric
absmax), one scale for the whole matrix or one per output column, and what it costs.

    scale = max|w| / 127      (per tensor, or per output column: max over that column)
    q = round(w / scale) ∈ [−127, 127]   (int8)      w ≈ q · scale

Reports the error of the round trip and the change in the model's loss on a short text when
that matrix (or every matrix) is replaced by its dequantized copy. Leaves out: activation
quantization, 4-bit formats and their group sizes, outlier handling.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..maths.loss import next_token_losses
from ..model import Model, check_prompt, forward, load

__kernels__ = ("quantize_matrix",)

SCHEMES = ("tensor", "column")
TEXT = (
    "ROMEO:\nBut soft, what light through yonder window breaks?\n"
    "It is the east, and Juliet is the sun."
)


def matrix_names() -> list[str]:
    """Every 2-D weight matrix of the model but the embeddings.

    Example: ``matrix_names()[0]`` -> 'h.0.attn.c_attn.weight'
    """
    w = load().w
    return sorted(k for k, v in w.items() if v.ndim == 2 and k.startswith("h."))


def absmax_int8(w: np.ndarray, scheme: str) -> tuple[np.ndarray, np.ndarray]:
    """Integers and scales of the symmetric int8 round trip (scales broadcast against w).

    Example: ``absmax_int8(np.array([[1.0, -0.5]]), "tensor")[0]`` -> [[127, -64]]
    """
    peak = np.abs(w).max() if scheme == "tensor" else np.abs(w).max(axis=0, keepdims=True)
    scale = np.where(peak > 0, peak / 127, 1).astype(np.float32)  # () or (1, out)
    q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
    return q, scale


def loss_with(weights: dict[str, np.ndarray], text: str) -> float:
    """Mean next-token loss of ``text`` with some matrices replaced.

    Example: ``loss_with({}, TEXT)`` -> the model's own loss, about 3
    """
    m = load()
    if weights:  # a model of its own: its blocks are built from the weights it is given
        m = Model(m.config, {**m.w, **weights}, m.tokenizer)
    ids = check_prompt(text, m)
    return float(next_token_losses(forward(m, ids), ids).mean())


def quantize_matrix(
    name: Any = "h.0.attn.c_attn.weight", scheme: Any = "column", everything: bool = False
) -> dict[str, Any]:
    """Quantize one matrix (and, with ``everything``, every block matrix) to int8.

    Example: ``quantize_matrix()["bytes"]`` -> {"float32": 196608, "int8": 50688}
    """
    names = matrix_names()
    if name not in names:
        raise ValueError(f"name: one of the model's block matrices, such as {names[0]}")
    if scheme not in SCHEMES:
        raise ValueError("scheme: 'tensor' (one scale) or 'column' (one scale per column)")
    w = load().w[name]  # (in, out)
    q, scale = absmax_int8(w, scheme)
    back = q.astype(np.float32) * scale  # (in, out)
    error = np.abs(back - w)
    replaced = {name: back}
    if everything is True:
        for other in names:
            qq, ss = absmax_int8(load().w[other], scheme)
            replaced[other] = qq.astype(np.float32) * ss
    corner = (slice(0, 8), slice(0, 8))
    return {
        "name": name,
        "scheme": scheme,
        "shape": list(w.shape),
        "scales": int(np.size(scale)),
        "max_error": float(error.max()),
        "mean_error": float(error.mean()),
        "relative_error": float(np.linalg.norm(back - w) / np.linalg.norm(w)),
        "bytes": {"float32": int(w.size * 4), "int8": int(w.size + np.size(scale) * 4)},
        "weights_corner": w[corner],
        "ints_corner": q[corner],
        "loss_before": loss_with({}, TEXT),
        "loss_after": loss_with(replaced, TEXT),
        "matrices_replaced": len(replaced),
        "names": names,
    }
