"""Speculative decoding on the real model, timed against plain greedy decoding: the same
prompt continued both ways, the texts compared token for token, the draft's guesses and how
many the model kept, the forward passes each way, and the measured speed-up.

Leaves out: sampling at T > 0, a separate draft model (see ``model.speculative``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .._validate import as_int
from ..model import Round, check_prompt, generate_ids, load, speculative_ids

__kernels__ = ("speculative_decoding",)


def speculative_decoding(
    prompt: Any = "ROMEO:\nBut soft, what light through yonder window breaks?\n",
    max_new_tokens: Any = 60,
    draft_tokens: Any = 4,
    ngram: Any = 3,
    measure: bool = False,
) -> dict[str, Any]:
    """Greedy text by speculative decoding and plainly, with the draft's record; with
    ``measure``, the seconds each way took here and the speed-up (``live``).

    Example: ``speculative_decoding(max_new_tokens=20)["same_as_greedy"]`` -> True
    """
    m = load()
    steps = as_int(max_new_tokens, "max_new_tokens", 1, m.n_ctx - 1)
    ids = check_prompt(prompt, m, room=steps)
    draft = as_int(draft_tokens, "draft_tokens", 1, 16)
    n = as_int(ngram, "ngram", 1, 8)
    run = speculative_ids(m, ids, steps, draft, n)
    greedy = generate_ids(m, ids, steps)
    guessed = guessed_flags(run.rounds, steps)
    result = {
        "text": m.decode(run.tokens),
        "tokens": [m.token_text(i) for i in run.tokens],
        "guessed": guessed,
        "same_as_greedy": run.tokens == greedy,
        "passes": {"speculative": run.passes, "greedy": steps},
        "proposed": run.proposed,
        "accepted": run.accepted,
        "acceptance_rate": run.accepted / run.proposed if run.proposed else 0.0,
        "tokens_per_pass": steps / run.passes,
    }
    if measure:  # again, warm: the first runs above paid for loading and first calls
        seconds = {
            "greedy": timed(lambda: generate_ids(m, ids, steps)),
            "speculative": timed(lambda: speculative_ids(m, ids, steps, draft, n)),
        }
        result["live"] = {"seconds": seconds, "speedup": seconds["greedy"] / seconds["speculative"]}
    return result


def timed(work: Callable[[], object]) -> float:
    """Seconds ``work()`` takes. Example: ``timed(lambda: None) < 1`` -> True"""
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def guessed_flags(rounds: list[Round], steps: int) -> list[bool]:
    """For each new token, whether the draft proposed it (True) or the model chose it itself:
    the first token and, after each round, one more are the model's own.

    Example: ``guessed_flags([Round([4, 5], 1)], 3)`` -> [False, True, False]
    """
    flags = [False]
    for r in rounds:
        flags += [True] * r.kept + [False]
    return flags[:steps]
