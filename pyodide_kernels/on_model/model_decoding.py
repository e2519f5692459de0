"""The real model continuing one prompt under five decoding rules side by side: greedy,
temperature sampling, top-k, top-p (nucleus) and beam search, each with the average
log-probability the model gives its own continuation.

Sampling rules draw with the given seed, so the same seed gives the same texts; greedy and beam
search use no randomness at all. Beam search keeps the ``beam`` most probable partial
continuations (by total log-probability) at every step. Leaves out: length penalties,
repetition penalties.
"""

from __future__ import annotations

from typing import Any

from .._validate import as_int, as_seed
from ..maths import beam
from ..maths.loss import next_token_losses
from ..maths.sampling import check_settings
from ..model import Model, check_prompt, forward, generate_ids, load_named

__kernels__ = ("model_decoding",)


def mean_logprob(model: Model, ids: list[int], new: list[int]) -> float:
    """The model's average log-probability (T = 1) of ``new`` after ``ids``.

    Example: ``mean_logprob(load(), [1, 2], [3])`` -> ln p(3 | 1, 2)
    """
    if not new:
        return 0.0
    context = (ids + new)[-model.n_ctx :]
    return float(-next_token_losses(forward(model, context), context)[-len(new) :].mean())


def beam_search(model: Model, ids: list[int], steps: int, width: int) -> list[int]:
    """The most probable continuation found by keeping ``width`` candidates per step.

    Example: ``beam_search(load(), load().encode("ROMEO:"), 3, 1)`` -> the greedy 3 tokens
    """
    history = beam.beam_search(
        lambda sequence: forward(model, list(sequence)[-model.n_ctx :])[-1], ids, width, steps
    )
    return history[-1][0][0][len(ids) :]  # the best beam, without the prompt


def model_decoding(
    prompt: Any = "ROMEO:",
    max_new_tokens: Any = 24,
    temperature: Any = 0.8,
    top_k: Any = 40,
    top_p: Any = 0.9,
    beam: Any = 3,
    seed: Any = 1,
    model: Any = "gpt2",
) -> dict[str, Any]:
    """Five continuations of ``prompt`` by a real model (``model``: gpt2 or llama), one per
    rule.

    Example: ``model_decoding("ROMEO:", 8)["rows"][0]["name"]`` -> 'greedy'
    """
    m = load_named(model)
    ids = check_prompt(prompt, m, room=1)
    n = as_int(max_new_tokens, "max_new_tokens", 1, 60)
    t, k, p = check_settings(temperature, top_k, top_p)
    if t == 0:
        raise ValueError("temperature: above 0 for the sampling rows (greedy has its own row)")
    width = as_int(beam, "beam", 1, 5)
    s = as_seed(seed)

    def sample(k_: int | None, p_: float | None) -> list[int]:
        return generate_ids(m, ids, n, t, k_, p_, s)

    rules = [
        ("greedy", "always the most probable token", generate_ids(m, ids, n)),
        (f"temperature {t:g}", "sample from the whole distribution", sample(None, None)),
        (f"top-k {k}, T {t:g}", "sample among the k most probable", sample(k, None)),
        (f"top-p {p:g}, T {t:g}", "sample within the nucleus", sample(None, p)),
        (f"beam search, width {width}", "most probable sequence", beam_search(m, ids, n, width)),
    ]
    return {
        "prompt": prompt,
        "seed": s,
        "rows": [
            {
                "name": name,
                "rule": rule,
                "text": m.decode(new),
                "tokens": len(new),
                "mean_logprob": mean_logprob(m, ids, new),
            }
            for name, rule, new in rules
        ],  # fmt: skip
    }
