"""Lab 8, boost the positional encodings: multiply the learned position vectors and watch
list-like text (numbered lines, alternating speakers) lose or keep its structure.

Example: ``boost_positions(load(), s, {"scale": 3.0})["effect"]["tweak"]`` -> a higher loss
"""

from __future__ import annotations

from typing import Any

from .._validate import as_number
from ..model import NO_HOOKS, Hooks, Model
from .common import Settings, compare, text_loss

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
