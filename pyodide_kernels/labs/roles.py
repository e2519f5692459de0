"""What each head does on repeated random tokens, found from the weights: its previous-token
score (mean attention from each token to the token just before it) and its induction score
(mean attention from a second-copy token to the token *after* its first occurrence). The head
with the highest of each is the previous-token head and the induction head: the two steps of
the induction circuit (Olsson et al. 2022), which the labs find here instead of naming them.

References: reference/checkpoints.py measures the same scores with PyTorch on every checkpoint
of a training run; tests/test_traces.py holds the two together. Leaves out: scores on real text
(repeated random tokens are the cleanest test of copying; the circuit lab adds real text).

Example: ``head_roles(load())["induction_head"]`` -> {'layer': 3, 'head': 0, 'score': 0.8…}
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..maths.loss import next_token_losses
from ..model import NO_HOOKS, Hooks, Model, forward, record

#: The repeated sequences the roles are measured on: one per seed, ``LENGTH`` tokens twice.
LENGTH = 24
SEEDS = tuple(range(1, 9))


def repeated_tokens(vocab_size: int, length: int, seed: int) -> list[int]:
    """``length`` random merged-token ids (256 and up), twice.

    Example: ``repeated_tokens(1024, 3, 0)`` -> [a, b, c, a, b, c]
    """
    first = np.random.default_rng(seed).integers(256, vocab_size, length).tolist()
    return first + first


def previous_token_scores(attention: np.ndarray) -> np.ndarray:
    """Each head's mean attention from every token (but the first) to the one before it.

    ``attention``: (..., layers, heads, T, T); returns (layers, heads), averaged over the rest.

    Example: ``previous_token_scores(np.stack(record(m, ids)[1].attn))`` -> (4, 4) in [0, 1]
    """
    t = np.arange(1, attention.shape[-1])
    return attention[..., t, t - 1].mean(-1).reshape(-1, *attention.shape[-4:-2]).mean(0)


def induction_scores(attention: np.ndarray, length: int) -> np.ndarray:
    """Each head's mean attention from a second-copy token to the token after its first
    occurrence, (layers, heads), for sequences of ``length`` tokens twice.

    Example: ``induction_scores(np.stack(record(m, ids)[1].attn), 24)`` -> (4, 4) in [0, 1]
    """
    queries = np.arange(length, 2 * length)
    keys = queries - length + 1
    return attention[..., queries, keys].mean(-1).reshape(-1, *attention.shape[-4:-2]).mean(0)


def best(scores: np.ndarray) -> dict[str, Any]:
    """The highest-scoring head.

    Example: ``best(np.eye(2))`` -> {'layer': 0, 'head': 0, 'score': 1.0}
    """
    layer, head = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return {"layer": int(layer), "head": int(head), "score": float(scores[layer, head])}


def head_roles(model: Model, length: int = LENGTH, seeds: tuple[int, ...] = SEEDS) -> dict:
    """Every head's previous-token and induction score on repeated random tokens (one sequence
    per seed), and the head that leads each.

    Example: ``head_roles(load())["previous_token_head"]["layer"]`` -> 2
    """
    patterns = np.stack(
        [
            np.stack(record(model, repeated_tokens(model.vocab_size, length, s))[1].attn)
            for s in seeds
        ]
    )  # (seeds, L, nh, T, T)
    previous = previous_token_scores(patterns)
    induction = induction_scores(patterns, length)
    return {
        "previous_token": previous,
        "induction": induction,
        "previous_token_head": best(previous),
        "induction_head": best(induction),
    }


def second_copy_loss(model: Model, ids: list[int], length: int, hooks: Hooks = NO_HOOKS) -> float:
    """Mean loss (nats) on the predictions inside the second copy of a ``length``-token span.

    Example: ``second_copy_loss(m, repeated_tokens(1024, 24, 1), 24)`` -> under 1 nat
    """
    return float(next_token_losses(forward(model, ids, None, hooks), ids)[length:].mean())
