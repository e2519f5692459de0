"""Labs 2 and 3, heads: zero one head (ablation) or scale its output from 0 to 3×, and see the
continuation and the loss on held-out text change; the ablation lab also measures every head,
as a (layer × head) grid of loss changes.

Example: ``head_ablation(load(), s, {"layer": 3, "head": 0})["figure"]["values"]`` -> (4, 4)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._validate import as_number
from ..model import HeadScale, Hooks, Model
from .common import HELD_OUT, Settings, compare, head_of, layer_of, moved, text_loss
from .roles import LENGTH, best, head_roles, repeated_tokens, second_copy_loss


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


def each_head_zeroed(model: Model, loss: Callable[[Hooks], float]) -> np.ndarray:
    """``loss`` (of the hooks to run with) with each head zeroed alone, (layers, heads).

    Example: ``each_head_zeroed(m, lambda hooks: text_loss(m, HELD_OUT, hooks)).shape`` -> (4, 4)
    """
    return np.array(
        [[loss(head_hooks(i, j, 0.0)) for j in range(model.n_head)] for i in range(model.n_layer)]
    )


def ablation_grid(model: Model, base: float) -> np.ndarray:
    """The held-out loss change of zeroing each head alone, (layers, heads).

    Example: ``ablation_grid(load(), 2.9).shape`` -> (4, 4)
    """
    return each_head_zeroed(model, lambda hooks: text_loss(model, HELD_OUT, hooks)) - base


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


def most_needed_head(model: Model) -> dict[str, int]:
    """The head whose removal raises the held-out loss most: the head-ablation lab opens on it.

    Example: ``most_needed_head(load())`` -> {'layer': 0, 'head': 2}
    """
    found = best(ablation_grid(model, text_loss(model, HELD_OUT)))
    return {"layer": found["layer"], "head": found["head"]}


def ablation_debrief(model: Model, settings: Settings, params: dict, result: dict) -> list[str]:
    """What zeroing the head did, which layer leans most, and the induction head as the case
    that held-out prose hides.

    Example: ``ablation_debrief(m, s, p, head_ablation(m, s, p))[0]`` -> 'Zeroing layer 0, …'
    """
    effect, grid = result["effect"], np.asarray(result["figure"]["values"])
    worst = best(grid)
    by_layer = ", ".join(f"layer {i} {row.mean():+.2f}" for i, row in enumerate(grid))
    lines = [
        f"Zeroing layer {params['layer']}, head {params['head']} made the loss on Richard III "
        f"{moved(effect['base'], effect['tweak'])}. Averaged over each layer's heads, removing "
        f"one costs {by_layer} nats; the single head the model needs most is layer "
        f"{worst['layer']}, head {worst['head']} (+{worst['score']:.2f}).",
    ]
    helped = int((grid < 0).sum())
    if helped:
        lines.append(
            f"{helped} of {grid.size} heads lower{'s' if helped == 1 else ''} this loss when "
            "removed. A head can serve text "
            "this play does not have and cost a little on what it has: one held-out text "
            "measures one kind of skill."
        )
    ind = head_roles(model)["induction_head"]
    ids = repeated_tokens(model.vocab_size, LENGTH, settings.seed)
    ablated = second_copy_loss(model, ids, LENGTH, head_hooks(ind["layer"], ind["head"], 0.0))
    lines.append(
        f"A second case: layer {ind['layer']}, head {ind['head']} is the induction head (its "
        f"score, found from the weights, is {ind['score']:.2f}). Removing it changes this loss by "
        f"{grid[ind['layer'], ind['head']]:+.2f} nats, yet the second copy of a repeated random "
        f"sequence then costs {ablated:.2f} nats a token instead of "
        f"{second_copy_loss(model, ids, LENGTH):.2f}: prose rarely repeats itself within one "
        "context window, so held-out loss barely sees the head that copies. The induction "
        "circuit lab below takes it apart."
    )
    return lines


def scale_debrief(model: Model, settings: Settings, params: dict, result: dict) -> list[str]:
    """Which way the loss moved from scale 1, and why more of a head is not more skill.

    Example: ``scale_debrief(m, s, p, head_scale(m, s, p))[0]`` -> 'Scaling layer 0, head 2 by …'
    """
    effect, scale = result["effect"], float(params["scale"])
    layer, head = int(params["layer"]), int(params["head"])
    zero = text_loss(model, HELD_OUT, head_hooks(layer, head, 0.0))
    lines = [
        f"Scaling layer {layer}, head {head} by {scale:g} made the loss "
        f"{moved(effect['base'], effect['tweak'])}; zeroing it gives {zero:.2f}, and a scale of "
        "1 is the model itself.",
    ]
    if effect["tweak"] > effect["base"] and scale > 1:
        lines.append(
            "More of the head is not more of its skill. The later layers were trained on the "
            "stream with this head's output at its usual size; turned up, its share of the "
            "stream is one they never saw, and they misread it. Training left each head at the "
            "size that works best, so the loss rises on both sides of 1."
        )
    elif effect["tweak"] > effect["base"]:
        lines.append(
            "Turned down, the head's contribution is partly missing, so the loss moves toward "
            "the ablation's."
        )
    else:
        lines.append(
            "Here the loss did not rise: at this size the head's output does not help this play, "
            "which is possible for a head that serves other text (see the ablation grid)."
        )
    return lines
