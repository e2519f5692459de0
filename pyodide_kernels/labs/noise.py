"""Lab 7, Gaussian noise in the residual stream after one block: how sensitive the stream is,
as loss on held-out text against the noise scale, for every layer.

Example: ``residual_noise(load(), s, {"layer": 1, "scale": 2.0})["figure"]["values"]`` -> (L, 5)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_number
from ..model import Hooks, Model, ResidualNoise
from .common import HELD_OUT, Settings, compare, layer_of, text_loss

SCALES = (0.0, 0.5, 1.0, 2.0, 4.0)


def noise_hooks(layer: int, scale: float, seed: int) -> Hooks:
    """Seeded noise of standard deviation ``scale`` after block ``layer`` (0: no change).

    Example: ``noise_hooks(1, 2.0, 0).noise.scale`` -> 2.0
    """
    return Hooks(noise=ResidualNoise(layer, scale, seed))


def residual_noise(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Noise after one block, and the loss curve of every layer against the scale.

    Example: ``residual_noise(m, s, {"layer": 1, "scale": 0})["effect"]`` -> the same loss twice
    """
    layer = layer_of(model, params["layer"])
    scale = as_number(params["scale"], "scale", 0.0, 100.0)
    hooks = noise_hooks(layer, scale, settings.seed)
    result = compare(
        model,
        settings,
        hooks,
        "loss on held-out text",
        "nats per token",
        lambda h: text_loss(model, HELD_OUT, h),
    )
    grid = np.array(
        [
            [text_loss(model, HELD_OUT, noise_hooks(i, s, settings.seed)) for s in SCALES]
            for i in range(model.n_layer)
        ]
    )
    low = float(grid.min())
    result["figure"] = {
        "kind": "grid",
        "values": grid,
        "heat": (grid - low) / max(float(grid.max()) - low, 1e-9),
        "rows": [f"after block {i}" for i in range(model.n_layer)],
        "cols": [f"σ = {s:g}" for s in SCALES],
        "caption": "loss on held-out text with noise of that size after that block",
    }
    return result
