"""Choosing the next token from logits: temperature, greedy, top-k, top-p (nucleus) and seeded
draws, each returning the tokens it keeps and their renormalised probabilities (beam search,
which keeps sequences rather than tokens, is ``beam.py``).

The order follows nanoGPT's ``generate``: temperature -> top-k -> top-p -> softmax -> draw.
Conventions: T = 0 means greedy (all probability on the largest logit; ties go to the lowest
index). Top-p keeps the smallest prefix of the sorted tokens whose cumulative probability
reaches p, *including* the token that crosses p (seed 002's rule); p = 0 keeps the top token and
p = 1 truncates nothing: every token with a non-zero probability stays, as in Hugging Face's
``TopPLogitsWarper`` and vLLM (a float cumulative sum reaches 1.0 before a tail of tiny
probabilities, so "reaches p" alone would drop them).

References: Holtzman et al., "The Curious Case of Neural Text Degeneration" (2020) for top-p;
Fan et al. (2018) for top-k. Leaves out: repetition penalties, min-p, typical sampling.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int, as_number, as_seed, as_vector
from .softmax import stable_softmax

__kernels__ = (
    "sampling_distribution",
    "decoding_table",
    "sample",
    "decoding_comparator",
)

#: Seed 002's four candidate tokens after "The cat sat", with their logits.
SEED_TOKENS = ("on", "the", "mat", "in")
SEED_LOGITS = (2.0, 1.0, 0.5, 0.0)


def with_temperature(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities of ``logits / T``; T = 0 puts everything on the argmax (greedy).

    Example: ``with_temperature(np.array([2.0, 1.0, 0.5, 0.0]), 0.5)`` ->
    array([0.831, 0.112, 0.041, 0.015])
    """
    if temperature == 0:
        probs = np.zeros_like(logits)
        probs[int(np.argmax(logits))] = 1.0
        return probs
    return stable_softmax(logits / temperature)


