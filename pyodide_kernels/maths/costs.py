"""What generating text costs: multiply-adds and memory with and without a KV cache, and a work
model of a matrix product done row by row (a CPU core) or many rows at once (a GPU).

Work counts multiply-adds (1 MAC = 2 FLOPs) of the attention projections and scores only, per
layer, for a model of width d: projecting one token to q, k, v costs 3d² MACs; scoring a query
against t keys and mixing t values costs 2·t·d. Without a cache, step n recomputes all n tokens;
with a cache, it computes only the newest token and reads the stored K and V. Prefill (the
prompt, processed once) costs the same either way; cumulative totals include it.

Memory: the cache holds 2 (K and V) × layers × d numbers per token. Without a cache nothing is
kept between steps, but each step rebuilds K and V for the whole sequence, one layer at a time.

Leaves out: the MLP and output layer (the same with or without a cache), memory bandwidth.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int

__kernels__ = ("kv_cache_costs", "matmul_schedule")


def kv_cache_costs(
    prompt: Any = 8, new_tokens: Any = 8, d: Any = 128, layers: Any = 4, bytes_per_number: Any = 4
) -> dict[str, Any]:
    """Per decode step: MACs without and with a cache, running totals (prefill included), the
    bytes the cache holds, and the K/V bytes one layer rebuilds per step without a cache.

    Example: ``kv_cache_costs(1, 2, 1, 1)["with_cache"]`` -> [7, 9] MACs for steps of length 2, 3
    """
    p = as_int(prompt, "prompt", 1, 100_000)
    n = as_int(new_tokens, "new_tokens", 1, 10_000)
    width = as_int(d, "d", 1, 100_000)
    depth = as_int(layers, "layers", 1, 1000)
    size = as_int(bytes_per_number, "bytes_per_number", 1, 8)
    lengths = p + np.arange(1, n + 1)  # sequence length at each decode step
    # without a cache: every token of the sequence is projected and attends causally
    without = depth * (3 * width**2 * lengths + width * lengths * (lengths + 1))
    # with a cache: only the newest token is projected; it attends to all stored keys
    with_cache = depth * (3 * width**2 + 2 * width * lengths)
    prefill = depth * (3 * width**2 * p + width * p * (p + 1))
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
        "unit": "multiply-adds (1 MAC = 2 FLOPs)",
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
