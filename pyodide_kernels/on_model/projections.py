"""Multi-head attention's first step, on the real model: one token's vector, normed, goes whole
through every head's own projections. Each head h has its own W_Q^h, W_K^h, W_V^h of shape
(d, d/h): the head sees all d numbers of the token and makes a query, a key and a value d/h
wide; after attention the heads' outputs (d/h each) are laid side by side (d) and W_O (d, d)
mixes them back into the stream.

    h   = LN₁(x)                          (d,)
    q^h = h · W_Q^h,  k^h = h · W_K^h,  v^h = h · W_V^h      (d/h,) each, for every head
    out = concat(heads' outputs) · W_O + b_O                   (d,)

(The model stores the three projections of all heads side by side in one matrix, c_attn
(d, 3d); head h's W_Q^h is its columns h·d/h … (h+1)·d/h.) References: Vaswani et al. (2017)
3.2.2. Leaves out: the attention weights themselves (see ``attention_map``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int
from ..model import check_prompt, load, record
from ..model.layers import layer_norm

__kernels__ = ("head_projections",)


def head_projections(
    prompt: Any = "To be, or not to be, that is the", position: Any = -1, layer: Any = 0
) -> dict[str, Any]:
    """One token's normed vector and every head's query, key and value of block ``layer``, with
    the shapes of the matrices that made them.

    Example: ``head_projections("To be")["heads"][0]["q"]`` -> 32 numbers (d/h for d 128, 4 heads)
    """
    m = load()
    ids = check_prompt(prompt, m)
    t = as_int(position, "position", -len(ids), len(ids) - 1) % len(ids)
    i = as_int(layer, "layer", 0, m.n_layer - 1)
    rec = record(m, ids)[1]
    block, d, hs = m.blocks[i], m.d, m.config.head_size
    x = rec.stream[i, t]  # (d,): the stream entering block i at the token
    h = layer_norm(x[None], block.ln_1, m.config.layer_norm_epsilon)[0]  # (d,)
    qkv = h @ block.c_attn.weight + block.c_attn.bias  # (3d,)
    q, k, v = qkv.reshape(3, m.n_head, hs)  # (nh, hs) each
    heads_out = rec.mid[i][t] - x  # (d,): W_O · concat(heads) + b_O, what attention adds
    return {
        "tokens": [m.token_text(j) for j in ids],
        "position": t,
        "layer": i,
        "token": m.token_text(ids[t]),
        "x": x,
        "normed": h,
        "shapes": {
            "x": [d],
            "w_head": [d, hs],
            "c_attn": list(block.c_attn.weight.shape),
            "head_output": [hs],
            "concat": [m.n_head * hs],
            "w_o": list(block.c_proj.weight.shape),
        },
        "heads": [{"head": j, "q": q[j], "k": k[j], "v": v[j]} for j in range(m.n_head)],
        "attention_output": heads_out,
        "attention_output_norm": float(np.linalg.norm(heads_out.astype(np.float64))),
    }
