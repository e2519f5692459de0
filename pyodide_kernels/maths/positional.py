"""Where a token stands: sinusoidal encodings (Vaswani et al. 2017), learned positions (a lookup
table, as GPT-2), and rotary embeddings (RoPE, Su et al. 2021).

    sinusoidal[pos, 2i]   = sin(pos / 10000^(2i/d))
    sinusoidal[pos, 2i+1] = cos(pos / 10000^(2i/d))
    RoPE rotates each pair of ADJACENT dimensions (2i, 2i+1) of q and k by the angle
    pos · θ_i with θ_i = base^(-2i/d), so q_m · k_n depends only on m − n.

Leaves out: ALiBi, NTK/YaRN scaling of RoPE. (Llama's code pairs dimension i with i + d/2;
the maths is the same up to a permutation of dimensions.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int, as_matrix, as_number, as_vector

__kernels__ = ("sinusoidal_table", "learned_positions", "rope_rotation", "rope_relative")


def sinusoidal(positions: int, d: int) -> np.ndarray:
    """The (positions, d) sinusoidal table. Example: row 0 is [0, 1, 0, 1, …]"""
    pos = np.arange(positions)[:, None]  # (P, 1)
    rates = 1.0 / 10000 ** (np.arange(0, d, 2) / d)  # (d/2,)
    table = np.zeros((positions, d))
    table[:, 0::2] = np.sin(pos * rates)
    table[:, 1::2] = np.cos(pos * rates[: d // 2])
    return table


def sinusoidal_table(positions: Any = 64, d: Any = 32) -> dict[str, Any]:
    """The sinusoidal table for a heatmap, with each pair's wavelength.

    Example: ``sinusoidal_table(2, 4)["table"][1][0]`` -> sin(1) = 0.841
    """
    p, dim = as_int(positions, "positions", 1, 2048), as_int(d, "d", 2, 1024)
    if dim % 2:
        raise ValueError("d: must be even (dimensions come in sin/cos pairs)")
    wavelengths = 2 * np.pi * 10000 ** (np.arange(0, dim, 2) / dim)
    return {"table": sinusoidal(p, dim), "wavelengths": wavelengths}


def learned_positions(table: Any, token_vectors: Any) -> dict[str, Any]:
    """GPT-2's learned positions: row t of a trained (block_size, d) table is added to token t.

    Example: ``learned_positions([[0, 1], [1, 0]], [[5, 5], [5, 5]])["sum"]`` -> [[5, 6], [6, 5]]
    """
    e = as_matrix(table, "table")  # (P, d)
    x = as_matrix(token_vectors, "token_vectors")  # (T, d)
    if x.shape[1] != e.shape[1]:
        raise ValueError(f"token_vectors: rows need {e.shape[1]} values, like the table's")
    if x.shape[0] > e.shape[0]:
        raise ValueError(f"token_vectors: at most {e.shape[0]} tokens, the table's length")
    positions = np.arange(x.shape[0])
    return {"positions": positions, "position_vectors": e[positions], "sum": x + e[positions]}


def rope(x: np.ndarray, positions: np.ndarray, base: float = 10000.0) -> np.ndarray:
    """Rotate adjacent pairs of the last axis of x (T, d) by position · θ_i.

    Example: ``rope(np.array([[1.0, 0.0]]), np.array([np.pi / 2]))`` -> [[0, 1]]
    """
    d = x.shape[-1]
    theta = base ** (-np.arange(0, d, 2) / d)  # (d/2,)
    angles = positions[:, None] * theta[None, :]  # (T, d/2)
    cos, sin = np.cos(angles).astype(x.dtype), np.sin(angles).astype(x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def rope_rotation(vector: Any, position: Any, base: Any = 10000.0) -> dict[str, Any]:
    """One vector rotated to a position, pair by pair, with each pair's angle.

    Example: ``rope_rotation([1, 0], 1, base=1)["rotated"]`` -> [cos 1, sin 1] = [0.540, 0.841]
    """
    v = as_vector(vector, "vector")
    if v.size % 2:
        raise ValueError("vector: needs an even number of values (pairs are rotated)")
    pos = as_number(position, "position", 0, 1e6)
    b = as_number(base, "base", 1.0, 1e9)
    theta = b ** (-np.arange(0, v.size, 2) / v.size)
    return {"rotated": rope(v[None], np.array([pos]), b)[0], "angles": pos * theta, "theta": theta}


def rope_relative(q: Any, k: Any, offset: Any = 3, positions: Any = 8) -> dict[str, Any]:
    """RoPE's relative property: q at m against k at m + offset gives the same score for every m.

    Example: ``rope_relative([1, 0, 1, 0], [0, 1, 1, 1], 2)["scores"]`` -> all equal
    """
    qv, kv = as_vector(q, "q"), as_vector(k, "k")
    if qv.shape != kv.shape or qv.size % 2:
        raise ValueError("k: q and k need the same, even, number of values")
    gap = as_int(offset, "offset", -512, 512)
    starts = np.arange(max(0, -gap), max(0, -gap) + as_int(positions, "positions", 1, 512))
    rq = rope(np.repeat(qv[None], starts.size, 0), starts.astype(float))
    rk = rope(np.repeat(kv[None], starts.size, 0), (starts + gap).astype(float))
    return {"m": starts, "scores": np.sum(rq * rk, axis=-1), "unrotated": float(qv @ kv)}
