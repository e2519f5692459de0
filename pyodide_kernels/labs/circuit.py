"""Lab 14, the induction circuit taken apart: zero one head and measure the loss on the second
copy of a repeated sequence, random tokens and real text. Two heads work in turn: the
previous-token head writes into each position "the token before me was x"; the induction head's
query, at a later x, looks for the position whose key says "after x", and copies the token found
there. Zero either one and the second copy is no easier than the first.

References: Olsson et al. (2022), *In-context Learning and Induction Heads*. Leaves out: the
composition scores of Elhage et al. (2021), which read the circuit from the weights alone.

Example: ``induction_circuit(load(), s, {"layer": 3, "head": 0})["effect"]["tweak"]`` -> about
10 nats, against under 1 with every head in place
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..maths.loss import next_token_losses
from ..model import NO_HOOKS, Hooks, Model, forward, record
from .common import HELD_OUT, Settings, head_of, layer_of, moved
from .heads import each_head_zeroed, head_hooks
from .roles import LENGTH, best, head_roles, repeated_tokens, second_copy_loss


def predicted_copy(model: Model, ids: list[int], length: int, hooks: Hooks = NO_HOOKS) -> str:
    """What the model's top guess would write as the second copy, token by token.

    Example: ``predicted_copy(m, ids, 24)`` -> most of ``m.decode(ids[24:])``
    """
    guesses = forward(model, ids, None, hooks)[length - 1 : 2 * length - 1].argmax(-1)
    return model.decode([int(i) for i in guesses])


def real_repeat(model: Model, length: int = LENGTH) -> list[int]:
    """The first ``length`` tokens of the held-out play, twice: copying on real text.

    Example: ``model.decode(real_repeat(m, 6))`` -> 'Now is the winter…Now is the winter…'
    """
    first = model.encode(HELD_OUT)[:length]
    return first + first


def copy_step(model: Model, ids: list[int], length: int, head: dict, offset: int = 5) -> dict:
    """One query of the second copy, seen by the induction head: its token, the token that
    followed that token's first occurrence (which it should copy) and the share of its
    attention on that position.

    Example: ``copy_step(m, ids, 24, {"layer": 3, "head": 0})["weight"]`` -> about 0.9
    """
    query = length + offset
    attn = record(model, ids)[1].attn[head["layer"]][head["head"], query]  # (T,)
    key = query - length + 1
    return {
        "token": model.token_text(ids[query]),
        "copied": model.token_text(ids[key]),
        "weight": float(attn[key]),
        "top_key": int(np.argmax(attn)),
        "key": key,
    }


def induction_circuit(model: Model, settings: Settings, params: dict[str, Any]) -> dict[str, Any]:
    """Every head in place (BASE) against one head zeroed (TWEAK), on the second copy of a
    random sequence (the seed's) and of real text; the grid zeroes each head in turn.

    Example: ``induction_circuit(m, s, {"layer": 2, "head": 2})["circuit"]["real"]["tweak"]``
    -> the real text's second-copy loss without the previous-token head
    """
    layer, head = layer_of(model, params["layer"]), head_of(model, params["head"])
    ids = repeated_tokens(model.vocab_size, LENGTH, settings.seed)
    real = real_repeat(model)
    hooks = head_hooks(layer, head, 0.0)
    # the second copy's loss with each head zeroed alone; the chosen head's cell is the TWEAK
    grid = each_head_zeroed(model, lambda zeroed: second_copy_loss(model, ids, LENGTH, zeroed))
    intact_losses = next_token_losses(forward(model, ids), ids)
    intact = float(intact_losses[LENGTH:].mean())
    roles = head_roles(model)
    return {
        "base": {
            "label": "every head: its guess at each token of the second copy",
            "text": predicted_copy(model, ids, LENGTH),
        },
        "tweak": {
            "label": f"layer {layer}, head {head} zeroed: its guesses",
            "text": predicted_copy(model, ids, LENGTH, hooks),
        },
        "sequence": model.decode(ids[:LENGTH]),
        "effect": {
            "name": "loss on the second copy of random tokens",
            "unit": "nats per token",
            "base": intact,
            "tweak": float(grid[layer, head]),
        },
        "circuit": {
            "first_copy": float(intact_losses[: LENGTH - 1].mean()),
            "real": {
                "base": second_copy_loss(model, real, LENGTH),
                "tweak": second_copy_loss(model, real, LENGTH, hooks),
            },
            "previous_token_head": roles["previous_token_head"],
            "induction_head": roles["induction_head"],
            "most_damaging": best(grid),
            "copy_step": copy_step(model, ids, LENGTH, roles["induction_head"]),
        },
        "figure": {
            "kind": "grid",
            "values": grid,
            "heat": (grid - intact) / max(float(grid.max()) - intact, 1e-9),
            "rows": [f"layer {i}" for i in range(model.n_layer)],
            "cols": [f"head {j}" for j in range(model.n_head)],
            "caption": "loss on the second copy (nats) with that head zeroed",
        },
    }


def induction_head_of(model: Model) -> dict[str, int]:
    """The head the circuit lab opens on: the induction head, found by its score.

    Example: ``induction_head_of(load())`` -> {'layer': 3, 'head': 0}
    """
    found = head_roles(model)["induction_head"]
    return {"layer": found["layer"], "head": found["head"]}


def circuit_debrief(model: Model, settings: Settings, params: dict, result: dict) -> list[str]:
    """What the zeroed head's role is, the two-step mechanism, and which head the grid names.

    Example: ``circuit_debrief(m, s, p, induction_circuit(m, s, p))[1]`` -> 'This is the …'
    """
    effect, c = result["effect"], result["circuit"]
    layer, head = int(params["layer"]), int(params["head"])
    prev, ind, step = c["previous_token_head"], c["induction_head"], c["copy_step"]
    lines = [
        f"Zeroing layer {layer}, head {head} made the second copy's loss "
        f"{moved(effect['base'], effect['tweak'])} on random tokens, and "
        f"{moved(c['real']['base'], c['real']['tweak'])} on the opening of Richard III said "
        f"twice. The first copy costs {c['first_copy']:.2f}: the price of a sequence the model "
        "cannot copy.",
    ]
    chance = float(np.mean(1.0 / np.arange(LENGTH + 1, 2 * LENGTH + 1)))
    if ind["score"] <= 0.5:
        lines.append(
            f"No head of this model puts most of its attention on the token to copy yet: the "
            f"best induction score is {ind['score']:.2f}, layer {ind['layer']}, head "
            f"{ind['head']} (a head spreading its attention evenly would score {chance:.2f}). "
            "The circuit is absent or still forming; compare a later checkpoint."
        )
    elif (layer, head) == (ind["layer"], ind["head"]):
        lines.append(
            f"This is the induction head (induction score {ind['score']:.2f}). At "
            f"{step['token']!r} in the second copy it puts {step['weight']:.0%} of its attention "
            f"on {step['copied']!r}, the token that followed {step['token']!r} the first time, "
            "and writes that token into the stream, where the unembedding reads it out."
        )
    elif (layer, head) == (prev["layer"], prev["head"]):
        lines.append(
            f"This is the previous-token head (previous-token score {prev['score']:.2f}): it "
            "attends from each token to the one before it and writes “the token before me was "
            f"x” into the stream. The induction head (layer {ind['layer']}, head {ind['head']}) "
            "builds its keys from that note: its query at a later x looks for the position "
            "whose note says x. Without the note it finds the place less well, so the loss "
            "rises, though less than without the induction head itself."
        )
    else:
        lines.append(
            f"This head is neither the previous-token head (layer {prev['layer']}, head "
            f"{prev['head']}) nor the induction head (layer {ind['layer']}, head {ind['head']}): "
            "try each of them."
        )
    worst = c["most_damaging"]
    lines.append(
        f"The grid zeroes each head in turn: the second copy suffers most without layer "
        f"{worst['layer']}, head {worst['head']} ({worst['score']:.2f} nats). Real text suffers "
        "less than random tokens, because grammar alone predicts part of it. This two-step "
        "copy is how a model uses an example it was shown a moment ago: in-context learning."
    )
    return lines
