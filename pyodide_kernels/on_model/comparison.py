"""The two shipped models side by side: the GPT-2 (LayerNorm, GELU, learned positions, a
key/value head per query head) and the Llama-style model (RMSNorm, SwiGLU, RoPE, 4 query heads
sharing 2 key/value heads), trained by the same recipe on the same tokens. Every figure is
measured here by the NumPy model, or read from the trainer's records:

- parameters, by part (embeddings, positions, attention, MLP, norms), counted from the weights;
- the held-out loss (traces/heldout.json: 16 windows of 128 tokens from works never trained on);
- the KV cache's bytes per token, from the cache the model decodes with;
- the loss past the 128-token training context (traces/heldout_long.json: 5 windows of 512),
  by stretch of positions, run three ways: the whole text in one context (a learned position
  table has no row past 127, so the GPT-2 refuses; RoPE runs on), a sliding window of 128 keys
  (``AttentionWindow``: no query sees further back than in training), and cut into separate
  windows of 128 that each start again from position 0;
- the previous-token and induction heads each model formed, on the repeated random tokens of
  its PyTorch induction trace (reference/traces.py);
- greedy decoding speed, timed where the kernel runs (``measure``: only the speeds, so that a
  click in the browser does not redo the rest; every other figure is the same wherever it runs).

References: Touvron et al. (2023) Llama; Su et al. (2021) RoPE; Press et al. (2022) ALiBi on
extrapolation past the training length; Olsson et al. (2022) induction heads.
Leaves out: batching, other context lengths.

Example: ``model_comparison()["models"][1]["kv_bytes_per_token"]`` -> 2048 (GPT-2: 4096)
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import numpy as np

from .._assets import data_path
from ..maths.loss import target_losses
from ..model import MODELS, KVCache, Model, forward, load_named, record
from ..model.hooks import NO_HOOKS, AttentionWindow, Hooks
from .calibration import heldout
from .hardware import time_generation

__kernels__ = ("model_comparison",)

LONG = "traces/heldout_long.json"
#: Each model's PyTorch induction trace and training record.
INDUCTION = {"gpt2": "traces/induction_cpu.json", "llama": "traces/llama/induction_cpu.json"}
CURVES = {"gpt2": "traces/loss_curve.json", "llama": "traces/llama/loss_curve.json"}
#: Where each weight belongs, by the first part of its name that matches.
PARTS = (("wte.", "embeddings"), ("wpe.", "positions"), (".attn.", "attention"),
         (".mlp.", "mlp"), ("ln", "norms"))  # fmt: skip
STRETCH = 128  # tokens per stretch of the long-context table: the training context


def weight_parts(model: Model) -> dict[str, int]:
    """Learned numbers by part of the model, from its weights' names.

    Example: ``weight_parts(load_named("llama"))["positions"]`` -> 0 (RoPE learns none)
    """
    parts = dict.fromkeys(dict(PARTS).values(), 0)
    for name, array in model.w.items():
        parts[next(part for key, part in PARTS if key in name)] += int(array.size)
    return parts


def kv_bytes_per_token(model: Model) -> int:
    """Bytes the KV cache the model decodes with keeps per token: keys and values of every
    block and key/value head, float32. Example: GPT-2 2 × 4 blocks × 4 heads × 32 × 4 bytes ->
    4096; the Llama, with 2 key/value heads, 2048"""
    cache = KVCache(model.config)
    return (cache.k.nbytes + cache.v.nbytes) // model.n_ctx


def window_losses(model: Model, ids: list[int], hooks: Hooks = NO_HOOKS) -> np.ndarray:
    """Each position's next-token loss (T,) of a window of T + 1 tokens: its first T in one
    context, predicting its last T; raises the model's own ``ValueError`` where its positions
    end. Example: ``window_losses(load_named(), ids).shape`` -> (128,) for 129 ids
    """
    return target_losses(forward(model, ids[:-1], hooks=hooks), ids[1:])


def heldout_loss(model: Model) -> float:
    """Mean next-token loss (nats) over the held-out windows, all 128 positions of each.

    Example: ``heldout_loss(load_named())`` -> about 3.2
    """
    return float(np.mean([window_losses(model, w["ids"]) for w in heldout()["windows"]]))


@lru_cache(maxsize=1)
def long_windows(path: str = LONG) -> list[list[int]]:
    """The token ids of the long held-out windows (each 513: 512 inputs and their targets)."""
    return [w["ids"] for w in json.loads(data_path(path).read_text())["windows"]]


def losses_in_separate_windows(model: Model, ids: list[int]) -> np.ndarray:
    """Each position's loss (T,) with the text cut into windows of n_ctx inputs, each run alone
    from position 0, so a window's first token is predicted from itself alone.

    Example: for 513 ids and n_ctx 128, four runs of ``window_losses`` side by side
    """
    n = model.n_ctx
    pieces = [ids[start : start + n + 1] for start in range(0, len(ids) - 1, n)]
    return np.concatenate([window_losses(model, piece) for piece in pieces])


def by_stretch(losses: np.ndarray) -> list[float]:
    """Mean loss over each stretch of STRETCH positions.

    Example: ``by_stretch(np.ones(256))`` -> [1.0, 1.0]
    """
    return [float(np.mean(losses[i : i + STRETCH])) for i in range(0, len(losses), STRETCH)]


def long_context(model: Model) -> dict[str, Any]:
    """The three ways through the long windows (module docstring), each as its mean loss per
    stretch of 128 positions; a way the model cannot run says why instead.

    Example: ``long_context(load_named())["one_context"]`` -> {"refused": "prompt: at most 128
    tokens in the context window"}
    """
    windows = long_windows()
    ways: dict[str, Any] = {}
    window = Hooks(window=AttentionWindow(model.n_ctx))
    for name, run in (
        ("one_context", lambda ids: window_losses(model, ids)),
        ("sliding_window", lambda ids: window_losses(model, ids, window)),
        ("separate_windows", lambda ids: losses_in_separate_windows(model, ids)),
    ):
        try:
            per = np.stack([run(ids) for ids in windows])  # (W, T-1)
        except ValueError as refused:
            ways[name] = {"refused": str(refused)}
            continue
        ways[name] = {"stretches": by_stretch(per.mean(axis=0))}
    return ways


def head_roles(model: Model, name: str) -> dict[str, Any]:
    """Every head's previous-token score (mean attention to the token just before) and
    induction score (from the second copy, to the token after the same token's first
    occurrence) on the induction trace's repeated random tokens, with the best head of each.

    Example: ``head_roles(load_named(), "gpt2")["induction"]["layer"]`` -> 3
    """
    trace = json.loads(data_path(INDUCTION[name]).read_text())
    ids, span = trace["example_ids"], trace["span"]
    attn = np.stack(record(model, ids)[1].attn)  # (L, nh, T, T)
    q = np.arange(1, len(ids))
    previous = attn[:, :, q, q - 1].mean(axis=2)  # (L, nh)
    second = np.arange(span, 2 * span)
    induction = attn[:, :, second, second - span + 1].mean(axis=2)  # (L, nh)

    def best(scores: np.ndarray) -> dict[str, Any]:
        layer, head = divmod(int(np.argmax(scores)), scores.shape[1])
        return {"layer": layer, "head": head, "score": float(scores.max())}

    return {
        "previous_token_scores": previous,
        "induction_scores": induction,
        "previous_token": best(previous),
        "induction": best(induction),
        "torch_induction_head": trace["induction_head"],
    }


def training_record(name: str) -> dict[str, Any]:
    """What the trainer wrote: its device, wall time, steps and final validation loss.

    Example: ``training_record("llama")["device"]`` -> 'AMD EPYC'
    """
    curve = json.loads(data_path(CURVES[name]).read_text())
    return {
        "device": curve["meta"]["device_name"],
        "seconds": curve["training_seconds"],  # a timing: another machine takes another time
        "tokens_seen": curve["tokens_seen"],
        "validation_loss": curve["validation"][-1],
        "steps": curve["step"][-1],
    }


def describe(model: Model, name: str) -> dict[str, Any]:
    """One model's column of the table.

    Example: ``describe(load_named("llama"), "llama")["parts"]["positions"]`` -> 0
    """
    c = model.config
    row: dict[str, Any] = {
        "name": name,
        "design": {
            "norm": c.norm,
            "mlp": c.mlp,
            "positions": c.positions,
            "n_head": c.n_head,
            "kv_heads": c.kv_heads,
            "n_inner": c.n_inner,
        },  # fmt: skip
        "parameters": model.parameters(),
        "parts": weight_parts(model),
        "heldout_loss": heldout_loss(model),
        "kv_bytes_per_token": kv_bytes_per_token(model),
        "long_context": long_context(model),
        "heads": head_roles(model, name),
        "training": training_record(name),
    }
    row["heldout_perplexity"] = float(np.exp(row["heldout_loss"]))
    return row


def speeds() -> list[dict[str, Any]]:
    """Each model's greedy decoding speed here: 120 tokens with the KV cache, after both have
    generated 32 untimed (WebAssembly compiles its hot code better after a first run, and the
    model timed first would otherwise pay for it).

    Example: ``speeds()[0]["speed"]["tokens"]`` -> 120
    """
    for name in MODELS:
        time_generation("ROMEO:", 32, True, name)  # untimed warm-up
    rows = []
    for name in MODELS:
        timed = time_generation("ROMEO:", 120, True, name)
        speed = {"tokens": timed["tokens"], "tokens_per_second": timed["tokens_per_second"]}
        rows.append({"name": name, "speed": speed})
    return rows


def model_comparison(measure: bool = False) -> dict[str, Any]:
    """Both shipped models measured side by side (see the module docstring); with
    ``measure``, only each model's decoding speed, timed where this runs (``speeds``).

    Example: ``[m["name"] for m in model_comparison()["models"]]`` -> ['gpt2', 'llama']
    """
    if not isinstance(measure, bool):
        raise ValueError("measure: expected true or false")
    if measure:
        return {"models": speeds(), "measured": True}
    rows = [describe(load_named(name), name) for name in MODELS]
    return {"models": rows, "stretch": STRETCH, "long_tokens": len(long_windows()[0]) - 1,
            "long_windows": len(long_windows()), "measured": False}  # fmt: skip
