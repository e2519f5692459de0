"""Token embeddings: a lookup table from token id to vector, the position added to it, and
similarity between vectors.

    embed(ids) = E[ids]                     E: (vocab, d)
    input(t) = E[id_t] + P[t]               P: one row per position (learned or sinusoidal)
    cosine(a, b) = a·b / (|a| |b|)

Leaves out: learning the table (see the reference model), weight tying.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int, as_matrix, as_vector

__kernels__ = ("embedding_lookup", "input_vector", "cosine_similarity", "nearest_neighbours")


def embedding_lookup(table: Any, ids: Any) -> dict[str, Any]:
    """Rows of the table for the given ids. Example: ``embedding_lookup([[1, 0], [0, 1]], [1])``
    -> {"vectors": [[0, 1]]}"""
    e = as_matrix(table, "table")
    index = as_vector(ids, "ids")
    if np.any(index != np.round(index)) or np.any(index < 0) or np.any(index >= e.shape[0]):
        raise ValueError(f"ids: must be integers from 0 to {e.shape[0] - 1}")
    return {"ids": index.astype(int), "vectors": e[index.astype(int)]}


def input_vector(token: Any, position: Any) -> dict[str, Any]:
    """What the first block receives for one token: what the token is (its embedding) plus
    where it stands (its position's vector), number by number.

    Example (seed 002, "cat" at position 2): ``input_vector([0.78, 0.30, -0.12, 0.45],
    [0.91, -0.42, 0.14, -0.99])["input"]`` -> [1.69, -0.12, 0.02, -0.54]
    """
    t, p = as_vector(token, "token"), as_vector(position, "position")
    if t.shape != p.shape:
        raise ValueError(f"position: expected {t.size} numbers, like the token's vector")
    return {"token": t, "position": p, "input": t + p}


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of a with every row of b; zero vectors give 0.

    Example: ``cosine_matrix(np.eye(2), np.eye(2))`` -> [[1, 0], [0, 1]]
    """
    na = np.linalg.norm(a, axis=-1, keepdims=True)
    nb = np.linalg.norm(b, axis=-1, keepdims=True)
    return (a @ b.T) / np.maximum(na * nb.T, np.finfo(a.dtype).tiny)


def cosine_similarity(a: Any, b: Any) -> dict[str, Any]:
    """Cosine of the angle between two vectors. Example: ``cosine_similarity([1, 0], [1, 1])``
    -> {"cosine": 0.707, "dot": 1.0}"""
    va, vb = as_vector(a, "a"), as_vector(b, "b")
    if va.shape != vb.shape:
        raise ValueError(f"b: expected {va.size} values like a, got {vb.size}")
    return {
        "dot": float(va @ vb),
        "norm_a": float(np.linalg.norm(va)),
        "norm_b": float(np.linalg.norm(vb)),
        "cosine": float(cosine_matrix(va[None], vb[None])[0, 0]),
    }


def nearest_neighbours(table: Any, id: Any, n: Any = 5) -> dict[str, Any]:  # noqa: A002
    """The n rows most similar to row ``id`` by cosine, itself excluded, most similar first.

    Example: ``nearest_neighbours([[1, 0], [0.9, 0.1], [0, 1]], 0, 1)["ids"]`` -> [1]
    """
    e = as_matrix(table, "table")
    row = as_int(id, "id", 0, e.shape[0] - 1)
    count = as_int(n, "n", 1, max(1, e.shape[0] - 1))
    similarity = cosine_matrix(e[row][None], e)[0]  # (vocab,)
    similarity[row] = -np.inf
    order = np.argsort(-similarity, kind="stable")[:count]
    return {"ids": order, "cosine": similarity[order]}
