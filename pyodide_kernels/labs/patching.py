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
            "heat": np.clip((grid - found["corrupted_prob"]) / span, 0, 1),
            "rows": ["embeddings"] + [f"after block {i}" for i in range(model.n_layer)],
            "cols": found["tokens"],
            "caption": f"p({found['target']!r}) when that cell is patched from the clean run",
        },
    }
