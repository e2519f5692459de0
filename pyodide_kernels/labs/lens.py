"""Lab 10, the logit lens: what the model would predict next if it stopped after each block,
for every position of the prompt (the final LayerNorm and the unembedding applied early).

Example: ``logit_lens(load(), s, {})["figure"]["cells"][0][0]`` -> the embeddings' guess
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..model import Model
from ..on_model.lens import gpt_logit_lens
from .common import Settings


def logit_lens(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """First layer (BASE) against the last (TWEAK) at the final position, and the full grid.

    Example: ``logit_lens(m, s, {})["tweak"]["text"]`` -> the model's own next token
    """
    lens = gpt_logit_lens(settings.prompt, 1)
    top = [[cell[0] for cell in layer] for layer in lens["top"]]  # (L+1, T)
    probs = np.array([[cell["prob"] for cell in layer] for layer in top])
    return {
        "base": {
            "label": lens["layers"][0],
            "text": top[0][-1]["token"],
            "top": lens["top"][0][-1],
        },
        "tweak": {
            "label": lens["layers"][-1],
            "text": top[-1][-1]["token"],
            "top": lens["top"][-1][-1],
        },
        "effect": {
            "name": "probability of the top guess at the last position",
            "unit": "",
            "base": top[0][-1]["prob"],
            "tweak": top[-1][-1]["prob"],
        },
        "figure": {
            "kind": "grid",
            "values": probs,
            "heat": probs,
            "rows": lens["layers"],
            "cols": lens["tokens"],
            "cells": [[c["token"] for c in row] for row in top],
            "caption": "each layer's top guess for the next token, shaded by its probability",
        },
    }


def lens_debrief(model: Model, settings: Settings, params: dict, result: dict) -> list[str]:
    """How the first and last layers' guesses differ, and why the first is a lookup.

    Example: ``lens_debrief(m, s, {}, logit_lens(m, s, {}))[0]`` -> 'After the embeddings …'
    """
    first, last = result["base"], result["tweak"]
    own = model.token_text(settings.ids[-1])
    echo = " — the prompt's own last token" if first["text"] == own else ""
    return [
        f"After the embeddings alone, the top guess at the last position is {first['text']!r} "
        f"({result['effect']['base']:.2f}){echo}; after the last block it is {last['text']!r} "
        f"({result['effect']['tweak']:.2f}).",
        "The first row is a lookup, not a prediction: the stream holds only the token itself, "
        "and because the unembedding is the embedding matrix, the tokens scored highest are "
        "those whose vectors look like it. Each block then adds what the context says, so the "
        "later guesses are real predictions, and often less certain ones: the model spreads "
        "its bet over the words that could follow.",
    ]
