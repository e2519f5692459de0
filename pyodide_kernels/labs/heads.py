"""Labs 2 and 3, heads: zero one head (ablation) or scale its slice of c_proj from 0 to 3×, and
see the continuation and the loss on held-out text change; the ablation lab also measures every
head, as a (layer × head) grid of loss changes.

Example: ``head_ablation(load(), s, {"layer": 3, "head": 0})["figure"]["values"]`` -> (4, 4)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..gpt import Model, check_hooks
from .common import HELD_OUT, Settings, compare, head_of, layer_of, number, text_loss


def head_hooks(model: Model, layer: int, head: int, scale: float) -> dict[str, Any]:
    """Hooks that multiply one head's output. Example: ``head_hooks(m, 0, 1, 0.0)["head"]``"""
    return check_hooks({"head": {"layer": layer, "head": head, "scale": scale}}, model)


def loss_measure(model: Model, text: str = HELD_OUT):
    """The effect most labs report: mean loss on held-out text under the hooks."""
    return lambda hooks: text_loss(model, text, hooks)


def head_scale(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Scale one head's contribution (1.0 leaves the model unchanged)."""
    layer, head = layer_of(model, params.get("layer", 3)), head_of(model, params.get("head", 0))
    scale = number(params.get("scale", 2.0), "scale", 0.0, 3.0)
    return compare(
        model,
        settings,
        head_hooks(model, layer, head, scale),
        "loss on held-out text",
        "nats per token",
        loss_measure(model),
    )


def head_ablation(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Zero one head, and measure every head's ablation on held-out loss."""
    result = head_scale(model, settings, {**params, "scale": 0.0})
    base = result["effect"]["base"]
    grid = np.array(
        [
            [
                text_loss(model, HELD_OUT, head_hooks(model, layer, head, 0.0)) - base
                for head in range(model.n_head)
            ]
            for layer in range(model.n_layer)
        ]
    )
    result["figure"] = {
        "kind": "grid",
        "values": grid,
        "heat": grid / max(float(grid.max()), 1e-9),
        "rows": [f"layer {i}" for i in range(model.n_layer)],
        "cols": [f"head {j}" for j in range(model.n_head)],
        "caption": "loss change on held-out text when that head is zeroed",
    }
    return result
