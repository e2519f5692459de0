"""Lab 5, zero a slice of the token embeddings: every token loses the same dimensions, and the
loss on held-out text rises; the curve shows it against the fraction zeroed.

Example: ``zero_embeddings(load(), s, {"fraction": 0.25})["figure"]["x"]`` -> 0, 0.1, … 0.5
"""

from __future__ import annotations

from typing import Any

from ..gpt import Model, check_hooks
from .common import HELD_OUT, Settings, compare, number, text_loss

FRACTIONS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


def zero_hooks(model: Model, fraction: float) -> dict[str, Any]:
    """Zero the first ``fraction`` of every token vector's dimensions (0: no change)."""
    stop = round(fraction * model.d)
    return check_hooks({"embed_zero": {"start": 0, "stop": stop}}, model) if stop else {}


def zero_embeddings(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Zero a slice and compare; the figure is loss against the fraction zeroed."""
    fraction = number(params.get("fraction", 0.25), "fraction", 0.0, 1.0)
    result = compare(
        model,
        settings,
        zero_hooks(model, fraction),
        "loss on held-out text",
        "nats per token",
        lambda h: text_loss(model, HELD_OUT, h or None),
    )
    result["figure"] = {
        "kind": "curve",
        "x": list(FRACTIONS),
        "x_label": "fraction of dimensions zeroed",
        "y": [text_loss(model, HELD_OUT, zero_hooks(model, f) or None) for f in FRACTIONS],
        "y_label": "loss on held-out text",
    }
    return result
