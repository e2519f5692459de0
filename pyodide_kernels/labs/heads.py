"""Labs 2 and 3, heads: zero one head (ablation) or scale its output from 0 to 3×, and see the
continuation and the loss on held-out text change; the ablation lab also measures every head,
as a (layer × head) grid of loss changes.

Example: ``head_ablation(load(), s, {"layer": 3, "head": 0})["figure"]["values"]`` -> (4, 4)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_number
from ..model import HeadScale, Hooks, Model
from .common import HELD_OUT, Settings, compare, head_of, layer_of, text_loss


def head_hooks(layer: int, head: int, scale: float) -> Hooks:
    """Hooks that multiply one head's output. Example: ``head_hooks(0, 1, 0.0).head.scale`` -> 0"""
    return Hooks(head=HeadScale(layer, head, scale))


def scaled(model: Model, settings: Settings, layer: int, head: int, scale: float) -> dict:
    """BASE against one head scaled, measured as the loss on held-out text.

    Example: ``scaled(m, s, 3, 0, 1.0)["effect"]`` -> the same loss twice
    """
    return compare(
        model,
        settings,
        head_hooks(layer, head, scale),
        "loss on held-out text",
        "nats per token",
        lambda hooks: text_loss(model, HELD_OUT, hooks),
    )


def head_scale(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Scale one head's contribution (1.0 leaves the model unchanged).

    Example: ``head_scale(m, s, {"layer": 3, "head": 0, "scale": 3.0})["effect"]["tweak"]`` ->
    a higher loss than BASE's
    """
    layer, head = layer_of(model, params["layer"]), head_of(model, params["head"])
    return scaled(model, settings, layer, head, as_number(params["scale"], "scale", 0.0, 3.0))


def ablation_grid(model: Model, base: float) -> np.ndarray:
    """The held-out loss change of zeroing each head alone, (layers, heads).

    Example: ``ablation_grid(load(), 2.9).shape`` -> (4, 4)
    """
    return np.array(
        [
            [text_loss(model, HELD_OUT, head_hooks(i, j, 0.0)) - base for j in range(model.n_head)]
            for i in range(model.n_layer)
        ]
    )


def head_ablation(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Zero one head, and measure every head's ablation on held-out loss.

    Example: ``head_ablation(m, s, {"layer": 0, "head": 2})["figure"]["values"][0][2]`` -> the
    grid's largest loss change, about 1.1 nats
    """
    layer, head = layer_of(model, params["layer"]), head_of(model, params["head"])
    result = scaled(model, settings, layer, head, 0.0)
    grid = ablation_grid(model, result["effect"]["base"])
    result["figure"] = {
        "kind": "grid",
        "values": grid,
        "heat": grid / max(float(grid.max()), 1e-9),
        "rows": [f"layer {i}" for i in range(model.n_layer)],
        "cols": [f"head {j}" for j in range(model.n_head)],
        "caption": "loss change on held-out text when that head is zeroed",
    }
    return result
