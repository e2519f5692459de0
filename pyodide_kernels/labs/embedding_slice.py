"""Lab 5, zero a slice of the token embeddings: every token loses the same dimensions, and the
loss on held-out text rises; the curve shows it against the fraction zeroed.

Example: ``zero_embeddings(load(), s, {"fraction": 0.25})["figure"]["x"]`` -> 0, 0.1, … 0.5
"""

from __future__ import annotations

import math
from typing import Any

from .._validate import as_number
from ..model import NO_HOOKS, Hooks, Model
from .common import HELD_OUT, Settings, compare, moved, text_loss

FRACTIONS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


def zero_hooks(model: Model, fraction: float) -> Hooks:
    """Zero the first ``fraction`` of every token vector's dimensions (0: no change).

    Example: ``zero_hooks(load(), 0.25).embed_zero`` -> (0, 32)
    """
    stop = round(fraction * model.d)
    return Hooks(embed_zero=(0, stop)) if stop else NO_HOOKS


def zero_embeddings(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Zero a slice and compare; the figure is loss against the fraction zeroed.

    Example: ``zero_embeddings(m, s, {"fraction": 0.5})["effect"]["tweak"]`` -> about 5.5 nats
    """
    fraction = as_number(params["fraction"], "fraction", 0.0, 1.0)
    result = compare(
        model,
        settings,
        zero_hooks(model, fraction),
        "loss on held-out text",
        "nats per token",
        lambda h: text_loss(model, HELD_OUT, h),
    )
    result["figure"] = {
        "kind": "curve",
        "x": list(FRACTIONS),
        "x_label": "fraction of dimensions zeroed",
        "y": [text_loss(model, HELD_OUT, zero_hooks(model, f)) for f in FRACTIONS],
        "y_label": "loss on held-out text",
    }
    return result


def zero_debrief(model: Model, settings: Settings, params: dict, result: dict) -> list[str]:
    """How much the slice cost, how the curve bends, and why no dimension is spare.

    Example: ``zero_debrief(m, s, p, zero_embeddings(m, s, p))[0]`` -> 'Zeroing 25% …'
    """
    effect, curve = result["effect"], result["figure"]
    fraction = float(params["fraction"])
    y = curve["y"]
    return [
        f"Zeroing {fraction:.0%} of every token vector ({round(fraction * model.d)} of "
        f"{model.d} dimensions) made the loss {moved(effect['base'], effect['tweak'])}. On the "
        f"curve, the first tenth costs {y[1] - y[0]:.2f} nats and the last step "
        f"({curve['x'][-2]:g} to {curve['x'][-1]:g}) {y[-1] - y[-2]:.2f}.",
        "No dimension is spare: training spreads each token's identity over every direction of "
        "the vector, and the layers after it read the vector as a whole, so every slice "
        f"removed costs something. Even at half the dimensions ({y[-1]:.2f} nats) the model "
        f"stays well under guessing uniformly among {model.vocab_size} tokens "
        f"(ln {model.vocab_size} = {math.log(model.vocab_size):.2f}): the other half still "
        "tells most tokens apart.",
    ]
