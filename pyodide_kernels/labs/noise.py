"""Lab 7, Gaussian noise in the residual stream after one block: how sensitive the stream is,
as loss on held-out text against the noise scale, for every layer.

Example: ``residual_noise(load(), s, {"layer": 1, "scale": 2.0})["figure"]["values"]`` -> (L, 5)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_number
from ..model import Hooks, Model, ResidualNoise, check_prompt, record
from .common import HELD_OUT, Settings, compare, layer_of, moved, text_loss

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


def stream_sizes(model: Model, text: str = HELD_OUT) -> np.ndarray:
    """The residual stream's typical size (root mean square) after each block, on ``text``.

    Example: ``stream_sizes(load())`` -> (4,), growing with depth
    """
    stream = record(model, check_prompt(text, model))[1].stream[1:].astype(np.float64)
    return np.sqrt((stream**2).mean(axis=(1, 2)))


def noise_debrief(model: Model, settings: Settings, params: dict, result: dict) -> list[str]:
    """Which block takes noise worst, and the two reasons early noise hurts more.

    Example: ``noise_debrief(m, s, p, residual_noise(m, s, p))[1]`` -> 'At σ = 4, …'
    """
    effect, grid = result["effect"], np.asarray(result["figure"]["values"])
    top = SCALES[-1]
    costs = grid[:, -1] - grid[:, 0]
    sizes = stream_sizes(model)
    last = model.n_layer - 1
    return [
        f"Noise of σ = {float(params['scale']):g} after block {params['layer']} made the loss "
        f"{moved(effect['base'], effect['tweak'])}.",
        f"At σ = {top:g}, noise after block 0 costs {costs[0]:.2f} nats and after block {last} "
        f"{costs[-1]:.2f}. Two reasons: noise added early passes through every later block, "
        "whose attention spreads it to other positions and whose layers build on the damaged "
        "values, while noise after the last block meets only the final layer norm and the "
        f"unembedding. And the stream grows with depth: its typical entry is {sizes[0]:.2f} "
        f"after block 0 and {sizes[-1]:.2f} after block {last} on this play, so the same σ is a "
        "smaller share of it later.",
    ]
