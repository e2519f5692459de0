"""Attention sinks in the real model: how much attention each head gives the first token,
against what spreading it evenly would give, and what happens to the loss when a sliding window
drops the first tokens from the context, or keeps a few of them as StreamingLLM does.

    share(l, h)  = mean over texts and queries t >= q0 of attention(l, h)[t, 0]
    uniform      = mean over the same queries of 1 / (t + 1)   (every visible key alike)
    a sink head  : share >= multiple × uniform
    loss(W, S)   = mean nats of the next tokens at positions start … 127 when each query reads
                   its W most recent keys and the first S (positions stay the original ones)

The texts are the traced prompts (traces/prompts_cpu.json) and ``PASSAGE``, the opening of
Richard III, a work the model never trained on (reference/corpus.py holds it out); the loss is
measured on the passage's first 129 tokens (128 inputs, each with its next token).

References: Xiao et al. (2023) "Efficient Streaming Language Models with Attention Sinks"
(StreamingLLM); Beltagy et al. (2020) and Jiang et al. (2023) for sliding-window attention.
Leaves out: re-numbering the kept positions inside the cache (the paper's rolling positions;
this model's learned positions stop at 128, so the originals are kept), a learned sink token
trained in from the start, and texts longer than the context window.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from .._validate import as_int, as_number
from ..maths.loss import target_losses
from ..model import NO_HOOKS, Hooks, forward, load, record
from ..model.hooks import AttentionWindow
from .attention_map import trace_prompts

__kernels__ = ("attention_sinks",)

#: Richard III, Act 1 Scene 1, as the Gutenberg text the corpus uses prints it (public domain).
PASSAGE = """GLOSTER.
Now is the winter of our discontent
Made glorious summer by this sun of York;
And all the clouds that lour'd upon our house
In the deep bosom of the ocean buried.
Now are our brows bound with victorious wreaths;
Our bruised arms hung up for monuments;
Our stern alarums chang'd to merry meetings,
Our dreadful marches to delightful measures.
Grim-visag'd war hath smooth'd his wrinkled front;
And now,--instead of mounting barbed steeds
To fright the souls of fearful adversaries,--
He capers nimbly in a lady's chamber
To the lascivious pleasing of a lute.
"""
SINK_COUNTS = (0, 1, 2, 4)  # the sink tokens the loss table always shows
MAX_SINKS = 16
MIN_GAP = 0.01  # nats: below this the window costs nothing and "recovered" means nothing


@lru_cache(maxsize=1)
def passage_ids() -> tuple[int, ...]:
    """The passage's first n_ctx + 1 token ids: 128 inputs and, one along, their next tokens.

    Example: ``len(passage_ids())`` -> 129
    """
    m = load()
    ids = m.encode(PASSAGE)
    if len(ids) < m.n_ctx + 1:
        raise ValueError(f"PASSAGE: needs {m.n_ctx + 1} tokens, has {len(ids)}")
    return tuple(ids[: m.n_ctx + 1])


def texts() -> list[list[int]]:
    """The token ids the grid averages over: every traced prompt, then the passage's inputs.

    Example: ``[len(t) for t in texts()]`` -> [26, 15, 17, 23, 11, 128]
    """
    traced = [p["ids"] for key, p in trace_prompts().items() if key != "meta"]
    return [*traced, list(passage_ids()[: load().n_ctx])]


def model_attention(ids: list[int], hooks: Hooks = NO_HOOKS) -> np.ndarray:
    """Every head's attention weights (L, nh, T, T) of the NumPy model on ``ids``.

    Example: ``model_attention([5, 6]).shape`` -> (4, 4, 2, 2)
    """
    return np.stack(record(load(), ids, hooks)[1].attn)


def uniform_share(lengths: list[int], q0: int) -> float:
    """What position 0 would get on average if every query t >= q0 spread its attention evenly
    over its t + 1 visible keys: the mean of 1 / (t + 1).

    Example: ``uniform_share([4], 2)`` -> 0.292 (the mean of 1/3 and 1/4)
    """
    inverse = [1 / (t + 1) for n in lengths for t in range(q0, n)]
    if not inverse:
        raise ValueError(f"q0: no text is longer than {q0} tokens")
    return float(np.mean(inverse))


def first_token_share(attention: list[np.ndarray], q0: int) -> np.ndarray:
    """Each head's mean weight on key 0, (L, nh), over the queries t >= q0 of every text's
    attention (L, nh, T, T), each query counted once.

    Example: ``first_token_share([np.full((1, 1, 2, 2), 0.5)], 1).tolist()`` -> [[0.5]]
    """
    rows = [a[:, :, q0:, 0] for a in attention if a.shape[-1] > q0]  # (L, nh, T - q0) each
    if not rows:
        raise ValueError(f"q0: no text is longer than {q0} tokens")
    return np.concatenate(rows, axis=-1).mean(axis=-1)  # (L, nh)


def sink_heads(share: np.ndarray, uniform: float, multiple: float) -> list[dict[str, Any]]:
    """The heads whose share of position 0 is at least ``multiple`` × uniform, strongest first.

    Example: ``sink_heads(np.array([[0.1, 0.5]]), 0.1, 2.0)`` -> [{"layer": 0, "head": 1,
    "share": 0.5, "ratio": 5.0}]
    """
    found = [
        {"layer": int(layer), "head": int(head), "share": float(s), "ratio": float(s / uniform)}
        for (layer, head), s in np.ndenumerate(share)
        if s >= multiple * uniform
    ]
    return sorted(found, key=lambda h: -h["ratio"])


@lru_cache(maxsize=8)
def _shares(q0: int) -> tuple[np.ndarray, float]:
    ids = texts()
    share = first_token_share([model_attention(t) for t in ids], q0)  # (L, nh)
    return share, uniform_share([len(t) for t in ids], q0)


def first_token_attention(q0: int = 8, multiple: float = 2.0) -> dict[str, Any]:
    """Each head's mean attention on position 0 from the queries at q0 and later, over the
    traced prompts and the passage, the uniform baseline, the sink heads and the strongest.

    Example: ``first_token_attention()["strongest"]["layer"]`` -> 3
    """
    share, uniform = _shares(q0)
    ratio = share / uniform  # (L, nh)
    layer, head = np.unravel_index(int(np.argmax(ratio)), ratio.shape)
    return {
        "share": share.copy(),
        "ratio": ratio,
        "uniform": uniform,
        "sink_heads": sink_heads(share, uniform, multiple),
        "strongest": {
            "layer": int(layer),
            "head": int(head),
            "share": float(share[layer, head]),
            "ratio": float(ratio[layer, head]),
        },
        "q0": q0,
        "multiple": multiple,
        "texts": len(texts()),
        "queries": sum(max(len(t) - q0, 0) for t in texts()),
    }


def window_hooks(window: int | None, sinks: int) -> Hooks:
    """Full causal attention for ``window`` None, else the sliding window with ``sinks`` kept.

    Example: ``window_hooks(16, 1).window`` -> AttentionWindow(window=16, sinks=1)
    """
    return NO_HOOKS if window is None else Hooks(window=AttentionWindow(window, sinks))


@lru_cache(maxsize=64)
def _token_losses(window: int | None, sinks: int) -> np.ndarray:
    m, ids = load(), passage_ids()
    logits = forward(m, list(ids[: m.n_ctx]), hooks=window_hooks(window, sinks))  # (T, V)
    return target_losses(logits, list(ids[1:]))  # (T,)


def token_losses(window: int | None = None, sinks: int = 0) -> np.ndarray:
    """−ln p of each next token of the passage (128,), with full attention (``window`` None)
    or a sliding window of ``window`` recent keys plus the first ``sinks``.

    Example: ``token_losses().shape`` -> (128,)
    """
    return _token_losses(window, sinks).copy()


def window_losses(window: int, sinks: int, start: int) -> dict[str, Any]:
    """Mean loss (nats/token) on positions start … 127 of the passage: full attention, the
    window alone, the window with ``sinks`` first tokens, the window widened by as many recent
    tokens instead (the same number of keys, no sinks), the share of the window's extra loss
    the sinks win back (None when the window costs under ``MIN_GAP``), and the table over
    ``SINK_COUNTS``.

    Example: ``window_losses(16, 1, 64)["window"] > window_losses(16, 1, 64)["full"]`` -> True
    """
    n_ctx = load().n_ctx

    def mean(w: int | None, s: int) -> float:
        return float(token_losses(w, s)[start:].mean())

    full, alone, kept = mean(None, 0), mean(window, 0), mean(window, sinks)
    gap = alone - full
    return {
        "full": full,
        "window": alone,
        "sinks": kept,
        "wider": mean(min(window + sinks, n_ctx), 0),
        "recovered": (alone - kept) / gap if gap > MIN_GAP else None,
        "by_sinks": [{"sinks": s, "loss": mean(window, s)} for s in sorted({*SINK_COUNTS, sinks})],
        "per_position": {
            "positions": list(range(start, n_ctx)),
            "full": token_losses()[start:],
            "window": token_losses(window, 0)[start:],
            "sinks": token_losses(window, sinks)[start:],
        },
    }


def attention_sinks(
    window: Any = 16,
    sinks: Any = 1,
    start: Any = 64,
    q0: Any = 8,
    multiple: Any = 2.0,
) -> dict[str, Any]:
    """The first-token attention grid of every head with its uniform baseline and sink heads,
    and the passage's loss under full attention, a sliding window of ``window`` keys, and the
    window with the first ``sinks`` tokens kept.

    Example: ``attention_sinks()["losses"]["sinks"] < attention_sinks()["losses"]["window"]``
    -> True
    """
    m = load()
    w = as_int(window, "window", 1, m.n_ctx)
    s = as_int(sinks, "sinks", 0, MAX_SINKS)
    first = as_int(start, "start", 0, m.n_ctx - 1)
    q = as_int(q0, "q0", 1, m.n_ctx - 1)
    k = as_number(multiple, "multiple", 1.0, 100.0)
    ids = passage_ids()
    return {
        **first_token_attention(q, k),
        "losses": window_losses(w, s, first),
        "window": w,
        "sinks": s,
        "start": first,
        "first_tokens": [m.token_text(i) for i in ids[:4]],
    }
