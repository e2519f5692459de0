"""Lab 11, style bias: add a constant to one token's logit at every step (a comma by default)
and measure how often the generated text uses it.

Example: ``style_bias(load(), s, {"token": ",", "bias": 3})["effect"]["tweak"]`` -> a higher rate
"""

from __future__ import annotations

from typing import Any

from ..gpt import Model, check_hooks
from .common import Settings, compare, number


def style_bias(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Bias one token's logit; the effect is that token's share of the generated tokens."""
    text = params.get("token", ",")
    ids = model.encode(text) if isinstance(text, str) and text else []
    if len(ids) != 1:
        raise ValueError(f"token: {text!r} must be exactly one token of the model's vocabulary")
    bias = number(params.get("bias", 3.0), "bias", -20.0, 20.0)
    hooks = check_hooks({"logit_bias": {"token": ids[0], "bias": bias}}, model) if bias else {}
    result = compare(model, settings, hooks, f"share of {text!r} in the text", "", lambda h: 0.0)
    for side_name in ("base", "tweak"):
        new = result[side_name]["ids"]
        result["effect"][side_name] = new.count(ids[0]) / len(new)
    return result
