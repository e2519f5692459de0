"""Lab 13, induction heads (Olsson et al. 2022): a random token sequence, then the same sequence
again. The model cannot predict the first copy, but can copy the second, if one of its heads
attends from each token to the token *after* that token's previous occurrence.

Example: ``induction(load(), s, {"length": 24})["effect"]`` -> first-copy loss ≫ second-copy loss
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int
from ..maths.loss import next_token_losses
from ..model import Model, record
from .common import Settings


def repeated_tokens(vocab_size: int, length: int, seed: int) -> list[int]:
    """``length`` random token ids, twice.

    Example: ``repeated_tokens(1024, 3, 0)`` -> [a, b, c, a, b, c]
    """
    first = np.random.default_rng(seed).integers(256, vocab_size, length).tolist()
    return first + first


def induction_scores(attention: np.ndarray, length: int) -> np.ndarray:
    """Each head's mean attention from a second-copy token to the token after its first
    occurrence: (layers, heads). Example: shape (4, 4) for the shipped model"""
    queries = np.arange(length, 2 * length)  # second copy
    keys = queries - length + 1  # the token after the earlier occurrence
    return attention[:, :, queries, keys].mean(-1)  # (L, nh)


def induction(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Loss on the first copy (BASE) against the second (TWEAK), and the head scores grid.

    Example: ``induction(m, s, {"length": 24})["best_head"]`` -> layer 3, head 0
    """
    length = as_int(params["length"], "length", 4, model.n_ctx // 2)
    ids = repeated_tokens(model.vocab_size, length, settings.seed)
    logits, rec = record(model, ids)
    loss = next_token_losses(logits, ids)
    scores = induction_scores(np.stack(rec.attn), length)
    best = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return {
        "base": {"label": "first copy", "text": model.decode(ids[:length])},
        "tweak": {"label": "second copy", "text": model.decode(ids[length:])},
        "effect": {
            "name": "loss per token",
            "unit": "nats",
            "base": float(loss[: length - 1].mean()),
            "tweak": float(loss[length:].mean()),
        },
        "best_head": {"layer": int(best[0]), "head": int(best[1]), "score": float(scores[best])},
        "figure": {
            "kind": "grid",
            "values": scores,
            "heat": scores,
            "rows": [f"layer {i}" for i in range(model.n_layer)],
            "cols": [f"head {j}" for j in range(model.n_head)],
            "caption": "attention to the token after the previous occurrence",
        },
    }
