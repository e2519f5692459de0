"""Softmax: turn a vector of scores (logits) into probabilities that sum to 1.

softmax(x)_i = exp(x_i - max(x)) / sum_j exp(x_j - max(x)). Subtracting the maximum first
changes nothing mathematically but keeps ``exp`` from overflowing for large logits. How spread
out the result is, its entropy −Σ p ln p (nats), is here too.

References: Goodfellow, Bengio, Courville, *Deep Learning* (2016), section 6.2.2.3.
Leaves out: temperature and truncation (see ``sampling``); the loss (see ``loss``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int, as_seed, as_vector

__kernels__ = ("softmax", "softmax_quiz")

#: The largest absolute distance a fresh quiz logit may have from zero.
QUIZ_LOGIT_RANGE = 3.0


def stable_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis`` into a new array of x's float dtype (float32 stays float32);
    ``-inf`` entries get probability 0. One array is allocated and worked in place: the model
    calls this for every head of every block, in the browser too.

    Example: ``stable_softmax(np.array([0.0, np.log(3.0)]))`` -> array([0.25, 0.75])
    """
    e = x - np.max(x, axis=axis, keepdims=True)  # subtle: finite unless a row is all -inf
    if not np.issubdtype(e.dtype, np.floating):
        e = e.astype(np.float64)
    np.exp(e, out=e)
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


def entropy(probs: np.ndarray) -> float:
    """Shannon entropy in nats, −Σ p ln p (0 ln 0 counted as 0).

    Example: ``entropy(np.array([0.5, 0.5]))`` -> 0.693 (ln 2)
    """
    p = probs[probs > 0]
    return 0.0 - float((p * np.log(p)).sum())  # 0.0, not −0.0, for a certain choice


def log_softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """Overflow-safe log-probabilities: z - logsumexp(z).

    Example: ``log_softmax(np.zeros(2))`` -> [-0.693, -0.693]
    """
    shifted = logits - np.max(logits, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(logits: Any) -> dict[str, Any]:
    """Softmax of a vector with its teaching steps: exponentials, their sum, probabilities.

    The exponentials are those of the raw logits, as a person computes them by hand; the
    probabilities come from the shifted, overflow-safe form (the same numbers where both fit).

    Example: ``softmax([2.0, 1.0, 0.1])`` ->
    {"logits": [2.0, 1.0, 0.1], "exps": [7.389, 2.718, 1.105], "total": 11.212,
     "probs": [0.659, 0.242, 0.099]}
    """
    x = as_vector(logits, "logits")
    with np.errstate(over="ignore"):
        exps = np.exp(x)
    return {
        "logits": x,
        "exps": exps,
        "total": float(np.sum(exps)),
        "probs": stable_softmax(x),
    }


def softmax_quiz(seed: Any = 0, logits: Any = None, size: Any = 3) -> dict[str, Any]:
    """A softmax problem for the reader: the given logits, or fresh ones drawn from ``seed``.

    Fresh logits have one decimal and lie within +-QUIZ_LOGIT_RANGE, in decreasing order so the
    first is the most likely. The answer asked for is the probability of the first logit.

    Example: ``softmax_quiz(logits=[2.0, 1.0, 0.1])["answer"]`` -> 0.659...
    """
    if logits is None:
        rng = np.random.default_rng(as_seed(seed))
        n = as_int(size, "size", 2, 6)
        drawn = rng.uniform(-QUIZ_LOGIT_RANGE, QUIZ_LOGIT_RANGE, size=n)
        logits = np.sort(np.round(drawn, 1))[::-1]
    steps = softmax(logits)
    return {**steps, "seed": as_seed(seed), "answer": float(steps["probs"][0])}
