"""FlashAttention's tiled online softmax against PyTorch's scaled_dot_product_attention and the
site's plain attention, for every tile size; and its running numbers worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyodide_kernels.maths.tiled_attention import tiled_attention


@settings(max_examples=40, deadline=None)
@given(
    tokens=st.integers(1, 12), d=st.integers(1, 8), tile=st.integers(1, 12),
    causal=st.booleans(), seed=st.integers(0, 10_000),
)  # fmt: skip
def test_every_tile_size_gives_plain_attention(tokens, d, tile, causal, seed):
    result = tiled_attention(tile=tile, causal=causal, tokens=tokens, d=d, seed=seed)
    assert result["max_abs_difference"] < 1e-12
    assert len(result["steps"]) == math.ceil(tokens / min(tile, tokens)) or tile > tokens


@pytest.mark.parametrize("causal", [False, True])
def test_it_equals_torchs_attention(torch, causal):
    result = tiled_attention(tile=3, causal=causal, tokens=10, d=8, seed=4)
    q, k, v = (torch.tensor(np.asarray(result[name])) for name in ("q", "k", "v"))
    expected = torch.nn.functional.scaled_dot_product_attention(
        q[None], k[None], v[None], is_causal=causal
    )[0]
    np.testing.assert_allclose(result["output"], expected.numpy(), rtol=0, atol=1e-12)


def test_the_running_numbers_by_hand():
    """One query, four keys scoring 1, 3, 2, 0 (width 1, so nothing to scale), tiles of two:
    after the first tile the max is 3 and the sum e^(1−3) + e^0; the second tile's best, 2, is
    below 3, so nothing is corrected (c = 1) and its e^(2−3) + e^(0−3) are added."""
    result = tiled_attention(q=[[1]], k=[[1], [3], [2], [0]], v=[[1], [0], [0], [0]],
                             tile=2, causal=False)  # fmt: skip
    first, second = result["steps"]
    assert first["running_max"] == [3.0] and second["running_max"] == [3.0]
    assert first["running_sum"][0] == pytest.approx(math.exp(-2) + 1)
    assert second["correction"] == [1.0]
    total = math.exp(-2) + 1 + math.exp(-1) + math.exp(-3)
    assert second["running_sum"][0] == pytest.approx(total)
    assert result["output"][0][0] == pytest.approx(math.exp(-2) / total)


def test_a_larger_score_later_shrinks_what_came_before():
    result = tiled_attention(q=[[1]], k=[[0], [5]], v=[[1], [2]], tile=1, causal=False)
    assert result["steps"][1]["correction"][0] == pytest.approx(math.exp(-5))


def test_a_tile_holds_fewer_scores_and_bad_input_is_named():
    assert tiled_attention(tokens=8, tile=4)["held_scores"] == {"plain": 64, "tiled": 32}
    with pytest.raises(ValueError, match="tile"):
        tiled_attention(tile=0)
    with pytest.raises(ValueError, match="v: expected 2 rows"):
        tiled_attention(q=[[1]], k=[[1], [2]], v=[[1]])
