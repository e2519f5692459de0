"""The whole model on one page: its shape, stage by stage, read from its configuration and
weights, and one prompt followed through it with the real numbers.

    text -> tokens (ids) -> wte[ids] + wpe[positions]            (T, d)
    n_layer blocks:  x = x + W_O · heads(LN₁(x));  x = x + MLP(LN₂(x))
    ln_f -> h · wteᵀ (the unembedding, tied to wte)               (T, vocab)
    softmax of the last row -> the next token

For the figure: every stage with the shape of its weights and of what it hands on (from the
config, never typed), the parameters each holds, and for the prompt the token pieces and ids,
the length of the last token's residual vector after the embeddings and after each block, where
each head of each block looks from the last token, and the top next tokens with the entropy of
the whole distribution. References: Radford et al. (2019) GPT-2; Vaswani et al. (2017).
Leaves out: the other positions' streams (the residual-stream widget follows any token).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validate import as_int
from ..maths.softmax import entropy, stable_softmax
from ..model import Model, check_prompt, load_named, record, top_tokens

__kernels__ = ("model_overview",)


def stage_parameters(model: Model) -> dict[str, int]:
    """How many learned numbers each stage holds: the embeddings, one block, the final norm.
    The unembedding holds none of its own (it is wte again).

    Example: ``stage_parameters(load())["block"]`` -> 198272
    """
    w = model.w
    block = sum(v.size for k, v in w.items() if k.startswith("h.0."))
    return {
        "wte": int(w["wte.weight"].size),
        "wpe": int(w["wpe.weight"].size) if "wpe.weight" in w else 0,  # RoPE learns no table
        "block": int(block),
        "ln_f": int(sum(w[k].size for k in ("ln_f.weight", "ln_f.bias") if k in w)),
        "unembedding": 0,
    }


def model_card(model: Model) -> dict[str, Any]:
    """The sizes a reader needs first, all from the configuration and the weights.

    Example: ``model_card(load())["parameters"]`` -> 940800
    """
    c = model.config
    return {
        "n_layer": c.n_layer,
        "n_head": c.n_head,
        "n_kv_head": c.kv_heads,
        "norm": c.norm,
        "mlp": c.mlp,
        "positions": c.positions,
        "n_embd": c.n_embd,
        "head_size": c.head_size,
        "n_inner": c.n_inner,
        "n_ctx": c.n_ctx,
        "vocab_size": c.vocab_size,
        "parameters": model.parameters(),
        "stage_parameters": stage_parameters(model),
    }


def head_targets(model: Model, attention: list[np.ndarray], tokens: list[str]) -> list[list[dict]]:
    """For each block and head, the position the last token attends to most, with its weight.

    Example: ``head_targets(m, rec.attn, tokens)[0][0]`` -> {"position": …, "token": …, "weight": …}
    """
    targets = []
    for weights in attention:  # (nh, T, T) per block
        row = weights[:, -1]  # (nh, T): the last token's query
        best = np.argmax(row, axis=1)
        targets.append(
            [
                {"position": int(j), "token": tokens[int(j)], "weight": float(row[h, j])}
                for h, j in enumerate(best)
            ]
        )
    return targets


def model_overview(
    prompt: Any = "To be, or not to be, that is the", k: Any = 5, model: Any = "gpt2"
) -> dict[str, Any]:
    """The model card and one prompt's trip through a real model (see the module docstring).

    Example: ``model_overview("To be")["tokens"]`` -> ['To', ' be']
    """
    m = load_named(model)
    ids = check_prompt(prompt, m)
    logits, rec = record(m, ids)
    tokens = [m.token_text(i) for i in ids]
    last = logits[-1].astype(np.float64)
    probs = stable_softmax(last)
    stream = rec.stream[:, -1]  # (L+1, d): the last token after the embeddings and each block
    return {
        "card": model_card(m),
        "tokens": tokens,
        "ids": ids,
        "residual_norms": np.linalg.norm(stream.astype(np.float64), axis=1),
        "heads": head_targets(m, rec.attn, tokens),
        "top": top_tokens(m, last, as_int(k, "k", 1, 20)),
        "entropy": entropy(probs),
        "entropy_bits": entropy(probs) / math.log(2),
        "uniform_entropy": math.log(m.vocab_size),
    }
