"""The training objective: cross-entropy of next-token logits against the true next tokens, and
perplexity, its exponential.

    log_softmax(z)_i = z_i - logsumexp(z)
    cross_entropy = mean over positions of -log_softmax(logits_t)[target_t]

References: nanoGPT's ``F.cross_entropy`` call. Leaves out: label smoothing, ignore_index.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_array, as_matrix
from .softmax import log_softmax

__kernels__ = ("cross_entropy",)

__all__ = ["cross_entropy", "log_softmax", "next_token_losses", "target_losses"]


def target_losses(logits: np.ndarray, targets: list[int]) -> np.ndarray:
    """−ln p of each target (T,), in float64, from the logits (T, vocab) that predicted it.

    Example: ``target_losses(np.zeros((1, 4), "f4"), [2]).round(3).tolist()`` -> [1.386]
    """
    log_probs = log_softmax(logits.astype(np.float64))  # (T, V)
    return -log_probs[np.arange(len(targets)), targets]


def next_token_losses(logits: np.ndarray, ids: list[int]) -> np.ndarray:
    """−ln p of each true next token (T − 1,), in float64, from the logits (T, vocab) a model
    gave the sequence ``ids``: position t predicts ids[t + 1].

    Example: ``next_token_losses(np.zeros((2, 4), "f4"), [0, 1])`` -> [1.386] (ln 4)
    """
    return target_losses(logits[:-1], ids[1:])  # (T-1,)


def cross_entropy(logits: Any, targets: Any) -> dict[str, Any]:
    """Per-position and mean cross-entropy (nats) and perplexity.

    ``logits`` is (T, V), ``targets`` T integer token ids.
    Example: ``cross_entropy([[2, 1, 0.1]], [0])["mean"]`` -> 0.417 (= -ln 0.659)
    """
    z = as_matrix(logits, "logits")
    t = as_array(targets, "targets", 1)
    if t.shape[0] != z.shape[0]:
        raise ValueError(f"targets: expected {z.shape[0]} ids, one per row of logits")
    if np.any(t != np.round(t)) or np.any(t < 0) or np.any(t >= z.shape[1]):
        raise ValueError(f"targets: ids must be integers from 0 to {z.shape[1] - 1}")
    ids = t.astype(int)
    log_probs = log_softmax(z)  # (T, V)
    per_position = -log_probs[np.arange(z.shape[0]), ids]  # (T,)
    mean = float(per_position.mean())
    return {
        "per_position": per_position,
        "probability_of_target": np.exp(-per_position),
        "mean": mean,
        "perplexity": float(np.exp(mean)),
    }
