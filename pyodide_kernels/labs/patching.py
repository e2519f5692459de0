"""Lab 6, activation patching: run a corrupted prompt (one name changed) with the residual
stream at one (layer, position) copied from the clean run, and see how much of the clean
answer's probability comes back; the grid shows every (layer, position).

Example: ``patching(load(), s, {"clean": …, "corrupted": …})["figure"]["values"]`` -> (L+1, T)
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ..model import Model
from ..on_model.patching import gpt_patch
from .common import Settings, side


def patching(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Clean (BASE) against corrupted (TWEAK), and the patching grid between them.

    Example: ``patching(m, s, LABS["patching"].params)["effect"]["base"]`` -> about 0.9
    """
    clean, corrupted = params["clean"], params["corrupted"]
    found = gpt_patch(clean, corrupted)
    grid = np.asarray(found["grid"])
    span = max(found["clean_prob"] - found["corrupted_prob"], 1e-9)
    as_clean = replace(settings, prompt=clean, ids=model.encode(clean))
    as_corrupt = replace(settings, prompt=corrupted, ids=model.encode(corrupted))
    return {
        "base": {"label": "clean", **side(model, as_clean)},
        "tweak": {"label": "corrupted", **side(model, as_corrupt)},
        "effect": {
            "name": f"p({found['target']!r}) next",
            "unit": "",
            "base": found["clean_prob"],
            "tweak": found["corrupted_prob"],
        },
        "figure": {
            "kind": "grid",
            "values": grid,
            "heat": np.round(np.clip((grid - found["corrupted_prob"]) / span, 0, 1), 3),
            "rows": ["embeddings"] + [f"after block {i}" for i in range(model.n_layer)],
            "cols": found["tokens"],
            "caption": f"p({found['target']!r}) when that cell is patched from the clean run",
        },
    }


def patching_debrief(model: Model, settings: Settings, params: dict, result: dict) -> list[str]:
    """Where patching brought the answer back, layer by layer, and why the lab keeps its own
    prompts. Example: ``patching_debrief(m, s, p, patching(m, s, p))[1]`` -> 'Row by row …'"""
    effect, figure = result["effect"], result["figure"]
    grid = np.asarray(figure["values"])
    where = "; ".join(
        f"{row}: at {figure['cols'][int(np.argmax(values))]!r} ({values.max():.2f})"
        for row, values in zip(figure["rows"], grid, strict=True)
    )
    return [
        f"The clean prompt gives {effect['name']} = {effect['base']:.2f}; with the name changed "
        f"it falls to {effect['tweak']:.4f}.",
        f"Row by row, the patch that brings it back most: {where}. Early on the information "
        "sits at the name's own position; the later blocks move it to the last position, where "
        "the answer is read out, so there the last column takes over.",
        "This lab runs on its own two prompts, not the shared prompt: patching needs a pair "
        "that differs in one token, and a single prompt has no pair. Edit both to try another.",
    ]
