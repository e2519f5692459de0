"""The real model's next token under the reader's decoding settings: its most probable tokens,
each with the probability the model gives it and the probability the sampler draws it with
after temperature, top-k and top-p; how many of the vocabulary's tokens can still be drawn; and
the entropy of both distributions.

    p = softmax(logits)                   the model's own distribution (temperature 1)
    q = filtered(softmax(logits / T))     what the sampler draws from (maths/sampling.py)
    H = −Σ p ln p  (nats)                 e^H equally likely tokens would be as uncertain

References: Holtzman et al. (2020) for top-p; Shannon (1948) for entropy. Leaves out: the draw
itself (the decoding comparator and the model-decoding widget draw).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validate import as_int
from ..maths.sampling import check_settings, filtered_distribution
from ..maths.softmax import entropy, stable_softmax
from ..model import check_prompt, forward, load_named

__kernels__ = ("gpt_next_token_choice",)


def spread(probs: np.ndarray) -> dict[str, float]:
    """A distribution's entropy (nats) and the number of equally likely tokens with the same.

    Example: ``spread(np.array([0.25] * 4))`` -> {"entropy": 1.386, "equally_likely": 4.0}
    """
    h = entropy(probs)
    return {"entropy": h, "equally_likely": math.exp(h)}


def gpt_next_token_choice(
    prompt: Any = "To be, or not to",
    temperature: Any = 1.0,
    top_k: Any = 0,
    top_p: Any = 1.0,
    shown: Any = 10,
    model: Any = "gpt2",
) -> dict[str, Any]:
    """The ``shown`` most probable next tokens after ``prompt``, before and after the settings
    (top_k 0 and top_p 1 truncate nothing; temperature 0 is greedy).

    Example: ``gpt_next_token_choice(top_k=1)["rows"][0]["drawn"]`` -> 1.0 (only the favourite
    can be drawn)
    """
    m = load_named(model)
    ids = check_prompt(prompt, m)
    t, k, p = check_settings(temperature, top_k, top_p)
    count = as_int(shown, "shown", 1, 50)
    logits = forward(m, ids)[-1].astype(np.float64)
    model, (drawn, kept) = stable_softmax(logits), filtered_distribution(logits, t, k, p)
    order = np.argsort(-model, kind="stable")[:count]
    return {
        "tokens": [m.token_text(i) for i in ids],
        "rows": [
            {
                "id": int(i),
                "token": m.token_text(int(i)),
                "logit": float(logits[i]),
                "model": float(model[i]),
                "drawn": float(drawn[i]),
                "kept": bool(drawn[i] > 0),
            }
            for i in order
        ],
        "kept": int(kept.size),
        "vocab": m.vocab_size,
        "model": spread(model),
        "drawn": spread(drawn),
        "settings": {"temperature": t, "top_k": k or 0, "top_p": 1.0 if p is None else p},
    }
