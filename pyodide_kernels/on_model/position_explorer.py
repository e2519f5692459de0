"""Where a token stands, for the positional-encoding explorer: the sinusoidal table beside the
real model's learned position vectors, and a proof by numbers that attention without positions
cannot tell word order apart. (RoPE, which acts inside attention, has its own widget:
maths/rope.py.)

    order blindness: attention (no mask) is permutation-equivariant: shuffle the input rows and
    its output rows shuffle the same way, each one unchanged. Only added positions break this.

The last part runs the real model's first attention layer (LayerNorm, four heads, W_O, biases)
in float64 without the causal mask, because a mask is itself a hint of order (a token that sees
only itself must be first). Leaves out: ALiBi, and the later layers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int
from ..maths.multihead import attend
from ..maths.norms import layer_norm
from ..maths.positional import sinusoidal
from ..model import Model, load

__kernels__ = ("order_blindness", "position_explorer")

MAX_WORDS = 12
#: Differences below this are float64 rounding, whose last bits differ from machine to machine
#: (and between CPython and WebAssembly): reported as 0, so every machine shows the same table.
ROUNDING = 1e-12


def unit_scale(table: np.ndarray) -> np.ndarray:
    """Values mapped onto [0, 1] for the heatmap colours (min -> 0, max -> 1).

    Example: ``unit_scale(np.array([-1.0, 0.0, 1.0]))`` -> [0, 0.5, 1]
    """
    low, high = float(table.min()), float(table.max())
    return (table - low) / (high - low) if high > low else np.zeros_like(table)


def sentence_words(text: Any, name: str) -> list[str]:
    """The words of a sentence (split on spaces).

    Example: ``sentence_words("dog bites man", "first")`` -> ['dog', 'bites', 'man']
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{name}: type a short sentence")
    words = text.split()
    if len(words) > MAX_WORDS:
        raise ValueError(f"{name}: at most {MAX_WORDS} words, got {len(words)}")
    return words


def first_layer_attention(model: Model, ids: list[int], with_positions: bool) -> np.ndarray:
    """Output rows (T, d) of the model's first attention layer, unmasked, in float64.

    Example: ``first_layer_attention(load(), [5, 9], False).shape`` -> (2, 128)
    """
    w = {k: v.astype(np.float64) for k, v in model.w.items() if k.startswith(("h.0.", "w"))}
    x = w["wte.weight"][ids]  # (T, d)
    if with_positions:
        x = x + w["wpe.weight"][: len(ids)]
    h = layer_norm(x, w["h.0.ln_1.weight"], w["h.0.ln_1.bias"], 1e-5)
    ones = np.ones((len(ids), 1))
    h1 = np.concatenate([h, ones], axis=1)  # (T, d+1): the bias rides on a column of ones
    w_qkv = np.concatenate([w["h.0.attn.c_attn.weight"], w["h.0.attn.c_attn.bias"][None]])
    w_q, w_k, w_v = np.split(w_qkv, 3, axis=1)  # each (d+1, d)
    out = attend(h1, w_q, w_k, w_v, w["h.0.attn.c_proj.weight"], model.n_head, model.n_head, False)
    return out["output"] + w["h.0.attn.c_proj.bias"]


def order_blindness(first: Any = "dog bites man", second: Any = "man bites dog") -> dict:
    """The first attention layer's output for each word of ``first``, compared with the same
    word's output in ``second`` (the same words in another order), without and with positions.

    Example: ``order_blindness()["words"][0]["without"]`` -> 0.0 (no difference beyond rounding)
    """
    a, b = sentence_words(first, "first"), sentence_words(second, "second")
    if sorted(a) != sorted(b):
        raise ValueError("second: use exactly the same words as the first, in another order")
    m = load()
    pieces = {w: m.encode(" " + w) for w in set(a)}
    spans_a, spans_b = spans(a, pieces), spans(b, pieces)
    ids_a = [i for w in a for i in pieces[w]]
    ids_b = [i for w in b for i in pieces[w]]
    rows: list[dict[str, Any]] = []
    used: set[int] = set()
    outputs = {
        flag: (first_layer_attention(m, ids_a, flag), first_layer_attention(m, ids_b, flag))
        for flag in (False, True)
    }
    for k, word in enumerate(a):
        j = next(j for j, other in enumerate(b) if other == word and j not in used)
        used.add(j)
        (sa, ea), (sb, eb) = spans_a[k], spans_b[j]
        diff = {
            flag: beyond_rounding(float(np.abs(out_a[sa:ea] - out_b[sb:eb]).max()))
            for flag, (out_a, out_b) in outputs.items()
        }
        rows.append(
            {"word": word, "tokens": ea - sa, "first_position": k, "second_position": j,
             "without": diff[False], "with": diff[True]}
        )  # fmt: skip
    return {"words": rows, "same_without": all(r["without"] == 0 for r in rows)}


def beyond_rounding(difference: float) -> float:
    """A difference, or 0 where it is only float64 rounding (below ``ROUNDING``).

    Example: ``beyond_rounding(4.4e-16)`` -> 0.0
    """
    return difference if difference >= ROUNDING else 0.0


def spans(words: list[str], pieces: dict[str, list[int]]) -> list[tuple[int, int]]:
    """Token index ranges of each word. Example: ``spans(["a", "b"], {"a": [1], "b": [2, 3]})``
    -> [(0, 1), (1, 3)]"""
    out, start = [], 0
    for word in words:
        out.append((start, start + len(pieces[word])))
        start += len(pieces[word])
    return out


def position_explorer(
    positions: Any = 32,
    d: Any = 32,
    first: Any = "dog bites man",
    second: Any = "man bites dog",
) -> dict[str, Any]:
    """Everything the explorer draws: both position tables (values and heat in [0, 1]) and the
    order-blindness comparison.

    Example: ``position_explorer(4, 4)["sinusoidal"][0]`` -> [0, 1, 0, 1]
    """
    m = load()
    rows = as_int(positions, "positions", 1, m.n_ctx)
    dim = as_int(d, "d", 2, m.d)
    if dim % 2:
        raise ValueError("d: must be even (dimensions come in sin/cos pairs)")
    table = sinusoidal(rows, dim)  # (P, d)
    learned = m.w["wpe.weight"][:rows, :dim].astype(np.float64)  # (P, d)
    return {
        "sinusoidal": table,
        "sinusoidal_heat": (table + 1) / 2,
        "learned": learned,
        "learned_heat": unit_scale(learned),
        "learned_range": [float(learned.min()), float(learned.max())],
        "order": order_blindness(first, second),
    }
