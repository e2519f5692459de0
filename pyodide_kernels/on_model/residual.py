"""The residual stream of the real model, followed for one token: each block reads the stream,
and its attention and its MLP each ADD a vector to it. Nothing is overwritten.

    x_0 = token + position
    m_i = x_i + attention_i(LN(x_i))        (the stream between attention and MLP)
    x_{i+1} = m_i + mlp_i(LN(m_i))

For each block: the length of the stream before it, of each contribution and of the stream
after it, how much each contribution points along the stream (cosine), and what the stream
would predict next if the model stopped there (the logit lens). Leaves out: the final LayerNorm's
own rescaling, which the logit lens applies.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int
from ..model import check_prompt, load_named, record, top_tokens
from ..model.layers import unembed

__kernels__ = ("residual_stream",)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of the angle between two vectors (0 when either is zero).

    Example: ``cosine(np.array([1.0, 0.0]), np.array([1.0, 1.0]))`` -> 0.707
    """
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / norms if norms else 0.0


def residual_stream(
    prompt: Any = "To be, or not to be, that is the", position: Any = -1, model: Any = "gpt2"
) -> dict:
    """Follow the token at ``position`` (−1: the last) through every block of a real model.

    Example: ``residual_stream("To be")["blocks"][0]["attention"]`` -> the length of block 0's
    attention output at " be"
    """
    m = load_named(model)
    ids = check_prompt(prompt, m)
    t = as_int(position, "position", -len(ids), len(ids) - 1) % len(ids)
    rec = record(m, ids)[1]
    resid, mids = rec.stream[:, t], [mid[t] for mid in rec.mid]  # (L+1, d), L × (d,)
    lens = unembed(m, resid)  # the logit lens at every depth, (L+1, vocab)
    blocks: list[dict[str, Any]] = []
    for i in range(m.n_layer):
        attn, mlp = mids[i] - resid[i], resid[i + 1] - mids[i]  # (d,) each
        blocks.append(
            {
                "layer": i,
                "before": float(np.linalg.norm(resid[i])),
                "attention": float(np.linalg.norm(attn)),
                "mlp": float(np.linalg.norm(mlp)),
                "after": float(np.linalg.norm(resid[i + 1])),
                "attention_cosine": cosine(attn, resid[i]),
                "mlp_cosine": cosine(mlp, mids[i]),
                "prediction": top_tokens(m, lens[i + 1], 1)[0],
            }
        )
    return {
        "tokens": [m.token_text(i) for i in ids],
        "position": t,
        "token": m.token_text(ids[t]),
        "embedding": float(np.linalg.norm(resid[0])),
        "embedding_prediction": top_tokens(m, lens[0], 1)[0],
        "blocks": blocks,
        "largest": max(
            float(np.linalg.norm(resid[0])), *(max(b["attention"], b["mlp"]) for b in blocks)
        ),
    }
