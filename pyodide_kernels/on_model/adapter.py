"""A LoRA adapter switched on and off: the shipped model continues a prompt greedily with and
without the adapter trained on Shakespeare's sonnets (reference/lora.py), token by token side by
side, with what the adapter costs (its trained numbers against the model's) and what it buys:
the loss on 15 sonnets it never trained on, and the price, the loss on passages of plays neither
model saw, recorded by PyTorch and, with ``measure``, recomputed here at the chosen strength.

``strength`` scales the adapter's change, W + strength · (alpha / r) · (B A)ᵀ: 0 is the base
model, 1 the trained adapter, 2 the change doubled.

References: Hu et al. (2021), LoRA. Leaves out: sampling (both sides are greedy, so every
difference is the adapter's), training in the browser.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import numpy as np

from .._assets import data_path
from .._validate import as_flag, as_int, as_number
from ..maths.loss import target_losses
from ..model import Model, check_prompt, forward, generate_ids, load
from ..model.lora import RECORD, adapted_model, adapter_parameters, load_adapter

__kernels__ = ("lora_adapter",)

MAX_STRENGTH = 2.0


@lru_cache(maxsize=1)
def record() -> dict[str, Any]:
    """What reference/lora.py recorded (losses, held-out texts, settings).

    Example: ``record()["rank"]`` -> 4
    """
    return json.loads(data_path(RECORD).read_text())


def windows(ids: list[int], n_ctx: int) -> list[list[int]]:
    """Windows of up to n_ctx + 1 tokens whose targets tile ids[1:] exactly once (the
    reference's cut).

    Example: ``windows(list(range(5)), 2)`` -> [[0, 1, 2], [2, 3, 4]]
    """
    return [ids[s : s + n_ctx + 1] for s in range(0, len(ids) - 1, n_ctx)]


def mean_loss(model: Model, texts: list[str]) -> float:
    """Mean next-token loss (nats) over every token of the texts.

    Example: ``mean_loss(load(), ["To be, or not to be"]) > 0`` -> True
    """
    losses = [
        target_losses(forward(model, w[:-1]), w[1:])
        for text in texts
        for w in windows(model.encode(text), model.n_ctx)
    ]
    return float(np.concatenate(losses).mean())


@lru_cache(maxsize=8)
def held_out_losses(strength: float) -> dict[str, float]:
    """The loss on the held-out sonnets and on the play passages at ``strength``.

    Example: ``held_out_losses(0.0)["sonnets"] > held_out_losses(1.0)["sonnets"]`` -> True
    """
    model = load() if strength == 0 else adapted_model(strength)
    held = record()["held_out"]
    return {name: mean_loss(model, held[name]["texts"]) for name in ("sonnets", "plays")}


def differences(first: list[int], second: list[int]) -> list[bool]:
    """For each position, whether the two continuations' tokens differ.

    Example: ``differences([1, 2, 3], [1, 5, 3])`` -> [False, True, False]
    """
    return [a != b for a, b in zip(first, second, strict=True)]


def lora_adapter(
    prompt: Any = "Shall I compare thee",
    adapter: Any = True,
    tokens: Any = 40,
    strength: Any = 1.0,
    measure: Any = True,
) -> dict[str, Any]:
    """Greedy continuations of ``prompt`` by the base model and with the sonnet adapter at
    ``strength``; ``tokens``/``text`` are the side ``adapter`` picks. With ``measure``, the
    held-out losses recomputed here (``live``) beside the recorded ones.

    Example: ``lora_adapter(tokens=5, measure=False)["parameters"]`` -> 8192
    """
    base = load()
    steps = as_int(tokens, "tokens", 1, base.n_ctx - 1)
    ids = check_prompt(prompt, base)
    scale = as_number(strength, "strength", 0.0, MAX_STRENGTH)
    use, live = as_flag(adapter, "adapter"), as_flag(measure, "measure")
    lora, saved = load_adapter(), record()
    off = generate_ids(base, ids, steps)
    on = generate_ids(adapted_model(scale), ids, steps)
    chosen = on if use else off
    parameters = adapter_parameters(lora)
    result: dict[str, Any] = {
        "prompt": prompt,
        "adapter": use,
        "tokens": [base.token_text(i) for i in chosen],
        "text": base.decode(chosen),
        "off": {"tokens": [base.token_text(i) for i in off], "text": base.decode(off)},
        "on": {"tokens": [base.token_text(i) for i in on], "text": base.decode(on)},
        "differs": differences(off, on),
        "strength": scale,
        "rank": lora.rank,
        "alpha": lora.alpha,
        "scale": scale * lora.scale,
        "targets": saved["targets"],
        "parameters": parameters,
        "model_parameters": base.parameters(),
        "share": parameters / base.parameters(),
        "recorded": saved["loss"],
        "held_out": {
            "sonnets": saved["held_out"]["sonnets"]["numbers"],
            "plays": saved["held_out"]["plays"]["works"],
        },
    }
    if live:
        result["live"] = {"off": held_out_losses(0.0), "on": held_out_losses(scale)}
    return result
