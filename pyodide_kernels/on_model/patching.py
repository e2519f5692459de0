"""Activation patching (Meng et al. 2022; Wang et al. 2022): run a corrupted prompt with the
residual stream at one (layer, position) copied from the clean run, and see how much of the
clean answer's probability comes back. Every cell of the (L+1, T) grid is one such run.

A patch after block l at position p changes nothing before p (attention is causal) and nothing
in blocks up to l, so each cell re-runs only blocks l+1… on positions p…, with the corrupted
run's keys and values of the earlier positions read from its KV cache: about a quarter of the
work of re-running everything, which is what lets the grid fill in the browser.

References: Meng et al., "Locating and Editing Factual Associations in GPT" (2022). Leaves out:
patching single heads or the MLP alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int
from ..maths.softmax import stable_softmax
from ..model import KVCache, Model, check_prompt, forward, forward_from, load, record

__kernels__ = ("gpt_patch",)


def probability(logits: np.ndarray, token: int) -> float:
    """p(token) after the last position, in float64.

    Example: ``probability(np.zeros((1, 4), "f4"), 0)`` -> 0.25
    """
    return float(stable_softmax(logits[-1].astype(np.float64))[token])


def patch_grid(model: Model, clean: list[int], corrupted: list[int], token: int) -> np.ndarray:
    """p(token) for every (layer, position) patched from the clean run into the corrupted one:
    (L+1, T), row 0 the embeddings.

    Example: ``patch_grid(m, ids, ids, t)`` -> p(t) of the clean run in every cell
    """
    clean_stream = record(model, clean)[1].stream  # (L+1, T, d)
    cache = KVCache(model.config)
    corrupted_stream = record(model, corrupted)[1].stream
    forward(model, corrupted, cache)  # every block's keys and values of the corrupted run
    grid = np.zeros((model.n_layer + 1, len(corrupted)))
    for layer in range(-1, model.n_layer):
        for p in range(len(corrupted)):
            x = corrupted_stream[layer + 1, p:].copy()  # (T - p, d)
            x[0] = clean_stream[layer + 1, p]
            positions = np.arange(p, len(corrupted))
            logits = forward_from(model, x, layer, positions, cache.prefix(p))
            grid[layer + 1, p] = probability(logits, token)
    return grid


def gpt_patch(clean: Any, corrupted: Any, target: Any = None) -> dict[str, Any]:
    """Activation patching: for every (layer, position), run ``corrupted`` with the residual
    stream there replaced by the ``clean`` run's, and report the probability of ``target``
    (default: the clean run's top next token). Prompts must have the same token count.

    Example: ``gpt_patch("Good morrow, Romeo.", "Good morrow, Kate.")["grid"]`` -> (L+1, T)
    """
    m = load()
    a, b = check_prompt(clean, m), check_prompt(corrupted, m)
    if len(a) != len(b):
        raise ValueError(f"corrupted: {len(b)} tokens, but clean has {len(a)}")
    clean_logits = forward(m, a)
    token = (
        int(np.argmax(clean_logits[-1]))
        if target is None
        else as_int(target, "target", 0, m.vocab_size - 1)
    )
    return {
        "target": m.token_text(token),
        "clean_prob": probability(clean_logits, token),
        "corrupted_prob": probability(forward(m, b), token),
        "grid": patch_grid(m, a, b, token),
        "tokens": [m.token_text(i) for i in b],
    }
