"""Rotary position embeddings (RoPE, Su et al. 2021): position enters inside attention, not
added to the token's vector. Each head's query and key are turned, pair of dimensions by pair,
by an angle that grows with the token's position; the values are not turned.

    RoPE rotates each pair of ADJACENT dimensions (2i, 2i+1) of q and k by the angle
    pos · θ_i with θ_i = base^(-2i/d), so q_m · k_n depends only on m − n and on q and k.

Leaves out: NTK/YaRN scaling of RoPE. (Llama's code pairs dimension i with i + d/2; the maths
is the same up to a permutation of dimensions.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int, as_number, as_seed, as_vector

__kernels__ = ("rope_rotation", "rope_relative", "rope_wheel", "rope_explorer")


def frequencies(d: int, base: float = 10000.0) -> np.ndarray:
    """Each of the d/2 pairs' turn per position, θ_i = base^(-2i/d).

    Example: ``frequencies(4, 100)`` -> [1.0, 0.1]
    """
    return base ** (-np.arange(0, d, 2) / d)  # (d/2,)


def rope(x: np.ndarray, positions: np.ndarray, base: float = 10000.0) -> np.ndarray:
    """Rotate adjacent pairs of the last axis of x (T, d) by position · θ_i.

    Example: ``rope(np.array([[1.0, 0.0]]), np.array([np.pi / 2]))`` -> [[0, 1]]
    """
    angles = positions[:, None] * frequencies(x.shape[-1], base)[None, :]  # (T, d/2)
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
    theta = frequencies(v.size, b)
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


def rope_wheel(pair: Any = 0, positions: Any = 8, d: Any = 64, base: Any = 10000.0) -> dict:
    """Where RoPE turns the unit vector (1, 0) of dimension pair ``pair`` at positions 0, 1, …

    Example: ``rope_wheel(0, 2)["angles"]`` -> [0, 1] (pair 0 turns one radian per position)
    """
    dim = as_int(d, "d", 2, 1024)
    i = as_int(pair, "pair", 0, dim // 2 - 1)
    theta = float(as_number(base, "base", 1.0, 1e9) ** (-2 * i / dim))
    angles = np.arange(as_int(positions, "positions", 1, 64)) * theta
    return {
        "pair": i,
        "theta": theta,
        "wavelength": 2 * np.pi / theta,
        "angles": angles,
        "points": np.stack([np.cos(angles), np.sin(angles)], axis=1),  # (P, 2)
    }


def rope_explorer(pair: Any = 0, offset: Any = 2, d: Any = 64, seed: Any = 0) -> dict:
    """What the RoPE widget draws for a head of ``d`` dimensions: the wheel of one pair, and one
    random query and key scored at every start m with the key ``offset`` positions later (one
    score, whatever m), beside the score one position further apart (another). Scores are
    divided by √d, as attention divides them.

    Example: ``rope_explorer(offset=2)["scores"]`` -> six equal numbers
    """
    dim = as_int(d, "d", 2, 1024)
    if dim % 2:
        raise ValueError("d: must be even (RoPE turns pairs of dimensions)")
    gap = as_int(offset, "offset", 0, 64)
    rng = np.random.default_rng(as_seed(seed))
    q, k = rng.normal(size=dim), rng.normal(size=dim)
    scale = 1 / np.sqrt(dim)
    same = rope_relative(q, k, gap, 6)
    return {
        "wheel": rope_wheel(pair, 8, dim),
        "offset": gap,
        "m": same["m"],
        "key_at": same["m"] + gap,
        "scores": same["scores"] * scale,
        "further": float(rope_relative(q, k, gap + 1, 1)["scores"][0]) * scale,
        "unrotated": same["unrotated"] * scale,
    }
