"""Continuing a prompt: the prompt checked and clipped to the context window, the most probable
next tokens, and generation, greedy or sampled in nanoGPT's order (temperature -> top-k -> top-p
-> softmax -> draw) with a KV cache, sliding the window once it is full.

Example: ``generate_ids(load(), load().encode("ROMEO:"), 3)`` -> three greedy token ids
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..maths.sampling import filtered_distribution
from ..maths.softmax import stable_softmax
from .cache import KVCache
from .forward import forward
from .hooks import NO_HOOKS, Hooks
from .weights import Model

MAX_PROMPT = 4000  # characters


def check_prompt(prompt: Any, model: Model, room: int = 0) -> list[int]:
    """Token ids of a non-empty prompt, clipped to its last ``n_ctx - room`` tokens.

    Example: ``check_prompt("To be", load())`` -> [the ids of "To", " be"]
    """
    if not isinstance(prompt, str) or not prompt:
        raise ValueError("prompt: expected non-empty text")
    if len(prompt) > MAX_PROMPT:
        raise ValueError(f"prompt: at most {MAX_PROMPT} characters")
    ids = model.encode(prompt)
    return ids[-(model.n_ctx - room) :]


def top_tokens(model: Model, logits: np.ndarray, k: int) -> list[dict[str, Any]]:
    """The k most probable next tokens of one logit row, with probabilities (float64).

    Example: ``top_tokens(load(), np.zeros(1024, "f4"), 1)[0]["prob"]`` -> 0.000977 (1/1024)
    """
    probs = stable_softmax(logits.astype(np.float64))
    order = np.argsort(-probs, kind="stable")[:k]
    return [
        {"id": int(i), "token": model.token_text(int(i)), "prob": float(probs[i])} for i in order
    ]


def next_token(
    logits: np.ndarray,
    temperature: float,
    top_k: int | None,
    top_p: float | None,
    rng: np.random.Generator,
) -> int:
    """One token from one logit row: the argmax at temperature 0 (whatever top-k and top-p
    keep), else a draw from the filtered distribution.

    Example: ``next_token(np.array([0.0, 2.0]), 0.0, None, None, rng)`` -> 1
    """
    if temperature == 0:
        return int(np.argmax(logits))
    probs, _ = filtered_distribution(logits.astype(np.float64), temperature, top_k, top_p)
    return int(rng.choice(probs.size, p=probs))


def generate_ids(
    model: Model,
    ids: list[int],
    steps: int,
    temperature: float = 0.0,
    top_k: int | None = None,
    top_p: float | None = None,
    seed: int = 0,
    hooks: Hooks = NO_HOOKS,
    use_cache: bool = True,
) -> list[int]:
    """``steps`` new token ids after ``ids`` (greedy at temperature 0, else seeded sampling).
    The prompt is computed once; each step then computes only its new token against the cache,
    until the window is full: from there every step recomputes the last ``n_ctx`` tokens.

    Example: ``generate_ids(load(), [5], 2) == generate_ids(load(), [5], 2, use_cache=False)``
    -> True
    """
    rng = np.random.default_rng(seed)
    cache = KVCache(model.config) if use_cache else None
    context, new = list(ids), []
    logits = forward(model, context, cache, hooks)
    for _ in range(steps):
        token = next_token(logits[-1], temperature, top_k, top_p, rng)
        new.append(token)
        context.append(token)
        if cache is not None and cache.length < model.n_ctx:
            logits = forward(model, [token], cache, hooks)
        else:
            logits = forward(model, context[-model.n_ctx :], None, hooks)
    return new
