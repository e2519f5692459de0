"""Cost models: work and memory with and without a KV cache; a CPU-versus-GPU matmul schedule."""

from __future__ import annotations

import numpy as np
import pytest

from pyodide_kernels.maths.costs import kv_cache_costs, matmul_schedule


def brute_force_macs(length, d, inner):
    """Count one layer's multiply-adds for a full causal pass over ``length`` tokens, one by one,
    matrix by matrix."""
    total = 0
    for t in range(1, length + 1):
        for rows, cols in [(d, d), (d, d), (d, d), (d, d), (d, inner), (inner, d)]:
            total += rows * cols  # W_Q, W_K, W_V, W_O, the MLP's two matrices, for token t
        total += t * d + t * d  # its scores against t keys, and mixing t values
    return total


@pytest.mark.parametrize(
    ("prompt", "new", "d", "layers", "inner"),
    [(1, 2, 1, 1, None), (8, 8, 16, 2, None), (3, 20, 7, 3, 10)],
)
def test_step_costs_match_a_brute_force_count(prompt, new, d, layers, inner):
    result = kv_cache_costs(prompt, new, d, layers, inner=inner)
    m = 4 * d if inner is None else inner
    assert result["prefill"] == layers * brute_force_macs(prompt, d, m)
    for step, length in enumerate(result["lengths"]):
        assert result["without_cache"][step] == layers * brute_force_macs(int(length), d, m)
        # with the cache: one new token through the layer, the rest read
        new_token = brute_force_macs(int(length), d, m) - brute_force_macs(int(length) - 1, d, m)
        assert result["with_cache"][step] == layers * new_token
    assert result["cumulative_with"][-1] == result["total_with"]
    assert result["cumulative_without"][-1] == result["total_without"]
    assert np.all(np.diff(result["cumulative_without"]) > 0)


def test_the_cache_saves_more_the_longer_the_text():
    small, large = kv_cache_costs(8, 8, 64, 2), kv_cache_costs(8, 256, 64, 2)
    assert np.all(small["with_cache"] < small["without_cache"])
    ratio = large["total_without"] / large["total_with"]
    assert ratio > small["total_without"] / small["total_with"]
    assert small["cache_bytes"][0] == 2 * 2 * 64 * 9 * 4
    assert small["rebuilt_bytes_without"][0] == 2 * 64 * 9 * 4


def test_matmul_schedule_counts_ticks():
    assert matmul_schedule(10, 3, 3, 4)["gpu_tick"].tolist() == [1, 1, 1, 1, 2, 2, 2, 2, 3, 3]
    assert matmul_schedule(10, 3, 3, 1)["cpu_ticks"] == 10
    assert matmul_schedule(64, 64, 64, 64)["speedup"] == 64
    assert matmul_schedule(4, 5, 6, 1000)["macs"] == 120
    with pytest.raises(ValueError, match="lanes"):
        matmul_schedule(lanes=0)
