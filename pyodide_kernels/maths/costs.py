"""What generating text costs: multiply-adds and memory with and without a KV cache, and a work
model of a matrix product done row by row (a CPU core) or many rows at once (a GPU).

Work counts the multiply-adds (1 MAC = 2 FLOPs) of every layer of a block, for a model of width d
and MLP width m: each token's projections to q, k, v (3d²), the output projection W_O (d²) and
the MLP (2dm) cost (4d + 2m)·d; scoring a query against t keys and mixing t values costs 2·t·d.
Without a cache, step n runs all n tokens through every layer again; with a cache, only the
newest token, which reads the stored K and V. Prefill (the prompt, processed once) costs the same
either way; cumulative totals include it.

Memory: the cache holds 2 (K and V) × layers × d numbers per token. Without a cache nothing is
kept between steps, but each step rebuilds K and V for the whole sequence, one layer at a time.

Leaves out: the embeddings, norms and biases (a few numbers a token), the unembedding (the last
token's only, the same with or without a cache), memory bandwidth.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int

__kernels__ = ("kv_cache_costs", "matmul_schedule")


def kv_cache_costs(
    prompt: Any = 8,
    new_tokens: Any = 8,
    d: Any = 128,
    layers: Any = 4,
    bytes_per_number: Any = 4,
    inner: Any = None,
) -> dict[str, Any]:
    """Per decode step: MACs without and with a cache, running totals (prefill included), the
    bytes the cache holds, and the K/V bytes one layer rebuilds per step without a cache.
    ``inner`` is the MLP's width, 4·d unless given.

    Example: ``kv_cache_costs(1, 2, 1, 1)["with_cache"]`` -> [16, 18] MACs for steps of length 2,
    3 (12 for the token's projections and MLP, 2·t for attending to t tokens)
    """
    p = as_int(prompt, "prompt", 1, 100_000)
    n = as_int(new_tokens, "new_tokens", 1, 10_000)
    width = as_int(d, "d", 1, 100_000)
    depth = as_int(layers, "layers", 1, 1000)
    size = as_int(bytes_per_number, "bytes_per_number", 1, 8)
    mlp = 4 * width if inner is None else as_int(inner, "inner", 1, 1_000_000)
    per_token = (4 * width + 2 * mlp) * width  # q, k, v, W_O and the MLP, for one token
    lengths = p + np.arange(1, n + 1)  # sequence length at each decode step
    # without a cache: every token of the sequence goes through the layer and attends causally
    without = depth * (per_token * lengths + width * lengths * (lengths + 1))
    # with a cache: only the newest token goes through; it attends to all stored keys
    with_cache = depth * (per_token + 2 * width * lengths)
    prefill = depth * (per_token * p + width * p * (p + 1))
    return {
        "lengths": lengths,
        "without_cache": without,
        "with_cache": with_cache,
        "cumulative_without": prefill + np.cumsum(without),
        "cumulative_with": prefill + np.cumsum(with_cache),
        "total_without": int(prefill + without.sum()),
        "total_with": int(prefill + with_cache.sum()),
        "prefill": int(prefill),
        "cache_bytes": 2 * depth * width * lengths * size,
        "rebuilt_bytes_without": 2 * width * lengths * size,
        "per_token": per_token,
        "unit": "multiply-adds (1 MAC = 2 FLOPs) of every layer: q, k, v, attention, W_O, MLP",
    }


def matmul_schedule(rows: Any = 8, cols: Any = 8, inner: Any = 8, lanes: Any = 8) -> dict[str, Any]:
    """When each output row of an (rows × inner) · (inner × cols) product finishes, one row per
    tick on one lane (CPU) or ``lanes`` rows per tick (GPU).

    Example: ``matmul_schedule(4, 2, 2, 4)`` -> cpu_tick [1, 2, 3, 4], gpu_tick [1, 1, 1, 1]
    """
    r = as_int(rows, "rows", 1, 4096)
    c, k = as_int(cols, "cols", 1, 4096), as_int(inner, "inner", 1, 4096)
    parallel = as_int(lanes, "lanes", 1, 100_000)
    index = np.arange(r)
    cpu, gpu = index + 1, index // parallel + 1
    return {
        "cpu_tick": cpu,
        "gpu_tick": gpu,
        "macs": r * c * k,
        "cpu_ticks": int(cpu[-1]),
        "gpu_ticks": int(gpu[-1]),
        "speedup": float(cpu[-1] / gpu[-1]),
    }
