"""Lab 8, boost the positional encodings: multiply the learned position vectors and watch
list-like text (numbered lines, alternating speakers) lose or keep its structure.

Example: ``boost_positions(load(), s, {"scale": 3.0})["effect"]["tweak"]`` -> a higher loss
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_number
from ..model import NO_HOOKS, Hooks, Model
from .common import Settings, compare, moved, text_loss

LIST_TEXT = (
    "FIRST CITIZEN.\nBefore we proceed any further, hear me speak.\n"
    "ALL.\nSpeak, speak.\nFIRST CITIZEN.\nYou are all resolved rather to die than to famish?\n"
    "ALL.\nResolved, resolved.\n"
)


def boost_positions(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Scale the position vectors (1: unchanged) and measure the loss on alternating speakers.

    Example: ``boost_positions(m, s, {"scale": 5.0})["effect"]["tweak"]`` -> about 5.9 nats
    """
    scale = as_number(params["scale"], "scale", 0.0, 10.0)
    hooks = Hooks(pos_scale=scale) if scale != 1 else NO_HOOKS
    return compare(
        model,
        settings,
        hooks,
        "loss on alternating speakers",
        "nats per token",
        lambda h: text_loss(model, LIST_TEXT, h),
    )


def mean_row_size(matrix: np.ndarray) -> float:
    """The mean length of a matrix's rows. Example: ``mean_row_size(np.eye(3))`` -> 1.0"""
    return float(np.linalg.norm(matrix.astype(np.float64), axis=1).mean())


def boost_debrief(model: Model, settings: Settings, params: dict, result: dict) -> list[str]:
    """Which way the loss moved, and the sizes of the two vectors being added.

    Example: ``boost_debrief(m, s, p, boost_positions(m, s, p))[0]`` -> 'Multiplying the …'
    """
    effect, scale = result["effect"], float(params["scale"])
    position, token = mean_row_size(model.w["wpe.weight"]), mean_row_size(model.w["wte.weight"])
    lines = [
        f"Multiplying the position vectors by {scale:g} made the loss on alternating speakers "
        f"{moved(effect['base'], effect['tweak'])}. A position vector is {position:.2f} long "
        f"on average and a token vector {token:.2f}; at ×{scale:g} the position is "
        f"{scale * position / token:.1f} times the token's size.",
    ]
    if scale > 1:
        lines.append(
            "Louder positions do not help: the first layer norm rescales the sum, so a louder "
            "“where” makes the “what” quieter, and every layer after it was trained on the usual "
            "mix. The model loses more from forgetting which token it is than it gains from "
            "knowing better where it is."
        )
    elif scale < 1:
        lines.append(
            "Quieter positions blur where each token sits: the speaker names and line breaks "
            "that come at regular places are the first to suffer."
        )
    return lines
