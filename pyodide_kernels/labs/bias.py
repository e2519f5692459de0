"""Lab 11, style bias: add a constant to one token's logit at every step (a comma by default)
and measure how often the generated text uses it.

Example: ``style_bias(load(), s, {"token": ",", "bias": 3})["effect"]["tweak"]`` -> a higher rate
"""

from __future__ import annotations

import math
from typing import Any

from .._validate import as_number
from ..model import NO_HOOKS, Hooks, Model
from .common import Settings, compare


def style_bias(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Bias one token's logit; the effect is that token's share of the generated tokens.

    Example: ``style_bias(m, s, {"token": ",", "bias": 0})["effect"]`` -> the same share twice
    """
    text = params["token"]
    ids = model.encode(text) if isinstance(text, str) and text else []
    if len(ids) != 1:
        raise ValueError(f"token: {text!r} must be exactly one token of the model's vocabulary")
    bias = as_number(params["bias"], "bias", -20.0, 20.0)
    hooks = Hooks(logit_bias=(ids[0], bias)) if bias else NO_HOOKS
    result = compare(model, settings, hooks, f"share of {text!r} in the text", "", lambda h: 0.0)
    for side_name in ("base", "tweak"):
        new = result[side_name]["ids"]
        result["effect"][side_name] = new.count(ids[0]) / len(new)
    return result


def bias_debrief(model: Model, settings: Settings, params: dict, result: dict) -> list[str]:
    """How the token's share moved, against the odds factor the bias sets at each step.

    Example: ``bias_debrief(m, s, p, style_bias(m, s, p))[0]`` -> "The share of ',' …"
    """
    effect, bias = result["effect"], float(params["bias"])
    return [
        f"The share of {params['token']!r} in the generated text went from {effect['base']:.0%} "
        f"to {effect['tweak']:.0%}.",
        f"A bias of {bias:g} multiplies the token's odds by e^{bias:g} = {math.exp(bias):.1f} at "
        "every step, before sampling. Where it was already a candidate it now often wins; "
        "where it was hopeless it stays rare. And each time it is chosen the text after it "
        "changes, so the count is not that factor times the old count.",
    ]
