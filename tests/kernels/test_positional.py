"""Sinusoidal positions, learned positions and RoPE, with RoPE's relative property."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyodide_kernels.maths.positional import (
    learned_positions,
    rope,
    rope_relative,
    rope_rotation,
    sinusoidal_table,
)


def test_sinusoidal_table_matches_its_formula():
    table = np.array(sinusoidal_table(50, 16)["table"])
    pos, i = 7, 3
    assert table[pos, 2 * i] == pytest.approx(np.sin(pos / 10000 ** (2 * i / 16)))
    assert table[pos, 2 * i + 1] == pytest.approx(np.cos(pos / 10000 ** (2 * i / 16)))
    assert table[0].tolist() == [0, 1] * 8
    with pytest.raises(ValueError, match="d: must be even"):
        sinusoidal_table(4, 5)


def test_learned_positions_add_one_row_per_position():
    table = np.arange(12.0).reshape(4, 3)
    result = learned_positions(table.tolist(), [[1, 1, 1], [2, 2, 2]])
    assert result["positions"].tolist() == [0, 1]
    assert result["sum"].tolist() == [[1, 2, 3], [5, 6, 7]]
    with pytest.raises(ValueError, match="token_vectors: at most 4 tokens"):
        learned_positions(table.tolist(), np.zeros((5, 3)).tolist())
    with pytest.raises(ValueError, match="token_vectors: rows need 3 values"):
        learned_positions(table.tolist(), [[1, 1]])


@given(st.integers(-20, 20), st.lists(st.floats(-5, 5), min_size=4, max_size=4))
def test_rope_keeps_length_and_scores_depend_only_on_the_offset(offset, values):
    result = rope_relative(values, values[::-1], offset, 6)
    assert np.allclose(result["scores"], result["scores"][0], atol=1e-9)
    rotated = rope_rotation(values, 5)["rotated"]
    assert np.linalg.norm(rotated) == pytest.approx(np.linalg.norm(values), abs=1e-9)


def test_rope_at_position_zero_changes_nothing_and_offset_zero_is_the_plain_dot():
    q, k = [1.0, 2.0, 3.0, 4.0], [0.5, -1.0, 2.0, 0.0]
    assert rope_rotation(q, 0)["rotated"].tolist() == q
    assert np.allclose(rope_relative(q, k, 0)["scores"], np.dot(q, k))
    assert not np.allclose(rope_relative(q, k, 3)["scores"], np.dot(q, k))  # the gap matters


def test_rope_pairs_adjacent_dimensions_like_a_complex_rotation():
    x = np.random.default_rng(0).normal(size=(5, 8))
    positions = np.arange(5.0)
    theta = 10000 ** (-np.arange(0, 8, 2) / 8)
    as_complex = (x[:, 0::2] + 1j * x[:, 1::2]) * np.exp(1j * positions[:, None] * theta)
    expected = np.stack([as_complex.real, as_complex.imag], axis=-1).reshape(5, 8)
    assert np.allclose(rope(x, positions), expected)
    assert rope(x.astype(np.float32), positions).dtype == np.float32


def test_odd_widths_are_refused():
    with pytest.raises(ValueError, match="vector: needs an even number"):
        rope_rotation([1, 2, 3], 1)
    with pytest.raises(ValueError, match="k: q and k need the same"):
        rope_relative([1, 2], [1, 2, 3, 4])