def top_k_keep(probs: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k most probable tokens, most probable first (k above the size keeps all).

    Ties keep the lower index. Example: ``top_k_keep(np.array([.1, .6, .3]), 2)`` -> [1, 2]
    """
    order = np.argsort(-probs, kind="stable")
    return order[: min(k, probs.size)]


def top_p_keep(probs: np.ndarray, p: float) -> np.ndarray:
    """Indices of the nucleus: sorted tokens up to and including the one where the cumulative
    probability reaches p; p = 1 keeps every token with a non-zero probability.

    Example (seed 002): ``top_p_keep(np.array([.58, .21, .13, .08]), 0.7)`` -> [0, 1]
    """
    order = np.argsort(-probs, kind="stable")
    if p >= 1:
        return order[probs[order] > 0]  # no truncation
    cumulative = np.cumsum(probs[order])
    # subtle: a tiny tolerance so p = 1.0 does not miss the last token to rounding (0.9999…)
    count = int(np.searchsorted(cumulative, p - 1e-12, side="left")) + 1
    return order[: min(max(count, 1), probs.size)]


def renormalise(probs: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Zero every token not kept and rescale the kept ones to sum to 1.

    Example: ``renormalise(np.array([.58, .21, .13, .08]), np.array([0, 1]))`` ->
    array([0.734, 0.266, 0, 0])
    """
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()


def filtered_distribution(
    logits: np.ndarray, temperature: float, top_k: int | None, top_p: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """(final probabilities, kept indices) after temperature -> top-k -> top-p.

    Example: ``filtered_distribution(np.array([2.0, 1.0]), 0.0, None, None)`` -> ([1, 0], [0])
    """
    probs = with_temperature(logits, temperature)
    keep = np.flatnonzero(probs > 0)  # greedy keeps one token; underflowed ones cannot be drawn
    if top_k is not None:
        top = top_k_keep(probs, top_k)
        keep = top[probs[top] > 0]  # greedy with top-k still keeps only the argmax
    if top_p is not None:
        nucleus = top_p_keep(renormalise(probs, keep), top_p)
        keep = nucleus[np.isin(nucleus, keep)]  # in the nucleus's order
    keep = keep[np.argsort(-probs[keep], kind="stable")]
    return renormalise(probs, keep), keep


def check_settings(
    temperature: Any, top_k: Any, top_p: Any
) -> tuple[float, int | None, float | None]:
    """Validated (temperature, top_k, top_p); None means "not applied".

    Example: ``check_settings(1, 0, None)`` -> (1.0, None, None)
    """
    t = as_number(temperature, "temperature", 0.0, 100.0)
    k = None if top_k in (None, 0) else as_int(top_k, "top_k", 1)
    p = None if top_p is None else as_number(top_p, "top_p", 0.0, 1.0)
    return t, k, p


def sampling_distribution(
    logits: Any, temperature: Any = 1.0, top_k: Any = None, top_p: Any = None
) -> dict[str, Any]:
    """The distribution a sampler draws from, with the kept set and the probabilities before
    truncation. Example: ``sampling_distribution([2, 1, .5, 0], top_k=2)["probs"]`` ->
    [0.731, 0.269, 0.0, 0.0]
    """
    x = as_vector(logits, "logits")
    t, k, p = check_settings(temperature, top_k, top_p)
    probs, keep = filtered_distribution(x, t, k, p)
    return {
        "before": with_temperature(x, t),
        "probs": probs,
        "kept": keep,
        "temperature": t,
        "top_k": k,
        "top_p": p,
    }


def decoding_table(
    logits: Any = SEED_LOGITS,
    tokens: Any = SEED_TOKENS,
    temperatures: Any = (0.5, 1.0, 2.0),
    top_k: Any = 2,
    top_p: Any = (0.7, 0.95),
) -> dict[str, Any]:
    """Seed 002's comparison: the distribution and kept set under greedy, each temperature,
    top-k and each top-p, for one set of logits.

    Example: ``decoding_table()["rows"][2]`` -> {"name": "T = 1", "probs": [0.58, 0.21, …]}
    """
    x = as_vector(logits, "logits")
    labels = [str(t) for t in tokens]
    if len(labels) != x.size:
        raise ValueError(f"tokens: expected {x.size} labels, one per logit, got {len(labels)}")
    settings = [("greedy (T = 0)", 0.0, None, None)]
    settings += [
        (f"T = {float(t):g}", as_number(t, "temperatures", 0.0, 100.0), None, None)
        for t in temperatures
    ]
    settings += [(f"top-k = {as_int(top_k, 'top_k', 1)}", 1.0, top_k, None)]
    settings += [(f"top-p = {float(p):g}", 1.0, None, p) for p in top_p]
    rows = []
    for name, t, k, p in settings:
        result = sampling_distribution(x, t, k, p)
        rows.append(
            {
                "name": name,
                "probs": result["probs"],
                "kept": result["kept"],
                "kept_tokens": [labels[i] for i in result["kept"]],
            }
        )
    return {"tokens": labels, "logits": x, "rows": rows}


def sample(
    logits: Any,
    temperature: Any = 1.0,
    top_k: Any = None,
    top_p: Any = None,
    seed: Any = 0,
    draws: Any = 1,
) -> dict[str, Any]:
    """Draw token indices with a seeded generator: the same seed gives the same draws.

    Example: ``sample([2, 1, .5, 0], temperature=0)["draws"]`` -> [0]
    """
    x = as_vector(logits, "logits")
    t, k, p = check_settings(temperature, top_k, top_p)
    n = as_int(draws, "draws", 1, 10_000)
    probs, keep = filtered_distribution(x, t, k, p)
    rng = np.random.default_rng(as_seed(seed))
    picked = rng.choice(probs.size, size=n, p=probs)  # subtle: int64, but wasm32 indexes with int32
    return {
        "draws": picked,
        "probs": probs,
        "kept": keep,
        "counts": np.bincount(picked.astype(np.intp), minlength=probs.size),
    }


def decoding_comparator(
    logits: Any = SEED_LOGITS,
    tokens: Any = SEED_TOKENS,
    temperature: Any = 1.0,
    top_k: Any = 0,
    top_p: Any = 1.0,
    seed: Any = 0,
    draws: Any = 20,
) -> dict[str, Any]:
    """Seed 002's table of strategies, plus the reader's own settings and seeded draws from them.

    ``top_k = 0`` and ``top_p = 1`` mean "off". Example: ``decoding_comparator(temperature=0)
    ["draws"]["counts"]`` -> [20, 0, 0, 0] (greedy always picks "on")
    """
    table = decoding_table(logits, tokens)
    mine = sampling_distribution(logits, temperature, top_k or None, top_p)
    drawn = sample(logits, temperature, top_k or None, top_p, seed, draws)
    labels = table["tokens"]
    return {
        **table,
        "mine": {**mine, "kept_tokens": [labels[i] for i in mine["kept"]]},
        "draws": {
            "tokens": [labels[i] for i in drawn["draws"]],
            "counts": drawn["counts"],
            "seed": as_seed(seed),
        },
    }
