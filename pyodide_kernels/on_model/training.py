"""Training, seen from its results: the real loss curve of the shipped model, and teacher
forcing on a short text, where every position is one prediction with its own loss.

    loss at position t = −ln p_model(token_{t+1} | tokens_0..t)     (cross-entropy, in nats)
    training loss = the mean of those over every position of every sequence in a batch

Reads ``traces/loss_curve.json`` (written by reference/train.py). Leaves out: the optimiser's
own state, learning-rate schedules, gradient clipping.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

import numpy as np

from .._assets import data_path
from ..maths.loss import next_token_losses
from ..model import check_prompt, forward, load, top_tokens

__kernels__ = ("loss_curve", "teacher_forcing")

CURVE = "traces/loss_curve.json"


@lru_cache(maxsize=1)
def read_curve(path: str = CURVE) -> dict[str, Any]:
    """The recorded training run. Example: ``read_curve()["step"][-1]`` -> the last step"""
    return json.loads(data_path(path).read_text())


def loss_curve(every: Any = 5) -> dict[str, Any]:
    """The shipped model's train and validation loss against tokens seen, the unigram baseline,
    and a few rows (every ``every``-th evaluation, and the last) for a readable table.

    Example: ``loss_curve()["tokens_per_parameter"]`` -> about 19 (Chinchilla's rule is 20)
    """
    run = read_curve()
    steps = np.asarray(run["step"])  # (E,)
    tokens_per_step = run["tokens_seen"] / steps[-1]
    tokens = steps * tokens_per_step
    stride = max(1, int(every)) if isinstance(every, int) and not isinstance(every, bool) else 5
    rows = sorted(set(range(0, len(steps), stride)) | {len(steps) - 1})
    final_validation = run["validation"][-1]
    return {
        "step": steps,
        "tokens": tokens,
        "train": run["train"],
        "validation": run["validation"],
        "unigram": run["unigram_validation_loss"],
        "uniform": math.log(run["model"]["vocab_size"]),
        "table": [
            {
                "step": int(steps[i]),
                "tokens": float(tokens[i]),
                "train": run["train"][i],
                "validation": run["validation"][i],
            }
            for i in rows
        ],  # fmt: skip
        "final_train": run["train"][-1],
        "final_validation": final_validation,
        "perplexity": math.exp(final_validation),
        "parameters": run["parameters"],
        "tokens_seen": run["tokens_seen"],
        "tokens_per_parameter": run["tokens_seen"] / run["parameters"],
        "seconds": run["training_seconds"],
        "device": run["meta"]["device_name"],
    }


def teacher_forcing(text: Any = "To be, or not to be, that is the question", k: Any = 3) -> dict:
    """Every position of ``text`` as one training example: the context, the true next token,
    the model's probability for it and the loss −ln p, with the model's own top ``k`` guesses.

    Example: ``teacher_forcing("To be")["positions"][0]["target"]`` -> ' be'
    """
    m = load()
    ids = check_prompt(text, m)
    if len(ids) < 2:
        raise ValueError("text: needs at least two tokens (one to read, one to predict)")
    if len(ids) > 40:
        raise ValueError(f"text: at most 40 tokens for the table, yours has {len(ids)}")
    top = max(1, min(int(k) if isinstance(k, int) and not isinstance(k, bool) else 3, 10))
    logits = forward(m, ids)
    losses = next_token_losses(logits, ids)  # (T-1,)
    positions = [
        {"context": m.token_text(ids[t]), "target": m.token_text(ids[t + 1]),
         "prob": math.exp(-loss), "loss": float(loss), "top": top_tokens(m, logits[t], top)}
        for t, loss in enumerate(losses)
    ]  # fmt: skip
    return {
        "tokens": [m.token_text(i) for i in ids],
        "positions": positions,
        "mean_loss": float(np.mean(losses)),
        "worst": int(np.argmax(losses)),
    }
