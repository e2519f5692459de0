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


def nudge_debrief(model: Model, settings: Settings, params: dict, result: dict) -> list[str]:
    """How far the neuron moved its favourite token, and why the text rarely follows.

    Example: ``nudge_debrief(m, s, p, nudge_neuron(m, s, p))[0]`` -> "p(…) went from …"
    """
    effect, pushes = result["effect"], result["pushes"]
    up, down = pushes["up"][0], pushes["down"][0]
    ratio = effect["tweak"] / max(effect["base"], 1e-12)
    leader = result["base"]["top"][0]
    changed = result["base"]["text"] != result["tweak"]["text"]
    return [
        f"{effect['name']} went from {effect['base']:.4f} to {effect['tweak']:.4f}, "
        f"{ratio:.1f} times as likely. Read through the unembedding, this neuron's output row "
        f"raises {up['token']!r} most ({up['logit']:+.2f} per unit of activation) and lowers "
        f"{down['token']!r} most ({down['logit']:+.2f}); adding {float(params['add']):g} to the "
        "activation adds that row, times the add, to the stream. The final layer norm then "
        "rescales the whole stream, so the factor you see is smaller than the raw push suggests.",
        f"The generated text {'changed' if changed else 'did not change'}. The next word changes "
        f"only if the pushed token overtakes the leader ({leader['token']!r} at "
        f"{leader['prob']:.2f} here): one neuron of {model.config.n_inner} per layer shifts "
        "odds, and only a large push flips a choice.",
    ]
