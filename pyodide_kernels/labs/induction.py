"""Lab 13, induction heads (Olsson et al. 2022): a random token sequence, then the same sequence
again. The model cannot predict the first copy, but can copy the second, if one of its heads
attends from each token to the token *after* that token's previous occurrence.

Example: ``induction(load(), s, {"length": 24})["effect"]`` -> first-copy loss ≫ second-copy loss
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validate import as_int
from ..maths.loss import next_token_losses
from ..model import Model, record
from .common import Settings
from .roles import best, induction_scores, repeated_tokens


def induction(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Loss on the first copy (BASE) against the second (TWEAK), and the head scores grid.

    Example: ``induction(m, s, {"length": 24})["best_head"]`` -> layer 3, head 0
    """
    length = as_int(params["length"], "length", 4, model.n_ctx // 2)
    ids = repeated_tokens(model.vocab_size, length, settings.seed)
    logits, rec = record(model, ids)
    loss = next_token_losses(logits, ids)
    scores = induction_scores(np.stack(rec.attn), length)
    return {
        "base": {"label": "first copy", "text": model.decode(ids[:length])},
        "tweak": {"label": "second copy", "text": model.decode(ids[length:])},
        "effect": {
            "name": "loss per token",
            "unit": "nats",
            "base": float(loss[: length - 1].mean()),
            "tweak": float(loss[length:].mean()),
        },
        "best_head": best(scores),
        "figure": {
            "kind": "grid",
            "values": scores,
            "heat": scores,
            "rows": [f"layer {i}" for i in range(model.n_layer)],
            "cols": [f"head {j}" for j in range(model.n_head)],
            "caption": "attention to the token after the previous occurrence",
        },
    }


def induction_debrief(model: Model, settings: Settings, params: dict, result: dict) -> list[str]:
    """Why the first copy is worse than guessing and the second nearly free.

    Example: ``induction_debrief(m, s, p, induction(m, s, p))[0]`` -> 'The first copy costs …'
    """
    effect, head = result["effect"], result["best_head"]
    uniform = math.log(model.vocab_size)
    worse = effect["base"] > uniform
    return [
        f"The first copy costs {effect['base']:.2f} nats a token, "
        f"{'more' if worse else 'less'} than guessing uniformly among {model.vocab_size} tokens "
        f"(ln {model.vocab_size} = {uniform:.2f})."
        + (
            " Worse than a blind guess, because the model is not blind: it has learned "
            "Shakespeare's token frequencies and bets on common tokens, while these are drawn "
            "evenly from the merged tokens, most of them rare in the plays. A confident wrong "
            "bet costs more than an even spread."
            if worse
            else ""
        ),
        f"The second copy costs {effect['tweak']:.2f}. Layer {head['layer']}, head "
        f"{head['head']} attends from each token of the second copy to the token after its "
        f"first occurrence ({head['score']:.2f} of its attention on average) and copies what "
        "it finds there. Nothing in the weights knows this sequence; the context does. That is "
        "in-context learning at its simplest.",
    ]
