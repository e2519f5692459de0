"""Why attention divides its scores by √d_k: the dot product of a query and a key whose numbers
are random with variance 1 has variance d_k, so the wider the head, the further apart its raw
scores, and softmax turns far-apart scores into an all-or-nothing choice. Divided by √d_k they
are back to about unit spread at every width.

    score_j = q · k_j               Var(score_j) = d_k       (q, k_j: d_k numbers, each N(0, 1))
    softmax(score)          -> saturates as d_k grows: one key takes almost all the weight
    softmax(score / √d_k)   -> the same spread at every d_k

References: Vaswani et al. (2017), section 3.2.1 and its footnote 4. Leaves out: learned
queries and keys, whose spread training sets (this draws them at random).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validate import as_int, as_seed
from .softmax import entropy, stable_softmax

__kernels__ = ("score_scaling",)


def weights_summary(weights: np.ndarray) -> dict[str, Any]:
    """Softmax weights with their largest value and entropy (nats).

    Example: ``weights_summary(np.array([0.5, 0.5]))["largest"]`` -> 0.5
    """
    return {"weights": weights, "largest": float(weights.max()), "entropy": entropy(weights)}


def score_scaling(d_k: Any = 64, keys: Any = 6, seed: Any = 0) -> dict[str, Any]:
    """One random query against ``keys`` random keys of ``d_k`` numbers each (every number drawn
    from N(0, 1) with ``seed``): the raw scores and their spread, and the softmax weights
    without and with the division by √d_k.

    Example: ``score_scaling(1024)["unscaled"]["largest"]`` -> close to 1 (saturated);
    ``score_scaling(1024)["scaled"]["largest"]`` -> far below 1
    """
    d = as_int(d_k, "d_k", 1, 4096)
    n = as_int(keys, "keys", 2, 32)
    rng = np.random.default_rng(as_seed(seed))
    q, k = rng.standard_normal(d), rng.standard_normal((n, d))
    scores = k @ q
    return {
        "d_k": d,
        "scale": 1 / math.sqrt(d),
        "scores": scores,
        "spread": float(scores.std()),
        "expected_spread": math.sqrt(d),
        "unscaled": weights_summary(stable_softmax(scores)),
        "scaled": weights_summary(stable_softmax(scores / math.sqrt(d))),
        "uniform_entropy": math.log(n),
    }
