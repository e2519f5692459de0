"""Speculative decoding at temperature 0: a cheap *draft* guesses the next few tokens, and the
model checks all the guesses in one forward pass instead of one pass per token. Each guess the
model would have picked itself (its argmax after the guesses before it) is kept; at the first
wrong one the model's own token is taken instead and the rest thrown away, the cache cut back
to match. Every token kept is the model's greedy choice, so the text is greedy's, token for
token: only the number of forward passes changes.

The draft here is *prompt lookup*: find the last time the newest few tokens (an n-gram)
appeared earlier in the text, and propose what followed them then. Text that repeats itself,
as a small model's greedy text does, is guessed well, and it is the copying an induction head
does, done by a lookup.

References: Leviathan, Kalman & Matias (2023), "Fast Inference from Transformers via
Speculative Decoding"; Chen et al. (2023), "Accelerating Large Language Model Decoding with
Speculative Sampling"; Saxena (2023), "Prompt Lookup Decoding". Leaves out: sampling at T > 0
(the accept-or-resample rule), a draft model, running past the context window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .cache import KVCache
from .forward import forward
from .weights import Model


def lookup_draft(context: list[int], count: int, ngram: int) -> list[int]:
    """Up to ``count`` tokens that followed the latest earlier occurrence of the context's last
    ``ngram`` tokens (then of its last ngram − 1, …, 1); none if no n-gram recurs.

    Example: ``lookup_draft([1, 2, 3, 9, 1, 2], 2, 2)`` -> [3, 9]
    """
    for n in range(min(ngram, len(context) - 1), 0, -1):
        tail = context[-n:]
        for start in range(len(context) - n - 1, -1, -1):
            if context[start : start + n] == tail:
                return context[start + n : start + n + count]
    return []


@dataclass(frozen=True)
class Round:
    """One verifying pass: the draft's guesses, and how many of them (from the first) the model
    kept."""

    guess: list[int]
    kept: int


@dataclass
class Speculation:
    """A speculative run: the new tokens, the model's forward passes and every round."""

    tokens: list[int] = field(default_factory=list)
    passes: int = 0
    rounds: list[Round] = field(default_factory=list)

    @property
    def proposed(self) -> int:
        return sum(len(r.guess) for r in self.rounds)

    @property
    def accepted(self) -> int:
        return sum(r.kept for r in self.rounds)


def speculative_ids(
    model: Model, ids: list[int], steps: int, draft_tokens: int, ngram: int
) -> Speculation:
    """``steps`` greedy tokens after ``ids``, drafted by prompt lookup and verified by the model
    a round at a time. ``len(ids) + steps`` must fit the context window.

    Example: ``speculative_ids(load(), [5], 3, 2, 2).tokens == generate_ids(load(), [5], 3)``
    -> True
    """
    if len(ids) + steps > model.n_ctx:
        raise ValueError(f"prompt and new tokens: at most {model.n_ctx} together")
    run = Speculation()
    cache = KVCache(model.config)
    logits = forward(model, ids, cache)
    run.passes = 1
    context = list(ids)
    token = int(np.argmax(logits[-1]))  # the model's own next token: always kept
    while True:
        run.tokens.append(token)
        context.append(token)
        if len(run.tokens) == steps:
            return run
        room = min(draft_tokens, steps - len(run.tokens), model.n_ctx - len(context))
        guess = lookup_draft(context, room, ngram) if room > 0 else []
        cached = cache.length
        logits = forward(model, [token, *guess], cache)  # row i: the token after guess[:i]
        run.passes += 1
        choices = np.argmax(logits, axis=-1)
        kept = 0
        while kept < len(guess) and choices[kept] == guess[kept]:
            kept += 1
        run.rounds.append(Round(guess, kept))
        run.tokens += guess[:kept]
        context += guess[:kept]
        cache.truncate(cached + 1 + kept)  # the rejected guesses' keys and values go
        token = int(choices[kept])
        if len(run.tokens) == steps:
            return run
