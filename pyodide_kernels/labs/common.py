"""What every lab shares: BASE and TWEAK continuations of one prompt with one seed, the top next
tokens of each, a loss on held-out text, and parameter checks with clear messages.

A lab is a pure function ``(model, settings, params) -> dict`` whose result has ``base`` and
``tweak`` (text and top tokens), an ``effect`` (one number for each side, with its unit) and,
for some labs, a ``figure`` (a grid or a curve with labels). Its debrief is a second pure
function ``(model, params, result) -> [paragraph, …]``: what the reader should have seen and
why, in words filled with that result's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._validate import as_int, as_seed
from ..maths.loss import next_token_losses
from ..maths.sampling import check_settings
from ..model import NO_HOOKS, Hooks, Model, check_prompt, forward, generate_ids, top_tokens

#: Richard III's opening, from a play held out of training (the validation split).
HELD_OUT = (
    "Now is the winter of our discontent\nMade glorious summer by this sun of York;\n"
    "And all the clouds that lour'd upon our house\nIn the deep bosom of the ocean buried.\n"
    "Now are our brows bound with victorious wreaths;\nOur bruised arms hung up for monuments;\n"
)


@dataclass(frozen=True)
class Settings:
    """How both sides generate: the same prompt, seed and sampling for BASE and TWEAK."""

    prompt: str
    ids: list[int]
    seed: int
    tokens: int
    temperature: float
    top_k: int | None


def check_settings_for(
    model: Model, prompt: Any, seed: Any, tokens: Any, temperature: Any, top_k: Any
) -> Settings:
    """Validated generation settings.

    Example: ``check_settings_for(m, "ROMEO:", 1, 20, 0.8, 40).tokens`` -> 20
    """
    ids = check_prompt(prompt, model, room=1)
    t, k, _ = check_settings(temperature, top_k, None)
    n = as_int(tokens, "tokens", 1, 120)
    return Settings(prompt, ids, as_seed(seed), n, t, k)


def side(model: Model, settings: Settings, hooks: Hooks = NO_HOOKS, k: int = 5) -> dict:
    """One side of the comparison: the continuation and the top next tokens after the prompt.

    Example: ``side(m, s)["text"]`` -> the BASE continuation
    """
    new = generate_ids(
        model,
        settings.ids,
        settings.tokens,
        settings.temperature,
        settings.top_k,
        None,
        settings.seed,
        hooks,
    )
    logits = forward(model, settings.ids, None, hooks)
    return {"text": model.decode(new), "ids": new, "top": top_tokens(model, logits[-1], k)}


def text_loss(model: Model, text: str, hooks: Hooks = NO_HOOKS) -> float:
    """Mean next-token loss (nats) of ``text`` under the hooks.

    Example: ``text_loss(load(), HELD_OUT)`` -> about 3.5
    """
    ids = check_prompt(text, model)
    return float(next_token_losses(forward(model, ids, None, hooks), ids).mean())


def compare(
    model: Model,
    settings: Settings,
    hooks: Hooks,
    effect_name: str,
    unit: str,
    measure: Any,
) -> dict[str, Any]:
    """BASE (no hooks) and TWEAK (``hooks``) side by side, with ``measure(hooks)`` as the effect.

    Example: ``compare(m, s, Hooks(head=HeadScale(0, 0)), "loss", "nats", lambda h: …)``
    """
    return {
        "base": side(model, settings),
        "tweak": side(model, settings, hooks),
        "effect": {
            "name": effect_name,
            "unit": unit,
            "base": measure(NO_HOOKS),
            "tweak": measure(hooks),
        },
    }


def moved(base: float, tweak: float, unit: str = "nats", digits: int = 2) -> str:
    """How a number changed, in words that follow "made the loss …", for a debrief.

    Example: ``moved(2.904, 2.976)`` -> 'rise by 0.07 nats (2.90 → 2.98)'
    """
    if round(tweak, digits) == round(base, digits):
        return f"stay at {base:.{digits}f} {unit}".rstrip()
    verb = "rise" if tweak > base else "fall"
    return (
        f"{verb} by {abs(tweak - base):.{digits}f} {unit} ({base:.{digits}f} → {tweak:.{digits}f})"
    )


def layer_of(model: Model, value: Any, name: str = "layer") -> int:
    """A layer index. Example: ``layer_of(load(), 9)`` raises "layer: at most 3" """
    return as_int(value, name, 0, model.n_layer - 1)


def head_of(model: Model, value: Any) -> int:
    """A head index. Example: ``head_of(load(), 1)`` -> 1"""
    return as_int(value, "head", 0, model.n_head - 1)


__all__ = [
    "HELD_OUT",
    "Settings",
    "check_settings_for",
    "compare",
    "head_of",
    "layer_of",
    "moved",
    "side",
    "text_loss",
]
