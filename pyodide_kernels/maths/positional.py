"""Where a token stands, added to its vector: sinusoidal encodings (Vaswani et al. 2017) and
learned positions (a lookup table, as GPT-2). Rotary embeddings, which act inside attention
instead, are in rope.py.

    sinusoidal[pos, 2i]   = sin(pos / 10000^(2i/d))
    sinusoidal[pos, 2i+1] = cos(pos / 10000^(2i/d))

Leaves out: ALiBi.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int, as_matrix

__kernels__ = ("sinusoidal_table", "learned_positions")


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
