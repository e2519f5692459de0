"""Sinusoidal and learned positions."""

from __future__ import annotations

import numpy as np
import pytest

from pyodide_kernels.maths.positional import learned_positions, sinusoidal_table


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
