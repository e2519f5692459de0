"""Embeddings, positional encodings, mixture-of-experts routing and cost models."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyodide_kernels.costs import kv_cache_costs, matmul_schedule
from pyodide_kernels.embeddings import cosine_similarity, embedding_lookup, nearest_neighbours
from pyodide_kernels.moe import moe_route
from pyodide_kernels.positional import rope, rope_relative, rope_rotation, sinusoidal_table


def test_lookup_similarity_and_neighbours():
    table = [[1, 0], [0.9, 0.1], [0, 1], [-1, 0]]
    assert embedding_lookup(table, [2, 0])["vectors"].tolist() == [[0, 1], [1, 0]]
    assert cosine_similarity([1, 0], [1, 1])["cosine"] == pytest.approx(2**-0.5)
    assert cosine_similarity([1, 0], [-3, 0])["cosine"] == pytest.approx(-1)
    assert cosine_similarity([0, 0], [1, 0])["cosine"] == 0
    found = nearest_neighbours(table, 0, 3)
    assert found["ids"].tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="ids: must be integers from 0 to 3"):
        embedding_lookup(table, [4])


def test_sinusoidal_table_matches_its_formula():
    table = np.array(sinusoidal_table(50, 16)["table"])
    pos, i = 7, 3
    assert table[pos, 2 * i] == pytest.approx(np.sin(pos / 10000 ** (2 * i / 16)))
    assert table[pos, 2 * i + 1] == pytest.approx(np.cos(pos / 10000 ** (2 * i / 16)))
    assert table[0].tolist() == [0, 1] * 8
    with pytest.raises(ValueError, match="d: must be even"):
        sinusoidal_table(4, 5)


@given(st.integers(-20, 20), st.lists(st.floats(-5, 5), min_size=4, max_size=4))
def test_rope_keeps_length_and_scores_depend_only_on_the_offset(offset, values):
    scores = np.array(rope_relative(values, values[::-1], offset, 6)["scores"])
    assert np.allclose(scores, scores[0], atol=1e-9)
    rotated = rope_rotation(values, 5)["rotated"]
    assert np.linalg.norm(rotated) == pytest.approx(np.linalg.norm(values), abs=1e-9)


def test_rope_against_a_complex_number_rotation():
    x = np.random.default_rng(0).normal(size=(5, 8))
    positions = np.arange(5.0)
    theta = 10000 ** (-np.arange(0, 8, 2) / 8)
    as_complex = (x[:, 0::2] + 1j * x[:, 1::2]) * np.exp(1j * positions[:, None] * theta)
    expected = np.stack([as_complex.real, as_complex.imag], axis=-1).reshape(5, 8)
    assert np.allclose(rope(x, positions), expected)


@given(st.integers(1, 30), st.integers(1, 8), st.integers(0, 1000))
def test_moe_sends_each_token_to_k_experts_with_weights_summing_to_one(tokens, experts, seed):
    k = 1 + seed % experts
    result = moe_route(tokens, experts, k, 4, seed)
    assert result["experts"].shape == (tokens, k)
    assert np.allclose(result["weights"].sum(-1), 1.0)
    assert result["load"].sum() == tokens * k
    assert all(len(set(row)) == k for row in result["experts"].tolist())


def test_kv_cache_saves_work_that_grows_with_length():
    small, large = kv_cache_costs(8, 8, 64, 2), kv_cache_costs(8, 256, 64, 2)
    assert np.all(small["with_cache"] < small["without_cache"])
    assert (
        large["total_without"] / large["total_with"] > small["total_without"] / small["total_with"]
    )
    assert small["cache_bytes"][0] == 2 * 2 * 64 * 9 * 4


def test_matmul_schedule_counts_ticks():
    assert matmul_schedule(10, 3, 3, 4)["gpu_tick"].tolist() == [1, 1, 1, 1, 2, 2, 2, 2, 3, 3]
    assert matmul_schedule(10, 3, 3, 1)["cpu_ticks"] == 10
    assert matmul_schedule(64, 64, 64, 64)["speedup"] == 64
