"""Lab 4, nudge one MLP neuron: add to its activation and see which tokens it pushes up or down.
A neuron writes its row of the MLP's output matrix into the residual stream; read through the
(tied) unembedding, that row raises some tokens' logits and lowers others'.

Example: ``nudge_neuron(load(), s, {"layer": 3, "index": 7, "add": 10})["pushes"]["up"][0]``
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int, as_number
from ..maths.softmax import stable_softmax
from ..model import Hooks, Model, NeuronNudge, forward
from .common import Settings, compare, layer_of


def pushed_tokens(model: Model, layer: int, index: int, k: int = 8) -> dict[str, list[dict]]:
    """Tokens whose logits the neuron's output row raises and lowers most (ignoring ln_f).

    Example: ``pushed_tokens(load(), 0, 0)["up"][0]["token"]``
    """
    row = model.w[f"h.{layer}.mlp.c_proj.weight"][index]  # (d,)
    direct = model.w["wte.weight"] @ row  # (vocab,)
    order = np.argsort(-direct, kind="stable")

    def entry(i: int) -> dict[str, Any]:
        return {"token": model.token_text(int(i)), "logit": float(direct[i])}

    return {"up": [entry(i) for i in order[:k]], "down": [entry(i) for i in order[::-1][:k]]}


def nudge_neuron(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Add ``add`` to neuron ``index`` of layer ``layer``'s MLP (0 changes nothing).

    Example: ``nudge_neuron(m, s, {"layer": 3, "index": 7, "add": 20})["effect"]["tweak"]`` ->
    about 20 times BASE's probability
    """
    layer = layer_of(model, params["layer"])
    index = as_int(params["index"], "index", 0, model.config.n_inner - 1)
    add = as_number(params["add"], "add", -50.0, 50.0)
    pushes = pushed_tokens(model, layer, index)
    target = model.encode(pushes["up"][0]["token"])[:1] or [0]
    hooks = Hooks(neuron=NeuronNudge(layer, index, add))

    def probability(h: Hooks) -> float:
        logits = forward(model, settings.ids, None, h)[-1].astype(np.float64)
        return float(stable_softmax(logits)[target[0]])

    name = f"p({pushes['up'][0]['token']!r}) as the next token"
    result = compare(model, settings, hooks, name, "", probability)
    result["pushes"] = pushes
    return result
