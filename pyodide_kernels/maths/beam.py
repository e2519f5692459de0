"""Beam search: keep the ``width`` most probable partial sequences, scored by their total
log-probability, at every step, and decide only at the end. Width 1 is greedy decoding.

Each step extends every kept sequence (a *beam*) by every token; the candidates are sorted by
total log-probability, ties going to the earlier beam, then to the lower token, and the first
``width`` are kept. ``beam_search`` runs any next-token function (the real model's included);
``beam_search_table`` and ``beam_search_steps`` run a toy model whose logits depend only on the
last token, the second with every candidate of every step, kept or dropped.

References: Sutskever et al. (2014), "Sequence to Sequence Learning with Neural Networks";
Hugging Face, "How to generate text". Leaves out: length penalties, early stopping at an end
token, n-gram blocking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import as_int, as_matrix
from .softmax import log_softmax

__kernels__ = ("beam_search_table", "beam_search_steps")

#: A kept sequence and its total log-probability.
Beam = tuple[list[int], float]
#: Next-token logits after a sequence.
StepFunction = Callable[[Sequence[int]], np.ndarray]


@dataclass(frozen=True)
class Candidates:
    """One step's candidates, best total first: candidate i is beam ``parent[i]`` extended by
    ``token[i]``, whose log-probability there is ``log_prob[i]``, for a total of ``total[i]``."""

    parent: np.ndarray  # (n,) index into the step's beams
    token: np.ndarray  # (n,)
    log_prob: np.ndarray  # (n,)
    total: np.ndarray  # (n,) the beam's total + log_prob


def extend(beams: list[Beam], step: StepFunction) -> Candidates:
    """Every beam extended by every token, sorted by total log-probability, best first.

    Example: ``extend([([0], 0.0)], lambda s: np.array([0.0, 0.0])).total.tolist()`` ->
    [-0.6931471805599453, -0.6931471805599453]
    """
    totals = np.array([total for _, total in beams])  # (B,)
    log_probs = np.stack(
        [log_softmax(np.asarray(step(sequence), dtype=np.float64)) for sequence, _ in beams]
    )  # (B, V)
    summed = totals[:, None] + log_probs  # (B, V)
    # subtle: a stable sort of the flattened (beam, token) grid: ties go to the earlier beam,
    # then to the lower token
    order = np.argsort(-summed, axis=None, kind="stable")  # (B * V,)
    parent, token = np.divmod(order, log_probs.shape[1])
    return Candidates(parent, token, log_probs.ravel()[order], summed.ravel()[order])


def kept_beams(beams: list[Beam], found: Candidates, width: int) -> list[Beam]:
    """The first ``width`` candidates as beams (sequence, total), best first.

    Example: ``kept_beams([([0], 0.0)], extend([([0], 0.0)], lambda s: np.array([0.0, 1.0])),
    1)`` -> [([0, 1], -0.31326168751822286)]
    """
    chosen = zip(found.parent[:width], found.token[:width], found.total[:width], strict=True)
    return [(beams[p][0] + [int(t)], float(v)) for p, t, v in chosen]


def beam_steps(
    step: StepFunction, start: Sequence[int], width: int, steps: int
) -> Iterator[tuple[list[Beam], Candidates, list[Beam]]]:
    """Each step of beam search as (beams before it, its candidates, beams kept after it).

    Example: with ``step = lambda s: np.array([0.0, 1.0])``, ``len(list(beam_steps(step, [0], 2,
    3)))`` -> 3
    """
    beams: list[Beam] = [(list(start), 0.0)]
    for _ in range(steps):
        found = extend(beams, step)
        kept = kept_beams(beams, found, width)
        yield beams, found, kept
        beams = kept


def beam_search(
    step: StepFunction, start: Sequence[int], width: int, steps: int
) -> list[list[Beam]]:
    """Beam search: keep the ``width`` best sequences by total log-probability at each step.

    ``step(sequence)`` returns next-token logits. Returns the beams after each step, best first,
    as (sequence, log-probability). Ties keep the earlier beam, then the lower token index.
    Example: with a step function that always prefers token 0, the best beam is start + [0, 0].
    """
    return [kept for _, _, kept in beam_steps(step, start, width, steps)]


def check_search(
    table: Any, start: Any, width: Any, steps: Any
) -> tuple[np.ndarray, int, int, int]:
    """Validated (logits table, start, width, steps) for the toy model.

    Example: ``check_search([[0, 1], [1, 0]], 0, 2, 3)[1:]`` -> (0, 2, 3)
    """
    logits = as_matrix(table, "table")
    if logits.shape[0] != logits.shape[1]:
        raise ValueError(
            "table: expected a square table of logits, one row per token, got "
            f"{logits.shape[0]} rows of {logits.shape[1]}"
        )
    first = as_int(start, "start", 0, logits.shape[0] - 1)
    return logits, first, as_int(width, "width", 1, 10), as_int(steps, "steps", 1, 10)


def table_step(logits: np.ndarray) -> StepFunction:
    """The toy model's step: the logits after a sequence are the row of its last token.

    Example: ``table_step(np.eye(2))([1, 0]).tolist()`` -> [1.0, 0.0]
    """
    return lambda sequence: logits[sequence[-1]]


def beam_search_table(table: Any, start: Any = 0, width: Any = 2, steps: Any = 3) -> dict[str, Any]:
    """Beam search over a toy model whose next-token logits depend only on the last token:
    ``table[i]`` holds the logits after token i. Returns the beams at every step.

    Example: ``beam_search_table([[0, 2], [3, 0]], start=0, width=1, steps=2)["best"]`` -> [0, 1, 0]
    """
    logits, first, w, n = check_search(table, start, width, steps)
    history = beam_search(table_step(logits), [first], w, n)
    return {
        "steps": [[{"tokens": s, "log_prob": v} for s, v in beams] for beams in history],
        "best": history[-1][0][0],
    }


def candidate_rows(beams: list[Beam], found: Candidates, width: int) -> list[dict[str, Any]]:
    """One step's candidates as rows: tokens, the step's log-probability, the running total and
    whether the candidate stays in the beam.

    Example: ``candidate_rows([([0], 0.0)], extend([([0], 0.0)], lambda s: np.zeros(2)), 1)[1]
    ["kept"]`` -> False
    """
    rows = zip(found.parent, found.token, found.log_prob, found.total, strict=True)
    return [
        {
            "tokens": beams[p][0] + [int(t)],
            "log_prob": float(lp),
            "total": float(v),
            "kept": i < width,
        }
        for i, (p, t, lp, v) in enumerate(rows)
    ]


def beam_search_steps(table: Any, start: Any = 0, width: Any = 2, steps: Any = 3) -> dict[str, Any]:
    """Beam search step by step over the toy model of ``beam_search_table``: every candidate of
    every step (a kept beam extended by one token) with its log-probability, running total and
    kept flag, then the best sequence beside greedy's (width 1), each with its total. Also the
    model itself: ``log_probs[i][j]`` is log p(token j | last token i).

    Example: ``beam_search_steps([[0, 2], [3, 0]], width=1, steps=1)["steps"][0][1]["kept"]`` ->
    False
    """
    logits, first, w, n = check_search(table, start, width, steps)
    step = table_step(logits)
    found = list(beam_steps(step, [first], w, n))
    greedy = beam_search(step, [first], 1, n)[-1][0]
    best = found[-1][2][0]
    return {
        "vocab_size": logits.shape[0],
        "log_probs": log_softmax(logits),  # (V, V): row i, the next token after token i
        "start": first,
        "width": w,
        "steps": [candidate_rows(beams, candidates, w) for beams, candidates, _ in found],
        "best": best[0],
        "best_log_prob": best[1],
        "greedy": greedy[0],
        "greedy_log_prob": greedy[1],
        "gain": best[1] - greedy[1],
    }
